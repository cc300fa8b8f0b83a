"""The one YAML reader and writer: front matter, claim sets, cassettes and the package's data files.

``load`` is safe loading (no tags that run code) with dates left as text, through libyaml when
PyYAML has it. Every failure is a ``yaml.YAMLError`` whose ``problem`` is a phrase the callers put
in their own messages, whichever parser read the text: nesting deeper than ``MAX_DEPTH`` is
refused by the project itself before either parser reaches its own limit (libyaml 0.2.6 stops at
1,000 with its own wording; the pure-Python composer overflows the stack near 500).

``dump`` writes block-style YAML a person can read: unicode kept, multi-line strings as literal
blocks, a ``[start, end]`` pair of integers inline.
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = [
    "LOADER",
    "MAX_DEPTH",
    "NestingError",
    "Unreadable",
    "dump",
    "load",
    "pure_python_loader",
]

# Deeper YAML is refused. The project's own files nest 4 (claim sets) to 6 (cassettes) levels
# deep; a hundred leaves hand-written data room and keeps both parsers far from their limits.
MAX_DEPTH = 100

_BASE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


class Unreadable(yaml.YAMLError):
    """YAML that parses but is not plain data the project reads; ``problem`` says why."""

    def __init__(self, problem: str, line: int | None = None) -> None:
        self.problem = problem
        self.problem_mark = None if line is None else yaml.Mark("<text>", 0, line, 0, "", 0)
        super().__init__(problem)


class NestingError(Unreadable):
    """The text nests collections deeper than ``MAX_DEPTH``."""

    def __init__(self, line: int | None = None) -> None:
        super().__init__(f"it nests more than {MAX_DEPTH} levels deep", line)


def _loader(base: type[yaml.SafeLoader]) -> type[yaml.SafeLoader]:
    """A safe loader on ``base`` that leaves dates as text (PyYAML raises a bare ValueError on
    2024-13-45, and a claim set's dates are text anyway)."""
    resolvers = {
        first: [(tag, regex) for tag, regex in found if tag != "tag:yaml.org,2002:timestamp"]
        for first, found in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    loader: type[yaml.SafeLoader] = type("Loader", (base,), {"yaml_implicit_resolvers": resolvers})
    return loader


LOADER = _loader(_BASE)  # the default: libyaml where PyYAML has it
_PURE = _loader(yaml.SafeLoader)


def _check_depth(text: str, loader: type[yaml.SafeLoader]) -> None:
    """NestingError at the first collection deeper than MAX_DEPTH, else nothing."""
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, _OPEN):
            depth += 1
            if depth > MAX_DEPTH:
                raise NestingError(event.start_mark.line if event.start_mark else None)
        elif isinstance(event, _CLOSE):
            depth -= 1


def _bound_depth(text: str, loader: type[yaml.SafeLoader]) -> None:
    """Refuse nesting past MAX_DEPTH before ``loader`` composes anything.

    The events stream, so the scan costs about what the load does. libyaml's scanner reads a
    flow collection ahead and stops at its own limit first, in its own words: on any error the
    pure-Python parser, which has no such limit, scans again and tells nesting from syntax.
    """
    try:
        _check_depth(text, loader)
    except NestingError:
        raise
    except yaml.YAMLError:
        if loader is not _PURE:
            try:
                _check_depth(text, _PURE)
            except NestingError as exc:
                raise exc from None
            except yaml.YAMLError:
                pass  # a syntax error: the first parser's report of it stands
        raise


def load(text: str, *, loader: type[yaml.SafeLoader] = LOADER) -> Any:
    """The data in ``text``; ``yaml.YAMLError`` (with ``problem`` and, mostly, ``problem_mark``)
    for anything that is not readable plain data. ``loader`` is for tests of either parser."""
    _bound_depth(text, loader)
    try:
        return yaml.load(text, Loader=loader)  # a SafeLoader: no python tags
    except RecursionError as exc:  # aliases can still nest a structure past the stack
        raise NestingError() from exc
    except (ValueError, OverflowError) as exc:  # a constructor's own error: !!timestamp 2024-13-45
        first_line = (str(exc).splitlines() or ["?"])[0][:200]
        raise Unreadable(f"it holds a value YAML cannot read ({first_line})") from exc


def pure_python_loader() -> type[yaml.SafeLoader]:
    """The loader ``load`` would use without libyaml (for tests that check both parsers)."""
    return _PURE


class _Dumper(yaml.SafeDumper):
    """Block-style YAML: multi-line strings as literal blocks, [start, end] spans inline."""


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = len(data) == 2 and all(type(item) is int for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(list, _represent_list)


def dump(data: Any) -> str:
    """``data`` as readable YAML, keys in their order, lines up to 100 characters."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
