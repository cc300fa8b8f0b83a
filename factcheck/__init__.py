"""factcheck: does the source this text cites actually say that?

The light public names (data model, errors, settings) import at once; ``verify`` loads the
pipeline, and with it httpx and the matchers, only when first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from factcheck.errors import (
    ArticleError,
    CassetteError,
    ClaimSetError,
    FactcheckError,
    InputError,
    OutputError,
    ReportFileError,
    UsageError,
)
from factcheck.models import (
    Anchor,
    AnchorKind,
    Article,
    Claim,
    ClaimKind,
    ClaimResult,
    Evidence,
    Link,
    LinkKind,
    Passage,
    Report,
    Sentence,
    Source,
    SourceStatus,
    Verdict,
)
from factcheck.settings import FetchSettings, MatchSettings, Settings
from factcheck.version import __version__

if TYPE_CHECKING:
    from factcheck.pipeline import Recording, verify

__all__ = [
    "Anchor",
    "AnchorKind",
    "Article",
    "ArticleError",
    "CassetteError",
    "Claim",
    "ClaimKind",
    "ClaimResult",
    "ClaimSetError",
    "Evidence",
    "FactcheckError",
    "FetchSettings",
    "InputError",
    "Link",
    "LinkKind",
    "MatchSettings",
    "OutputError",
    "Passage",
    "Recording",
    "Report",
    "ReportFileError",
    "Sentence",
    "Settings",
    "Source",
    "SourceStatus",
    "UsageError",
    "Verdict",
    "__version__",
    "verify",
]

_LAZY = {"verify": "factcheck.pipeline", "Recording": "factcheck.pipeline"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'factcheck' has no attribute {name!r}")
