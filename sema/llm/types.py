"""The request and response of every provider, in Python spelling, as attrs classes.

These are the contract's maps (``reference/provider-contract.md``) as frozen
attrs classes: ``:max-tokens`` is ``max_tokens``, ``:tool-calls`` is
``tool_calls``.  Objects also answer ``obj["max-tokens"]`` / ``obj["max_tokens"]``
so that Python providers can treat them as maps, and ``to_dict()`` gives the
contract's keys (without the colon) for the Lisp side.

Every field has a converter (what users write: lists for tuples, keywords
for strings, mappings for nested objects) and a validator.  A malformed
value, from a Lisp provider, a Python provider or a caller, is rejected
here, in one place, with a :class:`FieldError` whose message is in Lisp
terms (``:max-tokens must be an integer, got string "x"``).  The layer that
knows who is to blame adds the name: a builtin for a bad request, the
provider for a bad response (:func:`response_from_python`).

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
import numbers
from collections.abc import Mapping
from typing import Any

import attrs
from attrs import field, frozen

from ..errors import LispTypeError
from .describe import got

STOP_REASONS = ("end_turn", "max_tokens", "tool_use", "stop_sequence", "content_filter")
ROLES = ("system", "user", "assistant", "tool")


class FieldError(LispTypeError):
    """A field of a request or response holds a value of the wrong kind.

    ``key`` is the field in Lisp spelling (``max-tokens``); the message reads
    ``:max-tokens must be an integer, got string "x"``.
    """

    def __init__(self, key: str, expected: str, value: Any = None, *, message: str | None = None):
        self.key = key
        self.expected = expected
        self.value = value
        super().__init__(message or f":{key} must be {expected}, got {got(value)}")


def norm_key(key) -> str:
    """``:max-tokens``, ``"max_tokens"`` and ``"max-tokens"`` all become ``"max_tokens"``."""
    name = key if isinstance(key, str) else getattr(key, "name", None)
    if not isinstance(name, str):
        name = str(key)
    return name.lstrip(":").replace("-", "_")


def _lisp_key(name: str) -> str:
    return name.replace("_", "-")


def _unwrap(k):
    return getattr(k, "value", k) if type(k).__name__ == "_WrappedKey" else k


def plain(x):
    """Deep-convert mappings and sequences (Lisp maps/lists/vectors too) to dicts and lists.

    Mapping keys that are keywords become their name (``:city`` -> ``"city"``), unchanged otherwise.
    """
    if isinstance(x, (str, int, float, bool)) or x is None:
        return x
    if isinstance(x, Mapping):
        out = {}
        for k, v in x.items():
            k = _unwrap(k)
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
    return {norm_key(_unwrap(k)): v for k, v in m.items()}


def _is_seq(x) -> bool:
    return isinstance(x, (list, tuple)) or (hasattr(x, "__iter__") and hasattr(x, "car"))


# ---------------------------------------------------------------- converters and validators

def _name_of(x):
    """A keyword or symbol's name; anything else unchanged."""
    if type(x).__name__ in ("Keyword", "Symbol"):
        return x.name
    return x


def _check(expected: str, ok, *, optional: bool = False):
    """An attrs validator raising FieldError(EXPECTED) unless ``ok(value)``."""
    def validate(inst, attribute, value):
        if value is None and optional:
            return
        if not ok(value):
            raise FieldError(_lisp_key(attribute.name), expected, value)
    return validate


def _is_int(x) -> bool:
    return x.__class__ is int


def _is_count(x) -> bool:
    return x.__class__ is int and x >= 0


def _is_str(x) -> bool:
    return isinstance(x, str)


def _to_float(x):
    """Integers and rationals become floats; other values are left for the validator to reject."""
    if isinstance(x, numbers.Real) and x.__class__ is not bool and not isinstance(x, float):
        return float(x)
    return x


def _tuple_of(convert):
    def to_tuple(x):
        if x is None:
            return ()
        if isinstance(x, (str, Mapping)) or not (_is_seq(x) or isinstance(x, (set, frozenset))):
            return x  # the validator names what it is
        return tuple(convert(v) for v in x)
    return to_tuple


def _optional_tuple_of(convert):
    base = _tuple_of(convert)

    def to_tuple(x):
        if x is None:
            return None
        return base(x) or None
    return to_tuple


