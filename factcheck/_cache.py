"""The user's cache directory: files derived from installed data, rebuilt whenever in doubt.

Some shipped data is slow to read in its shipped form (CC-CEDICT takes seconds to parse, the
sentence model's weights a quarter of a second to unpack and lay out), so the first process writes
a quicker form here and later ones read that. Every entry is named by a key over what it was
made from; a missing, stale or corrupt entry is rebuilt, and where nothing can be written the
slow path simply runs each time.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

STALE_AFTER = 86_400.0  # seconds an entry for another key is kept (another checkout may use it)


def cache_dir() -> Path:
    """``$FACTCHECK_CACHE_DIR``, else ``$XDG_CACHE_HOME/factcheck``, else ``~/.cache/factcheck``."""
    explicit = os.environ.get("FACTCHECK_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "factcheck"


def prune(directory: Path, pattern: str, keep_prefix: str) -> None:
    """Remove day-old entries (files or directories) matching ``pattern`` that are not for the
    current key."""
    now = time.time()
    with contextlib.suppress(OSError):
        for stale in directory.glob(pattern):
            if not stale.name.startswith(keep_prefix) and now - stale.stat().st_mtime > STALE_AFTER:
                remove(stale)


def remove(entry: Path) -> None:
    """Remove a cache entry, file or directory, as far as it can be."""
    if entry.is_dir() and not entry.is_symlink():
        shutil.rmtree(entry, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            entry.unlink(missing_ok=True)


@contextlib.contextmanager
def building(directory: Path, name: str) -> Iterator[None]:
    """Hold the lock for building the entry ``name`` in ``directory``: processes that start
    together on an empty cache build it once, the others waiting here and then reading what the
    first wrote. Where no lock file can be made, nothing is held (each builds its own copy)."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle = os.open(directory / f".{name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield
        return
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock
