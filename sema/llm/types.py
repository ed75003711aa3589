"""The request and response of every provider, in Python spelling.

These are the contract's maps (``reference/provider-contract.md``) as frozen
dataclasses: ``:max-tokens`` is ``max_tokens``, ``:tool-calls`` is
``tool_calls``.  Objects also answer ``obj["max-tokens"]`` / ``obj["max_tokens"]``
so that Python providers can treat them as maps, and ``to_dict()`` gives the
contract's keys (without the colon) for the Lisp side.

Converters accept what users write: :func:`request_from_python` and
:func:`response_from_python` take objects, dicts with Lisp or underscore
keys, or mappings keyed by anything with a ``.name`` (sema keywords), and
apply the contract's defaults.

Stop reasons are normalised to a small set of strings (see
:data:`STOP_REASONS`; each adapter documents its mapping): ``"end_turn"``,
``"max_tokens"``, ``"tool_use"``, ``"stop_sequence"``, ``"content_filter"``.
A vendor reason outside the table is passed through lower-cased.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

STOP_REASONS = ("end_turn", "max_tokens", "tool_use", "stop_sequence", "content_filter")


def norm_key(key) -> str:
    """``:max-tokens``, ``"max_tokens"`` and ``"max-tokens"`` all become ``"max_tokens"``."""
    name = key if isinstance(key, str) else getattr(key, "name", None)
    if not isinstance(name, str):
        name = str(key)
    return name.lstrip(":").replace("-", "_")


def plain(x):
    """Deep-convert mappings and sequences (Lisp maps/lists/vectors too) to dicts and lists.

    Mapping keys that are keywords become their name (``:city`` -> ``"city"``), unchanged otherwise.
    """
    if isinstance(x, (str, int, float, bool)) or x is None:
        return x
    if isinstance(x, Mapping):
        out = {}
        for k, v in x.items():
            k = getattr(k, "value", k) if type(k).__name__ == "_WrappedKey" else k
            if not isinstance(k, (str, int, float, bool)) and hasattr(k, "name"):
                k = k.name
            out[k] = plain(v)
        return out
    if isinstance(x, (list, tuple)) or hasattr(x, "__iter__") and hasattr(x, "car"):
        return [plain(v) for v in x]
    if hasattr(x, "name") and type(x).__name__ in ("Keyword", "Symbol"):
        return x.name
    return x


def _norm_mapping(m: Mapping) -> dict:
    return {norm_key(k): v for k, v in m.items()}


class _MapLike:
    """Mixin: ``obj["max-tokens"]``, ``obj.get(...)``, ``"x" in obj`` over the dataclass fields."""

    __slots__ = ()

    def __getitem__(self, key):
        name = norm_key(key)
        if name in self._field_names():
            return getattr(self, name)
        raise KeyError(key)

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key):
        return norm_key(key) in self._field_names()

    @classmethod
    def _field_names(cls):
        names = cls.__dict__.get("_names")
        if names is None:
            names = frozenset(f.name for f in fields(cls))
            setattr(cls, "_names", names)
        return names


@dataclass(frozen=True)
class ToolSpec(_MapLike):
    """A tool the model may call: ``parameters`` is a JSON schema (a dict)."""

    name: str
    description: str = ""
    parameters: dict = field(default_factory=lambda: {"type": "object", "properties": {}})

    def to_dict(self) -> dict:
        return {"name": self.name, "description": self.description, "parameters": self.parameters}

    @classmethod
    def from_python(cls, obj) -> "ToolSpec":
        """A ToolSpec from a ToolSpec, or a mapping with ``name``/``description``/``parameters``.

        The OpenAI shape ``{"type": "function", "function": {...}}`` is accepted too.
        """
        if isinstance(obj, ToolSpec):
            return obj
        d = _norm_mapping(obj)
        if "function" in d and "name" not in d:
            d = _norm_mapping(d["function"])
        params = d.get("parameters", d.get("input_schema"))
        return cls(str(d["name"]), str(d.get("description") or ""),
                   plain(params) if params is not None else {"type": "object", "properties": {}})


@dataclass(frozen=True)
class ToolCall(_MapLike):
    """A call the model asks for.  ``arguments`` is a dict.

    ``raw_arguments`` keeps the vendor's JSON text when it was not a valid object
    (``arguments`` is then ``{}``); ``thought_signature`` is Gemini's opaque token,
    which must be sent back with the call.
    """

    id: str
    name: str
    arguments: dict = field(default_factory=dict)
    raw_arguments: str | None = field(default=None, compare=False, repr=False)
    thought_signature: str | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict:
        d = {"id": self.id, "name": self.name, "arguments": self.arguments}
        if self.thought_signature:
            d["thought-signature"] = self.thought_signature
        return d

    @classmethod
    def from_python(cls, obj) -> "ToolCall":
        """A ToolCall from a ToolCall or a mapping with ``id``/``name``/``arguments`` (or ``args``)."""
        if isinstance(obj, ToolCall):
            return obj
        d = _norm_mapping(obj)
        if "function" in d and "name" not in d:  # OpenAI wire shape
            fn = _norm_mapping(d["function"])
            d = {"id": d.get("id"), "name": fn.get("name"), "arguments": fn.get("arguments")}
        args = d.get("arguments", d.get("args", d.get("input")))
        raw = None
        if isinstance(args, str):
            args, raw = parse_arguments(args)
        return cls(str(d.get("id") or f"call_{d.get('name')}"), str(d.get("name")),
                   plain(args) if args is not None else {}, raw,
                   d.get("thought_signature"))


def parse_arguments(text: str) -> tuple[dict, str | None]:
    """Decode a tool call's JSON argument text: ``(dict, None)``, or ``({}, text)`` if it is not an object."""
    if not text or not text.strip():
        return {}, None
    try:
        value = json.loads(text)
    except ValueError:
        return {}, text
    if isinstance(value, dict):
        return value, None
    return {}, text


