"""The package's public surface: exports, version, and a light import."""

from __future__ import annotations

import subprocess
import sys

import factcheck


def test_all_is_sorted_and_complete() -> None:
    """__all__ is sorted and names every public class, error and function the package exports."""
    assert factcheck.__all__ == sorted(factcheck.__all__)
    public = {
        name
        for name, value in vars(factcheck).items()
        if not name.startswith("_")
        and isinstance(value, type)
        and value.__module__.startswith("factcheck")
    }
    assert public <= set(factcheck.__all__)
    for name in factcheck.__all__:
        assert getattr(factcheck, name) is not None


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
