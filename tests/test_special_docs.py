"""Documentation examples: every special form is documented, and every ``; =>`` line in the docs is right.

This is the doc-example runner.  It collects each example line ``(expr) ; => result`` from

- the special-form entries of ``sema.compiler.special_docs.SPECIAL_DOCS``,
- the docstring of every builtin (``sema.runtime.registry.BUILTINS`` and the
  interpreter-bound ones), and
- the docstring of every function defined in ``stdlib/prelude.scm``,

and runs it as its own test in a fresh interpreter, comparing the ``write``
form of the value with the text after ``; =>``.  The source part may hold
several forms (``(define x 1) (+ x 1) ; => 2``): the value of the last counts.
Functions marked ``doc_example_skip`` and examples that print or touch files,
processes or the network are not run.  Examples known to be wrong are listed
in KNOWN_WRONG (they are expected to fail, strictly: fixing one makes its
entry stale and this file says so).

It also runs the ```` ```scheme runnable ```` blocks of docs/language.md: each
block in one fresh interpreter, checking its ``; =>`` lines in order.
"""

from __future__ import annotations

import inspect
import os
import re

import pytest

from sema.compiler.codegen import DERIVED, SPECIAL_FORMS
from sema.compiler.tables import load_handlers
from sema.compiler.special_docs import SPECIAL_DOCS
from sema.interpreter import Interpreter
from sema.printer import write_str
from sema.reader import read_all
from sema.runtime.names import mangle
from sema.runtime.registry import BUILTINS, INTERP_BUILTINS
from sema.values import ArrayList, Map, Pair, Symbol, map_items

load_handlers()  # every special and derived form (a cached prelude compiles nothing that would load them)

#: examples that are wrong today (case id -> what sema actually gives); each is reported to the
#: owner of the builtin.  They run as strict xfails, so a fix shows up as XPASS and the entry goes.
load_handlers()  # every special and derived form, even when the interpreters below start from cached code

KNOWN_WRONG: dict[str, str] = {
}

#: symbols whose examples print, read the console, sleep, exit or touch files, processes or the network
SIDE_EFFECT_NAMES = {
    "display", "write", "write-string", "newline", "print", "println", "pprint", "print-error",
    "println-error", "read-line", "read-stdin", "shell", "sleep", "exit", "load", "import", "time",
    "sys/set-env", "path/canonicalize", "path/absolute", "deftest", "%register-test",
}
# llm/* examples use Lisp-defined providers (no network); the ones that would call out are marked
# doc_example_skip by their module
SIDE_EFFECT_PREFIXES = ("file/", "io/", "http/", "shell/run", "kv/", "db/", "proc/", "git/", "term/spinner",
                        "async/sleep")


# ---------------------------------------------------------------- collecting examples


def split_example(line: str) -> tuple[str, str] | None:
    """``(source, expected)`` of a line ``source ; => expected``, or None if the line is no example.

    The ``; =>`` must be outside strings and character literals.
    """
    text = line.strip()
    i, n, in_string = 0, len(text), False
    while i < n:
        ch = text[i]
        if in_string:
            if ch == "\\":
                i += 2
                continue
            if ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == "#" and text.startswith("#\\", i):
            i += 3
            continue
        elif ch == ";":
            if text.startswith("; =>", i) and text[:i].strip():
                return text[:i].strip(), text[i + 4:].strip()
            return None
        i += 1
    return None


def examples_in(doc: str | None) -> list[tuple[str, str]]:
    """Every example line of a docstring or doc entry."""
    out = []
    for line in (doc or "").splitlines():
        ex = split_example(line)
        if ex is not None:
            out.append(ex)
    return out


def _symbols(form):
    cls = form.__class__
    if cls is Symbol:
        yield form
    elif cls is Pair or cls is ArrayList:
        while form.__class__ is Pair or form.__class__ is ArrayList:
            yield from _symbols(form.car)
            form = form.cdr
        yield from _symbols(form)
    elif cls is tuple:
        for x in form:
            yield from _symbols(x)
    elif isinstance(form, Map):
        for k, v in map_items(form):
            yield from _symbols(k)
            yield from _symbols(v)


