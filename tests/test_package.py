"""The package's public surface: exports, version, and a light import."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

import factcheck

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "claims" / "openai-leadership-2024-08-08"


def test_all_is_exactly_the_public_members() -> None:
    """__all__ is sorted and names exactly the public members: every class, function and value
    defined by factcheck that the package holds or loads lazily, and nothing else (httpx's
    test_exported_members)."""
    import types

    assert factcheck.__all__ == sorted(factcheck.__all__)
    lazy = factcheck.__getattr__.names  # type: ignore[attr-defined]
    for name in lazy:
        assert getattr(factcheck, name).__module__.startswith("factcheck"), name
    public = {
        name
        for name, value in vars(factcheck).items()
        if (not name.startswith("_") or name == "__version__")
        and not isinstance(value, types.ModuleType)
        and (name == "__version__" or getattr(value, "__module__", "").startswith("factcheck"))
    }
    assert public | lazy == set(factcheck.__all__)


def test_public_api_verifies_the_seed_end_to_end(tmp_path: Path) -> None:
    """The README's Python example works: load the seed, take its claim set, verify offline from
    its cassette, render a report and write the files; every claim is in the report."""
    article = factcheck.load_article(SEED / "article.md")
    claims = factcheck.load_claim_set((SEED / "claims.yaml").read_text("utf-8"), article)
    recording = factcheck.Recording(
        cassette=ROOT / "cassettes" / "openai-leadership-2024-08-08.yaml", offline=True
    )
    report = factcheck.verify(article, claims, factcheck.Settings(), recording=recording)
    assert [result.claim.id for result in report.results] == [claim.id for claim in claims]
    assert any(result.verdict is factcheck.Verdict.SUPPORTED for result in report.results)
    options = factcheck.ReportOptions()
    written = factcheck.write_reports(report, tmp_path, ["md", "json"], options)
    assert [path.name for path in written] == ["report.md", "report.json"]
    assert factcheck.load_report(tmp_path / "report.json") == report
    saved = json.loads((tmp_path / "report.json").read_text("utf-8"))
    assert saved["judge"] == {"model": report.judge_model, "licence": "MIT"}
    assert report.judge_model.startswith("lexical")
    assert factcheck.render_report(report, "md", options) == (tmp_path / "report.md").read_text()
    assert factcheck.extract_claims(article)


def test_lazy_verify_is_the_pipeline_function() -> None:
    """factcheck.verify resolves to the pipeline's verify on first use."""
    from factcheck.pipeline import verify

    assert factcheck.verify is verify


def test_import_stays_light() -> None:
    """Importing factcheck and its CLI loads neither httpx nor numpy (keeps --help fast)."""
    code = (
        "import sys, factcheck, factcheck.cli; "
        "heavy = ('httpx', 'numpy', 'rapidfuzz', 'trafilatura'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _pins(lock: str = "requirements.lock") -> list[str]:
    """A lock's entries, one string each: the pin, its marker, its hashes."""
    return re.split(r"\n(?=[A-Za-z0-9])", (ROOT / lock).read_text())[1:]


def _locked(lock: str = "requirements.lock") -> dict[str, Version]:
    """The version a lock pins for each package on this interpreter, by canonical name."""
    locked = {}
    for pin in _pins(lock):
        requirement = Requirement(pin.split(" \\", 1)[0])
        if requirement.marker is None or requirement.marker.evaluate():
            [spec] = requirement.specifier
            locked[canonicalize_name(requirement.name)] = Version(spec.version)
    return locked


@pytest.mark.parametrize(
    ("lock", "extras"),
    [("requirements.lock", ("dev", "cluster")), ("requirements-train.lock", ("train",))],
)
def test_lock_holds_what_pyproject_asks_for(lock: str, extras: tuple[str, ...]) -> None:
    """Every runtime requirement of pyproject.toml, and those of the lock's extras, is pinned at
    a version its range allows, with hashes; the training lock pins what the main lock pins, and
    uv's own lock the same uv."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extra = [r for name in extras for r in project["optional-dependencies"][name]]
    wanted = [Requirement(r) for r in [*project["dependencies"], *extra]]
    locked = _locked(lock)
    for requirement in wanted:
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is in pyproject.toml but not in {lock}: run make lock"
        assert requirement.specifier.contains(locked[name], prereleases=True), (
            f"{name}=={locked[name]} is outside {requirement.specifier}: run make lock"
        )
    assert all("--hash=sha256:" in pin and "==" in pin.split(" \\")[0] for pin in _pins(lock))
    main = _locked()
    assert {name: version for name, version in locked.items() if name in main} == {
        name: main[name] for name in locked if name in main
    }
    uv = dict(re.findall(r"^(uv)==(\S+)", (ROOT / "requirements-uv.lock").read_text(), re.M))
    assert Version(uv["uv"]) == main["uv"]


@pytest.mark.slow
def test_wheel_verifies_the_seed_away_from_the_repo(tmp_path: Path) -> None:
    """The built wheel, installed in a fresh venv and run from another directory, carries its data
    files and templates: it verifies the seed offline and writes every report format."""
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    [wheel] = wheels.glob("factcheck_citations-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next(venv.glob("lib/python3*/site-packages"))
    # The dependencies come from the project's environment; factcheck itself only from the wheel
    # (a path in a .pth file is searched after the venv's own site-packages, and its editable
    # finder is not run).
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
        names = archive.namelist()
    assert {"factcheck/report/templates/report.html.j2", "factcheck/data/combiner.json"} <= set(
        names
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    for name in ("article.md", "claims.yaml"):
        shutil.copy(SEED / name, work / name)
    shutil.copy(ROOT / "cassettes" / "openai-leadership-2024-08-08.yaml", work / "seed.yaml")
    python = venv / "bin" / "python"
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    where = subprocess.run(
        [python, "-c", "import factcheck; print(factcheck.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=work,
        env=env,
    )
    assert where.stdout.startswith(str(site))
    result = subprocess.run(
        [
            python,
            "-m",
            "factcheck",
            "verify",
            "article.md",
            "--claims",
            "claims.yaml",
            "--offline",
            "--cassette",
            "seed.yaml",
            "--out",
            "report",
            "--format",
            "md,json,html,claimreview,junit",
        ],
        capture_output=True,
        text=True,
        cwd=work,
        timeout=300,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads((work / "report" / "report.json").read_text())
    assert report["summary"]["supported"] >= 1 and len(report["claims"]) == 40
    for name in ("report.md", "report.html", "claimreview.jsonld", "junit.xml"):
        assert (work / "report" / name).stat().st_size > 0
