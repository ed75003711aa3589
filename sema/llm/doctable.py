"""The provider table of ``docs/llm.md``, generated from the catalog so that it cannot drift.

``python -m sema.llm.doctable`` rewrites the table between the markers
``<!-- provider-table -->`` and ``<!-- /provider-table -->`` of docs/llm.md;
``tests/llm/test_docs_table.py`` fails when the page and the catalog differ.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .catalog import AUTH_METHODS, SPECS

START, END = "<!-- provider-table -->", "<!-- /provider-table -->"


#: auth schemes whose credentials are not one key variable
_CREDENTIALS = {
    "sigv4": "`AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`), or `~/.aws/credentials`",
    "service-account": "`GOOGLE_APPLICATION_CREDENTIALS` (a service-account key file)",
    "qwen-oauth": "`~/.qwen/oauth_creds.json` (`sema login qwen`)",
    "copilot": "`GITHUB_COPILOT_TOKEN`, `GH_COPILOT_TOKEN`, or the editors' `github-copilot/apps.json`",
}


def _code(items) -> str:
    return ", ".join(f"`{x}`" for x in items) or "—"


def provider_table(specs=SPECS) -> str:
    """The markdown table: every id, its aliases, env vars, default URL, default model and auth method."""
    rows = ["| id | name | aliases | key / credentials | base URL variable | default base URL | default model | auth |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for s in specs:
        url = f"`{s.base_url}`" if s.base_url else "(your endpoint)"
        if s.chat_path and s.adapter in ("openai", "cohere") and s.chat_path != "/chat/completions":
            url += f" + `{s.chat_path}`"
        rows.append(f"| `{s.id}` | {s.label} | {_code(s.aliases)} | {_CREDENTIALS.get(s.auth) or _code(s.key_env)} | {_code(s.base_url_env)} "
                    f"| {url} | {f'`{s.default_model}`' if s.default_model else '(the server’s first model)'} "
                    f"| {AUTH_METHODS[s.auth]} |")
    return "\n".join(rows) + "\n"


def render(page: str) -> str:
    """PAGE with its provider table replaced by the current one."""
    head, sep, rest = page.partition(START)
    if not sep or END not in rest:
        raise ValueError(f"the page has no {START} ... {END} block")
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{provider_table()}{END}{tail}"


def main(argv=None) -> int:
    path = Path(argv[0] if argv else Path(__file__).resolve().parents[2] / "docs" / "llm.md")
    path.write_text(render(path.read_text(encoding="utf-8")), encoding="utf-8")
    sys.stdout.write(f"updated {path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
