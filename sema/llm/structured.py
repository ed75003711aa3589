"""Structured output: the answer to a ``:response-format`` request, decoded and checked.

Each adapter asks its vendor for JSON in the vendor's own way (OpenAI
``response_format``, Anthropic a forced tool, Gemini ``responseSchema``,
Ollama ``format``); :func:`check_response` then decodes the answer and checks
it against the schema, whatever the vendor promised, and puts the value in
the response's ``parsed`` (``:parsed`` in Lisp).  A failure is a
:class:`~sema.llm.errors.ResponseFormatError` naming where the answer is
wrong (``$.age: expected integer, got string "x"``).

The checker covers the JSON-schema keywords structured output uses:
``type`` (one or a list), ``properties``, ``required``,
``additionalProperties``, ``items``, ``enum``, ``const``, ``anyOf``/``oneOf``,
``minItems``/``maxItems``, ``minLength``/``maxLength``,
``minimum``/``maximum``.  Other keywords are not checked.
"""

from __future__ import annotations

import json

from .describe import got
from .errors import ResponseFormatError

_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool)
    or isinstance(v, float) and v.is_integer(),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def problems(value, schema, path: str = "$") -> list[str]:
    """What is wrong with VALUE against SCHEMA (empty when it matches)."""
    if not isinstance(schema, dict):
        return []
    out: list[str] = []
    kind = schema.get("type")
    if kind is not None:
        kinds = kind if isinstance(kind, list) else [kind]
        if not any(_TYPES.get(k, lambda v: True)(value) for k in kinds):
            return [f"{path}: expected {' or '.join(map(str, kinds))}, got {got(value)}"]
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{path}: expected one of {json.dumps(schema['enum'])}, got {got(value)}")
    if "const" in schema and value != schema["const"]:
        out.append(f"{path}: expected {json.dumps(schema['const'])}, got {got(value)}")
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if isinstance(options, list) and options and all(problems(value, o, path) for o in options):
            out.append(f"{path}: matches none of the {key} choices")
    if isinstance(value, dict):
        props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
        for name in schema.get("required") or ():
            if name not in value:
                out.append(f"{path}: the key {json.dumps(name)} is missing")
        for name, sub in props.items():
            if name in value:
                out.extend(problems(value[name], sub, f"{path}.{name}"))
        extra = schema.get("additionalProperties")
        for name in value:
            if name in props:
                continue
            if extra is False:
                out.append(f"{path}: unexpected key {json.dumps(name)}")
            elif isinstance(extra, dict):
                out.extend(problems(value[name], extra, f"{path}.{name}"))
    if isinstance(value, list):
        items = schema.get("items")
        if isinstance(items, dict):
            for n, item in enumerate(value):
                out.extend(problems(item, items, f"{path}[{n}]"))
        if isinstance(schema.get("minItems"), int) and len(value) < schema["minItems"]:
            out.append(f"{path}: expected at least {schema['minItems']} items, got {len(value)}")
        if isinstance(schema.get("maxItems"), int) and len(value) > schema["maxItems"]:
            out.append(f"{path}: expected at most {schema['maxItems']} items, got {len(value)}")
    if isinstance(value, str):
        if isinstance(schema.get("minLength"), int) and len(value) < schema["minLength"]:
            out.append(f"{path}: expected at least {schema['minLength']} characters")
        if isinstance(schema.get("maxLength"), int) and len(value) > schema["maxLength"]:
            out.append(f"{path}: expected at most {schema['maxLength']} characters")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(schema.get("minimum"), (int, float)) and value < schema["minimum"]:
            out.append(f"{path}: expected at least {schema['minimum']}, got {value}")
        if isinstance(schema.get("maximum"), (int, float)) and value > schema["maximum"]:
            out.append(f"{path}: expected at most {schema['maximum']}, got {value}")
    return out


def _decode(text: str):
    text = text.strip()
    if text.startswith("```"):  # a fenced block from a model that ignored the instruction
        text = text.split("\n", 1)[1] if "\n" in text else text[3:]
        text = text.rsplit("```", 1)[0]
    return json.loads(text)


def check_response(response, request):
    """RESPONSE with ``parsed`` set, when REQUEST asked for a response format; raises ResponseFormatError."""
    fmt = request.response_format
    if fmt is None or response.parsed is not None or response.tool_calls and not response.content:
        return response
    name = response.provider or "?"
    try:
        value = _decode(response.content)
    except ValueError:
        shown = json.dumps(response.content[:120]) if response.content else "an empty answer"
        raise _failed(f"provider :{name} was asked for JSON but answered text that is not JSON: {shown}",
                      name, response, ["the answer is not JSON"]) from None
    if fmt.schema is not None:
        wrong = problems(value, fmt.schema)
        if wrong:
            more = f" (and {len(wrong) - 3} more)" if len(wrong) > 3 else ""
            raise _failed(f"provider :{name}'s answer does not match the schema \"{fmt.name}\": "
                          + "; ".join(wrong[:3]) + more, name, response, wrong)
    elif fmt.kind == "json" and not isinstance(value, (dict, list)):
        raise _failed(f"provider :{name} was asked for a JSON object but answered {got(value)}", name, response,
                      [f"expected a JSON object, got {got(value)}"])
    return response.evolve(parsed=value)


def _failed(message: str, provider: str, response, wrong: list) -> ResponseFormatError:
    """The error, carrying the raw answer (``raw``), what is wrong (``problems``) and the call's ``usage``."""
    err = ResponseFormatError(message, provider=provider)
    err.raw, err.problems, err.usage = response.content, list(wrong), response.usage
    return err


__all__ = ["check_response", "problems"]