def has_side_effects(src: str) -> bool:
    """Whether running ``src`` would print, sleep, exit or touch files, processes or the network."""
    for sym in (s for form in read_all(src, "<doc-example>") for s in _symbols(form)):
        if sym.name in SIDE_EFFECT_NAMES or sym.name.startswith(SIDE_EFFECT_PREFIXES):
            return True
    return False


def _builtin_functions() -> list[tuple[str, object]]:
    """(Lisp name, function) of every builtin, each function once (aliases share it)."""
    import importlib

    from sema.builtins import LAZY
    for module in LAZY:  # the lazily loaded modules' examples run too
        importlib.import_module(module)
    interp = Interpreter(llm=False)
    out, seen = [], set()
    names = sorted(set(BUILTINS) | set(INTERP_BUILTINS))
    for name in names:
        if name.startswith("%"):
            continue
        # interpreter-bound builtins exist only as made for an interpreter (their skip mark too)
        fn = BUILTINS.get(name) or interp.namespace.get(mangle(name))
        if fn is None or id(fn) in seen:
            continue
        seen.add(id(fn))
        out.append((getattr(fn, "__name__", name), fn))
    return out


def _prelude_functions() -> list[tuple[str, object]]:
    """(name, function) of every function defined at the top level of stdlib/prelude.scm."""
    from sema.stdlib_loader import STDLIB_FILES, stdlib_source

    interp = Interpreter(llm=False)
    out = []
    for file in STDLIB_FILES:
        for form in read_all(stdlib_source(file), f"<stdlib>/{file}"):
            if not (form.__class__ in (Pair, ArrayList) and form.car in (Symbol("define"), Symbol("defn"),
                                                                        Symbol("defun"))):
                continue
            target = form.cdr.car
            while target.__class__ in (Pair, ArrayList):
                target = target.car
            fn = interp.namespace.get(mangle(target.name))
            if callable(fn):
                out.append((target.name, fn))
    return out


def _cases():
    cases = []

    def add(kind, name, doc, fn=None):
        if fn is not None and getattr(fn, "doc_example_skip", False):
            return
        for k, (src, expected) in enumerate(examples_in(doc), 1):
            if kind != "special" and has_side_effects(src):
                continue
            case_id = f"{kind}:{name}:{k}"
            marks = ()
            if case_id in KNOWN_WRONG:
                marks = (pytest.mark.xfail(strict=True, reason=f"known wrong: gives {KNOWN_WRONG[case_id]}"),)
            cases.append(pytest.param(src, expected, id=case_id, marks=marks))

    for name in sorted(SPECIAL_DOCS):
        add("special", name, SPECIAL_DOCS[name])
    for name, fn in _builtin_functions():
        add("builtin", name, inspect.getdoc(fn), fn)
    for name, fn in _prelude_functions():
        add("prelude", name, inspect.getdoc(fn), fn)
    return cases


CASES = _cases()


def run_example(src: str) -> str:
    """The write form of the value of ``src`` in a fresh interpreter (with every capability, py/* too)."""
    return write_str(Interpreter(llm=False, allow="all").eval_source(src, "<doc-example>"))


# ---------------------------------------------------------------- tests


def documented_names() -> list[str]:
    return sorted(n for n in set(SPECIAL_FORMS) | set(DERIVED) if not n.startswith("%"))


