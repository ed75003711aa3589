"""Tools: functions a model may call, with their parameters checked and bound by name.

``(deftool get-weather "Current weather" {:city {:type :string} :unit {:type :string
:enum ["c" "f"] :default "c"}} (fn (city unit) ...))`` defines a tool value
(``tool/new`` is the function behind it).  Parameters use the schema forms
of :mod:`sema.ai.schema`; ``:optional #t`` or a ``:default`` makes one
optional (a missing parameter with a default gets it; without, nil).

**Binding.**  When every parameter of the handler is named like a tool
parameter (``unit`` or ``unit_`` for ``:unit``), arguments are bound by name,
whatever order the map is written in; otherwise in the order of the
parameter names (maps are sorted, as they print: Sema's rule), so
``(fn (c u) ...)`` still works.

**Checks.**  ``tool/invoke`` and the tool loop check arguments first: a
missing required parameter, a value of the wrong type, an unknown
parameter or a value outside ``:enum`` is an error naming the tool and the
parameter (in the tool loop, an error result the model can correct).

**Python tools.**  :func:`python_tool` makes a tool of a Python function
(its name, the first paragraph of its docstring, and parameters from its
signature: ``str`` :string, ``int`` :int, ``float`` :number, ``bool`` :bool,
``list`` :list, ``dict`` :map, defaults optional); :func:`register_tool`
also binds it as a Lisp global.  A function registered with
``Interpreter.register_function`` is a fine handler for ``deftool`` too.
"""

from __future__ import annotations

import inspect
import json

from ..convert import from_python, to_python
from ..errors import LispTypeError, LispValueError
from ..llm.describe import got
from ..runtime.registry import Any, builtin
from ..values import Keyword, Map, make_list, make_map, map_items
from . import schema as schemas
from .prompts import lisp_type

#: the group of docs/stdlib.md its builtins without a prefix are listed in
DOC_GROUP = "tools"
_K = Keyword


class ToolArgumentError(LispValueError):
    """The arguments given to a tool do not match its parameters."""

    def __init__(self, tool: str, errors: list[str]):
        super().__init__(f"tool {tool}: " + "; ".join(errors))
        self.tool, self.errors = tool, list(errors)


def handler_params(fn) -> tuple[list[str], bool]:
    """``(names, has_rest)`` of a handler's parameters, in Lisp spelling where it is Lisp code."""
    fn = getattr(fn, "python_function", fn)
    code = getattr(fn, "__code__", None)
    from ..runtime.codeinfo import is_lisp_code
    if code is not None and is_lisp_code(code):
        from ..runtime.traceback import lisp_name_of_local
        names = [lisp_name_of_local(n) for n in code.co_varnames[:code.co_argcount]]
        return names, bool(code.co_flags & 0x04)
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return [], True
    names, rest = [], False
    for p in sig.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            rest = True
        else:
            names.append(p.name)
    return names, rest


def _norm(name: str) -> str:
    return name.replace("_", "-").rstrip("-")


def is_python(fn) -> bool:
    """True for a handler that is Python code (it may run on another thread)."""
    if hasattr(fn, "python_function"):
        return True
    from ..runtime.codeinfo import is_lisp_code
    code = getattr(fn, "__code__", None)
    return code is None or not is_lisp_code(code)