def _all(cls, expected):
    def validate(inst, attribute, value):
        if value is None:
            return
        if not isinstance(value, tuple):
            raise FieldError(_lisp_key(attribute.name), expected, value)
        for item in value:
            if not isinstance(item, cls):
                raise FieldError(_lisp_key(attribute.name), expected, item)
    return validate


class _MapLike:
    """Mixin: ``obj["max-tokens"]``, ``obj.get(...)``, ``"x" in obj`` over the attrs fields."""

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
        return frozenset(a.name for a in attrs.fields(cls))


# ---------------------------------------------------------------- tools


def _schema(x):
    if x is None:
        return {"type": "object", "properties": {}}
    return plain(x) if isinstance(x, Mapping) else x


@frozen
class ToolSpec(_MapLike):
    """A tool the model may call: ``parameters`` is a JSON schema (a dict)."""

    name: str = field(converter=_name_of, validator=_check("a non-empty string", lambda x: _is_str(x) and x != ""))
    description: str = field(default="", converter=lambda x: "" if x is None else x,
                             validator=_check("a string", _is_str))
    parameters: dict = field(factory=lambda: {"type": "object", "properties": {}}, converter=_schema,
                             validator=_check("a map (a JSON schema)", lambda x: isinstance(x, dict)))

    def to_dict(self) -> dict:
        return {"name": self.name, "description": self.description, "parameters": self.parameters}

    @classmethod
    def from_python(cls, obj) -> "ToolSpec":
        """A ToolSpec from a ToolSpec, or a mapping with ``name``/``description``/``parameters``.

        The OpenAI shape ``{"type": "function", "function": {...}}`` is accepted too.
        """
        if isinstance(obj, ToolSpec):
            return obj
        if not isinstance(obj, Mapping):
            raise FieldError("tools", "a list of maps with :name, :description and :parameters", obj,
                             message=f"each tool must be a map with :name, :description and :parameters, "
                                     f"got {got(obj)}")
        d = _norm_mapping(obj)
        if "function" in d and "name" not in d and isinstance(d["function"], Mapping):
            d = _norm_mapping(d["function"])
        params = d.get("parameters", d.get("input_schema"))
        return cls(d.get("name"), d.get("description"), params)


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


def _arguments(x):
    if x is None:
        return {}
    if isinstance(x, Mapping):
        return plain(x)
    return x


@frozen
class ToolCall(_MapLike):
    """A call the model asks for.  ``arguments`` is a dict.

    ``raw_arguments`` keeps the vendor's JSON text when it was not a valid object
    (``arguments`` is then ``{}``); ``thought_signature`` is Gemini's opaque token,
    which must be sent back with the call.
    """

    id: str = field(converter=_name_of, validator=_check("a string", _is_str))
    name: str = field(converter=_name_of, validator=_check("a string", _is_str))
    arguments: dict = field(factory=dict, converter=_arguments,
                            validator=_check("a map", lambda x: isinstance(x, dict)))
    raw_arguments: str | None = field(default=None, eq=False, repr=False)
    thought_signature: str | None = field(default=None, eq=False, repr=False,
                                          validator=_check("a string", _is_str, optional=True))

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
        if not isinstance(obj, Mapping):
            raise FieldError("tool-calls", "a list of maps with :id, :name and :arguments", obj,
                             message=f":tool-calls must be a list of maps with :id, :name and :arguments, "
                                     f"got an item that is {got(obj)}")
        d = _norm_mapping(obj)
        if "function" in d and "name" not in d and isinstance(d["function"], Mapping):  # OpenAI wire shape
            fn = _norm_mapping(d["function"])
            d = {"id": d.get("id"), "name": fn.get("name"), "arguments": fn.get("arguments")}
        args = d.get("arguments", d.get("args", d.get("input")))
        raw = None
        if isinstance(args, str):
            args, raw = parse_arguments(args)
        name = d.get("name")
        if name is None:
            raise FieldError("name", "a string", None, message=f"a tool call needs a :name, got {got(obj)}")
        call_id = d.get("id")
        return cls(f"call_{_name_of(name)}" if call_id is None else call_id, name, args, raw,
                   d.get("thought_signature"))


# ---------------------------------------------------------------- content parts (text and images)


