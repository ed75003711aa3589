"""Sema's schema forms: what ``llm/extract`` returns and what a tool takes, as JSON schema and checks.

Forms::

    :string :int :number :bool            type tags (also :integer :float :boolean :str)
    :list :map :any                       any list, any map, anything
    [:string]  [{:name :string}]          a list of that schema
    {:name :string :age :int}             a map with these keys (all required)
    {:type :int :description "..." :optional #t :default 0 :enum [1 2 3]
     :validate pred :message "..."}       a descriptor (a map whose keys are all descriptor keys)

A key whose schema is a descriptor with ``:optional #t`` or a ``:default``
may be missing: it is then left out, or given the default.  ``:validate``
is a Lisp predicate run on the value once its type is right; when it says
no, ``:message`` (or "failed its :validate check") is the error.

:func:`parse` turns a form into a :class:`Node`; ``node.json_schema()`` is
what the model is asked for (native structured output, tool parameters);
``node.check(value)`` checks a decoded answer and returns the cleaned value
(integers written ``3.0`` become ``3``, defaults filled in, unknown keys
dropped or, for tools, reported) and a list of errors in Lisp terms
(``age: expected an integer, got string "old"``).
"""

from __future__ import annotations

from ..errors import LispTypeError
from ..llm.describe import got
from ..values import ArrayList, EmptyList, Keyword, Map, Pair, iter_list, map_items

TYPE_TAGS = {"string": "string", "str": "string", "int": "integer", "integer": "integer", "number": "number",
             "float": "number", "num": "number", "bool": "boolean", "boolean": "boolean", "list": "list",
             "array": "list", "vector": "list", "map": "map", "object": "map", "dict": "map", "any": "any"}
DESCRIPTOR_KEYS = frozenset({"type", "description", "optional", "default", "enum", "validate", "message",
                             "items", "min", "max"})
_JSON = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean", "list": "array",
         "map": "object"}
_ARTICLE = {"integer": "an integer", "list": "a list", "map": "a map", "any": "anything"}
_MISSING = object()


def _name(k) -> str:
    return k.name if k.__class__ is Keyword else str(k)


def _seq(x):
    if isinstance(x, (Pair, ArrayList, EmptyList)):
        return list(iter_list(x))
    if x.__class__ is tuple:
        return list(x)
    return None


class Field:
    __slots__ = ("name", "node", "optional", "default")

    def __init__(self, name: str, node: "Node", optional: bool, default):
        self.name, self.node, self.optional, self.default = name, node, optional, default


class Node:
    """One schema: ``kind`` is a JSON-ish type (string integer number boolean list map any object)."""

    __slots__ = ("kind", "items", "fields", "enum", "description", "validate", "message", "minimum", "maximum")

    def __init__(self, kind: str, *, items=None, fields=(), enum=None, description=None, validate=None,
                 message=None, minimum=None, maximum=None):
        self.kind, self.items, self.fields, self.enum = kind, items, tuple(fields), enum
        self.description, self.validate, self.message = description, validate, message
        self.minimum, self.maximum = minimum, maximum

    # -- JSON schema

    def json_schema(self) -> dict:
        if self.kind == "object":
            d = {"type": "object", "properties": {f.name: f.node.json_schema() for f in self.fields},
                 "required": [f.name for f in self.fields if not f.optional], "additionalProperties": False}
        elif self.kind == "list":
            d = {"type": "array"}
            if self.items is not None:
                d["items"] = self.items.json_schema()
        elif self.kind == "any":
            d = {}
        else:
            d = {"type": _JSON[self.kind]}
        if self.enum is not None:
            d["enum"] = list(self.enum)
        if self.minimum is not None:
            d["minimum"] = self.minimum
        if self.maximum is not None:
            d["maximum"] = self.maximum
        if self.description:
            d["description"] = self.description
        return d

    @property
    def strict_ok(self) -> bool:
        """True when every key of every object is required (what OpenAI's strict mode demands)."""
        if self.kind == "object":
            return all(not f.optional and f.node.strict_ok for f in self.fields)
        if self.kind == "list" and self.items is not None:
            return self.items.strict_ok
        return self.kind not in ("any", "map")

    # -- checks (on decoded JSON: dicts, lists, str, int, float, bool, None)

    def check(self, value, path: str = "", *, extra_keys: str = "drop"):
        """``(clean value, errors)``.  EXTRA_KEYS: ``"drop"`` unknown keys of objects, or ``"error"``."""
        errors: list[str] = []
        out = self._check(value, path, errors, extra_keys)
        return out, errors

    def _where(self, path: str) -> str:
        return f"{path}: " if path else ""

    def _check(self, value, path, errors, extra_keys):
        kind = self.kind
        where = self._where(path)
        if kind == "object":
            if not isinstance(value, dict):
                errors.append(f"{where}expected a map with {_keys(self.fields)}, got {got(value)}")
                return value
            out = {}
            known = {f.name for f in self.fields}
            for f in self.fields:
                sub = f"{path}.{f.name}" if path else f.name
                if f.name not in value or value[f.name] is None and f.optional:
                    if f.default is not _MISSING:
                        out[f.name] = f.default
                    elif not f.optional:
                        errors.append(f"{sub}: is missing")
                    continue
                out[f.name] = f.node._check(value[f.name], sub, errors, extra_keys)
            for k in value:
                if k not in known and extra_keys == "error":
                    errors.append(f"{where}unknown key {k!r}" if path else
                                  f"unknown parameter \"{k}\" (expected {_keys(self.fields)})")
            return out
        if kind == "any":
            return value
        if kind == "integer" and isinstance(value, float) and value.is_integer():
            value = int(value)
        ok = {"string": lambda v: isinstance(v, str),
              "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
              "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
              "boolean": lambda v: isinstance(v, bool),
              "list": lambda v: isinstance(v, list),
              "map": lambda v: isinstance(v, dict)}[kind]
        if not ok(value):
            errors.append(f"{where}expected {_ARTICLE.get(kind, 'a ' + kind)}, got {got(value)}")
            return value
        if kind == "list" and self.items is not None:
            value = [self.items._check(v, f"{path}[{n}]", errors, extra_keys) for n, v in enumerate(value)]
        if self.enum is not None and value not in self.enum:
            errors.append(f"{where}expected one of {', '.join(map(_show, self.enum))}, got {got(value)}")
        if self.minimum is not None and isinstance(value, (int, float)) and value < self.minimum:
            errors.append(f"{where}expected at least {self.minimum}, got {value}")
        if self.maximum is not None and isinstance(value, (int, float)) and value > self.maximum:
            errors.append(f"{where}expected at most {self.maximum}, got {value}")
        return value

    # -- :validate predicates (on Lisp values, once the types are right)

    def run_validators(self, lisp_value, path: str = "") -> list[str]:
        errors: list[str] = []
        self._validate(lisp_value, path, errors)
        return errors

    def _validate(self, value, path, errors):
        if self.validate is not None:
            try:
                ok = self.validate(value)
            except Exception as exc:
                ok, why = False, getattr(exc, "message", None) or str(exc)
                errors.append(f"{self._where(path)}its :validate check failed: {why}")
                return
            if ok is False or ok is None:
                errors.append(f"{self._where(path)}{self.message or 'failed its :validate check'}"
                              f" (got {got(value)})")
                return
        if self.kind == "object" and isinstance(value, Map):
            for f in self.fields:
                sub = f"{path}.{f.name}" if path else f.name
                v = value.get(Keyword(f.name))
                if v is not None:
                    f.node._validate(v, sub, errors)
        elif self.kind == "list" and self.items is not None:
            items = _seq(value)
            if items is not None:
                for n, v in enumerate(items):
                    self.items._validate(v, f"{path}[{n}]", errors)


