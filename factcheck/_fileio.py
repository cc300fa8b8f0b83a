"""Writing files at the edges: a file appears whole or not at all.

A file is first *staged* (written to a temporary file beside it and flushed to disk), then
renamed into place with ``os.replace``, which is atomic on one file system. Several files can be
staged first and renamed together, so a set of reports is never half old, half new.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from pathlib import Path

from factcheck.errors import OutputError

OUT_HINT = "choose a writable directory with --out"


def write_atomic(path: Path, data: str | bytes, *, hint: str = OUT_HINT) -> Path:
    """Write ``data`` to ``path`` through a staged temporary file and a rename."""
    payload = data.encode("utf-8", errors="replace") if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {path.parent}: {why(exc)}; {hint}") from exc
    tmp = stage(path, payload, hint=hint)
    try:
        replace_staged(tmp, path, hint=hint)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    return path


def stage(path: Path, data: bytes, *, hint: str = OUT_HINT) -> Path:
    """``data`` in a new temporary file beside ``path``, flushed to disk; OutputError if not."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        # 0o666 less the umask, like any new file: reports are meant to be read and published.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {why(exc)}; {hint}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException as exc:  # Ctrl-C included: no temporary file is left behind
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {path}: {why(exc)}; {hint}") from exc
        raise
    return tmp


def replace_staged(tmp: Path, path: Path, *, hint: str = OUT_HINT) -> None:
    """Rename a staged file into place."""
    try:
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {why(exc)}; {hint}") from exc


def why(exc: OSError) -> str:
    """An OSError in a few words a user can act on."""
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EROFS:
        return "read-only file system"
    return exc.strerror or str(exc)
