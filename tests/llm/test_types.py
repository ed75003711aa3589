"""The request/response types and the converters used by Python and Lisp providers."""

from __future__ import annotations

import pytest

from sema.llm import (ChatRequest, ChatResponse, Message, ToolCall, ToolSpec, Usage, request_from_python,
                      response_from_python)
from sema.values import kw, make_list, make_map

REQ = ChatRequest(model="m-1", messages=(Message("user", "hi"),))


class TestResponseFromPython:
    def test_string(self):
        """A string is the content; everything else takes the contract defaults."""
        r = response_from_python("Hello", REQ)
        assert (r.content, r.role, r.model, r.stop_reason, r.usage, r.tool_calls) == (
            "Hello", "assistant", "m-1", "end_turn", Usage(0, 0), ())

    def test_empty_dict_defaults(self):
        """An empty map gets every default."""
        r = response_from_python({}, REQ)
        assert r.to_dict() == {"content": "", "role": "assistant", "model": "m-1", "stop-reason": "end_turn",
                               "usage": {"prompt-tokens": 0, "completion-tokens": 0, "total-tokens": 0,
                                         "cache-read-tokens": 0, "cache-creation-tokens": 0},
                               "tool-calls": []}

    def test_lisp_keys(self):
        """Lisp-style keys: tool-calls, stop-reason, usage with prompt-tokens."""
        r = response_from_python({"content": "x", "stop-reason": "tool_use", "model": "own",
                                  "usage": {"prompt-tokens": 3, "completion-tokens": 4},
                                  "tool-calls": [{"id": "c1", "name": "f", "arguments": {"a": 1}}]}, REQ)
        assert r.model == "own" and r.stop_reason == "tool_use"
        assert r.usage == Usage(3, 4, 7)
        assert r.tool_calls == (ToolCall("c1", "f", {"a": 1}),)

    def test_underscore_keys(self):
        """The underscore spellings tool_calls and prompt_tokens are accepted too."""
        r = response_from_python({"tool_calls": [{"id": "c", "name": "f", "arguments": '{"a": 2}'}],
                                  "usage": {"prompt_tokens": 1, "completion_tokens": 2}}, REQ)
        assert r.tool_calls[0].arguments == {"a": 2} and r.usage.total_tokens == 3

    def test_lisp_map_with_keywords(self):
        """An immutables.Map keyed by keywords (a Lisp map) converts, nested maps and lists too."""
        call = make_map([(kw("id"), "c"), (kw("name"), "f"), (kw("arguments"), make_map([(kw("city"), "Oslo")]))])
        m = make_map([(kw("content"), "hi"), (kw("tool-calls"), make_list([call])),
                      (kw("usage"), make_map([(kw("prompt-tokens"), 5)]))])
        r = response_from_python(m, REQ)
        assert r.content == "hi" and r.usage.prompt_tokens == 5
        assert r.tool_calls == (ToolCall("c", "f", {"city": "Oslo"}),)

    def test_response_object_gets_model(self):
        """A ChatResponse without a model takes the request's."""
        assert response_from_python(ChatResponse("x"), REQ).model == "m-1"

    def test_bad_type(self):
        """Anything else is a TypeError naming what was returned, in Lisp terms."""
        with pytest.raises(TypeError, match="got integer 42"):
            response_from_python(42, REQ)

    @pytest.mark.parametrize("value, message", [
        ({"usage": {"prompt-tokens": "5"}}, ':prompt-tokens must be a non-negative integer, got string "5"'),
        ({"usage": 7}, ":usage must be a map with :prompt-tokens and :completion-tokens, got integer 7"),
        ({"tool-calls": {"id": "x"}}, ":tool-calls must be a list of maps with :id, :name and :arguments"),
        ({"tool-calls": [5]}, ":tool-calls must be a list of maps with :id, :name and :arguments, "
                              "got an item that is integer 5"),
        ({"content": 3}, ":content must be a string, got integer 3"),
        ({"tool-calls": [{"id": "c", "name": "f", "arguments": [1]}]}, ":arguments must be a map, got list (1)"),
    ])
    def test_malformed_values_rejected_in_one_place(self, value, message):
        """Issue #8: the attrs validators reject a bad value with a Lisp-level message (FieldError)."""
        from sema.llm import FieldError
        with pytest.raises(FieldError) as info:
            response_from_python(value, REQ)
        assert message in info.value.message

    def test_python_provider_bad_response_names_the_provider(self):
        """Through the router, the provider is named: its answer, not the caller's request, was wrong."""
        from sema.llm import LlmError, call_provider
        with pytest.raises(LlmError, match=r'provider :py returned a bad response: :prompt-tokens must be a '
                                           r'non-negative integer, got string "5"'):
            call_provider(type("P", (), {"name": "py", "default_model": "m",
                                         "complete": lambda self, r: {"usage": {"prompt-tokens": "5"}}})(), REQ)

    def test_request_values_checked(self):
        """A request with a bad field is refused where it is built."""
        from sema.llm import FieldError
        for fields, message in ((dict(max_tokens=0), ":max-tokens must be a positive integer, got integer 0"),
                            (dict(temperature="hot"), ':temperature must be a number, got string "hot"'),
                            (dict(stop_sequences=[1]), ":stop-sequences must be a string or a list of strings"),
                            (dict(timeout=-1), ":timeout must be a positive number of seconds, got float -1.0")):
            with pytest.raises(FieldError, match=message):
                ChatRequest("m", (), **fields)


