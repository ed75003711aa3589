"""Server-Sent Events and NDJSON decoding over lines.

``iter_sse`` follows the WHATWG event-stream rules: fields ``event:``,
``data:`` (one optional space after the colon; several ``data:`` lines join
with newlines), ``id:``, ``retry:``; lines starting with ``:`` are comments
(keep-alives); a blank line dispatches the event.  httpx's ``iter_lines``
already splits on ``\\n``, ``\\r\\n`` and ``\\r``.  Unlike the spec, an event
left pending when the body ends is still dispatched: some servers omit the
final blank line, and a truncated JSON payload is caught by the caller anyway.
OpenAI's ``data: [DONE]`` is an ordinary event here; adapters stop on it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class SSEEvent:
    """One dispatched event.  ``event`` defaults to ``"message"``."""

    event: str = "message"
    data: str = ""
    id: str | None = None
    retry: int | None = None

    def json(self):
        """The data decoded as JSON (raises ValueError if it is not JSON)."""
        return json.loads(self.data)


def iter_sse(lines: Iterable[str]) -> Iterator[SSEEvent]:
    """Decode an event stream given as lines (without their line terminators)."""
    event = ""
    data: list[str] = []
    last_id = None
    retry = None
    for line in lines:
        if line.endswith("\r"):  # a stray CR from a mixed CRLF stream split on LF
            line = line[:-1]
        if not line:
            if data:
                yield SSEEvent(event or "message", "\n".join(data), last_id, retry)
            event, data = "", []
            continue
        if line.startswith(":"):
            continue
        name, sep, value = line.partition(":")
        if sep and value.startswith(" "):
            value = value[1:]
        if name == "data":
            data.append(value)
        elif name == "event":
            event = value
        elif name == "id":
            if "\0" not in value:
                last_id = value
        elif name == "retry":
            if value.isdigit():
                retry = int(value)
        # other field names are ignored, as the spec says
    if data:
        yield SSEEvent(event or "message", "\n".join(data), last_id, retry)


def iter_ndjson(lines: Iterable[str]) -> Iterator[dict]:
    """Decode newline-delimited JSON (Ollama's stream); blank lines are skipped.

    Raises ValueError (with the offending line) for a line that is not JSON.
    """
    for line in lines:
        line = line.strip()
        if not line:
            continue
        try:
            yield json.loads(line)
        except ValueError as exc:
            raise ValueError(f"not a JSON line: {line[:200]!r}") from exc


__all__ = ["SSEEvent", "iter_sse", "iter_ndjson"]
