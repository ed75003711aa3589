"""The SSE and NDJSON decoders."""

from __future__ import annotations

import pytest

from sema.llm.sse import SSEEvent, iter_ndjson, iter_sse


class TestSSE:
    def test_events_and_names(self):
        """event: names the event; data is joined; a blank line dispatches."""
        lines = ["event: message_start", 'data: {"a":1}', "", "data: x", ""]
        assert list(iter_sse(lines)) == [SSEEvent("message_start", '{"a":1}'), SSEEvent("message", "x")]

    def test_multiline_data(self):
        """Several data: lines join with newlines."""
        assert [e.data for e in iter_sse(["data: one", "data: two", ""])] == ["one\ntwo"]

    def test_optional_space_and_empty_data(self):
        """Only one space after the colon is stripped; 'data:' alone is an empty line of data."""
        events = list(iter_sse(["data:x", "", "data:  y", "", "data:", "data:", ""]))
        assert [e.data for e in events] == ["x", " y", "\n"]

    def test_comments_and_unknown_fields(self):
        """Comments and unknown fields are ignored; id and retry are kept."""
        events = list(iter_sse([": keep-alive", "foo: bar", "id: 7", "retry: 100", "data: d", ""]))
        assert events == [SSEEvent("message", "d", "7", 100)]

    def test_blank_lines_without_data(self):
        """A blank line with no data dispatches nothing (and resets the event name)."""
        assert list(iter_sse(["event: ping", "", "", "data: z", ""])) == [SSEEvent("message", "z")]

    def test_done_marker_and_crlf(self):
        """[DONE] is plain data; a stray CR at a line end is dropped."""
        assert [e.data for e in iter_sse(["data: [DONE]\r", "\r"])] == ["[DONE]"]

    def test_pending_event_at_end(self):
        """An event not followed by a blank line is still dispatched when the body ends."""
        assert [e.data for e in iter_sse(["data: last"])] == ["last"]

    def test_json_helper(self):
        """SSEEvent.json decodes the data."""
        assert SSEEvent(data='{"k": [1]}').json() == {"k": [1]}


class TestNDJSON:
    def test_lines(self):
        """One object per line; blank lines skipped."""
        assert list(iter_ndjson(['{"a":1}', "", ' {"b":2} '])) == [{"a": 1}, {"b": 2}]

    def test_bad_line(self):
        """A line that is not JSON raises ValueError quoting it."""
        with pytest.raises(ValueError, match="not a JSON line: 'oops'"):
            list(iter_ndjson(["oops"]))
