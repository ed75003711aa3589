"""The four wire formats, rendered from one script of "what the model says".

A test scripts *intent* (a text answer, tool calls, an error, a fault) and
each dialect renders it the way the real service does, following the
captures in the project's reference notes (llm-providers.md §5): OpenAI chat
completions + SSE (also llama-cpp-python's quirks: ids and names repeated on
every delta, explicit nulls, no usage chunk; litellm's usage chunk with
``[{"delta": {}}]``), Anthropic Messages SSE, Gemini generateContent /
``streamGenerateContent?alt=sse``, Ollama NDJSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

MODEL = {"openai": "gpt-4o-mini", "anthropic": "claude-sonnet-4-5", "gemini": "gemini-2.0-flash",
         "ollama": "llama3.2"}


@dataclass
class Reply:
    """What the next request gets.  ``kind``: text, tools, error, raw, cut, hang, stall, stream_error,
    truncated (a stream that ends cleanly but early), embeddings."""

    kind: str = "text"
    text: str = "Hello!"
    parts: tuple = ("Hel", "lo!")
    calls: tuple = ()                 # ((id, name, args), ...)
    usage: tuple = (9, 2)
    finish: str = "stop"              # stop | length
    status: int = 200
    message: str = ""
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    content_type: str = "application/json"
    vectors: tuple = ()
    style: str = ""                   # dialect variant: "llamacpp", "litellm", "snake", "array" ...

    # constructors
    @classmethod
    def say(cls, text="Hello!", parts=None, usage=(9, 2), finish="stop", style=""):
        return cls("text", text, tuple(parts) if parts else (text[:3], text[3:]), usage=usage,
                   finish=finish, style=style)

    @classmethod
    def tools(cls, *calls, text="", style=""):
        return cls("tools", text, (text,) if text else (), tuple(calls), usage=(60, 15), style=style)

    @classmethod
    def error(cls, status, message, retry_after=None, headers=None, style=""):
        h = dict(headers or {})
        if retry_after is not None:
            h["retry-after"] = str(retry_after)
        return cls("error", status=status, message=message, headers=h, style=style)

    @classmethod
    def raw(cls, status, body, content_type="text/html"):
        return cls("raw", status=status, body=body if isinstance(body, bytes) else body.encode(),
                   content_type=content_type)


WEATHER = ("call_A", "get_weather", {"city": "Paris"})
WEATHER_ROME = ("call_B", "get_weather", {"city": "Rome"})


def sse(data, event=None) -> bytes:
    head = f"event: {event}\n" if event else ""
    payload = data if isinstance(data, str) else json.dumps(data)
    return (head + f"data: {payload}\n\n").encode()


class Dialect:
    name = "?"
    stream_type = "text/event-stream"

    def is_stream(self, path: str, body: dict) -> bool:
        return bool(body.get("stream"))

    def model(self, path, body):
        return body.get("model") or MODEL[self.name]


# ------------------------------------------------------------------ OpenAI

class OpenAI(Dialect):
    name = "openai"

    def route(self, method, path):
        if method == "GET" and path.endswith("/models"):
            return "models"
        if path.endswith("/chat/completions"):
            return "chat"
        if path.endswith("/embeddings"):
            return "embed"
        return None

    def models(self):
        return {"object": "list", "data": [{"id": "gpt-4o-mini", "object": "model", "created": 1721172741,
                                           "owned_by": "system"}]}

    def usage(self, r):
        p, c = r.usage
        return {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c,
                "prompt_tokens_details": {"cached_tokens": 0}, "completion_tokens_details": {"reasoning_tokens": 0}}

    def complete(self, r, model):
        msg = {"role": "assistant", "content": r.text or None, "refusal": None}
        finish = "length" if r.finish == "length" else "stop"
        if r.calls:
            msg["tool_calls"] = [{"id": i, "type": "function", "function": {"name": n, "arguments": json.dumps(a)}}
                                 for i, n, a in r.calls]
            finish = "tool_calls"
        return {"id": "chatcmpl-abc123", "object": "chat.completion", "created": 1700000000, "model": model,
                "choices": [{"index": 0, "message": msg, "logprobs": None, "finish_reason": finish}],
                "usage": self.usage(r), "system_fingerprint": "fp_0123456789"}

    def _chunk(self, model, delta, finish=None, usage="absent"):
        d = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1700000000, "model": model,
             "system_fingerprint": "fp_1", "choices": [{"index": 0, "delta": delta, "logprobs": None,
                                                        "finish_reason": finish}]}
        if usage != "absent":
            d["usage"] = usage
        return sse(d)

    def stream(self, r, model) -> list[bytes]:
        llamacpp = r.style == "llamacpp"
        out = [self._chunk(model, {"role": "assistant", "content": "", "refusal": None}, usage=None)]
        for part in r.parts:
            if part:
                out.append(self._chunk(model, {"content": part}, usage=None))
        finish = "length" if r.finish == "length" else "stop"
        for index, (cid, name, args) in enumerate(r.calls):
            text = json.dumps(args)
            pieces = [text[:len(text) // 2], text[len(text) // 2:]]
            if llamacpp:  # every delta repeats id, type and the full name; explicit nulls
                for piece in pieces:
                    out.append(self._chunk(model, {"role": None, "content": None,
                                                   "function_call": {"name": name, "arguments": piece},
                                                   "tool_calls": [{"index": index, "id": cid, "type": "function",
                                                                   "function": {"name": name, "arguments": piece}}]}))
            else:
                out.append(self._chunk(model, {"tool_calls": [{"index": index, "id": cid, "type": "function",
                                                               "function": {"name": name, "arguments": ""}}]},
                                       usage=None))
                for piece in pieces:
                    out.append(self._chunk(model, {"tool_calls": [{"index": index, "function": {"arguments": piece}}]},
                                           usage=None))
            finish = "tool_calls"
        out.append(self._chunk(model, {}, finish, usage=None if not llamacpp else "absent"))
        if not llamacpp:  # llama-cpp-python ignores include_usage
            usage = self.usage(r)
            choices = [{"index": 0, "delta": {}}] if r.style == "litellm" else []
            out.append(sse({"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1700000000,
                            "model": model, "choices": choices, "usage": usage}))
        out.append(sse("[DONE]"))
        return out

    def error(self, status, message):
        code = {401: "invalid_api_key", 429: "rate_limit_exceeded"}.get(status)
        if "context" in message:
            code = "context_length_exceeded"
        return {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": code}}

    def stream_error(self, message):
        return sse({"error": {"message": message, "type": "server_error", "param": None, "code": None}})

    def embeddings(self, vectors, model):
        return {"object": "list", "model": model, "usage": {"prompt_tokens": 2, "total_tokens": 2},
                "data": [{"object": "embedding", "index": i, "embedding": v} for i, v in enumerate(vectors)]}


# ------------------------------------------------------------------ Anthropic

class Anthropic(Dialect):
    name = "anthropic"

    def route(self, method, path):
        return "chat" if path == "/v1/messages" else None

    def complete(self, r, model):
        content = [{"type": "text", "text": r.text}] if r.text else []
        content += [{"type": "tool_use", "id": i, "name": n, "input": a} for i, n, a in r.calls]
        stop = "tool_use" if r.calls else ("max_tokens" if r.finish == "length" else "end_turn")
        return {"id": "msg_01XFDUDYJgAACzvnptvVoYEL", "type": "message", "role": "assistant", "model": model,
                "content": content, "stop_reason": stop, "stop_sequence": None,
                "usage": {"input_tokens": r.usage[0], "output_tokens": r.usage[1],
                          "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}}

    def stream(self, r, model) -> list[bytes]:
        out = [sse({"type": "message_start", "message": {
            "id": "msg_01", "type": "message", "role": "assistant", "model": model, "content": [],
            "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": r.usage[0], "output_tokens": 1}}},
            "message_start")]
        index = 0
        if [p for p in r.parts if p]:
            out.append(sse({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
                           "content_block_start"))
            out.append(sse({"type": "ping"}, "ping"))
            for part in r.parts:
                out.append(sse({"type": "content_block_delta", "index": 0,
                                "delta": {"type": "text_delta", "text": part}}, "content_block_delta"))
            out.append(sse({"type": "content_block_stop", "index": 0}, "content_block_stop"))
            index = 1
        for cid, name, args in r.calls:
            text = json.dumps(args)
            pieces = ["", text[:5], text[5:]]
            if r.style == "litellm":  # one tool_use block per fragment, same id (captured, broken)
                for piece in pieces:
                    out.append(sse({"type": "content_block_start", "index": index, "content_block": {
                        "type": "tool_use", "id": cid, "name": name, "input": {}}}, "content_block_start"))
                    out.append(sse({"type": "content_block_delta", "index": index,
                                    "delta": {"type": "input_json_delta", "partial_json": piece}},
                                   "content_block_delta"))
                    out.append(sse({"type": "content_block_stop", "index": index}, "content_block_stop"))
                    index += 1
                continue
            out.append(sse({"type": "content_block_start", "index": index, "content_block": {
                "type": "tool_use", "id": cid, "name": name, "input": {}}}, "content_block_start"))
            for piece in pieces:
                out.append(sse({"type": "content_block_delta", "index": index,
                                "delta": {"type": "input_json_delta", "partial_json": piece}}, "content_block_delta"))
            out.append(sse({"type": "content_block_stop", "index": index}, "content_block_stop"))
            index += 1
        stop = "tool_use" if r.calls else ("max_tokens" if r.finish == "length" else "end_turn")
        out.append(sse({"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None},
                        "usage": {"output_tokens": r.usage[1]}}, "message_delta"))
        out.append(sse({"type": "message_stop"}, "message_stop"))
        return out

    def error(self, status, message):
        kind = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
                404: "not_found_error", 429: "rate_limit_error", 500: "api_error",
                529: "overloaded_error"}.get(status, "api_error")
        return {"type": "error", "error": {"type": kind, "message": message}, "request_id": "req_011CSHoEeq"}

    def stream_error(self, message):
        return sse({"type": "error", "error": {"type": "overloaded_error", "message": message}}, "error")


# ------------------------------------------------------------------ Gemini

class Gemini(Dialect):
    name = "gemini"

    def route(self, method, path):
        if ":generateContent" in path or ":streamGenerateContent" in path:
            return "chat"
        if ":batchEmbedContents" in path:
            return "embed"
        return None

    def is_stream(self, path, body):
        return ":streamGenerateContent" in path

    def model(self, path, body):
        return path.split("/models/")[1].split(":")[0]

    def _usage(self, r, final=True):
        p, c = r.usage
        if not final:
            return {"promptTokenCount": p, "totalTokenCount": p}
        return {"promptTokenCount": p, "candidatesTokenCount": c, "totalTokenCount": p + c}

    def _parts(self, text, calls, snake=False):
        parts = [{"text": text}] if text else []
        key = "function_call" if snake else "functionCall"
        parts += [{key: {"name": n, "args": a}} for _, n, a in calls]
        return parts

    def complete(self, r, model):
        finish = "MAX_TOKENS" if r.finish == "length" else "STOP"
        if r.style == "blocked":
            return {"promptFeedback": {"blockReason": "SAFETY"}, "usageMetadata": self._usage(r, False)}
        body = {"candidates": [{"content": {"role": "model", "parts": self._parts(r.text, r.calls, r.style == "snake")},
                                "finishReason": finish, "index": 0}],
                "usageMetadata": self._usage(r), "modelVersion": model, "responseId": "mQkTaZ2lA4"}
        return body

    def stream(self, r, model) -> list[bytes]:
        out = []
        finish = "MAX_TOKENS" if r.finish == "length" else "STOP"
        parts = [p for p in r.parts if p]
        chunks = [[{"text": p}] for p in parts]
        if r.calls:
            chunks.append(self._parts("", r.calls))  # a function call arrives whole
        for n, chunk_parts in enumerate(chunks):
            last = n == len(chunks) - 1
            cand = {"content": {"role": "model", "parts": chunk_parts}, "index": 0}
            if last:
                cand["finishReason"] = finish
            out.append(sse({"candidates": [cand], "usageMetadata": self._usage(r, last), "modelVersion": model,
                            "responseId": "mQkTaZ2lA4"}))
        return out

    def error(self, status, message):
        status_name = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
                       404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL",
                       503: "UNAVAILABLE"}.get(status, "UNKNOWN")
        return {"error": {"code": status, "message": message, "status": status_name}}

    def stream_error(self, message):
        return sse({"error": {"code": 503, "message": message, "status": "UNAVAILABLE"}})

    def embeddings(self, vectors, model):
        return {"embeddings": [{"values": v} for v in vectors]}


# ------------------------------------------------------------------ Ollama

class Ollama(Dialect):
    name = "ollama"
    stream_type = "application/x-ndjson"

    def route(self, method, path):
        return {"/api/chat": "chat", "/api/embed": "embed", "/api/tags": "models"}.get(path)

    def is_stream(self, path, body):
        return body.get("stream", True)

    def models(self):
        return {"models": [{"name": "llama3.2:latest", "model": "llama3.2:latest", "size": 2019393189}]}

    def _final(self, r, model, calls=()):
        msg = {"role": "assistant", "content": ""}
        if calls:
            msg["tool_calls"] = [{"function": {"name": n, "arguments": a}} for _, n, a in calls]
        return {"model": model, "created_at": "2024-07-22T20:33:28.323648Z", "message": msg, "done": True,
                "done_reason": "length" if r.finish == "length" else "stop", "total_duration": 4883583458,
                "prompt_eval_count": r.usage[0], "eval_count": r.usage[1], "eval_duration": 4535599000}

    def complete(self, r, model):
        final = self._final(r, model, r.calls)
        final["message"]["content"] = r.text
        return final

    def stream(self, r, model) -> list[bytes]:
        out = []
        for part in r.parts:
            if part:
                out.append((json.dumps({"model": model, "created_at": "2024-07-22T20:33:28.1Z",
                                        "message": {"role": "assistant", "content": part}, "done": False})
                            + "\n").encode())
        out.append((json.dumps(self._final(r, model, r.calls)) + "\n").encode())
        return out

    def error(self, status, message):
        return {"error": message}

    def stream_error(self, message):
        return (json.dumps({"error": message}) + "\n").encode()

    def embeddings(self, vectors, model):
        return {"model": model, "embeddings": list(vectors), "total_duration": 14143917}


DIALECTS = {"openai": OpenAI(), "anthropic": Anthropic(), "gemini": Gemini(), "ollama": Ollama()}
