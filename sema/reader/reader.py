"""The reader: source text to Lisp forms (``grammar.lark`` + an inline transformer).

Speed shapes this module.  Lark runs LALR with the transformer *inline*, so no
parse tree is built: each grammar reduction calls one method of
:class:`_Builder`, which returns the finished value.  All atoms arrive as one
``ATOM`` terminal and are classified through :data:`_CACHE` (text -> value),
so a symbol or keyword seen before costs one dict lookup.  Lists carry a
:class:`~sema.errors.Span` on their first pair, taken from the bracket tokens.

Lark is imported, and the parser built, on the first read, so that ``import
sema`` stays cheap.  Lark caches the analysed grammar in the per-user cache
folder (``$SEMA_CACHE_DIR`` or platformdirs' ``user_cache_dir("sema")``), which
makes building the parser take a few ms; without a usable folder it is built
from the grammar (about 30 ms).  Lark's exceptions are turned into
:class:`ReaderError` / :class:`IncompleteInput` in one place, :func:`_translate`.
"""

from __future__ import annotations

import gc
import os
import re
import sys
import threading
from fractions import Fraction

from ..bignum import str_to_int
from ..errors import IncompleteInput, ReaderError, SemaError, SourceName, Span
from ..printer import write_str
from ..values import EMPTY, Char, Keyword, Map, Pair, Symbol, make_map, map_items
from .lexemes import block_comment_end, brace_end, fstring_end, lark_terminals
from .runs import read_run

__all__ = ["read_all", "read_one", "is_complete", "parse_number"]

_GRAMMAR_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "grammar.lark")

# ---------------------------------------------------------------- atoms


class _AtomError(Exception):
    """An atom that cannot be read; the caller adds the span."""


class _Dot:
    """The `.` of a dotted list while its list is being built."""

    __slots__ = ()

    def __repr__(self):
        return "<dot>"


DOT = _Dot()

_INF = float("inf")
_NAN = float("nan")

#: atoms whose value is fixed (never symbols); checked before anything else
_SPECIAL_ATOMS = {
    "nil": None, "true": True, "false": False,
    "#t": True, "#f": False, "#true": True, "#false": False,
    "inf": _INF, "+inf": _INF, "-inf": -_INF, "Inf": _INF, "+Inf": _INF, "-Inf": -_INF,
    "Infinity": _INF, "+Infinity": _INF, "-Infinity": -_INF,
    "nan": _NAN, "NaN": _NAN, "NAN": _NAN, "+nan": _NAN, "-nan": _NAN,
}

_DIGITS = frozenset("0123456789")
_REAL = r"(?:\d+/\d+|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
_INT_RE = re.compile(r"-?\d+")
_FLOAT_RE = re.compile(r"-?\d+(?:\.\d+(?:[eE][+-]?\d+)?|[eE][+-]?\d+)")
_RATIO_RE = re.compile(r"(-?\d+)/(\d+)")
# a+bi, a-i, bi, +i, -3.5i (a bare `i` is a symbol)
_COMPLEX_RE = re.compile(rf"(-?{_REAL})?([+-](?:{_REAL})?|-?{_REAL})i")
_RADIX_INT_RE = re.compile(r"[+-]?[0-9a-zA-Z]+")
# Sema's symbol characters: letters and +-*/!?<>=_&%^~. to start, digits and # inside too
_SYMBOL_RE = re.compile(r"(?:[^\W\d]|[+\-*/!?<>=_&%^~.])[\w+\-*/!?<>=&%^~.#]*")
_KEYWORD_RE = re.compile(r"[\w+\-*/!?<>=&%^~.#]+")
_BAD_SYMBOL_CHAR_RE = re.compile(r"[^\w+\-*/!?<>=&%^~.#]")

_CHAR_NAMES = {
    "space": " ", "newline": "\n", "tab": "\t", "return": "\r", "nul": "\0", "null": "\0",
    "linefeed": "\n", "alarm": "\a", "backspace": "\b", "delete": "\x7f", "escape": "\x1b",
}


def _int(s: str) -> int:
    return str_to_int(s)


def _real(s: str):
    """An int, float or normalised Fraction from decimal text, or None."""
    if _INT_RE.fullmatch(s):
        return _int(s)
    if _FLOAT_RE.fullmatch(s):
        return float(s)
    m = _RATIO_RE.fullmatch(s)
    if m:
        den = int(m.group(2))
        if den == 0:
            raise _AtomError(f"zero denominator in `{s}`")
        q = Fraction(int(m.group(1)), den)
        return q.numerator if q.denominator == 1 else q
    return None


