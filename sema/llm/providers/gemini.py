"""Google Gemini ``generateContent`` and ``streamGenerateContent?alt=sse``.

``POST {base}/models/{model}:generateContent`` with the key in the
``x-goog-api-key`` header (never ``?key=``, which ends up in logged URLs).
Roles are ``user``/``model``; the system prompt goes to ``systemInstruction``;
assistant tool calls become ``functionCall`` parts (with their
``thoughtSignature`` echoed back), tool results ``functionResponse`` parts
in a user turn, matched by function name (looked up from the call id when
the message has no name).  Tool schemas lose the JSON-schema keys Gemini
rejects (``additionalProperties``, ``$schema``, ``$ref``, ``default`` ...).

A stream is SSE of whole ``GenerateContentResponse`` objects, no ``[DONE]``;
a function call arrives whole; usage is on every chunk, complete on the last.

Stop reasons: ``STOP`` -> ``end_turn`` (``tool_use`` when the answer has
function calls), ``MAX_TOKENS`` -> ``max_tokens``, ``SAFETY``,
``RECITATION``, ``BLOCKLIST``, ``PROHIBITED_CONTENT``, ``SPII``, and a
blocked prompt (``promptFeedback.blockReason``) -> ``content_filter``.
Responses are read in camelCase or snake_case.

Images are ``inlineData`` parts (base64) or ``fileData`` parts (a URL);
``:response-format`` sets ``responseMimeType: application/json`` and
``responseSchema``; ``POST .../models/{model}:countTokens`` counts tokens.
:class:`~.vertex.VertexProvider` reuses all of this on Vertex AI's URLs.
"""

from __future__ import annotations

import json

from ..types import ChatRequest, ChatResponse, Usage
from . import HttpProvider, StreamAccumulator

STOP_MAP = {"STOP": "end_turn", "MAX_TOKENS": "max_tokens", "SAFETY": "content_filter",
            "RECITATION": "content_filter", "BLOCKLIST": "content_filter",
            "PROHIBITED_CONTENT": "content_filter", "SPII": "content_filter",
            "IMAGE_SAFETY": "content_filter", "FINISH_REASON_UNSPECIFIED": "end_turn"}
_DROP_SCHEMA_KEYS = frozenset({"additionalProperties", "$schema", "$ref", "$defs", "definitions",
                               "default", "strict", "examples", "$id", "$comment"})


def stop_reason(reason, has_calls: bool) -> str:
    mapped = STOP_MAP.get(reason, str(reason).lower()) if reason else "end_turn"
    return "tool_use" if has_calls and mapped == "end_turn" else mapped


