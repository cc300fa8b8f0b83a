"""The ``factcheck`` command: parse options, read and write files, print, and set the exit code.

This is the only module that prints. Library errors become one ``Error: ...`` line and exit
code 2; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

import click

from factcheck.errors import FactcheckError, UsageError
from factcheck.models import Verdict
from factcheck.settings import MODELS
from factcheck.version import __version__

if TYPE_CHECKING:
    from rich.console import Console

    from factcheck.models import Article, Claim, RejectedLine, Report, Source
    from factcheck.pipeline import Recording
    from factcheck.report import ReportOptions

EXIT_OK = 0
EXIT_FAIL_ON = 1  # done, but a verdict named in --fail-on occurred
EXIT_BAD_INPUT = 2
EXIT_BUG = 3  # an unexpected error: a bug in factcheck
EXIT_INTERRUPTED = 130

FORMATS = ("md", "json", "html", "claimreview", "junit")
RECORD_MODES = ("none", "once", "new_episodes", "all")
ARTICLE_SUFFIXES = (".md", ".markdown", ".txt")
ANSWERS_SUFFIXES = (".jsonl", ".ndjson")
MAX_ANSWERS_BYTES = 200_000_000  # ALCE's largest answer files, passages inline, run to ~50 MB
SNIFF_BYTES = 1_000_000  # read to tell an answers file by its first line
MAX_CLAIM_SET_BYTES = 20_000_000  # a claim set of 100,000 claims is ~15 MB

# Options that several commands share, declared once.
_fail_on_option = click.option(
    "--fail-on", default="", help="Exit 1 when any of these verdicts occurs (comma-separated)."
)
_reviewer_option = click.option(
    "--reviewer", default="factcheck", show_default=True, help="Author of ClaimReviews."
)
_quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
_scheduler_option = click.option(
    "--scheduler",
    metavar="tcp://HOST:PORT",
    help="Run on the Dask cluster whose scheduler is here (`dask scheduler`, `dask worker`); "
    "the output is that of a local run.",
)
_model_option = click.option(
    "--model",
    type=click.Choice(MODELS),
    default=MODELS[0],
    show_default=True,
    help="The judge: lexical, or nli, which adds factcheck's entailment model (its weights are "
    "for non-commercial use only).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="factcheck")
@click.option(
    "--debug", is_flag=True, help="Show the full traceback of an error (for bug reports)."
)
def cli(debug: bool) -> None:
    """Check that the sources an article cites say what the article claims.

    \b
    Example:
      factcheck extract article.md -o claims.yaml
      factcheck verify article.md --claims claims.yaml --out report/
      factcheck verify article.md --offline --fail-on contradicted,not_supported
    """


@cli.command()
@click.argument("article", metavar="ARTICLE|URL")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write the claim set here, not to stdout.",
)
@click.option(
    "--allow-private", is_flag=True, help="Let a URL on a loopback/private address through."
)
def extract(article: str, output: Path | None, allow_private: bool) -> None:
    """List the checkable claims of ARTICLE (a Markdown file, or the address of a published
    article) as an editable YAML claim set.

    \b
    Example:
      factcheck extract claims/openai-leadership-2024-08-08/article.md -o claims.yaml
      factcheck extract https://example.com/news/story.html -o claims.yaml
    """
    from factcheck._fileio import write_atomic
    from factcheck.claims import dump_claim_set, extract_claims, load_article

    if _is_url(article):
        from factcheck.pipeline import load_web_articles

        settings = _settings(timeout=20.0, allow_private=allow_private, model=MODELS[0])
        [loaded] = load_web_articles([article], settings)
        if isinstance(loaded, FactcheckError):
            raise loaded
        parsed = loaded
    else:
        parsed = load_article(Path(article))
    _warn(parsed.warnings)
    claims = extract_claims(parsed)
    text = dump_claim_set(parsed, claims)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text, hint="choose a writable path for -o")
        click.echo(f"{len(claims)} claims from {article} written to {output}", err=True)


@cli.command()
@click.argument("articles", nargs=-1, metavar="[ARTICLE|URL]...")
@click.option(
    "--urls",
    "urls_file",
    type=click.Path(path_type=Path),
    help="Also check the published articles at these addresses (one URL a line; # comments).",
)
@click.option(
    "--claims",
    "claims_path",
    type=click.Path(path_type=Path),
    help="Use this (edited) claim set instead of extracting claims. One article only.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("factcheck-report"),
    show_default=True,
    help="Directory for the reports (one subdirectory per article when several).",
)
@click.option(
    "--format",
    "formats",
    default="md,json,html",
    show_default=True,
    help=f"Comma-separated report formats: {','.join(FORMATS)}.",
)
@click.option(
    "--cassette", type=click.Path(path_type=Path), help="Record to / replay from this file."
)
@click.option(
    "--record-mode",
    type=click.Choice(RECORD_MODES),
    help="How the cassette is used [default: once; none with --offline].",
)
@click.option(
    "--offline",
    is_flag=True,
    help="Replay the cassette only; never open a socket "
    "(default cassette: cassettes/<article stem>.yaml).",
)
@click.option(
    "--allow-private", is_flag=True, help="Let links to loopback/private addresses through."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=20.0,
    show_default=True,
    help="Seconds each request may take (connect + read).",
)
@click.option(
    "--answers",
    "answers_file",
    is_flag=True,
    help="ARTICLES is an answers JSONL file (AI answers citing sources [n]); "
    "recognised by itself when it ends in .jsonl or holds answers.",
)
@_model_option
@_scheduler_option
@_fail_on_option
@_reviewer_option
@_quiet_option
def verify(
    articles: tuple[str, ...],
    urls_file: Path | None,
    claims_path: Path | None,
    out_dir: Path,
    formats: str,
    cassette: Path | None,
    record_mode: str | None,
    offline: bool,
    allow_private: bool,
    timeout: float,
    model: str,
    scheduler: str | None,
    fail_on: str,
    reviewer: str,
    quiet: bool,
    answers_file: bool = False,
) -> None:
    """Fetch the links ARTICLES cite, judge each claim, and write the reports.

    ARTICLES are Markdown files, directories of them, or the addresses (http:// or https://)
    of published articles: a page's main text is the article and the links in its body are
    its citations (never its navigation, related stories, share buttons or footer). Several
    articles share one fetch of each distinct link and get one report directory each, plus an
    index. With --scheduler, each article is fetched, extracted and judged by a worker of a
    Dask cluster (cassettes are replayed there, not recorded). An answers JSONL file (one AI
    answer a line, citing its sources with [n]) gets each sentence judged against the passages
    it cites, with citation recall and precision.

    \b
    Example:
      factcheck verify claims/openai-leadership-2024-08-08/article.md \\
          --claims claims/openai-leadership-2024-08-08/claims.yaml --offline \\
          --cassette cassettes/openai-leadership-2024-08-08.yaml --fail-on contradicted
      factcheck verify https://example.com/news/story.html --out report/
      factcheck verify answers.jsonl --out answers-report/
    """
    answer_paths = [] if any(map(_is_url, articles)) else [Path(item) for item in articles]
    if answers_file or _is_answers(answer_paths):
        if scheduler is not None:
            raise UsageError("an answers file is checked on this machine; drop --scheduler")
        _verify_answers(
            answer_paths,
            claims_path=claims_path,
            out_dir=out_dir,
            formats=formats,
            recording=_recording(answer_paths, cassette, record_mode, offline),
            settings=_settings(timeout=timeout, allow_private=allow_private, model=model),
            fail_on=_parse_verdicts(fail_on),
            quiet=quiet,
        )
        return
    from factcheck.judge import WarmJudge

    format_list = _parse_formats(formats)
    fail_verdicts = _parse_verdicts(fail_on)
    paths = _expand_inputs(articles, urls_file)
    if claims_path is not None and len(paths) > 1:
        raise UsageError("--claims applies to one article; give one ARTICLE or drop --claims")
    recording = _recording(paths, cassette, record_mode, offline)
    settings = _settings(timeout=timeout, allow_private=allow_private, model=model)
    console = _console(quiet)
    context = click.get_current_context()
    cluster = None
    if scheduler is not None:
        from factcheck.cluster import connect, refuse_recording

        refuse_recording(recording)
        cluster = context.with_resource(connect(scheduler))
    # The judge forks now and loads its model while the articles are read and the links
    # fetched (on a second core); leaving the command stops it. What only this process needs
    # is imported after the fork.
    judge = context.with_resource(WarmJudge(settings.match)) if cluster is None else None
    from factcheck.claims import extract_claims, load_claim_set
    from factcheck.pipeline import gather_urls, recorded, verify_many

    inputs: list[tuple[Path | str, Article, Sequence[Claim]]] = []
    skipped = 0
    # One cassette for the whole run: article pages, then the sources they cite.
    with recorded(recording):
        fetched = _fetch_web_articles(paths, settings, recording)
        for path in paths:
            try:
                article = _load_input(path, fetched)
                if claims_path is not None:
                    claims = load_claim_set(_read_text(claims_path), article, path=str(claims_path))
                else:
                    claims = extract_claims(article)
            except FactcheckError as exc:
                if len(paths) == 1:
                    raise
                message = str(exc)
                _echo_error(
                    f"{message if message.startswith(str(path)) else f'{path}: {message}'} "
                    "(skipped; the other articles were checked)"
                )
                skipped += 1
                continue
            _warn(article.warnings, prefix=f"{path}: ")
            inputs.append((path, article, claims))
        if not inputs:
            raise UsageError("none of the articles could be read; fix the errors above")

        pairs = [(article, claims) for _, article, claims in inputs]
        with _progress(console, len(gather_urls(pairs))) as advance:
            if cluster is None:
                built = verify_many(
                    pairs,
                    settings,
                    recording=recording,
                    claims_path=claims_path,
                    judge=judge,
                    on_progress=advance,
                )
            else:
                built = cluster.verify_many(
                    pairs,
                    settings,
                    recording=recording,
                    claims_path=claims_path,
                    on_progress=advance,
                )
    options = _report_options(fail_verdicts, reviewer)
    reports: list[tuple[Path, Report]] = []
    for (path, _, _), report in zip(inputs, built, strict=True):
        target = out_dir if len(inputs) == 1 else out_dir / _report_dir_name(path, reports)
        _write(report, target, format_list, options)
        reports.append((target, report))
        if console is not None:
            _print_summary(console, report, target, options)
    if len(inputs) > 1:
        from factcheck.report import write_index

        index = write_index([(target, report) for target, report in reports], out_dir)
        if console is not None:
            console.print(f"Index of {len(reports)} reports: {index}")
    if skipped:  # the reports are written, but part of the input could not be used
        raise SystemExit(EXIT_BAD_INPUT)
    _exit_for(fail_verdicts, [report for _, report in reports])


@cli.command()
@click.argument("report_json", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "formats",
    default="md,html",
    show_default=True,
    help=f"Comma-separated formats to render: {','.join(FORMATS)}.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    help="Directory to write to [default: beside REPORT_JSON].",
)
@_fail_on_option
@_reviewer_option
@_quiet_option
def report(
    report_json: Path, formats: str, out_dir: Path | None, fail_on: str, reviewer: str, quiet: bool
) -> None:
    """Render a saved report.json in other formats, without fetching or matching.

    \b
    Example:
      factcheck report factcheck-report/report.json --format claimreview,junit
    """
    from factcheck.report import load_report

    saved = load_report(report_json)
    fail_verdicts = _parse_verdicts(fail_on)
    target = out_dir or report_json.parent
    written = _write(
        saved, target, _parse_formats(formats), _report_options(fail_verdicts, reviewer)
    )
    if not quiet:
        for path in written:
            click.echo(f"wrote {path}", err=True)
    _exit_for(fail_verdicts, [saved])


@cli.command()
@click.argument("input_file", metavar="[IN.jsonl|-]", type=click.File("rb"), default="-")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="Write JSONL here, not to stdout."
)
@_model_option
@_scheduler_option
def judge(input_file: IO[bytes], output: Path | None, model: str, scheduler: str | None) -> None:
    """Judge claim-vs-evidence pairs from JSONL, with no fetching.

    Each input line: {"id", "claim", "evidence": [str, ...]} (evidence may be one string).
    Each output line, in input order: {"id", "label", "score", "evidence": [{"index", "score",
    "text"}, ...]}, best evidence first. With --scheduler, a Dask cluster's workers judge the
    lines, in chunks.

    \b
    Example:
      echo '{"id": 1, "claim": "Paris is in France.",
             "evidence": ["Paris is the capital of France."]}' | factcheck judge
    """
    from factcheck.judge import judge_jsonl

    executor = None
    if scheduler is not None:
        from factcheck.cluster import connect
        from factcheck.settings import MatchSettings

        cluster = click.get_current_context().with_resource(connect(scheduler))
        executor = cluster.judge(MatchSettings(model=model))
    lines = judge_jsonl(_numbered_lines(input_file), model=model, executor=executor)
    if output is None:
        for line in lines:
            click.echo(line)
        return
    from factcheck._fileio import write_atomic

    write_atomic(
        output, "".join(f"{line}\n" for line in lines), hint="choose a writable path for -o"
    )


# --- helpers ---------------------------------------------------------------------------------


def _numbered_lines(stream: IO[bytes]) -> Iterator[tuple[int, str]]:
    for number, raw in enumerate(stream, start=1):
        try:
            yield number, raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UsageError(
                f"line {number} of the input is not UTF-8 ({exc.reason}); save it as UTF-8"
            ) from exc


def _read_text(path: Path) -> str:
    from factcheck.errors import InputError

    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_CLAIM_SET_BYTES + 1)
        if len(data) > MAX_CLAIM_SET_BYTES:
            raise InputError(
                f"{path} is larger than {MAX_CLAIM_SET_BYTES // 1_000_000} MB: "
                "it is not a claim set; give the YAML file `factcheck extract` wrote"
            )
        return data.decode("utf-8-sig")
    except FileNotFoundError as exc:
        raise InputError(f"{path} does not exist; check the path") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path} is a directory; give a file") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text ({exc.reason}); save it as UTF-8") from exc
    except OSError as exc:
        raise InputError(
            f"cannot read {path}: {exc.strerror or exc}; check that it is a readable file"
        ) from exc


def _parse_formats(text: str) -> list[str]:
    formats = [word.strip().lower() for word in text.split(",") if word.strip()]
    unknown = [word for word in formats if word not in FORMATS]
    if unknown or not formats:
        raise UsageError(
            f"unknown report format {', '.join(unknown) or '(none)'}; "
            f"choose from {', '.join(FORMATS)}"
        )
    return list(dict.fromkeys(formats))


def _parse_verdicts(text: str) -> frozenset[Verdict]:
    words = [word.strip().lower() for word in text.split(",") if word.strip()]
    known = {verdict.value for verdict in Verdict}
    unknown = [word for word in words if word not in known]
    if unknown:
        raise UsageError(
            f"unknown verdict {', '.join(unknown)} in --fail-on; "
            f"choose from {', '.join(sorted(known))}"
        )
    return frozenset(Verdict(word) for word in words)


def _is_url(argument: str) -> bool:
    """Whether a command-line input is a web address rather than a path."""
    return re.match(r"https?://", argument, re.IGNORECASE) is not None


def _expand_inputs(arguments: Sequence[str], urls_file: Path | None) -> list[Path | str]:
    """The inputs of ``verify`` in order: URLs as given (then those of ``--urls``), paths and
    the Markdown files of directories; each once."""
    items = [*arguments, *(_read_url_list(urls_file) if urls_file is not None else [])]
    if not items:
        raise UsageError("give an article: a Markdown file, a directory, a URL or --urls FILE")
    expanded: list[Path | str] = []
    for item in items:
        if _is_url(item):
            expanded.append(item)
        else:
            expanded += _expand_articles([Path(item)])
    return list(dict.fromkeys(expanded))


def _read_url_list(path: Path) -> list[str]:
    """The addresses in a ``--urls`` file: one a line; blank lines and ``#`` comments skipped."""
    urls: list[str] = []
    for number, line in enumerate(_read_text(path).splitlines(), start=1):
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        if not _is_url(words[0]) or (len(words) > 1 and not words[1].startswith("#")):
            raise UsageError(
                f"line {number} of {path} is not one http(s) URL: {line.strip()[:80]!r}; "
                "write one address a line (comments start with #)"
            )
        urls.append(words[0])
    if not urls:
        raise UsageError(f"{path} lists no URL; write one http(s) address a line")
    return urls