def _complex_part(s: str) -> float:
    if s in ("+", "-", ""):
        return -1.0 if s == "-" else 1.0
    v = _real(s.lstrip("+"))
    return float(v)


def parse_number(s: str):
    """The number written as ``s`` in source syntax (int, float, Fraction or complex), or None.

    Accepts what the reader accepts: ``42``, ``-2.5E6``, ``1/3``, ``3+4i``, ``#xFF``,
    ``#e1.5``, ``inf``, ``nan``.  A bad ratio such as ``1/0`` also gives None.
    """
    try:
        if s in _SPECIAL_ATOMS:
            v = _SPECIAL_ATOMS[s]
            return v if v.__class__ is float else None
        if s.startswith("#"):
            v = _hash_atom(s)
            return None if v.__class__ is bool else v
        return _number(s)
    except _AtomError:
        return None


def _number(s: str):
    """A decimal number (real or complex) or None; raises _AtomError for ``1/0``."""
    v = _real(s)
    if v is not None:
        return v
    m = _COMPLEX_RE.fullmatch(s)
    if m:
        re_s, im_s = m.group(1), m.group(2)
        try:
            return complex(_complex_part(re_s) if re_s else 0.0, _complex_part(im_s))
        except (TypeError, ZeroDivisionError):
            return None
    return None


def _hash_atom(s: str):
    """``#t``, ``#f`` and radix/exactness-prefixed numbers: ``#xFF``, ``#e1.5``, ``#x#eFF``."""
    radix = exact = None
    i = 0
    while i + 1 < len(s) and s[i] == "#":
        p = s[i + 1].lower()
        if p in "xobd":
            if radix is not None:
                raise _AtomError(f"two radix prefixes in `{s}`")
            radix = {"x": 16, "o": 8, "b": 2, "d": 10}[p]
        elif p in "ei":
            if exact is not None:
                raise _AtomError(f"two exactness prefixes in `{s}`")
            exact = p == "e"
        else:
            break
        i += 2
    if i == 0:
        raise _AtomError(f"unknown `#` syntax `{s}`")
    body = s[i:]
    if radix in (None, 10):
        v = _real(body)
        if v is None:
            raise _AtomError(f"bad number syntax `{s}`")
    else:
        if not _RADIX_INT_RE.fullmatch(body):
            raise _AtomError(f"bad number syntax `{s}` (radix {radix} takes integers only)")
        try:
            v = int(body, radix)
        except ValueError:
            raise _AtomError(f"bad digits for radix {radix} in `{s}`") from None
    if exact is True and v.__class__ is float:
        q = Fraction(body)  # from the text: #e0.1 is exactly 1/10
        v = q.numerator if q.denominator == 1 else q
    elif exact is False:
        v = float(v)
    return v


def _classify(s: str):
    """The value of an ATOM token's text; raises _AtomError."""
    v = _SPECIAL_ATOMS.get(s, DOT)
    if v is not DOT:
        return v
    c = s[0]
    if c == ":":
        name = s[1:]
        if not name:
            raise _AtomError("a keyword needs a name after `:`")
        if not _KEYWORD_RE.fullmatch(name):
            raise _AtomError(f"invalid character `{_bad_char(name)}` in keyword `{s}`")
        return Keyword(name)
    if c == "#":
        return _hash_atom(s)
    if c in _DIGITS or (c == "-" and len(s) > 1 and s[1] in _DIGITS):
        v = _number(s)
        if v is None:
            raise _AtomError(f"bad number syntax `{s}`")
        return v
    if (c == "+" or c == "-") and s[-1] == "i":
        v = _number(s)  # +i, -2.5i ...
        if v is not None:
            return v
    if s == ".":
        return DOT
    if _SYMBOL_RE.fullmatch(s):
        return Symbol(s)
    raise _AtomError(f"invalid character `{_bad_char(s)}` in symbol `{s}`")


def _bad_char(s: str) -> str:
    m = _BAD_SYMBOL_CHAR_RE.search(s)
    return m.group(0) if m else s[0]


#: atom text -> value; nil and `.` are left out (None means "not cached")
_CACHE: dict = {}
_CACHE_LIMIT = 200_000


