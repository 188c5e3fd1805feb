"""The Django side imports in one direction: tasks -> services -> selectors/models, with no
circle among the project's modules, and no import tucked inside a function to dodge one."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("factcheck", "api")


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                found[_module(path)] = path
    return found


def _imported(node: ast.AST, known: dict[str, Path]) -> list[str]:
    names: list[str] = []
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        names.append(node.module)
        names += [f"{node.module}.{a.name}" for a in node.names]
    elif isinstance(node, ast.Import):
        names += [a.name for a in node.names]
    return [n for n in names if n in known]


def _graph(known: dict[str, Path]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        tree = ast.parse(path.read_text())
        graph[name] = {
            target
            for node in tree.body  # module level only
            for target in _imported(node, known)
            if target != name
        }
    return graph


def test_the_project_modules_import_each_other_without_a_circle() -> None:
    known = _modules()
    graph = _graph(known)
    circles = []
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                circles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert circles == []


def test_services_and_tasks_import_the_project_at_the_top_only() -> None:
    """A function-local import of a project module hides a circle; the Celery app (which
    loads the settings) is the one exception, imported where a message is sent."""
    known = _modules()
    hidden = []
    for name, path in known.items():
        if not (name.startswith("factcheck.facts.services") or name == "factcheck.facts.tasks"):
            continue
        tree = ast.parse(path.read_text())
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                for target in _imported(node, known):
                    if target not in ("factcheck.celery", "factcheck.celery.app"):
                        hidden.append(f"{name}.{function.name}: {target}")
    assert hidden == []