def _fetch_web_articles(
    items: Sequence[Path | str], settings: Any, recording: Recording
) -> dict[str, Article | FactcheckError]:
    """The published articles among the inputs, fetched together: each URL's Article, or the
    error that says why none could be read."""
    from factcheck.pipeline import load_web_articles

    urls = [item for item in items if isinstance(item, str)]
    if not urls:
        return {}
    return dict(zip(urls, load_web_articles(urls, settings, recording=recording), strict=True))


def _load_input(item: Path | str, fetched: dict[str, Article | FactcheckError]) -> Article:
    """One input of ``verify`` as an article: a Markdown file read, or a published article
    (fetched by ``_fetch_web_articles``); a FactcheckError says why it cannot be."""
    from factcheck.claims import load_article

    if isinstance(item, Path):
        return load_article(item)
    loaded = fetched[item]
    if isinstance(loaded, FactcheckError):
        raise loaded
    return loaded


def _is_answers(paths: Sequence[Path]) -> bool:
    """Whether the one input is an answers file: it ends in .jsonl, or it is no Markdown file
    and its first line is a JSON object with an answer."""
    if len(paths) != 1 or not paths[0].is_file():
        return any(path.suffix.lower() in ANSWERS_SUFFIXES for path in paths)
    if paths[0].suffix.lower() in ANSWERS_SUFFIXES:
        return True
    if paths[0].suffix.lower() in ARTICLE_SUFFIXES:
        return False
    from factcheck.claims import looks_like_answers

    try:
        with paths[0].open("rb") as handle:
            head = handle.read(SNIFF_BYTES).decode("utf-8-sig", errors="replace")
    except OSError:
        return False
    return looks_like_answers(head)


