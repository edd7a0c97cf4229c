"""The tree's rules, checked from the source: kb's rooms depend one way, nothing imports in a circle, and the
feedback endpoint imports nothing from kb."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

PACKAGES = ("kb", "plugins", "feedback_widget")
# kb's rooms from the bottom up: a room may import its own modules and any room below it, never one above.
KB_ROOMS = ("model", "problems", "templates", "content", "matching", "coverage", "search", "reports", "site", "cli")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """Every module of the three packages and the modules of these packages it imports (at any depth)."""
    found: dict[str, set[str]] = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            name = _module_name(path)
            is_package = path.name == "__init__.py"
            targets: set[str] = set()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    targets.update(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom):
                    base = node.module or ""
                    if node.level:
                        anchor = name.split(".") if is_package else name.split(".")[:-1]
                        anchor = anchor[: len(anchor) - (node.level - 1)]
                        base = ".".join([*anchor, base] if base else anchor)
                    targets.add(base)
                    targets.update(f"{base}.{alias.name}" for alias in node.names)
            found[name] = {t for t in targets if t.split(".")[0] in PACKAGES}
    modules = set(found)
    return {name: {t for t in targets if t in modules and t != name} for name, targets in found.items()}


def _room(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "kb" and len(parts) > 1 else None


def test_feedback_widget_imports_nothing_from_kb():
    offenders = {
        m: sorted(t for t in targets if t.startswith("kb"))
        for m, targets in _imports().items()
        if m.startswith("feedback_widget")
    }
    assert {m: t for m, t in offenders.items() if t} == {}


def test_kb_rooms_depend_only_downwards():
    assert upward_imports(_imports()) == []


def test_every_kb_module_is_in_a_room():
    unknown = {m for m in _imports() if m.startswith("kb.") and _room(m) not in (*KB_ROOMS, "__main__")}
    assert unknown == set()


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    return cycles


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    wrong = []
    for module, targets in graph.items():
        room = _room(module)
        if room not in KB_ROOMS:
            continue
        for target in targets:
            other = _room(target)
            if other in KB_ROOMS and KB_ROOMS.index(other) > KB_ROOMS.index(room):
                wrong.append(f"{module} -> {target}")
    return sorted(wrong)


def test_no_import_cycles():
    assert find_cycles(_imports()) == []


def test_the_checks_catch_a_cycle_and_an_upward_import():
    graph = {"kb.content.a": {"kb.coverage.b"}, "kb.coverage.b": {"kb.content.a"}, "kb.model": set()}
    assert find_cycles(graph) == [["kb.content.a", "kb.coverage.b", "kb.content.a"]]
    assert upward_imports(graph) == ["kb.content.a -> kb.coverage.b"]
