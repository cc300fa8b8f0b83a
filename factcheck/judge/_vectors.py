"""Sentence vectors kept between runs, so a text is encoded once per machine.

Encoding is most of the cost of judging a claim (a window of three sentences takes the model
about 10 ms), and the same texts come back run after run: the claims and sources of an article
re-checked after an edit, a CI job replaying its cassettes on every push, the common words the
cross-language alignment encodes one by one. The vectors are stored as their exact float32
bytes in an SQLite file in the user's cache (``factcheck._cache``), keyed by a hash of the text,
in a file named for the model they came from. Each process (and thread) opens a connection of
its own, so forked workers never share one, and writes what it encoded in a few large
transactions (``embed.save_vectors``); several may write at once. The file holds
at most MAX_VECTORS, the oldest dropped first. Any error (a read-only or full disk, a locked or
damaged file) turns the store off for the process: it is a cache, and judging goes on without.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

MAX_VECTORS = 32_768  # 2 KiB each: about 70 MB on disk at most
LOOKUP_CHUNK = 500  # keys per SELECT (SQLite limits the parameters of one statement)
TIMEOUT_SECONDS = 2.0  # to wait for another process's write before giving up on this one


class VectorCache:
    """The vectors stored at ``path`` for one model (``dimensions`` floats each)."""

    def __init__(self, path: Path, dimensions: int) -> None:
        self.path = path
        self.dimensions = dimensions
        self.enabled = True
        self._connections: dict[tuple[int, int], sqlite3.Connection] = {}

    def get(self, texts: Sequence[str]) -> dict[str, npt.NDArray[np.float32]]:
        """The stored vectors of those ``texts`` that have one (read-only arrays)."""
        import numpy as np

        if not self.enabled or not texts or not self.path.is_file():
            return {}
        by_key = {_key(text): text for text in texts}
        keys = list(by_key)
        found: dict[str, npt.NDArray[np.float32]] = {}

        def look_up(connection: sqlite3.Connection) -> None:
            for start in range(0, len(keys), LOOKUP_CHUNK):
                chunk = keys[start : start + LOOKUP_CHUNK]
                rows = connection.execute(
                    f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(chunk))})",
                    chunk,
                )
                for key, blob in rows:
                    vector = np.frombuffer(blob, dtype=np.float32)
                    if vector.shape == (self.dimensions,):
                        found[by_key[key]] = vector

        self._transaction(look_up)
        return found

    def put(self, texts: Sequence[str], rows: npt.NDArray[np.float32]) -> None:
        """Store the vectors of ``texts`` (one row each), dropping the oldest beyond the cap."""
        if not self.enabled or not texts:
            return

        def store(connection: sqlite3.Connection) -> None:
            connection.executemany(
                "INSERT OR IGNORE INTO vectors (key, vector) VALUES (?, ?)",
                zip(map(_key, texts), (row.tobytes() for row in rows), strict=True),
            )
            connection.execute(
                "DELETE FROM vectors WHERE rowid <= (SELECT MAX(rowid) FROM vectors) - ?",
                (MAX_VECTORS,),
            )

        self._transaction(store)

    def _transaction(self, work: Callable[[sqlite3.Connection], None]) -> None:
        """Run ``work`` in one transaction, committed on success. An error turns the store
        off (and removes a file that is not a database)."""
        try:
            connection = self._connection()
            with connection:
                work(connection)
        except sqlite3.DatabaseError as error:
            self._turn_off()
            if "not a database" in str(error) or "malformed" in str(error):
                for suffix in ("", "-journal", "-wal", "-shm"):
                    with contextlib.suppress(OSError):
                        Path(f"{self.path}{suffix}").unlink()
        except OSError:
            self._turn_off()

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use. A forked child opens its own and
        leaves the one it inherited alone: closing that would act on the parent's file."""
        owner = (os.getpid(), threading.get_ident())
        connection = self._connections.get(owner)
        if connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=TIMEOUT_SECONDS)
            self._connections[owner] = connection
            # Writes do not wait for the disk: a machine's crash can lose or damage the file,
            # and a damaged file is removed on the next error.
            connection.execute("PRAGMA synchronous=OFF")
            connection.execute(
                "CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL)"
            )
        return connection

    def _turn_off(self) -> None:
        self.enabled = False
        connection = self._connections.pop((os.getpid(), threading.get_ident()), None)
        if connection is not None:
            connection.close()


def _key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
