"""JSON builtins: ``json/encode``, ``json/encode-pretty``, ``json/decode``.

(Named ``jsonfmt`` so that ``import json`` inside the package still means the
standard library.)

Lisp to JSON: maps become objects (keyword keys lose their colon, string keys
stay, symbol and number keys become their printed names), lists and vectors
become arrays, ``nil`` is ``null``, ``#t``/``#f`` are ``true``/``false``,
rationals become floats, keywords, symbols and characters become strings.
Non-finite floats become ``null``, as serde_json (Rust Sema) writes them.

JSON to Lisp: objects become maps with keyword keys, arrays become lists,
``null`` is ``nil``.

:func:`to_json_value` and :func:`from_json_value` do the conversion to and
from plain Python JSON values; the LLM layer reuses them.
"""

from __future__ import annotations

import math
from fractions import Fraction

from ..errors import LispTypeError, LispValueError
from ..printer import write_str
from ..runtime.registry import builtin
from ..runtime.registry import typing_names as typing
from ..values import (
    ArrayList,
    Char,
    EmptyList,
    Keyword,
    Map,
    Pair,
    Symbol,
    is_list,
    iter_list,
    make_list,
    sort_key,
    type_name,
    unwrap_key,
)


def _cannot(who: str, x) -> LispTypeError:
    text = write_str(x)
    if len(text) > 60:
        text = text[:57] + "..."
    return LispTypeError(f"{who}: cannot encode {type_name(x)} {text}")


def _key(k, who: str) -> str:
    cls = k.__class__
    if cls is Keyword or cls is Symbol:
        return k.name
    if cls is str:
        return k
    if cls is Char:
        return k.ch
    if cls is int or cls is float or cls is Fraction:
        return write_str(k)
    raise _cannot(who, k)


def to_json_value(x, who: str = "json/encode"):
    """A Python value that :func:`json.dumps` accepts, for the Lisp value ``x``.

    Map entries come out in sema's printing order (keys sorted), so the JSON
    text is deterministic.  Raises LispTypeError, naming ``who``, for values
    with no JSON form (functions, atoms, complex numbers ...).
    """
    cls = x.__class__
    if cls is str or cls is int or x is None or cls is bool:
        return x
    if cls is float:
        return x if math.isfinite(x) else None
    if cls is Keyword or cls is Symbol:
        return x.name
    if isinstance(x, Map):
        items = sorted(x.items(), key=lambda kv: sort_key(kv[0]))
        return {_key(unwrap_key(k), who): to_json_value(v, who) for k, v in items}
    if cls is tuple:
        return [to_json_value(v, who) for v in x]
    if cls is ArrayList or cls is Pair or cls is EmptyList:
        if not is_list(x):
            raise _cannot(who, x)
        return [to_json_value(v, who) for v in iter_list(x)]
    if cls is Fraction:
        return float(x)
    if cls is Char:
        return x.ch
    raise _cannot(who, x)


class _NeedsLispOrder(Exception):
    """A map whose keys are of several kinds: only :func:`to_json_value` puts them in sema's order."""


_STRINGS = {str}


def _native(who: str):
    """json.dumps' ``default``: the JSON form of one non-native Lisp value, its parts left to the encoder.

    The C encoder walks dicts, lists, tuples, strings and numbers itself and
    sorts object keys (``sort_keys``): for a map whose keys are all keywords,
    or all strings, that is sema's printing order; other maps raise
    _NeedsLispOrder and the whole value goes through :func:`to_json_value`.
    """
    def default(x):
        cls = x.__class__
        if cls is Map:
            # The usual map has keyword keys: one pass over the entries (iterating
            # an immutables.Map costs more than the loop around it).
            names = {}
            for k, v in x.items():
                if k.__class__ is not Keyword:
                    break
                names[k.name] = v
            else:
                return names
            if set(map(type, x.keys())) == _STRINGS:
                return dict(x.items())
            raise _NeedsLispOrder
        if cls is Keyword or cls is Symbol:
            return x.name
        if cls is ArrayList:
            items = x.items
            if items.__class__ is not list:  # a lazy range
                return list(items[x.start:])
            return items[x.start:] if x.start else items
        if cls is Pair or cls is EmptyList:
            if not is_list(x):
                raise _cannot(who, x)
            return list(iter_list(x))
        if cls is Fraction:
            return float(x)
        if cls is Char:
            return x.ch
        if isinstance(x, Map):
            raise _NeedsLispOrder
        raise _cannot(who, x)
    return default


