"""The package reads as its pipeline: stage subpackages, light __init__s, no import cycles."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "factcheck"
STAGES = ("claims", "lang", "fetch", "extract", "match", "judge", "report")
HEAVY = ("httpx", "numpy", "rapidfuzz", "trafilatura", "lxml", "bs4", "jinja2", "yaml")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _lazy_table(package: str) -> dict[str, str]:
    """name -> private module, read from the ``exports(__name__, {...})`` call of an __init__."""
    init = PACKAGE.joinpath(*package.split(".")[1:], "__init__.py")
    for node in ast.walk(ast.parse(init.read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "exports":
            table = ast.literal_eval(node.args[1])
            return {name: f"{package}.{module}" for name, module in table.items()}
    return {}


def _runtime_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement that runs, at module level or inside functions: those under
    ``if TYPE_CHECKING:`` only inform the type checker."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for child in ast.walk(node))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in skipped
    ]


def import_graph() -> dict[str, set[str]]:
    """Each factcheck module and the factcheck modules it imports when it runs; a name taken
    from a stage package counts as an import of the private module that defines it."""
    modules = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    tables = {name: _lazy_table(name) for name in modules if modules[name].name == "__init__.py"}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges: set[str] = set()
        for node in _runtime_imports(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                edges.update(a.name for a in node.names if a.name in modules)
                continue
            if not node.module or node.module not in modules:
                continue
            for alias in node.names:
                target = f"{node.module}.{alias.name}"
                edges.add(
                    target
                    if target in modules
                    else tables.get(node.module, {}).get(alias.name, node.module)
                )
        edges.discard(name)
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_even_inside_functions() -> None:
    """No module reaches itself through imports, counting imports inside functions."""
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    """The check above can fail: a two-module loop and a three-module loop are both found."""
    graph = {"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"e"}, "e": {"c"}, "f": {"a"}}
    assert cycles(graph) == [["a", "b"], ["c", "d", "e"]]


def test_stages_do_not_reach_into_each_others_private_modules() -> None:
    """A stage uses another stage only through its package's public names."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        name = _module_name(path)
        own = name.split(".")[1] if name.count(".") >= 1 else ""
        for node in _runtime_imports(ast.parse(path.read_text())):
            if not isinstance(node, ast.ImportFrom) or not node.module:
                continue
            parts = node.module.split(".")
            private = len(parts) >= 3 or any(a.name.startswith("_") for a in node.names)
            if len(parts) >= 2 and parts[1] in STAGES and parts[1] != own and private:
                offenders.append(f"{name} imports {node.module} {[a.name for a in node.names]}")
    assert offenders == []


@pytest.mark.parametrize("stage", STAGES)
def test_stage_exports_are_sorted_complete_and_resolve(stage: str) -> None:
    """A stage's __all__ is sorted, names exactly its lazy exports, and each resolves to the
    object its private module defines."""
    package = importlib.import_module(f"factcheck.{stage}")
    table = _lazy_table(f"factcheck.{stage}")
    assert package.__all__ == sorted(package.__all__)
    assert set(package.__all__) == set(table)
    for name, module in table.items():
        assert getattr(package, name) is getattr(importlib.import_module(module), name)
    with pytest.raises(AttributeError):
        package.no_such_name  # noqa: B018


def test_stage_packages_import_nothing_heavy() -> None:
    """Importing every stage package loads none of the heavy libraries (--help stays fast)."""
    code = (
        "import sys\n"
        f"for stage in {STAGES!r}: __import__('factcheck.' + stage)\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