def _show(x) -> str:
    import json
    return json.dumps(x) if isinstance(x, str) else str(x)


def _keys(fields) -> str:
    names = [f":{f.name}" for f in fields]
    return ", ".join(names) if names else "no keys"


def _plain(x):
    from ..convert import to_python
    return to_python(x)


def parse(who: str, spec, path: str = "") -> Node:
    """The Node of the schema form SPEC (a type error naming WHO and the place for a bad form)."""
    where = f" at {path}" if path else ""
    if spec.__class__ is Keyword or isinstance(spec, str):
        tag = TYPE_TAGS.get(_name(spec).lstrip(":").lower())
        if tag is None:
            raise LispTypeError(f"{who}: unknown type {got(spec)}{where} (expected :string, :int, :number, :bool, "
                                f":list, :map, :any, [type] or a map)")
        return Node(tag)
    items = _seq(spec)
    if items is not None:
        if len(items) > 1:
            raise LispTypeError(f"{who}: a list schema has one element, the schema of the items{where}, "
                                f"got {got(spec)}")
        return Node("list", items=parse(who, items[0], f"{path}[]") if items else None)
    if isinstance(spec, Map):
        keys = [_name(k) for k, _ in map_items(spec)]
        if "type" in keys and set(keys) <= DESCRIPTOR_KEYS:
            return _descriptor(who, spec, path)
        fields = []
        for k, v in sorted(map_items(spec), key=lambda kv: _name(kv[0])):  # maps are sorted, as they print
            name = _name(k)
            sub = f"{path}.{name}" if path else name
            node = parse(who, v, sub)
            optional, default = False, _MISSING
            if isinstance(v, Map) and {_name(x) for x, _ in map_items(v)} <= DESCRIPTOR_KEYS:
                o = {_name(x): y for x, y in map_items(v)}
                optional = o.get("optional") not in (None, False) or "default" in o
                if "default" in o:
                    default = _plain(o["default"])
            fields.append(Field(name, node, optional, default))
        return Node("object", fields=fields)
    raise LispTypeError(f"{who}: a schema is a type keyword, a [list] or a map, got {got(spec)}{where}")


def _descriptor(who: str, spec: Map, path: str) -> Node:
    o = {_name(k): v for k, v in map_items(spec)}
    node = parse(who, o["type"], path)
    if o.get("items") is not None and node.kind == "list":
        node.items = parse(who, o["items"], f"{path}[]")
    desc = o.get("description")
    if desc is not None and not isinstance(desc, str):
        raise LispTypeError(f"{who}: :description{' of ' + path if path else ''} must be a string, got {got(desc)}")
    node.description = desc
    if o.get("enum") is not None:
        enum = _seq(o["enum"])
        if enum is None:
            raise LispTypeError(f"{who}: :enum must be a list or vector, got {got(o['enum'])}")
        node.enum = tuple(_plain(e) for e in enum)
    validate = o.get("validate")
    if validate is not None and not callable(validate):
        raise LispTypeError(f"{who}: :validate must be a function, got {got(validate)}")
    node.validate = validate
    message = o.get("message")
    node.message = message if isinstance(message, str) else None
    for key, attr in (("min", "minimum"), ("max", "maximum")):
        if o.get(key) is not None:
            setattr(node, attr, _plain(o[key]))
    return node


__all__ = ["Node", "Field", "parse", "TYPE_TAGS", "DESCRIPTOR_KEYS"]