class TestSpecialDocsCoverage:
    """Every special and derived form has a well-formed entry."""

    def test_every_form_has_an_entry(self):
        """Each non-internal name in SPECIAL_FORMS and DERIVED is a key of SPECIAL_DOCS."""
        missing = [n for n in documented_names() if n not in SPECIAL_DOCS]
        assert missing == []

    def test_no_entry_for_unknown_forms(self):
        """SPECIAL_DOCS documents only names the compiler knows (no stale entries)."""
        known = set(SPECIAL_FORMS) | set(DERIVED)
        assert sorted(n for n in SPECIAL_DOCS if n not in known) == []

    @pytest.mark.parametrize("name", sorted(SPECIAL_DOCS))
    def test_entry_shape(self, name):
        """An entry starts with its call shape, then a description, then at least one example."""
        lines = SPECIAL_DOCS[name].strip().splitlines()
        assert lines[0].startswith((f"({name} ", f"({name})"))
        assert len(lines) >= 3
        assert examples_in(SPECIAL_DOCS[name]), f"{name}: no `; =>` example"

    def test_doc_prints_the_entry(self):
        """(doc if) shows the special-form entry."""
        from sema.docs import doc_for
        interp = Interpreter(llm=False)
        assert doc_for(interp, Symbol("if")) == SPECIAL_DOCS["if"].strip()


class TestExampleSplitting:
    """The example-line parser finds ``; =>`` only outside strings and characters."""

    def test_plain(self):
        """A simple line splits into source and expected text."""
        assert split_example('(+ 1 2) ; => 3') == ("(+ 1 2)", "3")

    def test_inside_string(self):
        """A ``; =>`` inside a string literal is not the separator."""
        assert split_example('(str "; => x") ; => "; => x"') == ('(str "; => x")', '"; => x"')

    def test_char_semicolon(self):
        """The character ``#\\;`` does not start a comment."""
        assert split_example("(char? #\\;) ; => #t") == ("(char? #\\;)", "#t")

    def test_plain_comment(self):
        """An ordinary comment is no example."""
        assert split_example("(foo) ; a comment") is None


class TestDocExamples:
    """Every documentation example evaluates to the value it shows."""

    def test_known_wrong_entries_exist(self):
        """Every KNOWN_WRONG id names a collected example."""
        ids = {c.id for c in CASES}
        assert sorted(k for k in KNOWN_WRONG if k not in ids) == []

    @pytest.mark.parametrize("src, expected", CASES)
    def test_example(self, src, expected):
        """The example's value, in write form, is the text after ``; =>``."""
        assert run_example(src) == expected


# ---------------------------------------------------------------- the language manual

MANUAL = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "language.md")
_BLOCK_RE = re.compile(r"^```scheme runnable[ \t]*\n(.*?)^```", re.M | re.S)


def runnable_blocks(path: str = MANUAL) -> list:
    """``pytest.param(code)`` for every runnable block of the manual, with an id naming its line."""
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    out = []
    for m in _BLOCK_RE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        out.append(pytest.param(m.group(1), id=f"language.md:{line}"))
    return out


def check_block(code: str) -> list[tuple[str, str, str]]:
    """Run a block in a fresh interpreter; (source, expected, actual) for each wrong ``; =>`` line.

    Lines accumulate until one carries ``; =>``: then the accumulated source runs and the value
    of its last form is compared.  Source after the last ``; =>`` line runs at the end.
    """
    interp = Interpreter(llm=False)
    wrong, pending = [], []
    for line in code.splitlines():
        ex = split_example(line)
        if ex is None:
            pending.append(line)
            continue
        src = "\n".join(pending + [ex[0]])
        pending = []
        actual = write_str(interp.eval_source(src, "<language.md>"))
        if actual != ex[1]:
            wrong.append((ex[0], ex[1], actual))
    if any(x.strip() for x in pending):
        interp.eval_source("\n".join(pending), "<language.md>")
    return wrong


class TestLanguageManual:
    """The runnable examples of docs/language.md run and show the right values."""

    def test_manual_has_runnable_blocks(self):
        """The manual has runnable blocks for the test below to run."""
        assert len(runnable_blocks()) > 20

    @pytest.mark.parametrize("code", runnable_blocks())
    def test_block(self, code):
        """The block runs without error and each ``; =>`` line gives its value."""
        assert check_block(code) == []

    def test_every_form_has_a_runnable_example(self):
        """Each special or derived form is used in some runnable block of the manual."""
        code = "\n".join(p.values[0] for p in runnable_blocks())
        assert [n for n in documented_names() if f"({n} " not in code and f"({n})" not in code] == []
