"""Errors factcheck raises on bad input or misuse; every message says what to fix.

A dead link is not an error: it becomes a Source with a status. These are for input a run
cannot use at all, and the CLI turns each into one ``Error: ...`` line and exit code 2.

    FactcheckError
    ├── InputError            an article, claim set or report that cannot be read
    │   ├── ArticleError      missing, a directory, binary, not text; a page not fetched
    │   ├── ClaimSetError     a claim set YAML that does not parse or does not fit the article
    │   ├── AnswersError      an answers JSONL line that is not an answer with its sources
    │   └── ReportFileError   a saved report.json that cannot be re-rendered
    ├── CassetteError         a cassette that does not parse, or replay that cannot proceed
    ├── OutputError           a report that cannot be written (unwritable directory, disk full)
    ├── ClusterError          a Dask scheduler that cannot be reached or went away, a worker
    │                         running another factcheck version
    └── UsageError            options that contradict each other or name unknown values

Every message names the file or option at fault and ends with what to do about it. Anything
else escaping a run is a bug: the CLI says so in one line (exit 3) and ``--debug`` (or
``FACTCHECK_DEBUG=1``) shows the traceback instead. Ctrl-C ends with exit 130 and no report
files (they are written all at once, at the end).

Internal signals never reach the user; each becomes a source status where it is raised:
``extract.UnsupportedContent`` (unsupported_type), ``guard.ForbiddenAddress``
(forbidden_address), ``transfer.TooLarge`` (too_large), ``recording.NotRecorded``
(not_recorded), ``pdftext.PdfError`` (a PDF that cannot be read).
"""

from __future__ import annotations


class FactcheckError(Exception):
    """Base class: a problem the user can fix, described in one line."""


class InputError(FactcheckError):
    """An input file cannot be used."""


class ArticleError(InputError):
    """The article cannot be read as text."""


class ClaimSetError(InputError):
    """The claim set cannot be loaded."""


class AnswersError(InputError):
    """A line of an answers file cannot be read as an answer."""


class ReportFileError(InputError):
    """A saved report.json cannot be loaded."""


class CassetteError(FactcheckError):
    """A cassette cannot be loaded or replayed."""


class OutputError(FactcheckError):
    """A report file cannot be written."""


class ClusterError(FactcheckError):
    """The Dask cluster named by ``--scheduler`` cannot do the job."""


class UsageError(FactcheckError):
    """The options given do not make sense together."""
