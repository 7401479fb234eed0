"""The house's shape, checked on every run: no import cycle, small modules that say what they
hold. The one-way layers themselves are import-linter's contracts (pyproject.toml), run by
`make test` before pytest."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp

PACKAGE = Path(__file__).resolve().parents[2] / "passdesk"
MAX_LINES = 500
GENERATED = ("store/migrations/versions/",)


def _modules() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if not any(part in path.relative_to(PACKAGE).as_posix() for part in GENERATED)
    ]


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every group of modules that import each other, directly or through others (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(graph.modules):
        if module.startswith("passdesk") and module not in index:
            visit(module)
    return groups


def test_no_module_imports_itself_through_others() -> None:
    graph = grimp.build_graph("passdesk", exclude_type_checking_imports=True)
    assert len(graph.modules) > 50  # the graph really holds the package
    assert import_cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for module in ("passdesk.a", "passdesk.b", "passdesk.c"):
        graph.add_module(module)
    graph.add_import(importer="passdesk.a", imported="passdesk.b")
    graph.add_import(importer="passdesk.b", imported="passdesk.c")
    graph.add_import(importer="passdesk.c", imported="passdesk.a")
    assert import_cycles(graph) == [["passdesk.a", "passdesk.b", "passdesk.c"]]


def test_no_module_is_over_500_lines() -> None:
    sizes = {
        path.relative_to(PACKAGE.parent).as_posix(): len(path.read_text("utf-8").splitlines())
        for path in _modules()
    }
    assert len(sizes) > 50
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}


def test_every_module_says_what_it_holds() -> None:
    silent = [
        path.relative_to(PACKAGE.parent).as_posix()
        for path in _modules()
        if path.stat().st_size and not ast.get_docstring(ast.parse(path.read_text("utf-8")))
    ]
    assert silent == []
