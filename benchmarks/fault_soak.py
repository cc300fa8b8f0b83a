"""Fault soak (issue 6): many cited links, a fixed share of the answers failing at random.

A generated article cites ``--links`` pages on loopback servers (127.0.0.1-127.0.0.N), one claim
per link. Every answer the servers give fails with probability ``--fault-rate`` (seeded): a TCP
reset, a 503, a 500, a body cut short of its Content-Length, or a stall past the timeout. The
real ``factcheck.pipeline.verify`` runs over it (address guard open for loopback, Wayback off),
then every report format is written. Checked:

* every claim is in the report, in every format;
* each source's status is the one the fetcher's retry policy predicts for its answers
  (resets, 503s and cut bodies are retried up to ``retries`` times; a 500 is final; a stall
  ends as ``timeout``), so transient faults recovered by retries are counted exactly;
* a claim whose source was not obtained is ``unverifiable``, never ``not_supported``;
* peak RSS stays under ``--max-rss-mb``.

It prints the figures (``--json`` for a machine-readable line) and exits 1 when a check fails.
Nothing here imitates a real site: the pages are made-up fixture prose.

Run: .venv/bin/python benchmarks/fault_soak.py [--links 200] [--fault-rate 0.3] [--seed 6]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import re
import resource
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from server import LocalServer, Reply, Request  # noqa: E402

from factcheck.claims import extract_claims, parse_article  # noqa: E402
from factcheck.models import Report, SourceStatus, Verdict  # noqa: E402
from factcheck.pipeline import verify  # noqa: E402
from factcheck.report._write import FORMATS, ReportOptions, write_reports  # noqa: E402
from factcheck.settings import FetchSettings, Settings  # noqa: E402

# Share of each fault among the failing answers.
FAULTS: dict[str, float] = {
    "reset": 0.30,  # TCP reset before the status line: retried
    "503": 0.25,  # Service Unavailable: retried
    "truncated": 0.20,  # Content-Length larger than the body, then the connection closes: retried
    "stall": 0.15,  # no answer within the timeout: final, status timeout
    "500": 0.10,  # Internal Server Error: final, status http_error
}
RETRIED = frozenset({"reset", "503", "truncated"})
FILLER = (
    "The Widget Council publishes regional figures every quarter, drawn from the returns of "
    "member factories and checked against shipping records before release.",
    "Members said that supplies of brass remained tight and that shipping costs could rise "
    "again before the winter, although orders for the new season looked strong.",
)


@dataclass(frozen=True, slots=True)
class LinkPlan:
    """One cited link: where it lives, the claim citing it, and its answer to each attempt."""

    number: int
    host: str
    percent: int
    outcomes: tuple[str, ...]  # "ok" or a fault name, one per attempt the fetcher may make

    @property
    def path(self) -> str:
        return f"/region/{self.number}"

    @property
    def claim(self) -> str:
        return f"In region {self.number}, widget sales rose {self.percent}% in 2024."

    def expected(self) -> tuple[str, int]:
        """The status the retry policy must end in, and the attempts it takes."""
        for attempt, outcome in enumerate(self.outcomes, start=1):
            if outcome == "ok":
                return SourceStatus.OK.value, attempt
            if outcome == "stall":
                return SourceStatus.TIMEOUT.value, attempt
            if outcome == "500" or attempt == len(self.outcomes):
                final = "http_error" if outcome in ("500", "503") else "network_error"
                return final, attempt
        raise AssertionError("unreachable")


@dataclass
class Soak:
    """The servers' side: answers by plan, counted."""

    plans: dict[str, LinkPlan]
    timeout: float
    hits: Counter[str] = field(default_factory=Counter)
    served: Counter[str] = field(default_factory=Counter)  # outcome -> answers given
    extra: int = 0  # requests beyond the planned attempts (should stay 0)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def route(self, request: Request) -> Reply:
        plan = self.plans[request.path]
        with self.lock:
            self.hits[request.path] += 1
            attempt = self.hits[request.path]
            if attempt > len(plan.outcomes):
                self.extra += 1
            outcome = plan.outcomes[min(attempt, len(plan.outcomes)) - 1]
            self.served[outcome] += 1
        page = page_html(plan)
        headers = [("Content-Type", "text/html; charset=utf-8")]
        if outcome == "reset":
            return Reply(reset=True)
        if outcome in ("503", "500"):
            body = b"<html><body><h1>Server busy</h1></body></html>"
            return Reply(int(outcome), headers, body)
        if outcome == "truncated":
            return Reply(200, headers, page[: len(page) // 3], content_length=len(page))
        if outcome == "stall":
            return Reply(200, headers, page, delay=self.timeout * 3)
        return Reply(200, headers, page)


def page_html(plan: LinkPlan) -> bytes:
    paragraphs = (
        FILLER[0],
        f"In region {plan.number}, widget sales rose {plan.percent}% in 2024, the council said "
        f"in its report for region {plan.number}.",
        FILLER[1],
    )
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    title = f"Widget sales in region {plan.number}"
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<article><h1>{title}</h1><p class='byline'>By Sam Fixture</p>{body}</article>"
        "</body></html>"
    ).encode()


def make_plans(
    links: int, hosts: Sequence[str], fault_rate: float, seed: int, attempts: int
) -> list[LinkPlan]:
    rng = random.Random(seed)
    names, weights = list(FAULTS), list(FAULTS.values())
    plans = []
    for number in range(1, links + 1):
        outcomes = tuple(
            rng.choices(names, weights)[0] if rng.random() < fault_rate else "ok"
            for _ in range(attempts)
        )
        host = hosts[(number - 1) % len(hosts)]
        plans.append(LinkPlan(number, host, rng.randint(2, 60), outcomes))
    return plans


def article_text(urls: dict[str, LinkPlan]) -> str:
    lines = ["---", "title: Widget sales by region", "date: 2024-08-08", "---", ""]
    for url, plan in urls.items():
        lines += [f"{plan.claim[:-1]} ([council report]({url})).", ""]
    return "\n".join(lines)


def missing_claims(report: Report, text: str) -> int:
    """How many of the report's claims a rendered report does not name (by id, whole word)."""
    words = set(re.findall(r"[\w-]+", text))
    return sum(1 for result in report.results if result.claim.id not in words)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def serve(args: argparse.Namespace, hosts: Sequence[str], attempts: int, conn: Connection) -> None:
    """The servers, in a process of their own (as real sites are): their threads then never
    compete with the fetcher's event loop for the GIL. Sends the URLs, waits for "stop", and
    sends back what was answered."""
    plans = make_plans(args.links, hosts, args.fault_rate, args.seed, attempts)
    soak = Soak({plan.path: plan for plan in plans}, args.timeout)
    servers = {host: LocalServer(host).start() for host in hosts}
    for server in servers.values():
        server.route("/region/*", soak.route)
    conn.send([f"{servers[plan.host].url}{plan.path}" for plan in plans])
    conn.recv()
    for server in servers.values():
        server.stop()
    conn.send((dict(soak.hits), dict(soak.served), soak.extra))


def run(args: argparse.Namespace) -> dict[str, Any]:
    hosts = [f"127.0.0.{n}" for n in range(1, args.hosts + 1)]
    fetch = FetchSettings(
        timeout=args.timeout,
        retries=args.retries,
        backoff_base=args.backoff,
        allow_private=True,
        wayback=False,
    )
    attempts = fetch.retries + 1
    plans = make_plans(args.links, hosts, args.fault_rate, args.seed, attempts)
    ours, theirs = multiprocessing.Pipe()
    child = multiprocessing.get_context("spawn").Process(
        target=serve, args=(args, hosts, attempts, theirs), daemon=True
    )
    child.start()
    try:
        urls = dict(zip(ours.recv(), plans, strict=True))
        article = parse_article(article_text(urls), "soak.md")
        claims = extract_claims(article)
        rss_before = peak_rss_mb()
        start = time.perf_counter()
        report = verify(article, claims, Settings(fetch=fetch))
        wall = time.perf_counter() - start
        ours.send("stop")
        hits, served, extra = ours.recv()
    finally:
        child.join(timeout=10)
        if child.is_alive():
            child.kill()
    soak = Soak({}, args.timeout, Counter(hits), Counter(served), extra)
    with tempfile.TemporaryDirectory() as out:
        written = write_reports(report, Path(out), list(FORMATS), ReportOptions())
        missing_in = {path.name: missing_claims(report, path.read_text()) for path in written}
    return figures(args, urls, soak, claims, report, wall, rss_before, missing_in)


def figures(
    args: argparse.Namespace,
    urls: dict[str, LinkPlan],
    soak: Soak,
    claims: Sequence[Any],
    report: Report,
    wall: float,
    rss_before: float,
    missing_in: dict[str, int],
) -> dict[str, Any]:
    by_url = {source.url: source for source in report.sources}
    wrong: list[str] = []
    recovered = faults_recovered = 0
    statuses: Counter[str] = Counter()
    for url, plan in urls.items():
        source = by_url[url]
        status, attempts = plan.expected()
        statuses[source.status.value] += 1
        if source.status.value != status:
            wrong.append(f"{url}: {source.status.value}, expected {status} {plan.outcomes}")
        if status == "ok" and attempts > 1 and source.status is SourceStatus.OK:
            recovered += 1
            faults_recovered += attempts - 1
    cited = {url for claim in claims for url in claim.source_urls}
    lost = [
        result.claim.id
        for result in report.results
        if result.verdict is Verdict.NOT_SUPPORTED
        and not all(by_url[url].ok for url in result.claim.source_urls)
    ]
    answers = sum(soak.served.values())
    faults = answers - soak.served["ok"]
    retried_faults = sum(soak.served[name] for name in RETRIED)
    rss_peak = peak_rss_mb()
    result = {
        "links": len(urls),
        "hosts": args.hosts,
        "seed": args.seed,
        "fault_rate": args.fault_rate,
        "answers": answers,
        "faulty_answers": faults,
        "observed_fault_rate": round(faults / answers, 3) if answers else 0.0,
        "faults": {name: soak.served[name] for name in FAULTS},
        "retryable_faults": retried_faults,
        "faults_recovered_by_retries": faults_recovered,
        "links_recovered_by_retries": recovered,
        "extra_requests": soak.extra,
        "statuses": dict(sorted(statuses.items())),
        "status_mismatches": wrong,
        "claims": len(claims),
        "claims_in_report": len(report.results),
        "claims_citing_their_link": sum(1 for c in claims if len(c.source_urls) == 1),
        "links_cited": len(cited),
        "claims_missing_per_format": missing_in,
        "verdicts": report.summary,
        "not_supported_with_missing_source": lost,
        "wall_s": round(wall, 2),
        "rss_before_mb": round(rss_before, 1),
        "peak_rss_mb": round(rss_peak, 1),
    }
    result["problems"] = problems(result, args)
    result["ok"] = not result["problems"]
    return result


def problems(result: dict[str, Any], args: argparse.Namespace) -> list[str]:
    found = []
    if result["claims"] != result["links"] or result["claims_in_report"] != result["links"]:
        found.append(f"{result['claims_in_report']} claims in the report for {result['links']}")
    if result["links_cited"] != result["links"]:
        found.append(f"only {result['links_cited']} of {result['links']} links cited by claims")
    if any(result["claims_missing_per_format"].values()):
        found.append(f"claims missing from formats: {result['claims_missing_per_format']}")
    if result["status_mismatches"]:
        found.append(f"{len(result['status_mismatches'])} statuses differ from the policy")
    if result["extra_requests"]:
        found.append(f"{result['extra_requests']} requests beyond the planned attempts")
    if result["not_supported_with_missing_source"]:
        found.append("claims not_supported although their source was not obtained")
    if result["peak_rss_mb"] > args.max_rss_mb:
        found.append(f"peak RSS {result['peak_rss_mb']} MB over {args.max_rss_mb} MB")
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--links", type=int, default=200)
    parser.add_argument("--hosts", type=int, default=10, help="loopback hosts 127.0.0.1-N")
    parser.add_argument("--fault-rate", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--timeout", type=float, default=1.0, help="seconds per request")
    parser.add_argument("--retries", type=int, default=2)
    parser.add_argument("--backoff", type=float, default=0.05, help="backoff base, seconds")
    parser.add_argument("--max-rss-mb", type=float, default=1500.0)
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args = parser.parse_args(argv)
    result = run(args)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            if key == "status_mismatches":
                value = value[:10]
            print(f"{key:>34}: {value}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