@dataclass(frozen=True)
class Message(_MapLike):
    """One chat message.  ``role`` is ``"system"``, ``"user"``, ``"assistant"`` or ``"tool"``.

    An assistant message may carry ``tool_calls``; a tool message carries the
    result in ``content`` and the call's id in ``tool_call_id`` (``name`` is the tool's name).
    """

    role: str
    content: str = ""
    tool_calls: tuple = ()
    tool_call_id: str | None = None
    name: str | None = None

    def __post_init__(self):
        if self.content is None:
            object.__setattr__(self, "content", "")
        if not isinstance(self.tool_calls, tuple):
            object.__setattr__(self, "tool_calls", tuple(self.tool_calls))

    def to_dict(self) -> dict:
        d = {"role": self.role, "content": self.content}
        if self.tool_calls:
            d["tool-calls"] = [tc.to_dict() for tc in self.tool_calls]
        if self.tool_call_id is not None:
            d["tool-call-id"] = self.tool_call_id
        if self.name is not None:
            d["name"] = self.name
        return d

    @classmethod
    def from_python(cls, obj) -> "Message":
        """A Message from a Message or a mapping with ``role``/``content`` (roles may be keywords)."""
        if isinstance(obj, Message):
            return obj
        d = _norm_mapping(obj)
        role = d.get("role", "user")
        role = getattr(role, "name", role)
        content = d.get("content")
        if content is not None and not isinstance(content, str):
            content = _text_of(content)
        calls = d.get("tool_calls") or ()
        return cls(str(role), content or "", tuple(ToolCall.from_python(c) for c in calls),
                   d.get("tool_call_id"), d.get("name"))


def _text_of(content) -> str:
    """Flatten content parts (``[{"type": "text", "text": ...}]``) to text."""
    if isinstance(content, str):
        return content
    parts = []
    for part in content:
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, Mapping):
            p = _norm_mapping(part)
            if isinstance(p.get("text"), str):
                parts.append(p["text"])
    return "".join(parts)


