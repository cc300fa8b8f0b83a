"""One FactcheckError tree: every error class in errors.py, drawn in its docstring, each one a
one-line `Error:` and exit 2 from the CLI; anything else is a bug (exit 3) or Ctrl-C (130)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import factcheck
from factcheck import cli, errors
from factcheck.errors import FactcheckError

ERROR_CLASSES = [
    cls
    for _, cls in inspect.getmembers(errors, inspect.isclass)
    if cls.__module__ == errors.__name__
]


def _all_subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _all_subclasses(sub)
    return found


def test_every_error_is_a_factcheck_error_drawn_in_the_tree() -> None:
    """Each class in errors.py derives from FactcheckError and appears in the docstring tree."""
    assert FactcheckError in ERROR_CLASSES and len(ERROR_CLASSES) >= 7
    tree = errors.__doc__ or ""
    for cls in ERROR_CLASSES:
        assert issubclass(cls, FactcheckError)
        assert f"── {cls.__name__}" in tree or cls is FactcheckError, cls.__name__


def test_no_error_class_lives_outside_errors_py() -> None:
    """No module defines its own FactcheckError subclass: the tree is the whole story."""
    for module in pkgutil.iter_modules(factcheck.__path__):
        if module.name != "__main__":  # importing it runs the command
            importlib.import_module(f"factcheck.{module.name}")
    outside = {c for c in _all_subclasses(FactcheckError) if c.__module__ != errors.__name__}
    assert not outside


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=[c.__name__ for c in ERROR_CLASSES])
def test_each_error_is_one_line_and_exit_2(
    cls: type[FactcheckError], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Raised anywhere in a command, each error class ends in one `Error:` line and exit 2."""

    def fail(*args: object, **kwargs: object) -> None:
        raise cls("the thing is wrong; fix it")

    monkeypatch.setattr(cli, "_parse_formats", fail)
    assert cli.main(["verify", "article.md"]) == cli.EXIT_BAD_INPUT
    assert capsys.readouterr().err == "Error: the thing is wrong; fix it\n"


@pytest.mark.parametrize(
    ("exc", "code", "words"),
    [
        (RuntimeError("boom"), cli.EXIT_BUG, "internal error: RuntimeError: boom"),
        (KeyboardInterrupt(), cli.EXIT_INTERRUPTED, "Interrupted"),
        (MemoryError(), cli.EXIT_BUG, "internal error: MemoryError"),
    ],
    ids=["bug", "ctrl-c", "memory"],
)
def test_anything_else_is_a_bug_or_an_interruption(
    exc: BaseException,
    code: int,
    words: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Other exceptions: exit 3 with a line asking for --debug; Ctrl-C: exit 130; no traceback."""

    def fail(*args: object, **kwargs: object) -> None:
        raise exc

    monkeypatch.setattr(cli, "_parse_formats", fail)
    assert cli.main(["verify", "article.md"]) == code
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    if code == cli.EXIT_BUG:
        assert "--debug" in err


def test_debug_reraises(monkeypatch: pytest.MonkeyPatch) -> None:
    """With --debug the original exception propagates (Python prints its traceback)."""

    def fail(*args: object, **kwargs: object) -> None:
        raise errors.ArticleError("no such file; check the path")

    monkeypatch.setattr(cli, "_parse_formats", fail)
    with pytest.raises(errors.ArticleError):
        cli.main(["--debug", "verify", "article.md"])