def _quick_atom(s: str):
    """The value of an atom not in the cache, now cached; None for nil, `.` and a bad atom (which the
    caller reads again at its position, for the error or the dot)."""
    try:
        v = _classify(s)
    except _AtomError:
        return None
    if v is None or v is DOT:
        return None
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    _CACHE[s] = v
    return v

# ---------------------------------------------------------------- strings

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "0": "\0", "$": "$"}
_ESCAPE_RE = re.compile(r"\\(x[0-9A-Fa-f]+;|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[\s\S])")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _escape(m) -> str:
    e = m.group(1)
    c = e[0]
    if len(e) == 1:
        return _ESCAPES.get(c, m.group(0))  # unknown escape: keep backslash and char
    code = int(e[1:-1] if c == "x" else e[1:], 16)
    if code > 0x10FFFF:
        return m.group(0)
    return chr(code)


def unescape(body: str) -> str:
    """Process the escapes of a string literal's body (the text between the quotes)."""
    s = _ESCAPE_RE.sub(_escape, body)
    if _SURROGATE_RE.search(s):  # \uD83D\uDE00 -> one character
        s = s.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return s


# ---------------------------------------------------------------- the transformer

_S_QUOTE, _S_FN, _S_STR = Symbol("quote"), Symbol("fn"), Symbol("str")
_PREFIX_SYMBOLS = {
    "'": _S_QUOTE, "`": Symbol("quasiquote"), ",": Symbol("unquote"),
    ",@": Symbol("unquote-splicing"), "@": Symbol("deref"),
}
_S_PCT, _S_PCT1, _S_LAMBDA = Symbol("%"), Symbol("%1"), Symbol("lambda")
_PCT_RE = re.compile(r"%[1-9]\d*")
_MAX_PCT = 20


def _chain(items, tail=EMPTY):
    """A chain of pairs holding ``items``, ending in ``tail``."""
    for x in reversed(items):
        tail = Pair(x, tail)
    return tail


def _count_dots(items) -> int:
    return sum(1 for x in items if x is DOT)