def _expand_articles(paths: Sequence[Path]) -> list[Path]:
    """Files as given; directories become the Markdown files inside them, sorted."""
    expanded: list[Path] = []
    for path in paths:
        if path.is_dir() and len(paths) == 1 and not any(path.iterdir()):
            raise UsageError(f"{path} is an empty directory; give a Markdown article")
        if path.is_dir():
            found = sorted(
                item for item in path.rglob("*") if item.suffix.lower() in ARTICLE_SUFFIXES
            )
            if not found:
                raise UsageError(f"{path} is a directory with no .md articles; give an article")
            expanded += found
        else:
            expanded.append(path)
    return list(dict.fromkeys(expanded))


def default_cassette(article: Path) -> Path | None:
    """cassettes/<article stem>.yaml, or cassettes/<folder>.yaml for claims/<folder>/article.md."""
    for name in (article.stem, article.resolve().parent.name):
        candidate = Path("cassettes") / f"{name}.yaml"
        if candidate.is_file():
            return candidate
    return None


def _recording(
    paths: Sequence[Path | str], cassette: Path | None, record_mode: str | None, offline: bool
) -> Recording:
    from factcheck.pipeline import Recording

    if offline:
        if record_mode not in (None, "none"):
            raise UsageError(
                f"--offline replays only; it cannot be combined with --record-mode {record_mode}"
            )
        if cassette is None and len(paths) == 1 and isinstance(paths[0], Path):
            cassette = default_cassette(paths[0])
        return Recording(cassette=cassette, record_mode="none", offline=True)
    if cassette is None:
        if record_mode is not None:
            raise UsageError("--record-mode needs --cassette FILE to record to")
        return Recording()
    return Recording(cassette=cassette, record_mode=record_mode or "once")