@frozen
class ImagePart(_MapLike):
    """An image in a message: a URL (``https:`` or ``data:``) or base64 ``data`` with its ``media_type``."""

    url: str | None = field(default=None, validator=_check("a string", _is_str, optional=True))
    data: str | None = field(default=None, repr=False, validator=_check("a string (base64)", _is_str, optional=True))
    media_type: str | None = field(default=None, validator=_check("a string", _is_str, optional=True))

    def __attrs_post_init__(self):
        if (self.url is None) == (self.data is None):
            raise FieldError("image", "a map with :url or with :data and :media-type", None,
                             message="an image part needs :url, or :data (base64) with :media-type")
        if self.data is not None and not self.media_type:
            raise FieldError("media-type", "a string such as \"image/png\"", None)
        if self.url is not None and self.url.startswith("data:"):  # split a data URL once, here
            head, _, payload = self.url.partition(",")
            media = head[5:].split(";")[0] or "image/png"
            object.__setattr__(self, "url", None)
            object.__setattr__(self, "data", payload)
            object.__setattr__(self, "media_type", media)

    @property
    def data_url(self) -> str:
        """``data:MEDIA;base64,DATA`` (or the plain URL)."""
        return self.url if self.url else f"data:{self.media_type};base64,{self.data}"

    def to_dict(self) -> dict:
        if self.url:
            return {"type": "image", "url": self.url}
        return {"type": "image", "media-type": self.media_type, "data": self.data}

    @classmethod
    def from_python(cls, d: Mapping) -> "ImagePart":
        """From ``{"type": "image", "url"|"data"+"media-type"|"path"}`` or OpenAI's ``image_url`` part."""
        d = _norm_mapping(d)
        if isinstance(d.get("image_url"), (Mapping, str)):  # OpenAI's shape
            url = d["image_url"]
            return cls(url=_norm_mapping(url).get("url") if isinstance(url, Mapping) else url)
        if d.get("path") is not None:
            return image_from_file(d["path"], d.get("media_type"))
        source = d.get("source")
        if isinstance(source, Mapping):  # Anthropic's shape
            s = _norm_mapping(source)
            if s.get("type") == "url":
                return cls(url=s.get("url"))
            return cls(data=s.get("data"), media_type=s.get("media_type"))
        return cls(url=d.get("url"), data=d.get("data"), media_type=d.get("media_type"))


_MEDIA = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
          ".webp": "image/webp"}


def image_from_file(path, media_type=None) -> ImagePart:
    """An ImagePart with the bytes of the file at PATH (its media type from the extension)."""
    import base64
    import os

    if not isinstance(path, str):
        raise FieldError("path", "a string", path)
    from ..runtime.capabilities import require
    require("fs-read", "an image file", path=path)
    media = media_type or _MEDIA.get(os.path.splitext(path)[1].lower())
    if media is None:
        raise FieldError("path", "an image file (.png, .jpg, .gif or .webp)", path,
                         message=f"cannot tell the image type of \"{path}\": give :media-type")
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise FieldError("path", "a readable file", path,
                         message=f"cannot read the image \"{path}\": {exc.strerror or 'unreadable'}") from None
    return ImagePart(data=base64.b64encode(data).decode("ascii"), media_type=media)


def _split_content(content) -> tuple[str | None, tuple]:
    """Message content: a string, or parts (text and images).  Returns (text, image parts)."""
    if content is None or isinstance(content, str):
        return content, ()
    if isinstance(content, Mapping):
        content = [content]
    if not _is_seq(content):
        return content, ()  # the validator names it
    texts, images = [], []
    for part in content:
        if isinstance(part, str):
            texts.append(part)
        elif isinstance(part, ImagePart):
            images.append(part)
        elif isinstance(part, Mapping):
            p = _norm_mapping(part)
            kind = _name_of(p.get("type"))
            if kind in ("image", "image_url", "input_image") or "image_url" in p:
                images.append(ImagePart.from_python(part))
            elif isinstance(p.get("text"), str):
                texts.append(p["text"])
            else:
                raise FieldError("content", "a string or a list of text and image parts", part,
                                 message=f"a content part must be {{:type \"text\" :text ...}} or "
                                         f"{{:type \"image\" ...}}, got {got(part)}")
        else:
            raise FieldError("content", "a string or a list of text and image parts", part)
    return "".join(texts), tuple(images)


