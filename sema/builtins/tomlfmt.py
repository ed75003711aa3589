"""TOML builtins: ``toml/decode`` and ``toml/encode`` (issue 11; loaded on first use).

(Named ``tomlfmt`` so that ``import tomllib`` stays the standard library's.)

Decoding uses the standard library's ``tomllib`` (Python 3.11; on 3.10 the
``tomli`` package, its original, if installed): tables become maps with
keyword keys, arrays lists, and dates and times their ISO 8601 strings, as
Sema gives them.  Encoding converts values as ``json/encode`` does and writes
TOML: scalars and arrays as ``key = value`` lines first, then each nested map
as a ``[section]`` and each list of maps as ``[[section]]`` entries.  TOML has
no null, so nil is an error there.
"""

from __future__ import annotations

import datetime
import json
import math
import re

from ..errors import LispValueError
from ..runtime.registry import builtin
from ..runtime.registry import typing_names as typing
from .argcheck import type_error
from .jsonfmt import from_json_value, to_json_value

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")


def _plain(obj):
    """tomllib's value with dates and times as ISO strings (Lisp has no date type)."""
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    if isinstance(obj, (datetime.date, datetime.time)):
        return obj.isoformat()
    return obj


def _toml_loads(text: str):
    try:
        import tomllib
    except ImportError:  # Python 3.10
        try:
            import tomli as tomllib
        except ImportError:
            raise LispValueError("toml/decode: needs Python 3.11 or later (or `pip install tomli`)") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LispValueError(f"toml/decode: not valid TOML: {exc}") from None


@builtin("toml/decode")
def decode(text: str) -> typing.Any:
    """The map a TOML document TEXT describes: keyword keys, [section]s as nested maps, arrays as lists,
    dates and times as ISO 8601 strings.

    (toml/decode "name = \\"sema\\"\\nversion = 2") ; => {:name "sema" :version 2}
    (toml/decode "[server]\\nhost = \\"localhost\\"\\nports = [80, 443]") ; => {:server {:host "localhost" :ports (80 443)}}
    """
    if text.__class__ is not str:
        raise type_error("toml/decode", "a TOML string", text)
    return from_json_value(_plain(_toml_loads(text)))


def _key(k: str) -> str:
    return k if _BARE_KEY.match(k) else json.dumps(k, ensure_ascii=False)


def _scalar(v, where: str) -> str:
    if v is None:
        raise LispValueError(f"toml/encode: TOML has no nil (at {where})")
    if v is True or v is False:
        return "true" if v else "false"
    if v.__class__ is int:
        return str(v)
    if v.__class__ is float:
        return repr(v) if math.isfinite(v) else ("nan" if v != v else ("inf" if v > 0 else "-inf"))
    if v.__class__ is str:
        return json.dumps(v, ensure_ascii=False)
    if v.__class__ is list:
        return "[" + ", ".join(_scalar(x, where) for x in v) + "]"
    if v.__class__ is dict:
        return "{" + ", ".join(f"{_key(k)} = {_scalar(x, f'{where}.{k}')}" for k, x in v.items()) + "}"
    raise LispValueError(f"toml/encode: cannot encode {v!r} (at {where})")


def _is_table_array(v) -> bool:
    return v.__class__ is list and bool(v) and all(x.__class__ is dict for x in v)


def _table(table: dict, path: list, out: list) -> None:
    """Append TABLE's lines: its plain keys first, then its sub-tables and arrays of tables."""
    for k, v in table.items():
        if v.__class__ is not dict and not _is_table_array(v):
            out.append(f"{_key(k)} = {_scalar(v, '.'.join(path + [k]))}")
    for k, v in table.items():
        name = ".".join(_key(p) for p in path + [k])
        if v.__class__ is dict:
            if out:
                out.append("")
            out.append(f"[{name}]")
            _table(v, path + [k], out)
        elif _is_table_array(v):
            for item in v:
                if out:
                    out.append("")
                out.append(f"[[{name}]]")
                _table(item, path + [k], out)


@builtin("toml/encode")
def encode(m: typing.Any) -> str:
    """The TOML document for the map M: plain keys as ``key = value`` lines, nested maps as [section]s,
    lists of maps as [[section]]s (keys are written in sema's printing order).

    (toml/encode {:name "sema" :version 2}) ; => "name = \\"sema\\"\\nversion = 2\\n"
    (toml/encode {:server {:host "localhost" :port 8080}}) ; => "[server]\\nhost = \\"localhost\\"\\nport = 8080\\n"
    """
    value = to_json_value(m, "toml/encode")
    if value.__class__ is not dict:
        raise type_error("toml/encode", "a map (a TOML document is a table)", m)
    out: list = []
    _table(value, [], out)
    return "\n".join(out) + "\n" if out else ""
