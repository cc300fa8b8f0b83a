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
    private module named there (relative to the package), once; other names raise AttributeError."""

    def __getattr__(name: str) -> Any:
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        globals_ = importlib.import_module(package).__dict__
        globals_[name] = value  # later lookups skip __getattr__
        return value

    return __getattr__