def _settings(*, timeout: float, allow_private: bool, model: str) -> Any:
    from dataclasses import replace

    from factcheck.settings import Settings

    defaults = Settings()
    return replace(
        defaults,
        fetch=replace(defaults.fetch, timeout=timeout, allow_private=allow_private),
        match=replace(defaults.match, model=model),
    )


def _report_options(fail_on: frozenset[Verdict], reviewer: str) -> ReportOptions:
    from factcheck.report import ReportOptions

    return ReportOptions(fail_on=fail_on, reviewer=reviewer)


def _write(
    report: Report, out_dir: Path, formats: Sequence[str], options: ReportOptions
) -> list[Path]:
    from factcheck.report import write_reports

    return write_reports(report, out_dir, formats, options)


def _report_dir_name(path: Path | str, done: Sequence[tuple[Path, Report]]) -> str:
    """A directory name per article: its stem, or its folder for claims/<name>/article.md;
    for a URL, the last part of its path (else its host), made safe for a file name."""
    if isinstance(path, str):
        from urllib.parse import urlsplit

        parts = urlsplit(path)
        segment = parts.path.rstrip("/").rsplit("/", 1)[-1]
        stem = segment.rsplit(".", 1)[0] if "." in segment else segment
        name = re.sub(r"[^\w.-]+", "-", stem or parts.hostname or "article").strip("-.")[:80]
        name = name or "article"
    else:
        name = path.stem if path.stem != "article" else path.resolve().parent.name
    taken = {target.name for target, _ in done}
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name}-{number}", number + 1
    return candidate