class _Builder:
    """The inline transformer: one method per grammar alias, called at each reduction.

    State for the read in progress: ``file`` (for spans), ``dots`` (the tokens of
    `.` atoms not yet claimed by a dotted list) and ``end`` (the closing token of
    the last vector/map/... built, which a quote needs for its span).
    """

    def __init__(self):
        self.file = "<eval>"
        self.dots: list = []
        self.end = None

    # -- helpers

    def _tspan(self, tok) -> Span:
        return Span(self.file, tok.line, tok.column, tok.end_line, tok.end_column)

    def _atom(self, tok):
        """Classify an atom not in the cache (or nil / `.`)."""
        s = tok.value
        try:
            v = _classify(s)
        except _AtomError as e:
            raise ReaderError(str(e), self._tspan(tok)) from None
        if v is DOT:
            self.dots.append(tok)
        elif v is not None:
            if len(_CACHE) >= _CACHE_LIMIT:
                _CACHE.clear()
            _CACHE[s] = v
        return v

    def _string(self, tok) -> str:
        s = tok.value[1:-1]
        return unescape(s) if "\\" in s else s

    def _no_dots(self, items, where: str):
        k = _count_dots(items)
        if k:
            tok = self.dots[-k]
            raise ReaderError(f"`.` is only allowed in a list, before its last form (not in {where})",
                              self._tspan(tok))

    # -- sequences

    def start(self, c):
        forms = c[0] if c else []
        if self.dots:
            self._no_dots(forms, "top-level code")
        return forms

    def _run(self, tok, start: int, end: int) -> list:
        """The values of the forms in ``tok.value[start:end]`` (a RUN, or a flat form's inside)."""
        return read_run(self, tok, start, end, _CACHE, unescape, _quick_atom)

    atom_at = _atom  # for runs.read_run: an atom not in the cache, at a Place

    def make_map(self, items):
        it = iter(items)
        return make_map(zip(it, it))

    def items_run(self, c):
        lst = c[0]
        tok = c[1]
        lst.extend(self._run(tok, 0, len(tok.value)))
        return lst

    def items_run1(self, c):
        tok = c[0]
        return self._run(tok, 0, len(tok.value))

    def items_node(self, c):
        lst = c[0]
        lst.append(c[1])
        return lst

    def items_node1(self, c):
        return c

    def items_skip(self, c):
        return c[0]

    def items_skip1(self, c):
        return []

    def skipped(self, c):
        return None

    # -- compound forms

    def list(self, c):
        lp, items, rp = c
        if self.dots and _count_dots(items):
            r = self._dotted(items)
            if r.__class__ is not Pair:  # (. rest): the rest alone, as in (fn (. args) ...)
                self.end = rp
                return r
        else:
            r = EMPTY
            for x in reversed(items):
                r = Pair(x, r)
            if r is EMPTY:  # (#;x)
                self.end = rp
                return r
        r.span = Span(self.file, lp.line, lp.column, rp.end_line, rp.end_column)
        return r

    def _dotted(self, items):
        """``(a b . c)``: the dots in ``items`` are the last ``k`` pending ones."""
        k = _count_dots(items)
        toks = self.dots[-k:]
        del self.dots[-k:]
        if k > 1:
            raise ReaderError("a list can have only one `.`", self._tspan(toks[1]))
        i = next(i for i, x in enumerate(items) if x is DOT)
        if i == 0 and len(items) == 2:
            return items[1]  # (. x) reads as x: a parameter list of only a rest parameter
        if i == 0:
            raise ReaderError("`.` needs a form before it", self._tspan(toks[0]))
        if i != len(items) - 2:
            raise ReaderError("`.` must be followed by exactly one form before the `)`", self._tspan(toks[0]))
        return _chain(items[:-2], items[-1])

    def flat(self, c):
        """A FLAT token: a list, vector or map of runs only, read in one go by runs.read_run."""
        tok = c[0]
        text = tok.value
        self.end = tok  # a quote of an empty list, a vector or a map takes its end from here
        return self._run(tok, 0, len(text))[0]

    def empty_list(self, c):
        self.end = c[1]
        return EMPTY

    def vector(self, c):
        items = c[1]
        if self.dots:
            self._no_dots(items, "a vector")
        self.end = c[2]
        return tuple(items)

    def empty_vector(self, c):
        self.end = c[1]
        return ()

    def map(self, c):
        lb, items, rb = c
        if self.dots:
            self._no_dots(items, "a map")
        if len(items) & 1:
            raise ReaderError(f"map literal needs an even number of forms (key value ...), got {len(items)}",
                              Span(self.file, lb.line, lb.column, rb.end_line, rb.end_column))
        self.end = rb
        it = iter(items)
        return make_map(zip(it, it))

    def empty_map(self, c):
        self.end = c[1]
        return make_map()

    def bytevector(self, c):
        open_, close = c[0], c[-1]
        items = c[1] if len(c) == 3 else []
        if self.dots:
            self._no_dots(items, "a bytevector")
        for x in items:
            if x.__class__ is not int or not 0 <= x <= 255:
                raise ReaderError(f"a bytevector holds integers 0..255, got {write_str(x)}",
                                  Span(self.file, open_.line, open_.column, close.end_line, close.end_column))
        self.end = close
        return bytes(items)

    def short_lambda(self, c):
        """``#(* % %)`` -> ``(fn (%1) (* %1 %1))``."""
        open_, close = c[0], c[-1]
        items = c[1] if len(c) == 3 else []
        if self.dots:
            self._no_dots(items, "a #(...) lambda")
        span = Span(self.file, open_.line, open_.column, close.end_line, close.end_column)
        try:
            n = _rewrite_pct(items)
        except RecursionError:
            raise ReaderError("#(...) lambda nested too deeply", span) from None
        if n > _MAX_PCT:
            raise ReaderError(f"#(...) lambda uses %{n}; the highest allowed is %{_MAX_PCT}", span)
        body = _chain(items)
        if body is not EMPTY:
            body.span = Span(self.file, open_.line, open_.column + 1, close.end_line, close.end_column)
        params = _chain([Symbol(f"%{i}") for i in range(1, n + 1)])
        if params is not EMPTY:
            params.span = span
        r = Pair(_S_FN, Pair(params, Pair(body, EMPTY)))
        r.span = span
        return r

    # -- prefixes: 'x `x ,x ,@x @x

    def _prefixed(self, ptok, v, end_line, end_col):
        if v is DOT:
            raise ReaderError(f"`{ptok.value}` cannot apply to `.`", self._tspan(ptok))
        r = Pair(_PREFIX_SYMBOLS[ptok.value], Pair(v, EMPTY))
        r.span = Span(self.file, ptok.line, ptok.column, end_line, end_col)
        return r

    prefixed = _prefixed  # for runs.read_run

    def prefix_atom(self, c):
        p, tok = c
        v = _CACHE.get(tok.value)
        if v is None:
            v = self._atom(tok)  # a `.` here makes _prefixed raise
        return self._prefixed(p, v, tok.end_line, tok.end_column)

    def prefix_string(self, c):
        p, tok = c
        return self._prefixed(p, self._string(tok), tok.end_line, tok.end_column)

    def prefix_node(self, c):
        p, v = c
        if v.__class__ is Pair:
            sp = v.span
            return self._prefixed(p, v, sp.end_line, sp.end_col)
        end = self.end
        return self._prefixed(p, v, end.end_line, end.end_column)

    def skip_atom(self, c):
        tok = c[2]
        self.end = tok
        v = _CACHE.get(tok.value)
        return self._atom(tok) if v is None else v

    def skip_string(self, c):
        self.end = c[2]
        return self._string(c[2])

    def skip_node(self, c):
        return c[2]

    # -- rarer literals

    def char(self, c):
        tok = c[0]
        self.end = tok
        name = tok.value[2:]
        if len(name) == 1:
            return Char(name)
        ch = _CHAR_NAMES.get(name) or _CHAR_NAMES.get(name.lower())
        if ch is None and name[0] in "xX" and len(name) > 1:
            try:
                ch = chr(int(name[1:], 16))
            except (ValueError, OverflowError):
                ch = None
        if ch is None:
            raise ReaderError(f"unknown character name `#\\{name}`", self._tspan(tok),
                              hints=["named characters: " + ", ".join(sorted(_CHAR_NAMES))])
        return Char(ch)

    def regex(self, c):
        tok = c[0]
        self.end = tok
        return tok.value[2:-1].replace('\\"', '"')

    def fstring(self, c):
        """``f"a ${x} b"`` -> ``(str "a " x " b")``; each ``${}`` holds one form."""
        tok = c[0]
        text = tok.value
        parts = []
        for kind, a, b in _fstring_pieces(text):
            if kind == "lit":
                if b > a:
                    s = text[a:b]
                    parts.append(unescape(s) if "\\" in s else s)
            else:
                parts.append(self._embedded(tok, text, a, b))
        r = Pair(_S_STR, _chain(parts))
        r.span = self._tspan(tok)
        return r

    def _embedded(self, tok, text, a, b):
        """Read the one form of ``text[a:b]``, the inside of a ``${}`` in f-string ``tok``."""
        before = text[:a]
        nl = before.count("\n")
        line = tok.line + nl
        col = a - before.rindex("\n") if nl else tok.column + a
        where = Span(self.file, line, col - 2, line + text[a:b].count("\n"), col + (b - a) + 1)
        if not text[a:b].strip():
            raise ReaderError("empty `${}` in f-string", where)
        # pad so that positions inside the expression are positions in the file
        src = "\n" * (line - 1) + " " * (col - 1) + text[a:b]
        try:
            forms = _parse(src, self.file)
        except IncompleteInput as e:
            raise ReaderError(f"{e.message} (inside `${{}}` of an f-string)", e.span or where) from None
        if len(forms) != 1:
            raise ReaderError(f"`${{}}` in an f-string must hold exactly one form, found {len(forms)}", where)
        return forms[0]