class TestRequest:
    def test_mapping_access(self):
        """A request answers request["messages"], request["max-tokens"] and attribute access."""
        r = ChatRequest("m", [Message("user", "x")], max_tokens=5, stop_sequences=["END"])
        assert r["messages"] == (Message("user", "x"),) and r["max-tokens"] == 5 and r["max_tokens"] == 5
        assert r.stop_sequences == ("END",) and "max-tokens" in r and r.get("nope", 1) == 1
        with pytest.raises(KeyError):
            r["nope"]

    def test_to_dict_only_set_keys(self):
        """The contract map lists optional keys only when they are set."""
        assert REQ.to_dict() == {"model": "m-1", "messages": [{"role": "user", "content": "hi"}]}
        full = ChatRequest("m", (Message("tool", "r", tool_call_id="c"),), max_tokens=3, temperature=0.5,
                           system="s", tools=(ToolSpec("f", "d", {"type": "object"}),), stop_sequences=("X",))
        assert full.to_dict() == {
            "model": "m", "messages": [{"role": "tool", "content": "r", "tool-call-id": "c"}], "max-tokens": 3,
            "temperature": 0.5, "system": "s", "tools": [{"name": "f", "description": "d",
                                                          "parameters": {"type": "object"}}],
            "stop-sequences": ["X"]}

    def test_from_lisp_map(self):
        """A Lisp request map converts: keyword roles, tool specs, options, unknown keys to extra."""
        msgs = make_list([make_map([(kw("role"), "user"), (kw("content"), "hi")])])
        tool = make_map([(kw("name"), "f"), (kw("description"), "d"),
                         (kw("parameters"), make_map([(kw("type"), "object")]))])
        m = make_map([(kw("model"), "m"), (kw("messages"), msgs), (kw("max-tokens"), 9),
                      (kw("tools"), (tool,)), (kw("stop-sequences"), ("END",)), (kw("seed"), 3)])
        r = request_from_python(m)
        assert r.messages == (Message("user", "hi"),) and r.max_tokens == 9
        assert r.tools == (ToolSpec("f", "d", {"type": "object"}),)
        assert r.stop_sequences == ("END",) and r.extra == {"seed": 3}

    def test_default_model_and_string_messages(self):
        """A missing model takes the default; a string as messages is one user message."""
        r = request_from_python({"messages": "hello"}, default_model="dflt")
        assert r.model == "dflt" and r.messages == (Message("user", "hello"),)

    def test_message_content_parts(self):
        """Content given as text parts is flattened; None content becomes ""."""
        m = Message.from_python({"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]})
        assert m.content == "ab" and Message("assistant", None).content == ""

    def test_openai_shaped_tool_spec(self):
        """An OpenAI-shaped tool declaration is accepted as a ToolSpec."""
        t = ToolSpec.from_python({"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}})
        assert t == ToolSpec("f", "", {"type": "object"})


class TestUsage:
    def test_add_and_total(self):
        """Usage adds up field by field; total defaults to prompt + completion."""
        assert Usage(1, 2) + Usage(3, 4, cache_read_tokens=1) == Usage(4, 6, 10, 1, 0)
        assert Usage.from_python({"prompt-tokens": 2}).total_tokens == 2

    def test_frozen(self):
        """Responses are immutable."""
        with pytest.raises(Exception):
            ChatResponse("x").content = "y"
