"""Generators of hostile sema programs, each a function of a ``random.Random``.

Five families (issue 7): random bytes, token soup, mutations of the
project's own Lisp files, calls of every builtin with arguments of every type
(directly, through ``apply`` and through ``map``), and special forms of the
wrong shape.  Every generator is deterministic in its seed, so a failure is
reproduced by its (family, seed) pair.
"""

from __future__ import annotations

import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: literals of every Lisp type, the argument pool of builtin calls
VALUES = (
    "0", "1", "-7", "42", "1180591620717411303424", "1.5", "-0.0", "1e308", "1/3", "-5/2", "3+4i",
    '""', '"abc"', '"日本語 ✓"', '"%s ~a"', "#\\a", "#\\space", "'sym", ":kw", "nil", "#t", "#f", "'()",
    "'(1 2 3)", "'(a . b)", "'((1 2) (3 4))", "[1 2]", "[]", "{:a 1}", "{}", '{"k" [1]}', "(fn (x) x)",
    "(fn () 1)", "(fn (a b) (list a b))", "(fn args args)", "(atom 1)", "car", "+", "(make-parameter 1)",
    "(delay 5)", "(values 1 2)", "100000", "-1", "#\"[a-z]+\"",
)

TOKENS = (
    "(", ")", "[", "]", "{", "}", "'", "`", ",", ",@", "#(", "#;", ".", "#|", "|#", ";", "\n", '"', "\\",
    "#\\", "#t", "#f", "nil", "#u8(", "#\"", "f\"", "~a", "{{x}}",
) + VALUES

#: forms whose shapes are checked by the compiler
FORMS = (
    "define", "def", "defn", "defun", "lambda", "fn", "let", "let*", "letrec", "letrec*", "if", "cond", "case",
    "when", "unless", "and", "or", "begin", "do", "while", "dotimes", "for-range", "set!", "quote", "quasiquote",
    "unquote", "unquote-splicing", "try", "catch", "finally", "throw", "defmacro", "define-record-type",
    "match", "match*", "->", "->>", "as->", "some->", "when-let", "if-let", "delay", "parameterize",
    "define-values", "let-values", "let*-values", "receive", "module", "import", "deftest", "is", "time",
    "doc", "assert-eq",
)

#: builtins the generators do not pick: they touch the machine, wait, or end the process (the runner's
#: sandbox refuses them anyway; picking them would only fill the run with permission errors)
UNSAFE = (
    "exit", "shell", "sleep", "sys/set-env", "read-line", "read-stdin", "io/read-line", "io/read-stdin",
    "load", "import", "%import",
)
UNSAFE_PREFIXES = ("file/", "http/", "llm/", "proc/", "db/", "kv/", "git/", "async/sleep", "serve", "term/")


def safe_builtin_names() -> list[str]:
    import importlib

    from sema.builtins import LAZY, load_all
    from sema.runtime.registry import BUILTINS, INTERP_BUILTINS
    load_all()
    for module in LAZY:  # the modules loaded on first use register their names when imported
        if module.startswith("sema.builtins."):
            importlib.import_module(module)
    names = sorted(set(BUILTINS) | set(INTERP_BUILTINS))
    return [n for n in names if n not in UNSAFE and not n.startswith(UNSAFE_PREFIXES) and not n.startswith("%")]


_corpus: list[str] | None = None


def corpus() -> list[str]:
    """The project's own Lisp programs: the examples, the Lisp tests, the golden programs, the prelude."""
    global _corpus
    if _corpus is None:
        files = []
        for folder in ("examples", "tests/lisp", "tests/golden", "stdlib"):
            files.extend(sorted((ROOT / folder).rglob("*.scm")))
        _corpus = [f.read_text(encoding="utf-8") for f in files]
    return _corpus


def random_bytes(rng: random.Random) -> str:
    data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 60)))
    return data.decode("utf-8", errors="replace") if rng.random() < 0.5 else data.decode("latin-1")


