"""The one YAML reader and writer: the same data and errors through libyaml and pure Python."""

from __future__ import annotations

import pytest
import yaml

from factcheck import _yaml

PARSERS = [
    pytest.param(_yaml.LOADER, id="libyaml"),
    pytest.param(_yaml.pure_python_loader(), id="pure-python"),
]


def _block(depth: int) -> str:
    """A mapping nested ``depth`` levels deep in block style."""
    return "".join(f"{'  ' * level}k{level}:\n" for level in range(depth - 1)) + (
        f"{'  ' * (depth - 1)}leaf: 1\n"
    )


def test_libyaml_is_used_when_pyyaml_has_it() -> None:
    """The default loader parses in C where PyYAML was built with libyaml."""
    default = _yaml.LOADER
    assert issubclass(default, getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@pytest.mark.parametrize("loader", PARSERS)
@pytest.mark.parametrize(
    "text",
    [
        "[" * 5000 + "]" * 5000,
        "[" * 5000,
        "{a: " * 2000 + "1" + "}" * 2000,
        _block(_yaml.MAX_DEPTH + 1),
        "- " * 3000 + "x\n",
    ],
    ids=["flow 5,000 closed", "flow 5,000 unclosed", "mappings 2,000", "block 101", "dashes 3,000"],
)
def test_deep_nesting_is_the_projects_own_error(text: str, loader: type[yaml.SafeLoader]) -> None:
    """Nesting past MAX_DEPTH gives the project's NestingError, with its own wording, from both
    parsers: never libyaml's "exceeded maximum nesting depth" nor a RecursionError."""
    with pytest.raises(_yaml.NestingError) as caught:
        _yaml.load(text, loader=loader)
    assert caught.value.problem == "it nests more than 100 levels deep"
    assert isinstance(caught.value, yaml.YAMLError)


@pytest.mark.parametrize("loader", PARSERS)
def test_nesting_up_to_the_bound_loads(loader: type[yaml.SafeLoader]) -> None:
    """Exactly MAX_DEPTH levels, flow or block, are read as data."""
    depth = _yaml.MAX_DEPTH
    value = _yaml.load("[" * depth + "]" * depth, loader=loader)
    for _ in range(depth - 1):
        value = value[0]
    assert value == []
    assert _yaml.load(_block(depth), loader=loader)["k0"]["k1"]["k2"] is not None


@pytest.mark.parametrize("loader", PARSERS)
def test_dates_stay_text_and_bad_values_are_yaml_errors(loader: type[yaml.SafeLoader]) -> None:
    """A plain date is a string (2024-13-45 too); a tagged impossible date is an Unreadable
    saying which value, not a bare ValueError; a python tag is refused."""
    assert _yaml.load("d: 2024-08-08\ne: 2024-13-45\n", loader=loader) == {
        "d": "2024-08-08",
        "e": "2024-13-45",
    }
    with pytest.raises(_yaml.Unreadable, match="value YAML cannot read"):
        _yaml.load("d: !!timestamp 2024-13-45\n", loader=loader)
    with pytest.raises(yaml.constructor.ConstructorError):
        _yaml.load("!!python/object/apply:os.system ['true']\n", loader=loader)


@pytest.mark.parametrize("loader", PARSERS)
def test_syntax_errors_keep_their_line(loader: type[yaml.SafeLoader]) -> None:
    """A syntax error is a YAMLError with a problem and the line it is on."""
    with pytest.raises(yaml.YAMLError) as caught:
        _yaml.load("a: 1\nb: [unclosed\nc: {\n", loader=loader)
    mark = caught.value.problem_mark  # type: ignore[attr-defined]
    assert mark is not None and mark.line >= 1
    assert caught.value.problem  # type: ignore[attr-defined]


def test_dump_is_readable_and_round_trips() -> None:
    """Multi-line strings become literal blocks, an integer pair stays inline, unicode is kept,
    and loading the dump gives the data back."""
    data = {"text": "第一行\nsecond line\n", "span": [3, 17], "names": ["a", "b"], "n": 2}
    text = _yaml.dump(data)
    assert "text: |\n  第一行\n  second line\n" in text
    assert "span: [3, 17]\n" in text
    assert "names:\n- a\n- b\n" in text
    assert _yaml.load(text) == data
