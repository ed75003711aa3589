"""Differential testing of the compiler against a tiny reference evaluator (issue 7).

The compiler reorders nothing on purpose, but its optimisations (values kept
in temporaries, reused ``car``/``cdr`` results, number facts that skip type
guards, loops made of named lets) each assume something about evaluation
order.  Random programs of a small subset, full of ``set!`` inside argument
lists, branches and loops, are run both compiled and by the evaluator
below, which walks the forms in the plain left-to-right order of the
language; the two must agree on the value, or both fail.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sema.errors import SemaError
from sema.interpreter import Interpreter
from sema.printer import write_str
from sema.reader import read_all
from sema.values import EMPTY, Pair, Symbol, make_list

VARS = ["x", "y", "z"]


class Oracle:
    """A direct evaluator of the subset: integers, lists, let, set!, begin, if, and, or, when, named let."""

    class Failure(Exception):
        pass

    def __init__(self):
        self.steps = 0

    def run(self, form, env):
        self.steps += 1
        if self.steps > 20_000:
            raise self.Failure("too long")
        if form.__class__ is Symbol:
            for frame in reversed(env):
                if form in frame:
                    return frame[form]
            raise self.Failure(f"unbound {form.name}")
        if form.__class__ is not Pair:
            return form
        head, args = form.car, list(_items(form.cdr))
        name = head.name
        if name == "quote":
            return args[0]
        if name == "begin":
            value = None
            for a in args:
                value = self.run(a, env)
            return value
        if name == "if":
            test = self.run(args[0], env)
            if _true(test):
                return self.run(args[1], env)
            return self.run(args[2], env) if len(args) > 2 else None
        if name == "when":
            return self.run(Pair(Symbol("begin"), make_list(args[1:])), env) if _true(self.run(args[0], env)) else None
        if name in ("and", "or"):
            value = name == "and"
            for a in args:
                value = self.run(a, env)
                if _true(value) != (name == "and"):
                    return value
            return value
        if name == "set!":
            value = self.run(args[1], env)
            for frame in reversed(env):
                if args[0] in frame:
                    frame[args[0]] = value
                    return None
            raise self.Failure("set! of unbound")
        if name == "let" and args[0].__class__ is Symbol:  # (let loop ((v init) ...) body)
            loop, specs, body = args[0], list(_items(args[1])), args[2:]
            values = [self.run(_second(s), env) for s in specs]
            return self.call_loop(loop, [s.car for s in specs], values, body, env)
        if name == "let":
            specs, body = list(_items(args[0])), args[1:]
            frame = {s.car: self.run(_second(s), env) for s in specs}
            return self.run(Pair(Symbol("begin"), make_list(body)), env + [frame])
        values = [self.run(a, env) for a in args]
        loop = self.lookup(head, env)
        if loop is not None:
            params, body, loop_env = loop
            return self.run(Pair(Symbol("begin"), make_list(body)), loop_env + [dict(zip(params, values))])
        return _primitive(name, values, self)

    @staticmethod
    def lookup(sym, env):
        for frame in reversed(env):
            if sym in frame:
                value = frame[sym]
                return value if value.__class__ is tuple and len(value) == 3 else None
        return None

    def call_loop(self, loop, params, values, body, env):
        """A named let: the loop is a lexical binding of its own frame (closures see the right one)."""
        frame = {}
        loop_env = env + [frame]
        frame[loop] = (params, body, loop_env)
        return self.run(Pair(Symbol("begin"), make_list(body)), loop_env + [dict(zip(params, values))])


def _items(x):
    while x.__class__ is Pair or (x is not EMPTY and hasattr(x, "car")):
        yield x.car
        x = x.cdr


def _second(spec):
    return spec.cdr.car


def _true(v):
    return v is not False and v is not None


def _int(v, oracle):
    if v.__class__ is not int:
        raise oracle.Failure("not an integer")
    return v


def _primitive(name, values, oracle):
    if name == "+":
        return sum(_int(v, oracle) for v in values)
    if name == "-":
        a, b = (_int(v, oracle) for v in values)
        return a - b
    if name == "<":
        a, b = (_int(v, oracle) for v in values)
        return a < b
    if name == "=":
        a, b = values
        return a.__class__ is b.__class__ and a == b
    if name == "list":
        return make_list(values)
    if name == "cons":
        return Pair(values[0], values[1])
    if name in ("car", "cdr"):
        (v,) = values
        if v is EMPTY or v is None:  # (car '()) and (car nil) are nil, (cdr '()) and (cdr nil) are '()
            return None if name == "car" else EMPTY
        if not hasattr(v, "car") or v is None:
            raise oracle.Failure(f"{name} of a non-list")
        return v.car if name == "car" else v.cdr
    raise oracle.Failure(f"unknown {name}")


def program(rng: random.Random) -> str:
    """A function over x, y, z whose body mixes set!, branches, loops and list operations."""
    def expr(depth):
        if depth <= 0 or rng.random() < 0.25:
            return rng.choice(VARS + ["1", "2", "0", "'(1 2)", "'()"])
        kind = rng.randrange(12)
        a = lambda: expr(depth - 1)  # noqa: E731
        if kind == 0:
            return f"(+ {a()} {a()})"
        if kind == 1:
            return f"(- {a()} {a()})"
        if kind == 2:
            return f"(begin (set! {rng.choice(VARS)} {a()}) {a()})"
        if kind == 3:
            return f"(if (< {a()} {a()}) {a()} {a()})"
        if kind == 4:
            return f"({rng.choice(['and', 'or'])} {a()} {a()})"
        if kind == 5:
            return f"(list {a()} {a()} {a()})"
        if kind == 6:
            return f"({rng.choice(['car', 'cdr'])} {a()})"
        if kind == 7:
            return f"(cons {a()} {a()})"
        if kind == 8:
            v = rng.choice(VARS)
            return f"(let (({v} {a()})) {a()})"
        if kind == 9:
            return f"(when {a()} {a()} {a()})"
        if kind == 10:
            n = rng.randrange(4)
            return f"(let lp ((i 0) (acc {a()})) (if (< i {n}) (lp (+ i 1) {a()}) acc))"
        return f"(if (= {a()} {a()}) (begin (set! {rng.choice(VARS)} {a()}) {a()}) {a()})"
    body = expr(4)
    return f"(define (f x y z) {body})\n(f 1 '(2 3) 0)"


def outcome_compiled(text: str):
    try:
        return "value", write_str(Interpreter(llm=False, stdlib=False).eval_source(text, "diff.scm"))
    except SemaError:
        return "error", None


def outcome_oracle(text: str):
    define, call = read_all(text, "diff.scm")
    params = list(_items(define.cdr.car.cdr))
    body = define.cdr.cdr.car
    args = [1, make_list([2, 3]), 0]
    oracle = Oracle()
    try:
        return "value", write_str(oracle.run(body, [dict(zip(params, args))]))
    except (Oracle.Failure, ValueError, TypeError, AttributeError):
        return "error", None


@settings(max_examples=int(__import__("os").environ.get("SEMA_DIFF_EXAMPLES", "600")), derandomize=True,
          deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(st.integers(min_value=0, max_value=10**9))
def test_compiled_code_agrees_with_the_reference_evaluator(seed):
    text = program(random.Random(seed))
    expected = outcome_oracle(text)
    if expected[0] == "error" and expected[1] is None:
        got = outcome_compiled(text)
        assert got[0] == "error", f"seed {seed}: the evaluator fails but compiled code gave {got[1]}\n{text}"
    else:
        assert outcome_compiled(text) == expected, f"seed {seed}\n{text}"


@pytest.mark.parametrize("text, expected", [
    ("(define (f x y z) (list x (begin (set! x 5) x))) (f 1 '(2 3) 0)", "(1 5)"),
    ("(define (f x y z) (let lp ((i 0) (acc x)) (if (< i 2) (lp (+ i 1) (begin (set! x acc) (+ acc 1))) acc)))"
     " (f 1 '(2 3) 0)", "3"),
])
def test_the_reference_evaluator_itself(text, expected):
    assert outcome_oracle(text) == ("value", expected) == outcome_compiled(text)