def _exit_for(fail_on: frozenset[Verdict], reports: Sequence[Report]) -> None:
    hits = {result.verdict for report in reports for result in report.results} & fail_on
    if hits:
        raise SystemExit(EXIT_FAIL_ON)


def _verify_answers(
    paths: Sequence[Path],
    *,
    claims_path: Path | None,
    out_dir: Path,
    formats: str,
    recording: Recording,
    settings: Any,
    fail_on: frozenset[Verdict],
    quiet: bool,
) -> None:
    """``verify`` on an answers file: read it (a bad line is reported and skipped, the other
    answers are checked, and the run ends with exit 2), check, write md/json, exit as verify."""
    from factcheck.claims import parse_answers
    from factcheck.pipeline import verify_answers
    from factcheck.report import ANSWER_FORMATS, render_answer_summary, write_answer_reports

    if len(paths) != 1:
        raise UsageError("an answers file is checked on its own; give it as the only input")
    if claims_path is not None:
        raise UsageError("--claims applies to articles, not to an answers file; drop --claims")
    source = click.get_current_context().get_parameter_source("formats")
    wanted = _parse_formats(formats)
    if source is click.core.ParameterSource.DEFAULT:
        wanted = [fmt for fmt in wanted if fmt in ANSWER_FORMATS]
    elif [fmt for fmt in wanted if fmt not in ANSWER_FORMATS]:
        raise UsageError(
            f"an answers report comes as {', '.join(ANSWER_FORMATS)}; "
            f"choose from those in --format, not {formats}"
        )
    path = paths[0]
    if not path.is_file():
        what = "is a directory" if path.is_dir() else "does not exist"
        raise UsageError(f"{path} {what}; give the answers JSONL file")
    lines, undecodable = _answer_lines(path)
    answers, parsed_rejects = parse_answers(lines, str(path))
    rejected = tuple(sorted((*undecodable, *parsed_rejects), key=lambda r: r.line))
    for line in rejected:
        _echo_error(f"{line.error} (skipped; the other answers were checked)")
    if not answers:
        raise UsageError(f"{path} holds no answer that could be read; fix the errors above")
    console = _console(quiet)
    urls = {s.url for a in answers for s in a.sources if s.url and not s.text.strip()}
    with _progress(console, len(urls)) as advance:
        report = verify_answers(
            str(path),
            answers,
            settings,
            rejected=rejected,
            recording=recording,
            on_progress=advance,
        )
    write_answer_reports(report, out_dir, wanted)
    if console is not None:
        render_answer_summary(report, console)
        if report.record_command:
            console.print(
                "Some sources are not in the cassette. Record them where a network exists with:",
                markup=False,
            )
            console.print(f"  {report.record_command}", markup=False, soft_wrap=True)
        console.print(f"Report written to {out_dir}/", markup=False)
    if rejected:
        raise SystemExit(EXIT_BAD_INPUT)
    verdicts = {r.verdict for a in report.answers for r in a.sentences}
    if verdicts & fail_on:
        raise SystemExit(EXIT_FAIL_ON)


