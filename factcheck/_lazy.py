"""Lazy exports for the stage packages: a name is imported from its private module on first use.

A stage's ``__init__`` lists its public names and the private module each lives in, so
``from factcheck.fetch import fetch_sources`` works while ``import factcheck.fetch`` itself loads
nothing heavy (httpx, numpy, trafilatura stay unloaded until a stage really runs).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def exports(package: str, table: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package`` that resolves each name in ``table`` from the
    private module named there (relative to the package); other names raise AttributeError.

    Nothing is copied into the package: a name is looked up in its module each time, so the
    package always gives what the module holds now (a test's monkeypatch included). The
    function's ``names`` attribute lists the names it resolves."""

    def __getattr__(name: str) -> Any:
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{module}"), name)

    __getattr__.names = frozenset(table)  # type: ignore[attr-defined]
    return __getattr__