def dumps(value, who: str = "json/encode", **options) -> str:
    """The JSON text of the Lisp VALUE (OPTIONS as for :func:`json.dumps`), keys in sema's order."""
    import json
    try:
        try:
            return json.dumps(value, default=_native(who), sort_keys=True, allow_nan=False, ensure_ascii=False,
                              **options)
        except (_NeedsLispOrder, ValueError):  # mixed keys, or a non-finite float (null, as serde_json)
            return json.dumps(to_json_value(value, who), ensure_ascii=False, **options)
    except RecursionError:
        raise LispValueError(f"{who}: value nested too deeply") from None


def _lisp_list(items: list):
    return make_list([_lisp_list(v) if v.__class__ is list else v for v in items])


class _Keywords(dict):
    """JSON object key -> its keyword, made on first sight."""

    def __missing__(self, name: str) -> Keyword:
        kw = self[name] = Keyword(name)
        return kw


def _lisp_object(pairs: list) -> Map:
    """json.loads' ``object_pairs_hook``: called by the C decoder for each object, inner ones first."""
    kw = _KEYWORD_OF
    m = _EMPTY.mutate()  # cheaper than Map(dict) for the small objects JSON is made of
    for k, v in pairs:
        m[kw[k]] = _lisp_list(v) if v.__class__ is list else v
    return m.finish()


_EMPTY = Map()


_KEYWORD_OF = _Keywords()


def loads(text: str):
    """The Lisp value of the JSON TEXT: objects to keyword-keyed maps, arrays to lists.

    Raises ValueError (json.JSONDecodeError for bad text) and RecursionError as json.loads does.
    """
    import json
    obj = json.loads(text, object_pairs_hook=_lisp_object, parse_constant=_reject_constant)
    return _lisp_list(obj) if obj.__class__ is list else obj


def from_json_value(obj):
    """The Lisp value for a decoded Python JSON value: dicts to keyword-keyed maps, lists to lists."""
    cls = obj.__class__
    if cls is dict:
        # Keyword keys need no map_key wrapping, so the dict can go in as it is.
        return Map({Keyword(k): from_json_value(v) for k, v in obj.items()})
    if cls is list or cls is tuple:
        return make_list([from_json_value(v) for v in obj])
    return obj


#: Python's json messages, in words that do not assume the reader knows the module
_JSON_PROBLEMS = (
    ("Expecting property name enclosed in double quotes", "expected a key in double quotes"),
    ("Expecting value", "expected a value"),
    ("Expecting ',' delimiter", "expected a comma"),
    ("Expecting ':' delimiter", "expected a colon"),
    ("Unterminated string starting at", "a string is not closed"),
    ("Extra data", "unexpected text after the value"),
    ("Invalid control character at", "a control character inside a string"),
    ("Invalid \\escape", "an invalid escape sequence"),
    ("Invalid \\uXXXX escape", "an invalid \\u escape"),
)


def json_problem(msg: str) -> str:
    for python, lisp in _JSON_PROBLEMS:
        if msg.startswith(python):
            return lisp
    return msg.lower()


def _reject_constant(name: str):
    # Python's json reads NaN/Infinity, which are not JSON.
    raise ValueError(f"invalid constant {name}")


@builtin("json/encode")
def encode(value: typing.Any) -> str:
    """The compact JSON text for VALUE (maps to objects, lists and vectors to arrays).

    (json/encode {:name "Ada" :tags ["x" "y"] :ok #t :none nil}) ; => "{\\"name\\":\\"Ada\\",\\"none\\":null,\\"ok\\":true,\\"tags\\":[\\"x\\",\\"y\\"]}"
    """
    return dumps(value, "json/encode", separators=(",", ":"))


@builtin("json/encode-pretty")
def encode_pretty(value: typing.Any) -> str:
    """The JSON text for VALUE, indented by two spaces.

    (json/encode-pretty {:a [1 2]}) ; => "{\\n  \\"a\\": [\\n    1,\\n    2\\n  ]\\n}"
    """
    return dumps(value, "json/encode-pretty", indent=2)


@builtin("json/decode")
def decode(text: str) -> typing.Any:
    """The Lisp value for the JSON TEXT: objects to maps with keyword keys, arrays to lists.

    (json/decode "{\\"a\\": [1, 2.5, null, true]}") ; => {:a (1 2.5 nil #t)}
    """
    if text.__class__ is not str:
        if isinstance(text, (bytes, bytearray)):
            text = bytes(text).decode("utf-8", errors="replace")
        else:
            raise TypeError(text)
    import json
    try:
        return loads(text)
    except json.JSONDecodeError as exc:
        raise LispValueError(
            f"json/decode: invalid JSON at line {exc.lineno} column {exc.colno}: {json_problem(exc.msg)}") from None
    except ValueError as exc:
        raise LispValueError(f"json/decode: invalid JSON: {exc}") from None
    except RecursionError:
        raise LispValueError("json/decode: JSON nested too deeply") from None
