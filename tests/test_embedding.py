"""The Python embedding API: values both ways, isolation, errors, timeouts, cancellation."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from fractions import Fraction
from pathlib import Path

import pytest

import sema
from sema.errors import EvalError

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def interp():
    return sema.Interpreter(llm=False)


class TestValues:
    def test_eval_string(self):
        """sema.eval_string evaluates in a fresh interpreter and returns Python data."""
        assert sema.eval_string("(+ 1 2)") == 3

    @pytest.mark.parametrize("src, expected", [
        ("nil", None), ("#t", True), ("#f", False), ("42", 42), ("2.5", 2.5), ("(/ 1 3)", Fraction(1, 3)),
        ('"text"', "text"), ("'(1 2 (3))", [1, 2, [3]]), ("[1 [2]]", [1, [2]]), ("'()", []),
        ('{:a 1 "b" 2}', {"a": 1, "b": 2}), ("{:nested {:x [1 2]}}", {"nested": {"x": [1, 2]}}),
        (":k", sema.KeywordStr("k")), ("'sym", sema.Symbol("sym")),
    ])
    def test_lisp_to_python(self, interp, src, expected):
        """Lisp values come back as the Python values the embedding guide lists."""
        value = interp.eval(src)
        assert value == expected and type(value) is type(expected)

    def test_python_to_lisp(self, interp):
        """define converts Python data: dict str keys become keywords, tuples vectors, lists lists."""
        interp.define("cfg", {"model": "m", "ids": [1, 2], "pair": (3, 4), "ok": True, "none": None})
        assert interp.eval("(list (:model cfg) (list? (:ids cfg)) (vector? (:pair cfg)) (:ok cfg) (:none cfg))") \
            == ["m", True, True, True, None]
        assert interp.get("cfg") == {"model": "m", "ids": [1, 2], "pair": [3, 4], "ok": True, "none": None}

    def test_call_and_functions_both_ways(self, interp):
        """Lisp functions are Python callables; Python callables are Lisp functions."""
        interp.eval('(define (greet n) (str "hi " n))')
        assert interp.call("greet", "Ada") == "hi Ada"
        square = interp.eval("(fn (x) (* x x))")
        assert square(12) == 144
        interp.register_function("py/join", lambda xs, sep: sep.join(xs))
        assert interp.eval('(py/join (list "a" "b") "-")') == "a-b"
        interp.register_function("py/upper", str.upper)
        assert interp.eval('(map py/upper (list "a" "b"))') == ["A", "B"]

    def test_eval_file(self, interp, tmp_path):
        """eval_file runs a file and returns its last value."""
        script = tmp_path / "s.scm"
        script.write_text("(define x 20)\n(+ x 1)\n")
        assert interp.eval_file(str(script)) == 21
        assert interp.get("x") == 20


class TestIsolation:
    def test_two_interpreters_share_nothing(self):
        """Definitions, redefined builtins and macros stay in their own interpreter."""
        a, b = sema.Interpreter(llm=False), sema.Interpreter(llm=False)
        a.eval("(define x 1) (define (+ p q) (* p q)) (defmacro twice (e) `(begin ,e ,e))")
        with pytest.raises(sema.UnboundSymbolError):
            b.eval("x")
        assert b.eval("(+ 2 3)") == 5 and a.eval("(+ 2 3)") == 6
        with pytest.raises(sema.UnboundSymbolError):
            b.eval("(twice 1)")

    def test_providers_are_per_interpreter(self):
        """A provider registered in one interpreter is unknown to another."""
        a, b = sema.Interpreter(llm=False), sema.Interpreter(llm=False)
        a.register_provider("mine", lambda req: "from a", make_default=True)
        assert a.eval('(llm/complete "x")') == "from a"
        assert b.eval("(llm/list-providers)") == []


class TestErrors:
    @pytest.mark.parametrize("src, cls, base", [
        ("(car 5)", sema.LispTypeError, TypeError),
        ("(undefined-fn)", sema.UnboundSymbolError, NameError),
        ("((fn (x) x))", sema.ArityError, TypeError),
        ("(/ 1 0)", sema.DivisionByZero, ZeroDivisionError),
        ("(throw \"boom\")", sema.UserError, sema.SemaError),
        ("(error \"boom\")", EvalError, sema.SemaError),
        ("(+ 1", sema.IncompleteInput, SyntaxError),
        (")", sema.ReaderError, SyntaxError),
    ])
    def test_error_classes(self, interp, src, cls, base):
        """Each Lisp error is a SemaError subclass that is also the natural Python exception."""
        with pytest.raises(cls) as info:
            interp.eval(src)
        assert isinstance(info.value, base) and isinstance(info.value, sema.SemaError)

    def test_error_carries_span_and_stack(self, interp):
        """An error inside nested calls has the innermost Lisp position and the Lisp stack."""
        interp.eval("(define (inner x) (car x))\n(define (outer y) (+ 1 (inner y)))", filename="lib.scm")
        with pytest.raises(sema.LispTypeError) as info:
            interp.eval("(outer 5)", filename="main.scm")
        err = info.value
        assert (err.span.file, err.span.line, err.span.col) == ("lib.scm", 1, 19)
        assert [f.name for f in err.frames] == ["inner", "outer"]


class TestStopping:
    def test_timeout_stops_runaway_loop(self, interp):
        """eval(timeout=) stops an endless loop and the interpreter stays usable."""
        start = time.monotonic()
        with pytest.raises(sema.EvalTimeoutError):
            interp.eval("(let loop () (loop))", timeout=0.3)
        assert time.monotonic() - start < 5
        assert interp.eval("(+ 1 2)") == 3

    def test_catch_cannot_swallow_timeout(self, interp):
        """A Lisp try/catch around the loop does not stop the timeout."""
        with pytest.raises(sema.EvalTimeoutError):
            interp.eval("(try (let loop () (loop)) (catch e :caught))", timeout=0.3)

    def test_cancel_from_another_thread(self, interp):
        """cancel() from another thread stops a sleeping evaluation promptly."""
        threading.Timer(0.2, interp.cancel).start()
        start = time.monotonic()
        with pytest.raises(sema.EvalCancelledError):
            interp.eval("(sleep 60000)")
        assert time.monotonic() - start < 5
        assert interp.cancel() is False  # nothing running any more


def test_embedding_example_runs():
    """examples/embedding.py runs as documented."""
    proc = subprocess.run([sys.executable, str(REPO / "examples" / "embedding.py")], capture_output=True,
                          text=True, timeout=60, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "hi Ada", "[0.5, 'tiny', 3]", "{'langs': ['math'], 'name': 'Ada'}", "SHOUT", "144", "desserts",
        "inline.scm:1:1: car: expected a pair, got integer 5", "evaluation timed out after 0.2 s",
        "evaluation cancelled", "0.5", "True {'s': 2, Keyword('s'): 1}", "42", "42", "shell denied",
        "fs-read denied",
    ]


def test_ctrl_c_really_stops_the_evaluation():
    """Ctrl-C (KeyboardInterrupt in the waiting thread) stops the Lisp loop itself, not just the wait.

    Regression: Python 3.11 marks a thread whose join() was interrupted as stopped, and the
    interrupt was then never delivered, so the loop spun on in the background for good.
    """
    import _thread

    interp = sema.Interpreter(llm=False)
    threading.Timer(0.2, _thread.interrupt_main).start()
    with pytest.raises(KeyboardInterrupt):
        interp.eval("(let loop () (loop))")
    time.sleep(0.3)  # let the worker unwind
    start = time.process_time()
    time.sleep(0.5)
    assert time.process_time() - start < 0.2  # nothing left burning CPU
    assert interp.eval("(+ 1 2)") == 3