def _answer_lines(path: Path) -> tuple[list[tuple[int, str]], list[RejectedLine]]:
    """An answers file's numbered lines, read as UTF-8 (a BOM allowed) within the size cap, and
    the lines that are not UTF-8 (each an error of its own)."""
    from factcheck.errors import InputError
    from factcheck.models import RejectedLine

    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_ANSWERS_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}; check the path") from exc
    if len(data) > MAX_ANSWERS_BYTES:
        raise InputError(
            f"{path} is larger than {MAX_ANSWERS_BYTES // 1_000_000} MB; "
            "split it into several files"
        )
    lines: list[tuple[int, str]] = []
    bad: list[RejectedLine] = []
    for number, raw in enumerate(data.splitlines(), start=1):
        try:
            lines.append((number, raw.decode("utf-8-sig" if number == 1 else "utf-8")))
        except UnicodeDecodeError as exc:
            bad.append(
                RejectedLine(
                    number, f"{path} line {number}: not UTF-8 ({exc.reason}); save it as UTF-8"
                )
            )
    return lines, bad


def _console(quiet: bool) -> Console | None:
    if quiet:
        return None
    from rich.console import Console

    # rich honours NO_COLOR and drops colour when stderr is not a terminal.
    return Console(stderr=True, highlight=False)


