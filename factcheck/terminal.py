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
from factcheck.report_common import VERDICT_WORDS, best_evidence, clean_text, not_obtained

__all__ = ["VERDICT_STYLES", "claims_table", "render_summary", "summary_table"]

VERDICT_STYLES: dict[Verdict, str] = {
    Verdict.SUPPORTED: "green",
    Verdict.PARTIALLY_SUPPORTED: "yellow",
    Verdict.NOT_SUPPORTED: "dark_orange",
    Verdict.CONTRADICTED: "bold red",
    Verdict.UNVERIFIABLE: "dim",
}
_CLAIM_CHARS = 60


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


def claims_table(report: Report) -> Table:
    """One row per claim: id, verdict in words, the claim (cut), the best quote's source."""
    table = Table(title="Claims", title_justify="left")
    table.add_column("Claim", no_wrap=True)
    table.add_column("Verdict", no_wrap=True)
    table.add_column("Text", overflow="ellipsis", no_wrap=True, max_width=_CLAIM_CHARS)
    table.add_column("Best source", no_wrap=True)
    for result in report.results:
        best = best_evidence(result)
        table.add_row(
            Text(result.claim.id),
            _verdict_text(result.verdict),
            Text(" ".join(clean_text(result.claim.text).split())),
            Text(best.source_id if best else "—"),
        )
    return table


def render_summary(report: Report, console: Console) -> None:
    """Print the verdict counts, the claims and what was not obtained on the given console."""
    parts: list[RenderableType] = [summary_table(report)]
    if report.results:
        parts.append(claims_table(report))
    missing = not_obtained(report)
    if missing:
        line = Text(f"{len(missing)} of {len(report.sources)} sources not obtained: ")
        line.append(", ".join(f"{s.id} {s.status.value}" for s in missing))
        parts.append(line)
    console.print(Group(*parts))