def token_soup(rng: random.Random) -> str:
    names = _names()
    pool = TOKENS + tuple(rng.sample(names, 12)) + FORMS
    parts = [rng.choice(pool) for _ in range(rng.randrange(1, 30))]
    return " ".join(parts) if rng.random() < 0.7 else "".join(parts)


def mutation(rng: random.Random) -> str:
    """One of the project's programs with a few random edits (deletions, duplications, swaps, insertions)."""
    text = rng.choice(corpus())
    for _ in range(rng.randrange(1, 4)):
        if not text:
            break
        i = rng.randrange(len(text))
        j = min(len(text), i + rng.randrange(1, 12))
        op = rng.randrange(5)
        if op == 0:
            text = text[:i] + text[j:]
        elif op == 1:
            text = text[:i] + text[i:j] * 2 + text[j:]
        elif op == 2:
            text = text[:i] + rng.choice(TOKENS) + text[i:]
        elif op == 3:
            k = rng.randrange(len(text))
            text = text[:i] + text[k:k + (j - i)] + text[j:]
        else:
            text = text[:i] + rng.choice(("(", ")", '"', "'", "#")) + text[i:]
    return text


def builtin_call(rng: random.Random) -> str:
    """A builtin called with arguments of random types (mostly as many as it takes), directly or
    through a higher-order builtin (apply, map, reduce, sort, filter, for-each, every?, some?)."""
    name = rng.choice(_names())
    lo, hi = _arity(name)
    if rng.random() < 0.8:
        n = rng.randint(lo, min(hi if hi is not None else lo + 3, lo + 3))
    else:
        n = rng.randrange(0, 5)
    args = " ".join(rng.choice(VALUES) for _ in range(n))
    items = " ".join(rng.choice(VALUES) for _ in range(rng.randrange(0, 4)))
    way = rng.randrange(9)
    if way <= 2:
        return f"({name} {args})"
    if way == 3:
        return f"(apply {name} (list {args}))"
    if way == 4:
        return f"(map {name} (list {items}){' (list 1 2)' if lo >= 2 else ''})"
    if way == 5:
        return f"(reduce {name} {rng.choice(VALUES)} (list {items}))"
    if way == 6:
        return f"(sort (list {items}) {name})"
    if way == 7:
        return f"({rng.choice(('filter', 'for-each', 'every?', 'some?', 'reject', 'list/find'))} {name} (list {items}))"
    return f"(let ((f {name})) (f {args}))"


def _arity(name: str) -> tuple[int, int | None]:
    from sema.runtime.registry import BUILTINS, arity_of
    fn = BUILTINS.get(name)
    if fn is None:
        return 0, 4
    return arity_of(fn)


def malformed_form(rng: random.Random) -> str:
    """A special or derived form with arguments of random shapes."""
    form = rng.choice(FORMS)
    shapes = VALUES + ("x", "(x)", "((x 1))", "(x 1)", "[x 1]", "((1 2))", "(())", "(x . y)", "(. x)",
                       "((x) 1)", "(else 1)", "(catch)", "(catch e)", "(finally)", "[]", "{}", "(1)",
                       "((fn (x) x) 1)", "(define y 1)", f"({rng.choice(FORMS)})")
    args = " ".join(rng.choice(shapes) for _ in range(rng.randrange(0, 5)))
    text = f"({form} {args})"
    if rng.random() < 0.3:  # inside a function body, where internal defines and tail calls differ
        text = f"(define (fz{rng.randrange(9)} x) {text} x) (fz0 1)"
    return text


FAMILIES = {
    "bytes": random_bytes,
    "tokens": token_soup,
    "mutation": mutation,
    "builtin": builtin_call,
    "form": malformed_form,
}


def generate(family: str, seed: int) -> str:
    return FAMILIES[family](random.Random(f"{family}:{seed}"))


_names_cache: list[str] | None = None


def _names() -> list[str]:
    global _names_cache
    if _names_cache is None:
        _names_cache = safe_builtin_names()
    return _names_cache