# ---------------------------------------------------------------- f-strings and #(...)


def _fstring_pieces(text: str):
    """Split the token ``f"..."`` into ("lit", start, end) and ("expr", start, end) index ranges."""
    i, n = 2, len(text) - 1
    lit = i
    while i < n:
        ch = text[i]
        if ch == "\\":
            i += 2
        elif ch == "$" and text[i + 1] == "{":
            yield ("lit", lit, i)
            end = brace_end(text, i + 2)  # the lexer matched the whole token: its braces close
            yield ("expr", i + 2, end - 1)
            i = lit = end
        else:
            i += 1
    yield ("lit", lit, n)


def _rewrite_pct(items: list) -> int:
    """Rewrite `%` to `%1` in a short lambda's body (in place); the highest N of `%N` used.

    Nested ``fn``/``lambda`` forms (``#(...)`` included) keep their own `%`.
    """
    n = 0
    for i, x in enumerate(items):
        cls = x.__class__
        if cls is Symbol:
            if x is _S_PCT:
                items[i] = _S_PCT1
                n = max(n, 1)
            elif _PCT_RE.fullmatch(x.name):
                n = max(n, int(x.name[1:]))
        elif cls is Pair:
            if x.car is _S_FN or x.car is _S_LAMBDA:
                continue
            n = max(n, _rewrite_pair(x))
        elif cls is tuple and x:
            sub = list(x)
            n = max(n, _rewrite_pct(sub))
            items[i] = tuple(sub)
        elif cls is Map and len(x):
            flat = [y for kv in map_items(x) for y in kv]
            n = max(n, _rewrite_pct(flat))
            it = iter(flat)
            items[i] = make_map(zip(it, it))
    return n


