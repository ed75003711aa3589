"""Lexical scopes, Python functions under construction, loops and destinations.

Every Lisp local gets its own Python local name (``x`` becomes ``x_12``), so
shadowing needs no renaming tricks and a ``let`` costs one ``STORE_FAST``.

A *destination* says where the value of the form being compiled goes:

* ``RETURN``: returned from the Python function (tail position: calls here
  are tail calls);
* ``Dest("assign", name)``: stored in a temporary;
* ``DISCARD``: evaluated for effect;
* ``Dest("loop", loop=..., outer=...)``: the tail of an inline loop's body,
  where a call of the loop itself becomes "rebind the loop variables and
  ``continue``" and any other value goes on to ``outer``.
"""

from __future__ import annotations


class Binding:
    """A Lisp local variable."""

    __slots__ = ("sym", "py", "fn", "captured", "is_loop_fn", "transient")

    def __init__(self, sym, py: str, fn: "Fn"):
        self.sym = sym
        self.py = py
        self.fn = fn
        self.captured = False   # referenced from a nested Python function
        self.is_loop_fn = None  # the Loop, when this binding names an inline named-let loop
        self.transient = False  # a loop variable holding a runtime.transient value: read through _tview


class Fn:
    """A Python function being generated (a Lisp lambda, or the top-level wrapper)."""

    __slots__ = ("parent", "lisp_name", "py_name", "nonlocals", "globals", "bouncer", "self_sym",
                 "self_loop", "loops", "depth", "spec", "entry", "group", "group_entry")

    def __init__(self, parent: "Fn | None", lisp_name: str, py_name: str, self_sym=None):
        self.parent = parent
        self.lisp_name = lisp_name
        self.py_name = py_name
        self.nonlocals: set[str] = set()
        self.globals: set[str] = set()
        self.bouncer = False      # has a tail call to a function it does not know
        self.self_sym = self_sym  # the name this function is bound to, for self tail calls
        self.self_loop = None     # Loop used for self tail calls, if any
        self.loops: list[Loop] = []
        self.depth = 0            # weight of the Python loops and try blocks around the code now compiled
        self.spec = None          # the Spec when this is an int-specialised variant (compiler.specialize)
        self.entry = None         # the statement that sends int arguments to the variant, for a generic one
        self.group = None         # the Group when this is the loop of mutually tail-calling functions
        self.group_entry = None   # the Group a member's own function enters at its member tail calls

    def parent_globals(self) -> set:
        return self.parent.globals if self.parent is not None else set()


class Scope:
    """A lexical scope: Lisp symbol -> Binding, chained to the enclosing scope."""

    __slots__ = ("vars", "parent", "fn")

    def __init__(self, parent: "Scope | None", fn: Fn):
        self.vars: dict = {}
        self.parent = parent
        self.fn = fn

    def lookup(self, sym) -> Binding | None:
        scope = self
        while scope is not None:
            b = scope.vars.get(sym)
            if b is not None:
                return b
            scope = scope.parent
        return None

    def child(self, fn: Fn | None = None) -> "Scope":
        return Scope(self, fn or self.fn)


class Loop:
    """A Python ``while True`` loop standing for a named let or self tail calls."""

    __slots__ = ("sym", "params", "bindings", "used", "fn", "rest", "int_params", "transients")

    def __init__(self, sym, fn: Fn):
        self.sym = sym
        self.params: list[Binding] = []
        self.rest: Binding | None = None
        self.bindings: list[Binding] = []
        self.used = False
        self.fn = fn
        self.int_params: set[Binding] = set()  # assumed to hold ints at every step (checked at each continue)
        self.transients = False  # some parameter is a transient map (see runtime/transient.py)


class CannotLoop(Exception):
    """Raised while compiling a loop body that cannot be a Python loop after all."""

    def __init__(self, loop: Loop):
        super().__init__(loop.sym)
        self.loop = loop


class AssumptionFailed(Exception):
    """A loop step gives parameter ``index`` a value not known to be an int, which the body assumed."""

    def __init__(self, loop: Loop, index: int):
        super().__init__(loop.sym)
        self.loop = loop
        self.index = index


class Dest:
    __slots__ = ("kind", "name", "brk", "loop", "outer")

    def __init__(self, kind: str, name: str | None = None, brk: bool = False, loop: Loop | None = None,
                 outer: "Dest | None" = None):
        self.kind = kind
        self.name = name
        self.brk = brk
        self.loop = loop
        self.outer = outer

    def final(self) -> "Dest":
        d = self
        while d.kind == "loop":
            d = d.outer
        return d

    @property
    def is_tail(self) -> bool:
        return self.final().kind == "return"


RETURN = Dest("return")
DISCARD = Dest("discard")