class _progress:
    """A progress bar over the fetch on a terminal; plain lines otherwise; nothing when quiet."""

    def __init__(self, console: Console | None, total: int) -> None:
        self.console, self.total, self.done = console, total, 0
        self._bar: Any = None

    def __enter__(self) -> Any:
        if self.console is not None and self.console.is_terminal and self.total:
            from rich.progress import Progress

            self._bar = Progress(console=self.console, transient=True)
            self._bar.start()
            self._task = self._bar.add_task("Fetching sources", total=self.total)
        return self.advance

    def advance(self, source: Source) -> None:
        self.done += 1
        if self._bar is not None:
            self._bar.update(self._task, advance=1)
        elif self.console is not None:
            self.console.print(
                f"[{self.done}/{self.total}] {source.status.value:<17} {source.url}",
                markup=False,
                soft_wrap=True,
            )

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


def _print_summary(console: Console, report: Report, target: Path, options: ReportOptions) -> None:
    from factcheck.report import render_summary

    render_summary(report, console)
    if report.record_command:
        console.print(
            "Some sources are not in the cassette. Record them where a network exists with:",
            markup=False,
        )
        console.print(f"  {report.record_command}", markup=False, soft_wrap=True)
    console.print(f"Report written to {target}/", markup=False)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        from factcheck.report import github_annotations

        for line in github_annotations(report, options):
            click.echo(line)


def _warn(warnings: Sequence[str], prefix: str = "") -> None:
    for warning in warnings:
        # a warning that already names the file ("a.md is not UTF-8") is not prefixed twice
        lead = "" if prefix and warning.startswith(prefix.removesuffix(": ")) else prefix
        click.echo(f"Warning: {lead}{warning}", err=True)


def _echo_error(message: str) -> None:
    click.echo(f"Error: {message}", err=True)


INTERRUPT_GRACE = 5.0  # seconds an interrupted run may take to unwind before it is ended


def _on_interrupt(signum: int, frame: Any) -> None:
    """Ctrl-C: unwind as usual (temporary files removed, nothing half-written), and if anything
    holds the unwinding up past INTERRUPT_GRACE, end the process anyway: Ctrl-C always stops."""
    import threading

    def hard_exit() -> None:
        click.echo("Interrupted: no report was written for the run in progress.", err=True)
        os._exit(EXIT_INTERRUPTED)

    timer = threading.Timer(INTERRUPT_GRACE, hard_exit)
    timer.daemon = True
    timer.start()
    raise KeyboardInterrupt


def run() -> NoReturn:
    """The ``factcheck`` command: ``main``, then exit without finalising the interpreter.

    Finalising (freeing every module and object, one by one) takes a tenth of a second after
    ``verify`` and does nothing a finished command needs: the exit handlers still run, and
    the output is flushed. While other threads run, the usual exit waits for them instead."""
    import atexit
    import contextlib
    import threading

    code = main()
    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # closed, or a reader that went away
            stream.flush()
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code instead of raising (the console script's entry point)."""
    import signal
    import threading

    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or os.environ.get("FACTCHECK_DEBUG") == "1"
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, _on_interrupt) if in_main_thread else None
    try:
        return _run(args, debug)
    finally:
        if in_main_thread:
            signal.signal(signal.SIGINT, previous)


def _run(args: list[str], debug: bool) -> int:
    try:
        cli.main(args=args, prog_name="factcheck", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Interrupted.", err=True)
        return EXIT_INTERRUPTED
    except click.ClickException as exc:
        exc.show()
        return EXIT_BAD_INPUT
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    except KeyboardInterrupt:
        click.echo("Interrupted: no report was written for the run in progress.", err=True)
        return EXIT_INTERRUPTED
    except FactcheckError as exc:
        if debug:
            raise
        _echo_error(str(exc))
        return EXIT_BAD_INPUT
    except Exception as exc:
        if debug:
            raise
        _echo_error(
            f"internal error: {type(exc).__name__}: {exc}. This is a bug in factcheck "
            f"{__version__}; run again with --debug and report the traceback."
        )
        return EXIT_BUG
    return EXIT_OK