def _text_of(content) -> str:
    """Flatten content parts (``[{"type": "text", "text": ...}]``) to text."""
    text, _ = _split_content(content)
    return text if isinstance(text, str) else ""


# ---------------------------------------------------------------- messages


_ROLE_EXPECTED = "one of \"system\", \"user\", \"assistant\" or \"tool\""


def _role(x):
    name = _name_of(x)
    if name not in ROLES:  # checked here, so that the message shows the value as written
        raise FieldError("role", _ROLE_EXPECTED, x)
    return name


@frozen
class Message(_MapLike):
    """One chat message.  ``role`` is ``"system"``, ``"user"``, ``"assistant"`` or ``"tool"``.

    An assistant message may carry ``tool_calls``; a tool message carries the
    result in ``content`` and the call's id in ``tool_call_id`` (``name`` is the
    tool's name).  ``images`` are image parts sent with the text (vision).
    """

    role: str = field(converter=_role)
    content: str = field(default="", converter=lambda x: "" if x is None else x,
                         validator=_check("a string", _is_str))
    tool_calls: tuple = field(default=(), converter=_tuple_of(ToolCall.from_python),
                              validator=_all(ToolCall, "a list of tool calls"))
    tool_call_id: str | None = field(default=None, validator=_check("a string", _is_str, optional=True))
    name: str | None = field(default=None, converter=_name_of, validator=_check("a string", _is_str, optional=True))
    images: tuple = field(default=(), converter=_tuple_of(lambda p: p if isinstance(p, ImagePart)
                                                          else ImagePart.from_python(p)),
                          validator=_all(ImagePart, "a list of image parts"))

    def to_dict(self) -> dict:
        d = {"role": self.role, "content": self.content}
        if self.tool_calls:
            d["tool-calls"] = [tc.to_dict() for tc in self.tool_calls]
        if self.tool_call_id is not None:
            d["tool-call-id"] = self.tool_call_id
        if self.name is not None:
            d["name"] = self.name
        if self.images:
            d["images"] = [i.to_dict() for i in self.images]
        return d

    @classmethod
    def from_python(cls, obj) -> "Message":
        """A Message from a Message or a mapping with ``role``/``content`` (roles may be keywords).

        ``content`` may be a list of parts: text parts are joined, image parts become ``images``.
        """
        if isinstance(obj, Message):
            return obj
        if not isinstance(obj, Mapping):
            raise FieldError("messages", "a list of maps with :role and :content", obj,
                             message=f"each message must be a map with :role and :content, got {got(obj)}")
        d = _norm_mapping(obj)
        text, images = _split_content(d.get("content"))
        images = images + tuple(d.get("images") or ())
        return cls(d.get("role", "user"), text, d.get("tool_calls"), d.get("tool_call_id"), d.get("name"), images)


# ---------------------------------------------------------------- usage


