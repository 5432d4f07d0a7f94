"""The project's import graph, read from the source (imports at any depth, lazy ones included): no cycles,
and dependencies one way (kelurahan <- secretariat <- integrity; pps_admin imports no app; no app imports
another app's admin views)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("kelurahan", "secretariat", "integrity", "pps_admin")
# Moved apart by the load-test scaffolding work (issue #15 item 5); remove once it has landed.
def _modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def _imported(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The first-party modules `module` imports (a name imported from a package counts as the package,
    unless it is a submodule)."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            prefix = ".".join(base + ([node.module] if node.module else []))
            targets = [f"{prefix}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != module:
                found.add(target)
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = _modules()
    return {module: _imported(module, path, modules) for module, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, components = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in graph[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = set()
            while (member := stack.pop()) != module:
                on_stack.discard(member)
                component.add(member)
            on_stack.discard(module)
            component.add(module)
            if len(component) > 1:
                components.append(component)

    for module in graph:
        if module not in index:
            visit(module)
    return components


def test_no_module_imports_one_that_imports_it_back(graph):
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]


def _edges(graph, source: str, target: str) -> list[tuple[str, str]]:
    return [
        (module, imported)
        for module, imports in graph.items()
        if module.split(".")[0] == source
        for imported in imports
        if imported == target or imported.startswith(f"{target}.")
    ]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("kelurahan", "secretariat"),
        ("kelurahan", "integrity"),
        ("secretariat", "integrity"),
        ("integrity", "secretariat.admin"),
        ("pps_admin", "kelurahan"),
        ("pps_admin", "secretariat"),
        ("pps_admin", "integrity"),
    ],
)
def test_dependencies_point_one_way(graph, source, target):
    assert _edges(graph, source, target) == []
