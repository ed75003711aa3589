"""The shape of the code base that issue 7 asked for, kept by tests: no import cycles, leaf modules."""

from __future__ import annotations

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1] / "sema"


def _modules() -> dict[str, pathlib.Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        name = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
        out[name.removesuffix(".__init__")] = path
    return out


def _module_level_imports(name: str, path: pathlib.Path, modules) -> set[str]:
    """The sema modules ``name`` imports when it is imported (function-level imports are lazy on purpose)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1])
                target = base + ("." + node.module if node.module else "")
            else:
                target = node.module or ""
            for candidate in [target] + [f"{target}.{a.name}" for a in node.names]:
                if candidate in modules and candidate != name:
                    found.add(candidate)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in modules)
    return found


def _graph():
    modules = _modules()
    return {name: _module_level_imports(name, path, modules) for name, path in modules.items()}


def test_no_import_cycles():
    """No module imports itself through others when it is imported (issue 7: there was an 11-module cycle)."""
    graph = _graph()
    cycles = []
    index, low, stack, on_stack, counter = {}, {}, [], set(), [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    assert cycles == []


def test_leaf_modules_import_nothing_of_sema():
    """errors, _version and the compiler's tables are leaves others build on."""
    graph = _graph()
    assert graph["sema.errors"] == set() and graph["sema._version"] == set()
    assert graph["sema.compiler.tables"] <= {"sema.values"}


def test_form_handlers_do_not_import_the_code_generator():
    graph = _graph()
    for handler in ("special", "derived", "patterns", "quasi", "inline"):
        assert "sema.compiler.codegen" not in graph[f"sema.compiler.{handler}"], handler


def test_one_table_of_inline_slots():
    """The compiler's inliners and the runtime's namespace read the same slot table."""
    from sema.builtins import load_all
    from sema.compiler.tables import INLINE, load_handlers
    from sema.runtime.inline_slots import SLOTS, initial_values
    load_all()
    load_handlers()
    assert set(SLOTS) <= set(INLINE)
    values = initial_values()
    for slot in SLOTS.values():
        assert all(name in values for name in slot.slow)
        assert slot.guard is None or values[slot.guard] is not None


def test_the_language_guide_lists_every_inlined_builtin():
    """docs/language.md names the builtins with inline fast paths: the same set as the slot table."""
    import re
    from pathlib import Path

    from sema.runtime.inline_slots import SLOTS
    text = (Path(__file__).resolve().parent.parent / "docs" / "language.md").read_text(encoding="utf-8")
    listed = re.search(r"The compiler inlines the hot builtins.*?\(`([^`]*)`\)", text, re.S).group(1).split()
    assert sorted(listed) == sorted(SLOTS)