@frozen
class Usage(_MapLike):
    """Token counts.  ``total_tokens`` defaults to prompt + completion.

    ``estimated`` is True when the numbers were estimated (a stream that ended
    without a usage report) rather than reported by the vendor.
    """

    prompt_tokens: int = field(default=0, validator=_check("a non-negative integer", _is_count))
    completion_tokens: int = field(default=0, validator=_check("a non-negative integer", _is_count))
    total_tokens: int | None = field(default=None, validator=_check("a non-negative integer", _is_count,
                                                                    optional=True))
    cache_read_tokens: int = field(default=0, validator=_check("a non-negative integer", _is_count))
    cache_creation_tokens: int = field(default=0, validator=_check("a non-negative integer", _is_count))
    estimated: bool = field(default=False, eq=False, converter=bool)
    #: the call's price in USD (None: the model has no known price); set when the call is recorded
    cost_usd: float | None = field(default=None, eq=False, converter=lambda x: None if x is None else _to_float(x),
                                   validator=_check("a number", lambda x: isinstance(x, float) and x >= 0,
                                                    optional=True))

    def __attrs_post_init__(self):
        if self.total_tokens is None:
            object.__setattr__(self, "total_tokens", self.prompt_tokens + self.completion_tokens)

    def __add__(self, other: "Usage") -> "Usage":
        costs = [c for c in (self.cost_usd, other.cost_usd) if c is not None]  # unpriced calls add nothing
        return Usage(self.prompt_tokens + other.prompt_tokens,
                     self.completion_tokens + other.completion_tokens,
                     self.total_tokens + other.total_tokens,
                     self.cache_read_tokens + other.cache_read_tokens,
                     self.cache_creation_tokens + other.cache_creation_tokens,
                     self.estimated or other.estimated,
                     sum(costs) if costs else None)

    def with_cost(self, cost_usd: float | None) -> "Usage":
        return attrs.evolve(self, cost_usd=cost_usd)

    @property
    def is_zero(self) -> bool:
        return self.total_tokens == 0 and self.prompt_tokens == 0 and self.completion_tokens == 0

    def to_dict(self) -> dict:
        d = {"prompt-tokens": self.prompt_tokens, "completion-tokens": self.completion_tokens,
             "total-tokens": self.total_tokens, "cache-read-tokens": self.cache_read_tokens,
             "cache-creation-tokens": self.cache_creation_tokens}
        if self.estimated:
            d["estimated"] = True
        if self.cost_usd is not None:
            d["cost-usd"] = self.cost_usd
        return d

    @classmethod
    def from_python(cls, obj) -> "Usage":
        """A Usage from a Usage, None (zero), or a mapping with Lisp or underscore keys."""
        if obj is None:
            return cls()
        if isinstance(obj, Usage):
            return obj
        if not isinstance(obj, Mapping):
            raise FieldError("usage", "a map with :prompt-tokens and :completion-tokens", obj)
        d = _norm_mapping(obj)
        ints = {f: 0 if d.get(f) is None else d.get(f)
                for f in ("prompt_tokens", "completion_tokens", "cache_read_tokens", "cache_creation_tokens")}
        return cls(total_tokens=d.get("total_tokens"), estimated=bool(d.get("estimated")), cost_usd=d.get("cost_usd"),
                   **ints)


ZERO_USAGE = Usage()


# ---------------------------------------------------------------- structured output


@frozen
class ResponseFormat(_MapLike):
    """Structured output: ``kind`` is ``"json"`` (any JSON object) or ``"json_schema"`` (``schema`` given).

    ``name`` names the schema (OpenAI and the Anthropic tool need one);
    ``strict`` asks OpenAI for strict schema adherence.
    """

    kind: str = field(validator=_check("\"json\" or \"json_schema\"", lambda x: x in ("json", "json_schema")))
    schema: dict | None = field(default=None, converter=lambda x: plain(x) if isinstance(x, Mapping) else x,
                                validator=_check("a map (a JSON schema)", lambda x: isinstance(x, dict),
                                                 optional=True))
    name: str = field(default="response", converter=lambda x: "response" if x is None else _name_of(x),
                      validator=_check("a string", _is_str))
    strict: bool = field(default=True, converter=bool)

    def to_dict(self) -> dict:
        d = {"type": self.kind, "name": self.name}
        if self.schema is not None:
            d["schema"] = self.schema
        return d

    @classmethod
    def from_python(cls, obj) -> "ResponseFormat | None":
        """``"json"``/``:json``, ``{"type": "json_schema", "schema": {...}}``, ``{"schema": ...}``,
        OpenAI's ``{"type": "json_schema", "json_schema": {"name", "schema"}}``, or a bare JSON schema."""
        if obj is None or isinstance(obj, ResponseFormat):
            return obj
        obj = _name_of(obj)
        if obj in ("json", "json_object", "json-object"):
            return cls("json")
        if obj == "text":
            return None
        if not isinstance(obj, Mapping):
            raise FieldError("response-format", ":json or a map with :schema", obj)
        d = _norm_mapping(obj)
        kind = _name_of(d.get("type"))
        if kind in ("json", "json_object"):
            return cls("json")
        if isinstance(d.get("json_schema"), Mapping):
            d = {**d, **_norm_mapping(d["json_schema"])}
        if "schema" in d:
            return cls("json_schema", d["schema"], d.get("name"), d.get("strict", True))
        if kind in ("object", "array") or "properties" in d:  # a bare JSON schema
            return cls("json_schema", obj)
        raise FieldError("response-format", ":json or a map with :schema", obj)


# ---------------------------------------------------------------- the request


def _stops(x):
    if isinstance(x, str):
        return (x,)
    return _optional_tuple_of(lambda s: s)(x)