@dataclass(frozen=True)
class Usage(_MapLike):
    """Token counts.  ``total_tokens`` defaults to prompt + completion."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int | None = None
    cache_read_tokens: int = 0
    cache_creation_tokens: int = 0

    def __post_init__(self):
        if self.total_tokens is None:
            object.__setattr__(self, "total_tokens", (self.prompt_tokens or 0) + (self.completion_tokens or 0))

    def __add__(self, other: "Usage") -> "Usage":
        return Usage(self.prompt_tokens + other.prompt_tokens,
                     self.completion_tokens + other.completion_tokens,
                     self.total_tokens + other.total_tokens,
                     self.cache_read_tokens + other.cache_read_tokens,
                     self.cache_creation_tokens + other.cache_creation_tokens)

    def to_dict(self) -> dict:
        return {"prompt-tokens": self.prompt_tokens, "completion-tokens": self.completion_tokens,
                "total-tokens": self.total_tokens, "cache-read-tokens": self.cache_read_tokens,
                "cache-creation-tokens": self.cache_creation_tokens}

    @classmethod
    def from_python(cls, obj) -> "Usage":
        """A Usage from a Usage, None (zero), or a mapping with Lisp or underscore keys."""
        if obj is None:
            return cls()
        if isinstance(obj, Usage):
            return obj
        d = _norm_mapping(obj)
        ints = {f: int(d.get(f) or 0) for f in ("prompt_tokens", "completion_tokens",
                                                "cache_read_tokens", "cache_creation_tokens")}
        total = d.get("total_tokens")
        return cls(total_tokens=int(total) if total is not None else None, **ints)


ZERO_USAGE = Usage()


@dataclass(frozen=True)
class ChatRequest(_MapLike):
    """A chat request: the contract's request map.

    ``timeout`` is in seconds (a total deadline for the call).  ``tool_choice`` is
    ``"auto"``, ``"none"``, ``"required"`` or a tool's name.  ``extra`` is merged
    into the vendor's JSON body as is (provider-specific options).
    """

    model: str | None
    messages: tuple = ()
    max_tokens: int | None = None
    temperature: float | None = None
    system: str | None = None
    tools: tuple | None = None
    stop_sequences: tuple | None = None
    timeout: float | None = None
    tool_choice: str | None = None
    extra: Mapping = field(default_factory=dict, compare=False)

    def __post_init__(self):
        if not isinstance(self.messages, tuple):
            object.__setattr__(self, "messages", tuple(self.messages))
        if self.tools is not None and not isinstance(self.tools, tuple):
            object.__setattr__(self, "tools", tuple(self.tools))
        if self.stop_sequences is not None and not isinstance(self.stop_sequences, tuple):
            object.__setattr__(self, "stop_sequences", tuple(self.stop_sequences))

    def with_model(self, model: str | None) -> "ChatRequest":
        """A copy with another model."""
        return replace(self, model=model)

    def to_dict(self) -> dict:
        """The contract's request map (keys without the colon); optional keys only when set."""
        d: dict[str, Any] = {"model": self.model, "messages": [m.to_dict() for m in self.messages]}
        if self.max_tokens is not None:
            d["max-tokens"] = self.max_tokens
        if self.temperature is not None:
            d["temperature"] = self.temperature
        if self.system is not None:
            d["system"] = self.system
        if self.tools:
            d["tools"] = [t.to_dict() for t in self.tools]
        if self.stop_sequences:
            d["stop-sequences"] = list(self.stop_sequences)
        if self.tool_choice is not None:
            d["tool-choice"] = self.tool_choice
        return d


_REQUEST_FIELDS = ("model", "messages", "max_tokens", "temperature", "system", "tools",
                   "stop_sequences", "timeout", "tool_choice")