@lisp_type("tool")
class Tool:
    """A tool value: name, description, parameters (the schema form as written), handler."""

    __slots__ = ("name", "description", "parameters", "handler", "concurrent", "node", "_order")

    def __init__(self, name: str, description: str, parameters, handler, *, concurrent: bool = False,
                 who: str = "tool/new"):
        self.name = name
        self.description = description
        self.parameters = parameters
        self.handler = handler
        self.concurrent = concurrent
        self.node = schemas.parse(who, parameters if parameters is not None else make_map())
        if self.node.kind != "object":
            raise LispTypeError(f"{who}: a tool's parameters must be a map of parameter schemas, "
                                f"got {got(parameters)}")
        self._order = self._binding()

    def __repr__(self) -> str:
        return self.name

    def __eq__(self, other):
        return isinstance(other, Tool) and other.name == self.name and other.handler is self.handler

    def __hash__(self):
        return hash(("tool", self.name))

    def _binding(self):
        """The tool parameters in the order the handler takes them (by name when it can be)."""
        fields = [f.name for f in self.node.fields]
        names, rest = handler_params(self.handler)
        if rest:
            return fields
        by_norm = {_norm(f): f for f in fields}
        if names and all(_norm(n) in by_norm for n in names):
            return [by_norm[_norm(n)] for n in names]
        return fields

    def spec(self):
        """The ToolSpec sent to providers (JSON-schema parameters)."""
        from ..llm.types import ToolSpec
        return ToolSpec(self.name, self.description, self.node.json_schema())

    @property
    def runs_anywhere(self) -> bool:
        """True when calls of this tool may run concurrently (marked :concurrent, and Python code)."""
        return self.concurrent and is_python(self.handler)

    def check(self, arguments) -> dict:
        """The checked arguments (Python values by parameter name, defaults filled); raises ToolArgumentError."""
        if isinstance(arguments, Map):
            arguments = to_python(arguments)
        if arguments is None:
            arguments = {}
        if not isinstance(arguments, dict):
            raise ToolArgumentError(self.name, [f"the arguments must be a map, got {got(arguments)}"])
        clean, errors = self.node.check(arguments, extra_keys="error")
        if not errors:
            errors = self.node.run_validators(from_python(clean))
        if errors:
            raise ToolArgumentError(self.name, errors)
        return clean

    def invoke(self, arguments):
        """Check ARGUMENTS and call the handler with them bound; returns its (Lisp) value."""
        clean = self.check(arguments)
        return self.handler(*[from_python(clean.get(name)) for name in self._order])

    def execute(self, arguments) -> str:
        """For the tool loop: invoke, and the result as text for the model."""
        return result_text(self.invoke(arguments))