@frozen
class ChatRequest(_MapLike):
    """A chat request: the contract's request map.

    ``timeout`` is in seconds: the total deadline of the call, retries
    included.  ``tool_choice`` is ``"auto"``, ``"none"``, ``"required"`` or a
    tool's name.  ``response_format`` asks for structured (JSON) output.
    ``extra`` is merged into the vendor's JSON body as is (provider-specific options).
    """

    model: str | None = field(validator=_check("a string", _is_str, optional=True))
    messages: tuple = field(default=(), converter=_tuple_of(Message.from_python),
                            validator=_all(Message, "a list of messages"))
    max_tokens: int | None = field(default=None, validator=_check(
        "a positive integer", lambda x: _is_int(x) and x > 0, optional=True))
    temperature: float | None = field(default=None, converter=_to_float,
                                      validator=_check("a number", lambda x: isinstance(x, float), optional=True))
    system: str | None = field(default=None, validator=_check("a string", _is_str, optional=True))
    tools: tuple | None = field(default=None, converter=_optional_tuple_of(ToolSpec.from_python),
                                validator=_all(ToolSpec, "a list of tools"))
    stop_sequences: tuple | None = field(default=None, converter=_stops,
                                         validator=_all(str, "a string or a list of strings"))
    timeout: float | None = field(default=None, converter=_to_float, validator=_check(
        "a positive number of seconds", lambda x: isinstance(x, float) and x > 0, optional=True))
    tool_choice: str | None = field(default=None, converter=_name_of,
                                    validator=_check("a string or keyword", _is_str, optional=True))
    extra: Mapping = field(factory=dict, eq=False, converter=lambda x: {} if x is None else x,
                           validator=_check("a map", lambda x: isinstance(x, Mapping)))
    response_format: ResponseFormat | None = field(default=None, converter=ResponseFormat.from_python)

    def with_model(self, model: str | None) -> "ChatRequest":
        """A copy with another model."""
        return attrs.evolve(self, model=model)

    def evolve(self, **changes) -> "ChatRequest":
        """A copy with CHANGES (field names in Python spelling)."""
        return attrs.evolve(self, **changes)

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
        if self.response_format is not None:
            d["response-format"] = self.response_format.to_dict()
        return d

    def text(self) -> str:
        """All the text of the request (system and messages), for token estimates."""
        parts = [self.system or ""] + [m.content for m in self.messages]
        return "\n".join(p for p in parts if p)


_REQUEST_FIELDS = ("model", "messages", "max_tokens", "temperature", "system", "tools",
                   "stop_sequences", "timeout", "tool_choice", "response_format")
#: keys of a request map that choose how to call, not what to send (read by the router)
ROUTING_KEYS = frozenset({"provider", "stream", "fallback", "on_chunk", "return_errors", "max_concurrency", "cache"})


def request_from_python(obj, default_model: str | None = None) -> ChatRequest:
    """A ChatRequest from a ChatRequest or a mapping with the contract's keys.

    ``messages`` may hold Message objects or mappings; a plain string as
    ``messages`` becomes one user message.  Unknown keys go to ``extra``
    (routing keys such as ``provider`` and ``stream`` are left out).
    Raises :class:`FieldError` for a malformed value.
    """
    if isinstance(obj, ChatRequest):
        return obj if obj.model or not default_model else obj.with_model(default_model)
    if not isinstance(obj, Mapping):
        raise FieldError("request", "a map with :messages", obj,
                         message=f"a request must be a map with :messages, got {got(obj)}")
    d = _norm_mapping(obj)
    messages = d.get("messages")
    if messages is None:
        messages = ()
    if isinstance(messages, str):
        messages = [Message("user", messages)]
    stops = d.get("stop_sequences", d.get("stop"))
    choice = d.get("tool_choice")
    if isinstance(choice, Mapping):
        choice = _norm_mapping(choice).get("name")
    extra = {k: plain(v) for k, v in d.items()
             if k not in _REQUEST_FIELDS and k not in ROUTING_KEYS and k not in ("stop", "extra")}
    if d.get("extra") is not None:
        if not isinstance(d["extra"], Mapping):
            raise FieldError("extra", "a map", d["extra"])
        extra.update(plain(d["extra"]))
    model = d.get("model")
    return ChatRequest(
        model=model if model else default_model,
        messages=messages,
        max_tokens=d.get("max_tokens"),
        temperature=d.get("temperature"),
        system=d.get("system"),
        tools=d.get("tools") or None,
        stop_sequences=stops or None,
        timeout=d.get("timeout"),
        tool_choice=choice,
        extra=extra,
        response_format=d.get("response_format"),
    )