def request_from_python(obj, default_model: str | None = None) -> ChatRequest:
    """A ChatRequest from a ChatRequest or a mapping with the contract's keys.

    ``messages`` may hold Message objects or mappings; a plain string as
    ``messages`` becomes one user message.  Unknown keys go to ``extra``.
    """
    if isinstance(obj, ChatRequest):
        return obj if obj.model or not default_model else obj.with_model(default_model)
    d = _norm_mapping(obj)
    messages = d.get("messages") or ()
    if isinstance(messages, str):
        messages = [Message("user", messages)]
    tools = d.get("tools")
    stops = d.get("stop_sequences", d.get("stop"))
    if isinstance(stops, str):
        stops = [stops]
    choice = d.get("tool_choice")
    if choice is not None and not isinstance(choice, str):
        choice = getattr(choice, "name", None) or _norm_mapping(choice).get("name")
    extra = {k: plain(v) for k, v in d.items() if k not in _REQUEST_FIELDS and k != "stop" and k != "extra"}
    if isinstance(d.get("extra"), Mapping):
        extra.update(plain(d["extra"]))
    return ChatRequest(
        model=d.get("model") or default_model,
        messages=tuple(Message.from_python(m) for m in messages),
        max_tokens=d.get("max_tokens"),
        temperature=d.get("temperature"),
        system=d.get("system"),
        tools=tuple(ToolSpec.from_python(t) for t in tools) if tools else None,
        stop_sequences=tuple(stops) if stops else None,
        timeout=d.get("timeout"),
        tool_choice=choice,
        extra=extra,
    )


@dataclass(frozen=True)
class ChatResponse(_MapLike):
    """A provider's answer: the contract's response map.  ``raw`` is the vendor's JSON."""

    content: str = ""
    role: str = "assistant"
    model: str = ""
    stop_reason: str = "end_turn"
    usage: Usage = ZERO_USAGE
    tool_calls: tuple = ()
    raw: Any = field(default=None, compare=False, repr=False)
    provider: str | None = field(default=None, compare=False)

    def __post_init__(self):
        if self.content is None:
            object.__setattr__(self, "content", "")
        if not isinstance(self.tool_calls, tuple):
            object.__setattr__(self, "tool_calls", tuple(self.tool_calls))

    def to_dict(self, *, raw: bool = False) -> dict:
        """The contract's response map (keys without the colon)."""
        d = {"content": self.content, "role": self.role, "model": self.model,
             "stop-reason": self.stop_reason, "usage": self.usage.to_dict(),
             "tool-calls": [tc.to_dict() for tc in self.tool_calls]}
        if raw and self.raw is not None:
            d["raw"] = self.raw
        return d


def response_from_python(obj, request: ChatRequest | None = None, *, provider: str | None = None) -> ChatResponse:
    """Normalise what a provider returned into a ChatResponse, applying the contract defaults.

    OBJ may be a string (the reply text), a ChatResponse, or a mapping whose keys
    are the Lisp keys (``"content"``, ``"tool-calls"``, ``"stop-reason"``,
    ``"usage": {"prompt-tokens": ..}``) or their underscore spellings.  A
    missing model is the request's model.
    """
    model = (request.model if request is not None else None) or ""
    if isinstance(obj, str):
        return ChatResponse(content=obj, model=model, provider=provider)
    if isinstance(obj, ChatResponse):
        if not obj.model and model:
            obj = replace(obj, model=model)
        if provider and obj.provider is None:
            obj = replace(obj, provider=provider)
        return obj
    if obj is None:
        return ChatResponse(model=model, provider=provider)
    if not isinstance(obj, Mapping):
        raise TypeError(f"a provider must return a string, a response map or ChatResponse, "
                        f"got {type(obj).__name__}")
    d = _norm_mapping(obj)
    content = d.get("content")
    if content is not None and not isinstance(content, str):
        content = _text_of(content)
    role = d.get("role") or "assistant"
    return ChatResponse(
        content=content or "",
        role=str(getattr(role, "name", role)),
        model=str(d.get("model") or model),
        stop_reason=str(getattr(d.get("stop_reason"), "name", d.get("stop_reason")) or "end_turn"),
        usage=Usage.from_python(d.get("usage")),
        tool_calls=tuple(ToolCall.from_python(c) for c in (d.get("tool_calls") or ())),
        raw=d.get("raw"),
        provider=provider,
    )


__all__ = [
    "Message", "ToolSpec", "ToolCall", "Usage", "ChatRequest", "ChatResponse", "ZERO_USAGE",
    "STOP_REASONS", "request_from_python", "response_from_python", "parse_arguments", "norm_key", "plain",
]