def clean_schema(schema):
    """A JSON schema without the keys Gemini's function declarations reject."""
    if isinstance(schema, list):
        return [clean_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key in _DROP_SCHEMA_KEYS:
            continue
        if key == "properties" and isinstance(value, dict):
            out[key] = {name: clean_schema(sub) for name, sub in value.items()}
        elif key in ("items", "anyOf", "oneOf", "allOf", "not"):
            out[key] = clean_schema(value)
        else:
            out[key] = value
    return out


def _get(d: dict, camel: str, snake: str):
    value = d.get(camel)
    return d.get(snake) if value is None else value


def gemini_usage(u) -> Usage | None:
    if not isinstance(u, dict):
        return None
    completion = int(_get(u, "candidatesTokenCount", "candidates_token_count") or 0) + \
        int(_get(u, "thoughtsTokenCount", "thoughts_token_count") or 0)
    return Usage(int(_get(u, "promptTokenCount", "prompt_token_count") or 0), completion,
                 _get(u, "totalTokenCount", "total_token_count"),
                 int(_get(u, "cachedContentTokenCount", "cached_content_token_count") or 0), 0)


def gemini_contents(messages) -> tuple[list[dict], list[str]]:
    """Translate messages to ``contents``; returns (contents, system texts found among them)."""
    contents: list[dict] = []
    system: list[str] = []
    names: dict[str, str] = {}
    for m in messages:
        if m.role == "system":
            system.append(m.content)
            continue
        if m.role == "tool":
            name = m.name or names.get(m.tool_call_id or "", "") or (m.tool_call_id or "tool")
            part = {"functionResponse": {"name": name, "response": {"result": m.content}}}
            prev = contents[-1] if contents else None
            if prev and prev["role"] == "user" and all("functionResponse" in p for p in prev["parts"]):
                prev["parts"].append(part)
            else:
                contents.append({"role": "user", "parts": [part]})
            continue
        role = "model" if m.role == "assistant" else "user"
        parts: list[dict] = [image_part(i) for i in m.images]
        if m.content:
            parts.append({"text": m.content})
        for tc in m.tool_calls:
            names[tc.id] = tc.name
            part = {"functionCall": {"name": tc.name, "args": tc.arguments}}
            if tc.thought_signature:
                part["thoughtSignature"] = tc.thought_signature
            parts.append(part)
        contents.append({"role": role, "parts": parts or [{"text": ""}]})
    return contents, system


def image_part(image) -> dict:
    if image.url:
        media = image.media_type or _guess_media(image.url)
        return {"fileData": {"mimeType": media, "fileUri": image.url}}
    return {"inlineData": {"mimeType": image.media_type, "data": image.data}}


def _guess_media(url: str) -> str:
    from ..types import _MEDIA
    lower = url.lower().split("?")[0]
    return next((m for ext, m in _MEDIA.items() if lower.endswith(ext)), "image/jpeg")


class GeminiProvider(HttpProvider):
    """Google's Gemini API (AI Studio, ``v1beta``)."""

    adapter = "gemini"
    default_base_url = "https://generativelanguage.googleapis.com/v1beta"
    default_auth = "x-goog-api-key"
    answer_shape = 'a GenerateContentResponse (a JSON object with "candidates")'
    supports = frozenset({"chat", "stream", "tools", "embed"})

    def model_path(self, model: str) -> str:
        """The URL path of MODEL (``/models/gemini-x``), before ``:generateContent``."""
        return "/" + (model if model.startswith(("models/", "tunedModels/")) else f"models/{model}")

    def chat_body(self, request: ChatRequest, model: str, stream: bool):
        contents, system = gemini_contents(request.messages)
        if request.system:
            system.insert(0, request.system)
        body: dict = {"contents": contents}
        if system:
            body["systemInstruction"] = {"parts": [{"text": "\n\n".join(system)}]}
        if request.tools:
            body["tools"] = [{"functionDeclarations": [
                {"name": t.name, "description": t.description, "parameters": clean_schema(t.parameters)}
                for t in request.tools]}]
        if request.tool_choice is not None:
            choice = request.tool_choice
            if choice in ("auto", "none"):
                config = {"mode": choice.upper()}
            elif choice in ("required", "any"):
                config = {"mode": "ANY"}
            else:
                config = {"mode": "ANY", "allowedFunctionNames": [choice]}
            body["toolConfig"] = {"functionCallingConfig": config}
        gen: dict = {}
        if request.temperature is not None:
            gen["temperature"] = request.temperature
        if request.max_tokens is not None:
            gen["maxOutputTokens"] = request.max_tokens
        if request.stop_sequences:
            gen["stopSequences"] = list(request.stop_sequences)
        if request.response_format is not None:
            gen["responseMimeType"] = "application/json"
            if request.response_format.schema is not None:
                gen["responseSchema"] = clean_schema(request.response_format.schema)
        if gen:
            body["generationConfig"] = gen
        body.update(request.extra)
        if stream:
            return f"{self.model_path(model)}:streamGenerateContent?alt=sse", body
        return f"{self.model_path(model)}:generateContent", body

    def count_tokens(self, request: ChatRequest) -> int | None:
        """``POST .../models/{model}:countTokens`` (the vendor's own count of the prompt)."""
        model = self.model_for(request)
        contents, system = gemini_contents(request.messages)
        text = "\n\n".join(([request.system] if request.system else []) + system)
        if text:  # countTokens takes contents only: count the system prompt as a first user turn
            contents.insert(0, {"role": "user", "parts": [{"text": text}]})
        data = self.http.request_json("POST", f"{self.model_path(model)}:countTokens", json={"contents": contents})
        count = _get(data, "totalTokens", "total_tokens") if isinstance(data, dict) else None
        if not isinstance(count, int):
            raise self.malformed('expected "totalTokens"', data)
        return count

    def _absorb(self, data: dict, acc: StreamAccumulator) -> str | None:
        """Fold one GenerateContentResponse into ACC; returns its finish reason (or None)."""
        usage = gemini_usage(_get(data, "usageMetadata", "usage_metadata"))
        if usage is not None:
            acc.usage = usage
        acc.model = _get(data, "modelVersion", "model_version") or acc.model
        candidates = data.get("candidates") or ()
        if not candidates:
            feedback = _get(data, "promptFeedback", "prompt_feedback") or {}
            if _get(feedback, "blockReason", "block_reason"):
                return "SAFETY"
            return None
        cand = candidates[0]
        content = cand.get("content") or {}
        for part in content.get("parts") or ():
            if part.get("thought"):
                continue  # a thinking summary, not the answer
            call = _get(part, "functionCall", "function_call")
            if call is not None:
                key = len(acc.calls)
                acc.call(key, id=call.get("id") or f"call_{key}_{call.get('name')}", name=call.get("name"),
                         args=call.get("args") or {},
                         signature=_get(part, "thoughtSignature", "thought_signature"))
            elif isinstance(part.get("text"), str):
                acc.text(part["text"])
        return _get(cand, "finishReason", "finish_reason")

    def parse_chat(self, data, request: ChatRequest, model: str) -> ChatResponse:
        if isinstance(data, list) and all(isinstance(d, dict) for d in data):  # a JSON-array stream body
            items = data
        elif isinstance(data, dict):
            items = [data]
        else:
            raise self.malformed(None, data)
        acc = StreamAccumulator(None, model)
        reason = None
        for item in items:
            reason = self._absorb(item, acc) or reason
        acc.stop_reason = stop_reason(reason, bool(acc.calls))
        return acc.response(self.name, data)

    def read_stream(self, reader, request, model, on_chunk) -> ChatResponse:
        from ..sse import iter_sse

        acc = StreamAccumulator(on_chunk, model)
        reason = None
        for event in iter_sse(reader.lines()):
            try:
                data = json.loads(event.data)
            except ValueError:
                raise reader.bad_json(event.data) from None
            if isinstance(data, dict) and data.get("error"):
                raise reader.error_event(data)
            if not isinstance(data, dict):
                raise self.malformed("each stream event must be an object", data)
            reason = self._absorb(data, acc) or reason
        if reason is None:
            raise reader.cut("a chunk with a finishReason")
        acc.stop_reason = stop_reason(reason, bool(acc.calls))
        return acc.response(self.name)

    def embed(self, texts, model: str | None = None) -> list[list[float]]:
        """Vectors from ``:batchEmbedContents`` (default model ``text-embedding-004``)."""
        texts = [texts] if isinstance(texts, str) else list(texts)
        model = model or self.embedding_model or "text-embedding-004"
        name = model if model.startswith("models/") else f"models/{model}"
        data = self.http.request_json("POST", f"/{name}:batchEmbedContents", json={
            "requests": [{"model": name, "content": {"parts": [{"text": t}]}} for t in texts]})
        return [[float(x) for x in e.get("values") or ()] for e in data.get("embeddings") or ()]