def _rewrite_pair(p) -> int:
    n = 0
    while p.__class__ is Pair:
        box = [p.car]
        n = max(n, _rewrite_pct(box))
        p.car = box[0]
        if p.cdr.__class__ is not Pair and p.cdr is not EMPTY:  # dotted tail
            box = [p.cdr]
            n = max(n, _rewrite_pct(box))
            p.cdr = box[0]
        p = p.cdr
    return n


# ---------------------------------------------------------------- the parser

_BUILDER = _Builder()
_LOCK = threading.RLock()
_PARSER = None
_LARK_ERRORS = None  # (UnexpectedToken, UnexpectedCharacters, LarkError, VisitError), set with the parser


def _cache_file(grammar: str) -> str | bool:
    """Where Lark caches the analysed grammar (a per-user cache folder), or False."""
    try:
        import hashlib

        import lark

        base = os.environ.get("SEMA_CACHE_DIR")
        if not base:
            import platformdirs

            base = platformdirs.user_cache_dir("sema", appauthor=False)
        key = hashlib.sha256(grammar.encode("utf-8")).hexdigest()[:16]
        name = f"reader-{key}-lark{lark.__version__}-py{sys.version_info[0]}{sys.version_info[1]}.cache"
        os.makedirs(base, exist_ok=True)
        return os.path.join(base, name)
    except Exception:  # no folder, read-only home ...: build without a cache
        return False


def _get_parser():
    global _PARSER, _LARK_ERRORS
    if _PARSER is None:
        with _LOCK:
            if _PARSER is None:
                from lark import Lark
                from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedToken, VisitError

                from .lexer import ReaderLexer

                with open(_GRAMMAR_FILE, encoding="utf-8") as fh:
                    grammar = fh.read() + lark_terminals()
                _LARK_ERRORS = (UnexpectedToken, UnexpectedCharacters, LarkError, VisitError)
                # Lark reads and writes the cache itself; failures there are silent (its logger)
                _PARSER = Lark(grammar, parser="lalr", lexer=ReaderLexer, transformer=_BUILDER,
                               cache=_cache_file(grammar), propagate_positions=False)
    return _PARSER


def _parse(text: str, file: str) -> list:
    """All forms of ``text``; Lark errors become ReaderError/IncompleteInput here."""
    parser = _get_parser()
    b = _BUILDER
    with _LOCK:  # one builder; f-string bodies re-enter from the same thread
        saved = b.file, b.dots, b.end
        b.file, b.dots, b.end = file, [], None
        # Reading allocates many objects and no cycles; letting the collector run
        # over the growing forms made reading large files 40 % slower.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            return parser.parse(text)
        except _LARK_ERRORS[2] as e:
            err = _translate(e, text, file)
        finally:
            b.file, b.dots, b.end = saved
            if gc_was_enabled:
                gc.enable()
    raise err


# ---------------------------------------------------------------- errors

_OPENERS = {"LPAR": ")", "LBRACK": "]", "LBRACE": "}", "HASHLPAR": ")", "BVLPAR": ")"}
_CLOSERS = {"RPAR", "RBRACK", "RBRACE"}
_PENDING = {"LPAR", "LBRACK", "LBRACE", "HASHLPAR", "BVLPAR", "PREFIX", "DCOMMENT"}