# ---------------------------------------------------------------- the response


@frozen
class ChatResponse(_MapLike):
    """A provider's answer: the contract's response map.

    ``raw`` is the vendor's JSON; ``provider`` the name of the provider that
    answered; ``parsed`` the decoded JSON value when a response format was
    asked for; ``latency`` the call's duration in seconds (set by the router).
    """

    content: str = field(default="", converter=lambda x: "" if x is None else x,
                         validator=_check("a string", _is_str))
    role: str = field(default="assistant", converter=lambda x: "assistant" if x is None else _name_of(x),
                      validator=_check("a string", _is_str))
    model: str = field(default="", converter=lambda x: "" if x is None else x, validator=_check("a string", _is_str))
    stop_reason: str = field(default="end_turn", converter=lambda x: "end_turn" if x is None else _name_of(x),
                             validator=_check("a string", _is_str))
    usage: Usage = field(default=ZERO_USAGE, converter=Usage.from_python)
    tool_calls: tuple = field(default=(), converter=_tuple_of(ToolCall.from_python),
                              validator=_all(ToolCall, "a list of maps with :id, :name and :arguments"))
    raw: Any = field(default=None, eq=False, repr=False)
    provider: str | None = field(default=None, eq=False)
    parsed: Any = field(default=None, eq=False)
    latency: float | None = field(default=None, eq=False)

    def evolve(self, **changes) -> "ChatResponse":
        return attrs.evolve(self, **changes)

    def to_dict(self, *, raw: bool = False) -> dict:
        """The contract's response map (keys without the colon)."""
        d = {"content": self.content, "role": self.role, "model": self.model,
             "stop-reason": self.stop_reason, "usage": self.usage.to_dict(),
             "tool-calls": [tc.to_dict() for tc in self.tool_calls]}
        if self.parsed is not None:
            d["parsed"] = self.parsed
        if raw and self.raw is not None:
            d["raw"] = self.raw
        return d


def response_from_python(obj, request: ChatRequest | None = None, *, provider: str | None = None) -> ChatResponse:
    """Normalise what a provider returned into a ChatResponse, applying the contract defaults.

    OBJ may be a string (the reply text), a ChatResponse, or a mapping whose keys
    are the Lisp keys (``"content"``, ``"tool-calls"``, ``"stop-reason"``,
    ``"usage": {"prompt-tokens": ..}``) or their underscore spellings.  A
    missing model is the request's model.  A malformed value raises
    :class:`FieldError` (the caller names the provider).
    """
    model = (request.model if request is not None else None) or ""
    if isinstance(obj, str):
        return ChatResponse(content=obj, model=model, provider=provider)
    if isinstance(obj, ChatResponse):
        changes = {}
        if not obj.model and model:
            changes["model"] = model
        if provider and obj.provider is None:
            changes["provider"] = provider
        return attrs.evolve(obj, **changes) if changes else obj
    if obj is None:
        return ChatResponse(model=model, provider=provider)
    if not isinstance(obj, Mapping):
        raise FieldError("response", "a string or a response map", obj,
                         message=f"a provider must return a string or a response map, got {got(obj)}")
    d = _norm_mapping(obj)
    content = d.get("content")
    if content is not None and not isinstance(content, str):
        text, _ = _split_content(content)
        content = text
    calls = d.get("tool_calls")
    if calls is not None and not _is_seq(calls):
        raise FieldError("tool-calls", "a list of maps with :id, :name and :arguments", calls)
    return ChatResponse(
        content=content,
        role=d.get("role"),
        model=d.get("model") or model,
        stop_reason=d.get("stop_reason"),
        usage=d.get("usage"),
        tool_calls=calls,
        raw=d.get("raw"),
        provider=provider,
    )


__all__ = [
    "Message", "ToolSpec", "ToolCall", "ImagePart", "Usage", "ChatRequest", "ChatResponse", "ResponseFormat",
    "ZERO_USAGE", "STOP_REASONS", "ROLES", "FieldError", "request_from_python", "response_from_python",
    "parse_arguments", "norm_key", "plain", "image_from_file", "ROUTING_KEYS",
]