def result_text(value) -> str:
    """A tool's result as the model reads it: strings as they are, data as JSON."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    from ..builtins.jsonfmt import to_json_value
    try:
        return json.dumps(to_json_value(value), ensure_ascii=False)
    except Exception:  # a value JSON cannot hold: its printed form
        from ..printer import display_str
        return display_str(value)


# ---------------------------------------------------------------- Python tools

_PY_TYPES = {str: "string", int: "int", float: "number", bool: "bool", list: "list", dict: "map"}


def python_tool(fn, name: str | None = None, description: str | None = None, parameters=None, *,
                concurrent: bool = False) -> Tool:
    """A Tool from the Python function FN (see the module docstring); PARAMETERS as a Lisp map or a dict."""
    name = name or fn.__name__
    if description is None:
        doc = inspect.getdoc(fn) or ""
        description = doc.split("\n\n")[0].replace("\n", " ").strip()
    if parameters is None:
        pairs = []
        for p in inspect.signature(fn).parameters.values():
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                continue
            kind = _PY_TYPES.get(p.annotation if not isinstance(p.annotation, str) else
                                 {"str": str, "int": int, "float": float, "bool": bool, "list": list,
                                  "dict": dict}.get(p.annotation), "any")
            desc = [(_K("type"), _K(kind))]
            if p.default is not p.empty:
                desc.append((_K("default"), from_python(p.default)))
            pairs.append((_K(p.name), make_map(desc)))
        parameters = make_map(pairs)
    elif isinstance(parameters, dict):
        parameters = from_python(parameters)
    from ..convert import lisp_callable
    handler = lisp_callable(fn, name)
    return Tool(name, description, parameters, handler, concurrent=concurrent, who="python_tool")


def register_tool(interp, fn, name: str | None = None, description: str | None = None, parameters=None, *,
                  concurrent: bool = False) -> Tool:
    """Make FN a tool and bind it as the Lisp global NAME (default: the function's name); returns it."""
    tool = python_tool(fn, name, description, parameters, concurrent=concurrent)
    interp._set_global(tool.name, tool)
    return tool


# ---------------------------------------------------------------- builtins


def _tool(who: str, t) -> Tool:
    if not isinstance(t, Tool):
        raise LispTypeError(f"{who}: expected a tool (made by deftool or tool/new), got {got(t)}")
    return t


@builtin("tool/new")
def tool_new(name: Any, description: str, parameters: Any, handler: Any, opts: Map | None = None) -> Tool:
    """A tool named NAME that a model may call: DESCRIPTION, PARAMETERS (a map of parameter schemas), HANDLER.

    deftool defines one by name. OPTS: {:concurrent #t} lets an agent run several calls of it at once
    (Python handlers only: Lisp code runs one call at a time).

    (tool/name (tool/new "add" "Add two numbers" {:a :int :b :int} +)) ; => "add"
    (tool/invoke (tool/new "add" "Add" {:a :int :b :int} +) {:a 2 :b 3}) ; => 5
    """
    return make_tool("tool/new", name, description, parameters, handler, opts)


@builtin("%deftool")
def percent_deftool(name: Any, description: str, parameters: Any, handler: Any, opts: Map | None = None) -> Tool:
    """What deftool builds: tool/new, with errors that name deftool (the form the user wrote)."""
    return make_tool("deftool", name, description, parameters, handler, opts)


def make_tool(who: str, name: Any, description: str, parameters: Any, handler: Any, opts: Map | None) -> Tool:
    """The Tool of tool/new and deftool, its arguments checked; errors start with WHO."""
    n = name.name if name.__class__ is Keyword else name
    if not isinstance(n, str) or not n:
        raise LispTypeError(f"{who}: the name must be a non-empty string, got {got(name)}")
    if not isinstance(description, str):
        raise LispTypeError(f"{who}: the description must be a string, got {got(description)}")
    if not callable(handler):
        raise LispTypeError(f"{who}: the handler must be a function, got {got(handler)}")
    if parameters is not None and not isinstance(parameters, Map):
        raise LispTypeError(f"{who}: the parameters must be a map such as {{:city {{:type :string}}}}, "
                            f"got {got(parameters)}")
    concurrent = False
    if opts is not None:
        if not isinstance(opts, Map):
            raise LispTypeError(f"{who}: the options must be a map, got {got(opts)}")
        o = {(k.name if k.__class__ is Keyword else str(k)): v for k, v in map_items(opts)}
        unknown = sorted(set(o) - {"concurrent"})
        if unknown:
            raise LispValueError(f"{who}: unknown option :{unknown[0]} (expected :concurrent)")
        concurrent = o.get("concurrent") not in (None, False)
    return Tool(n, description, parameters, handler, concurrent=concurrent, who=who)


@builtin("tool/invoke")
def tool_invoke(tool: Any, arguments: Any = None) -> Any:
    """Call TOOL's handler with ARGUMENTS (a map by parameter name), checked as a model's call would be.

    A missing or mistyped parameter is an error naming the tool and the parameter; defaults fill in.

    (deftool shout "Upper-case a text" {:text :string} (fn (text) (string/upper text))) (tool/invoke shout {:text "hi"}) ; => "HI"
    (deftool shout "Upper-case a text" {:text :string} (fn (text) (string/upper text))) (try (tool/invoke shout {:text 5}) (catch e (:message e))) ; => "tool shout: text: expected a string, got integer 5"
    """
    return _tool("tool/invoke", tool).invoke(arguments)


@builtin("tool/name")
def tool_name(tool: Any) -> str:
    """TOOL's name, as the model sees it.

    (tool/name (tool/new "lookup" "Look up" {} (fn () 1))) ; => "lookup"
    """
    return _tool("tool/name", tool).name


@builtin("tool/description")
def tool_description(tool: Any) -> str:
    """TOOL's description.

    (tool/description (tool/new "lookup" "Look a word up" {} (fn () 1))) ; => "Look a word up"
    """
    return _tool("tool/description", tool).description


@builtin("tool/parameters")
def tool_parameters(tool: Any) -> Any:
    """TOOL's parameters as written (a map of parameter schemas).

    (tool/parameters (tool/new "f" "F" {:x :int} (fn (x) x))) ; => {:x :int}
    """
    t = _tool("tool/parameters", tool)
    return t.parameters if t.parameters is not None else make_map()


@builtin("tool/schema")
def tool_schema(tool: Any) -> Any:
    """TOOL as providers receive it: {:name :description :parameters <JSON schema>}.

    (:parameters (tool/schema (tool/new "f" "F" {:x :int} (fn (x) x)))) ; => {:additionalProperties #f :properties {:x {:type "integer"}} :required ("x") :type "object"}
    """
    return from_python(_tool("tool/schema", tool).spec().to_dict())


@builtin("tool?")
def tool_p(x: Any) -> bool:
    """True for a tool value.

    (tool? (tool/new "f" "F" {} (fn () 1))) ; => #t
    (tool? {:name "f"}) ; => #f
    """
    return isinstance(x, Tool)


NAMES = ("%deftool", "tool/description", "tool/invoke", "tool/name", "tool/new", "tool/parameters", "tool/schema", "tool?")

__all__ = ["Tool", "ToolArgumentError", "python_tool", "register_tool", "result_text", "handler_params", "make_list"]
