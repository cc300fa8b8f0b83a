"""The summary a person sees on the terminal after a run: verdict counts and each claim's verdict.

Rendering only: the CLI makes the rich Console, which decides colour (only on a terminal, never
when NO_COLOR is set). Every verdict is written in words, so nothing depends on colour, and
article text goes in as plain Text, never parsed as rich markup.
"""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from factcheck.models import Report, Verdict
from factcheck.report._common import VERDICT_WORDS, best_evidence, claim_text, not_obtained

__all__ = ["VERDICT_STYLES", "claims_table", "render_summary", "summary_table"]

VERDICT_STYLES: dict[Verdict, str] = {
    Verdict.SUPPORTED: "green",
    Verdict.PARTIALLY_SUPPORTED: "yellow",
    Verdict.NOT_SUPPORTED: "dark_orange",
    Verdict.CONTRADICTED: "bold red",
    Verdict.UNVERIFIABLE: "dim",
}
_CLAIM_CHARS = 60  # cells of claim text shown at most
_TABLE_CHROME = 13  # borders and padding of a four-column table


def _verdict_text(verdict: Verdict) -> Text:
    return Text(VERDICT_WORDS[verdict], style=VERDICT_STYLES[verdict])


def summary_table(report: Report) -> Table:
    """Verdict counts, every verdict listed (zero included), with the total."""
    table = Table(title="Verdicts", title_justify="left", show_footer=True)
    table.add_column("Verdict", footer="total")
    table.add_column("Claims", justify="right", footer=str(len(report.results)))
    counts = report.summary
    for verdict in Verdict:
        table.add_row(_verdict_text(verdict), str(counts[verdict.value]))
    return table


def claims_table(report: Report, width: int = 100) -> Table:
    """One row per claim: id, verdict in words, the best quote's source, and the claim cut to
    fit a terminal ``width`` cells wide (Chinese characters take two)."""
    words = max(map(len, VERDICT_WORDS.values()))
    text_width = max(10, min(_CLAIM_CHARS, width - (5 + words + 6 + _TABLE_CHROME)))
    table = Table(title="Claims", title_justify="left")
    table.add_column("Claim", no_wrap=True, min_width=5)
    # Verdict words are never cut: they, not the colour, carry the meaning.
    table.add_column("Verdict", no_wrap=True, min_width=words)
    table.add_column("Source", no_wrap=True, min_width=6)
    table.add_column("Text", no_wrap=True)
    for result in report.results:
        best = best_evidence(result)
        text = Text(" ".join(claim_text(result.claim.text).split()))
        text.truncate(text_width, overflow="ellipsis")
        table.add_row(
            Text(result.claim.id),
            _verdict_text(result.verdict),
            Text(best.source_id if best else "—"),
            text,
        )
    return table


def render_summary(report: Report, console: Console) -> None:
    """Print the verdict counts, the claims and what was not obtained on the given console."""
    parts: list[RenderableType] = [summary_table(report)]
    if report.results:
        parts.append(claims_table(report, console.width))
    missing = not_obtained(report)
    if missing:
        line = Text(f"{len(missing)} of {len(report.sources)} sources not obtained: ")
        line.append(", ".join(f"{s.id} {s.status.value}" for s in missing))
        parts.append(line)
    console.print(Group(*parts))
