"""Issue #8: docs/llm.md's provider table is generated from the catalog and cannot drift."""

from __future__ import annotations

from pathlib import Path

from sema.llm.catalog import SPECS
from sema.llm.doctable import END, START, provider_table, render

PAGE = Path(__file__).resolve().parents[2] / "docs" / "llm.md"


def test_table_is_current():
    """The page's table is exactly what the catalog generates (regenerate: python -m sema.llm.doctable)."""
    text = PAGE.read_text(encoding="utf-8")
    assert render(text) == text, "regenerate it: python -m sema.llm.doctable"


def test_table_has_every_row_and_column():
    """Every id is a row with its aliases, variables, URL, default model and auth method."""
    table = provider_table()
    rows = [line for line in table.splitlines()[2:]]
    assert len(rows) == len(SPECS)
    anthropic = next(r for r in rows if r.startswith("| `anthropic` "))
    for part in ("`claude`", "`ANTHROPIC_OAUTH_TOKEN`, `ANTHROPIC_API_KEY`", "`ANTHROPIC_BASE_URL`",
                 "`https://api.anthropic.com`", "`claude-sonnet-4-6`", "OAuth token"):
        assert part in anthropic
    bedrock = next(r for r in rows if r.startswith("| `bedrock` "))
    assert "SigV4" in bedrock and "~/.aws/credentials" in bedrock
    assert START in PAGE.read_text() and END in PAGE.read_text()
