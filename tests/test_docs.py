"""Every ```scheme runnable block in README.md and docs/ runs, and its `; =>` lines are right.

docs/language.md and docs/llm.md are checked by their own tests (test_special_docs.py,
test_llm_builtins.py); this covers every other page, so a new page is covered too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_special_docs import _BLOCK_RE, check_block

REPO = Path(__file__).resolve().parent.parent
COVERED_ELSEWHERE = {"language.md", "llm.md"}
PAGES = [REPO / "README.md"] + sorted(p for p in (REPO / "docs").glob("*.md") if p.name not in COVERED_ELSEWHERE)


def _blocks():
    out = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for m in _BLOCK_RE.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            out.append(pytest.param(m.group(1), id=f"{page.name}:{line}"))
    return out


@pytest.mark.parametrize("code", _blocks())
def test_runnable_block(code):
    """The block runs in a fresh interpreter and each `; =>` line shows its value."""
    assert check_block(code) == []


def test_readme_tour_is_runnable():
    """The README's tour is among the checked blocks."""
    assert any(p.id.startswith("README.md") for p in _blocks())


def test_stdlib_reference_is_current():
    """docs/stdlib.md is exactly what the builtins' docstrings generate (so it cannot drift)."""
    from sema.docs import stdlib_reference

    page = (REPO / "docs" / "stdlib.md").read_text(encoding="utf-8")
    assert page == stdlib_reference(), "regenerate it: python -m sema.docs > docs/stdlib.md"


def test_docs_mention_only_builtins_and_groups_that_exist():
    """Issue 13: every `(prefix/name ...)` call and `prefix/*` group named in the docs is there, except the
    ones docs/sema-compat.md lists as not provided."""
    import importlib
    import re

    from sema.builtins import LAZY, load_all
    from sema.compiler.special_docs import SPECIAL_DOCS
    from sema.interpreter import Interpreter
    from sema.runtime.names import unmangle
    load_all()
    for module in LAZY:
        importlib.import_module(module)
    interp = Interpreter(llm=False, allow="all")
    names = {unmangle(k) for k in interp.namespace} | {m.name for m in interp.macros} | set(SPECIAL_DOCS)
    groups = {n.split("/", 1)[0] for n in names if "/" in n}
    compat = (REPO / "docs" / "sema-compat.md").read_text(encoding="utf-8")
    missing_there = set(re.findall(r"`([a-z]+/[^`\s]+)`", compat.split("## Not there yet", 1)[1]))
    missing_there |= set(re.findall(r"`(http/[a-z]+)`", compat))  # the "not provided" row of the table
    wrong = []
    for page in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        if page.name == "stdlib.md":
            continue
        text = page.read_text(encoding="utf-8")
        for m in re.finditer(r"`\(?([a-z][a-z0-9-]*)/(\*|[a-z0-9?!<>=*+-]+)[`\s)]", text):
            prefix, rest = m.group(1), m.group(2)
            name = f"{prefix}/{rest}"
            if rest == "*" and prefix not in groups and name not in missing_there:
                wrong.append(f"{page.name}: {name}")
            elif rest != "*" and m.group(0).startswith("`(") and name not in names and name not in missing_there:
                wrong.append(f"{page.name}: {name}")
    assert wrong == []