def _translate(e, text: str, file: str) -> SemaError:
    """Turn a Lark exception into a ReaderError (or IncompleteInput for unfinished input)."""
    UnexpectedToken, UnexpectedCharacters, _, VisitError = _LARK_ERRORS
    if isinstance(e, VisitError):
        inner = e.orig_exc
        return inner if isinstance(inner, SemaError) else ReaderError(f"internal reader error: {inner!r}")
    if isinstance(e, UnexpectedCharacters):
        return _bad_characters(text, file, e.pos_in_stream, e.line, e.column)
    if not isinstance(e, UnexpectedToken):
        return ReaderError(f"cannot read this: {e}")
    tok = e.token
    stack = e.state.value_stack if e.state is not None else []
    pending = next((t for t in reversed(stack) if getattr(t, "type", None) in _PENDING), None)
    if tok.type == "$END":
        if pending is None:
            return IncompleteInput("unexpected end of input", Span(file, tok.line or 1, tok.column or 1))
        span = Span(file, pending.line, pending.column, pending.end_line, pending.end_column)
        if pending.type in _OPENERS:
            return IncompleteInput(f"unclosed `{pending.value}`: expected `{_OPENERS[pending.type]}` "
                                   f"before the end of input", span)
        return IncompleteInput(f"expected a form after `{pending.value}` before the end of input", span)
    span = Span(file, tok.line, tok.column, tok.end_line, tok.end_column)
    if pending is not None and pending.type in ("PREFIX", "DCOMMENT"):
        return ReaderError(f"expected a form after `{pending.value}`, found `{tok.value}`", span)
    if tok.type in _CLOSERS:
        if pending is None:
            return ReaderError(f"unexpected `{tok.value}`", span, hints=["there is no open bracket to close here"])
        want = _OPENERS[pending.type]
        return ReaderError(
            f"mismatched `{tok.value}`: expected `{want}` to close `{pending.value}` "
            f"opened at line {pending.line}, column {pending.column}", span)
    return ReaderError(f"unexpected `{tok.value}`", span)


def _bad_characters(text: str, file: str, pos: int, line: int, col: int) -> SemaError:
    """No terminal matches at ``pos``: an unterminated string/comment, or bad `#` syntax."""
    span = Span(file, line, col, line, col + 1)
    if text.startswith('"', pos):
        return IncompleteInput("unterminated string", span)
    if text.startswith('#"', pos):
        return IncompleteInput("unterminated regex literal `#\"...\"`", Span(file, line, col, line, col + 2))
    if text.startswith('f"', pos):
        span = Span(file, line, col, line, col + 2)
        if fstring_end(text, pos + 2) is None:
            return IncompleteInput("unterminated f-string", span)
        return ReaderError("braces nested too deeply inside `${}` of an f-string (3 levels at most)", span)
    if text.startswith("#|", pos):
        span = Span(file, line, col, line, col + 2)
        if block_comment_end(text, pos) is None:
            return IncompleteInput("unterminated block comment `#| ... |#`", span)
        return ReaderError("block comments nested too deeply (4 levels at most)", span)
    if text.startswith("#!", pos):
        return ReaderError("`#!` is only allowed at the start of the first line", span)
    if text.startswith("#\\", pos):
        return ReaderError("expected a character after `#\\`", span)
    return ReaderError(f"unexpected character `{text[pos]}`", span)


# ---------------------------------------------------------------- public API


def _blank_shebang(text: str) -> str:
    if text.startswith("#!"):
        end = text.find("\n")
        end = len(text) if end < 0 else end
        return " " * end + text[end:]
    return text


def read_all(text: str, filename: str = "<eval>") -> list:
    """All top-level forms of ``text`` (a Python list).

    Every span names ``filename`` with ``text`` attached (a :class:`SourceName`),
    so that errors can quote it.  Raises :class:`IncompleteInput` for unfinished
    input and :class:`ReaderError` for wrong input.

    >>> read_all("(+ 1 2) :k")
    [(+ 1 2), Keyword('k')]
    """
    return _parse(_blank_shebang(text), SourceName(filename, text))


def read_one(text: str, filename: str = "<eval>"):
    """The one form of ``text``; a ReaderError if it holds none or more than one."""
    forms = read_all(text, filename)
    if len(forms) == 1:
        return forms[0]
    if not forms:
        raise ReaderError("expected one form, found none", Span(filename, 1, 1))
    second = forms[1]
    span = second.span if second.__class__ is Pair else None
    raise ReaderError(f"expected one form, found {len(forms)}", span)


def is_complete(text: str) -> bool:
    """False only when ``text`` is unfinished (an open bracket, string, comment or quote)."""
    try:
        _parse(_blank_shebang(text), "<input>")
    except IncompleteInput:
        return False
    except SemaError:
        return True
    return True
