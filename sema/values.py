"""Lisp values and how they map onto Python.

| Lisp            | Python                                                       |
| --------------- | ------------------------------------------------------------ |
| numbers         | ``int``, ``float``, ``fractions.Fraction``, ``complex``      |
| strings         | ``str``                                                      |
| ``nil``         | ``None``                                                     |
| ``#t`` / ``#f`` | ``True`` / ``False`` (see below)                             |
| symbols         | :class:`Symbol` (interned)                                   |
| keywords        | :class:`Keyword` (interned, callable on maps)                |
| characters      | :class:`Char` (interned)                                     |
| lists           | :data:`EMPTY`, :class:`Pair` and :class:`ArrayList`          |
| vectors         | ``tuple``                                                    |
| maps            | ``immutables.Map`` (a HAMT: ``assoc`` is O(log n))           |
| atoms           | :class:`Atom`                                                |
| functions       | any Python callable                                          |

Booleans.  ``#t`` and ``#f`` are Python's ``True`` and ``False`` so that they
cross the embedding boundary unchanged.  Python's ``True == 1`` must not leak
into Lisp, so:

* ``=``/``equal?`` compare types before values (``(= 1 #t)`` is ``#f``);
* map keys go through :func:`map_key`, which wraps ``bool`` and ``float``
  keys so that ``{1 :a #t :b 1.0 :c}`` has three entries.  ``keys`` and the
  printer unwrap them again.
* arithmetic rejects booleans (``(+ 1 #t)`` is a type error).

Lists.  ``cons``/``car``/``cdr`` are O(1) on :class:`Pair`.  Bulk builtins
(``range``, ``map``, ``filter`` ...) build an :class:`ArrayList` instead: a
view of a Python list from an offset, whose ``cdr`` is another O(1) view.
Both answer ``.car`` and ``.cdr``; :func:`iter_list` walks either at C speed.
``'()`` is the empty list :data:`EMPTY`, which is truthy (only ``#f`` and
``nil`` are false).
"""

from __future__ import annotations

import threading
from fractions import Fraction

from .hamt import Map


EMPTY_MAP = Map()


class Symbol:
    """An interned Lisp symbol; compare with ``is``."""

    __slots__ = ("name", "__weakref__")
    _table: dict[str, "Symbol"] = {}

    def __new__(cls, name: str) -> "Symbol":
        sym = cls._table.get(name)
        if sym is None:
            sym = object.__new__(cls)
            sym.name = name
            cls._table[name] = sym
        return sym

    def __repr__(self) -> str:
        return f"Symbol({self.name!r})"

    def __str__(self) -> str:
        return self.name

    def __reduce__(self):
        return (Symbol, (self.name,))


class Keyword:
    """An interned keyword such as ``:name``; calling it looks itself up in a map."""

    __slots__ = ("name", "__weakref__")
    _table: dict[str, "Keyword"] = {}

    def __new__(cls, name: str) -> "Keyword":
        kw = cls._table.get(name)
        if kw is None:
            kw = object.__new__(cls)
            kw.name = name
            cls._table[name] = kw
        return kw

    def __call__(self, m, default=None):
        if m.__class__ is Map:
            return m.get(self, default)
        return keyword_lookup(self, m, default)

    def __repr__(self) -> str:
        return f"Keyword({self.name!r})"

    def __str__(self) -> str:
        return ":" + self.name

    def __reduce__(self):
        return (Keyword, (self.name,))


def keyword_lookup(kw, m, default=None):
    """``(:k m)`` for a non-map ``m``: records answer their fields, nil gives the default."""
    if m is None:
        return default
    if isinstance(m, Record):
        return m.fields.get(kw.name, default)
    if isinstance(m, Map):
        return m.get(kw, default)
    from .errors import LispTypeError

    from .printer import type_and_value
    raise LispTypeError(f"keyword {kw} called on {type_and_value(m)}, expected a map")


class Char:
    """An interned character such as ``#\\a``."""

    __slots__ = ("ch",)
    _table: dict[str, "Char"] = {}

    def __new__(cls, ch: str) -> "Char":
        c = cls._table.get(ch)
        if c is None:
            c = object.__new__(cls)
            c.ch = ch
            cls._table[ch] = c
        return c

    def __repr__(self) -> str:
        return f"Char({self.ch!r})"

    def __reduce__(self):
        return (Char, (self.ch,))


def sym(name: str) -> Symbol:
    return Symbol(name)


def kw(name: str) -> Keyword:
    return Keyword(name)


# ---------------------------------------------------------------- lists


class ListBase:
    """What ``'()``, pairs and array-backed lists have in common."""

    __slots__ = ()

    def __iter__(self):
        return iter_list(self)

    def __eq__(self, other):
        return isinstance(other, ListBase) and lists_equal(self, other)

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        h = 0x345678
        for x in iter_list(self):
            h = (h * 1000003) ^ hash(x)
        return h

    def __repr__(self):
        return write_str(self)

    def __bool__(self):
        return True


class EmptyList(ListBase):
    """The empty list ``'()``: truthy, ``(car '())`` is nil."""

    __slots__ = ()
    car = None

    @property
    def cdr(self):
        return self

    def __len__(self):
        return 0

    def __reduce__(self):
        return "EMPTY"  # unpickles as the one empty list


EMPTY = object.__new__(EmptyList)


class Pair(ListBase):
    """A cons cell.  ``span`` is set only on forms read from source.

    A nil tail ends the list, as Sema's ``(cons x nil)`` is ``(x)``: unquoted
    ``()`` evaluates to nil, so ``(cons x acc)`` onto an accumulator that
    started as ``()`` must build a proper list (issue 11).
    """

    __slots__ = ("car", "cdr", "span")

    def __init__(self, car, cdr):
        self.car = car
        if cdr is None:
            cdr = EMPTY
        elif cdr.__class__ is tuple:  # a vector tail becomes a list, as the cons builtin makes it
            cdr = make_list(list(cdr))
        self.cdr = cdr


class ArrayList(ListBase):
    """A proper list backed by ``items[start:]``; built by bulk builtins.

    ``items`` is a Python list, or a ``range`` (``range`` builds its lists
    lazily); it is never mutated once an ArrayList refers to it.
    """

    __slots__ = ("items", "start", "span")

    def __init__(self, items: list, start: int = 0):
        self.items = items
        self.start = start

    @property
    def car(self):
        return self.items[self.start]

    @property
    def cdr(self):
        nxt = self.start + 1
        if nxt < len(self.items):
            return ArrayList(self.items, nxt)
        return EMPTY

    def __len__(self):
        return len(self.items) - self.start


def make_list(items) -> ListBase:
    """A proper list of ``items`` (any iterable); a ``list`` is not copied, a ``range`` stays lazy."""
    if items.__class__ is not list and items.__class__ is not range:
        items = list(items)
    return ArrayList(items) if items else EMPTY


#: bulk copies go in slices this long, so that a stop (Ctrl-C, a timeout) reaches the thread between them
CHUNK = 1 << 16


def chunked(seq, start: int = 0) -> list:
    """A fresh list of ``seq[start:]`` (a list, tuple or range), copied slice by slice.

    One C call copying 100 million items holds the thread for seconds, out of
    reach of Ctrl-C; a loop over 64K-item slices lets a stop in between.
    """
    n = len(seq)
    if n - start <= CHUNK:
        return list(seq[start:]) if start else list(seq)
    out: list = []
    for i in range(start, n, CHUNK):
        out += seq[i:i + CHUNK]
    return out


def extend(out: list, seq) -> None:
    """``out += seq``, slice by slice for a long ``seq`` (see :func:`chunked`)."""
    if len(seq) <= CHUNK:
        out += seq
        return
    for i in range(0, len(seq), CHUNK):
        out += seq[i:i + CHUNK]


def list_from(*items) -> ListBase:
    return ArrayList(list(items)) if items else EMPTY


def iter_list(x):
    """Iterate over the elements of a (proper) list; stops at the first non-list tail."""
    while True:
        cls = x.__class__
        if cls is Pair:
            yield x.car
            x = x.cdr
        elif cls is ArrayList:
            if x.start:
                yield from x.items[x.start:]
            else:
                yield from x.items
            return
        else:
            return


def to_pylist(x) -> list:
    """A fresh Python list of a Lisp list's elements."""
    cls = x.__class__
    if cls is ArrayList:
        return chunked(x.items, x.start)
    if x is EMPTY or x is None:
        return []
    out = []
    while x.__class__ is Pair:
        out.append(x.car)
        x = x.cdr
    if x.__class__ is ArrayList:
        extend(out, x.items[x.start:] if x.start else x.items)
    return out


def list_length(x) -> int:
    n = 0
    while True:
        cls = x.__class__
        if cls is Pair:
            n += 1
            x = x.cdr
        elif cls is ArrayList:
            return n + len(x.items) - x.start
        else:
            return n


def is_list(x) -> bool:
    """True for a proper list (``'()``, or pairs ending in ``'()``)."""
    while x.__class__ is Pair:
        x = x.cdr
    return x is EMPTY or x.__class__ is ArrayList


def lists_equal(a, b, same=None) -> bool:
    """Element-wise equality of two lists (and of their tails), by ``same`` (default :func:`equal`)."""
    same = equal if same is None else same
    while True:
        if a is b:
            return True
        ca, cb = a.__class__, b.__class__
        if ca is EmptyList or cb is EmptyList:
            return ca is cb
        if not (ca is Pair or ca is ArrayList) or not (cb is Pair or cb is ArrayList):
            return same(a, b)
        if not same(a.car, b.car):
            return False
        a, b = a.cdr, b.cdr


# ---------------------------------------------------------------- maps


class _WrappedKey:
    """A map key that must not collide with an equal int (``#t`` vs 1, 1.0 vs 1)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __eq__(self, other):
        return other.__class__ is _WrappedKey and other.value.__class__ is self.value.__class__ and (
            other.value == self.value or (self.value != self.value and other.value != other.value)
        )

    def __hash__(self):
        return hash((self.value.__class__.__name__, self.value))


#: the classes of keys stored wrapped (so that #t, 1, 1.0 and 1+0i stay distinct keys); the one
#: statement of the rule: map_key, and the compiler's inlined get/assoc, read it
WRAPPED_KEY_TYPES = frozenset((bool, float, complex))


def map_key(k):
    """The key under which ``k`` is stored in a map."""
    if k.__class__ in WRAPPED_KEY_TYPES:
        return _WrappedKey(k)
    return k


def unwrap_key(k):
    return k.value if k.__class__ is _WrappedKey else k


def make_map(pairs=()) -> Map:
    """A map from an iterable of (key, value) pairs, keys normalised by :func:`map_key`."""
    with EMPTY_MAP.mutate() as mm:
        for k, v in pairs:
            mm[map_key(k)] = v
        return mm.finish()


def map_items(m):
    """(key, value) pairs of a map with keys unwrapped."""
    for k, v in m.items():
        yield unwrap_key(k), v


_EXACTNESS_RANK = {int: 0, Fraction: 1, float: 2}
_NAN_RANK = float("inf")


def sort_key(x):
    """A total order over Lisp values: Sema's order, used to print maps and to sort.

    Kinds come in this order: nil, booleans, numbers (by value; 1 before 1.0),
    characters, strings, symbols, keywords, lists, vectors, maps, the rest.
    Lists, vectors and maps compare element by element.
    """
    cls = x.__class__
    if cls is _WrappedKey:
        x = x.value
        cls = x.__class__
    if cls is Keyword:
        return (7, x.name)
    if cls is str:
        return (5, x)
    if cls is int or cls is Fraction or cls is float:
        return (2, x if x == x else _NAN_RANK, _EXACTNESS_RANK[cls])
    if x is None:
        return (0,)
    if cls is bool:
        return (1, int(x))
    if cls is complex:
        return (3, x.real, x.imag)
    if cls is Char:
        return (4, x.ch)
    if cls is Symbol:
        return (6, x.name)
    if cls is Pair or cls is ArrayList or cls is EmptyList:
        return (8, tuple(map(sort_key, iter_list(x))))
    if cls is tuple:
        return (9, tuple(map(sort_key, x)))
    if isinstance(x, Map):
        return (10, tuple((sort_key(k), sort_key(v)) for k, v in sorted_items(x)))
    return (11, write_str(x))


def sorted_items(m):
    """A map's (key, value) pairs, keys unwrapped and in printing order."""
    return [(unwrap_key(k), v) for k, v in sorted(m.items(), key=lambda kv: sort_key(kv[0]))]


# ---------------------------------------------------------------- other values


class Atom:
    """A mutable reference (``atom``, ``deref``, ``reset!``, ``swap!``); updates are atomic."""

    __slots__ = ("value", "lock", "__weakref__")

    def __init__(self, value):
        self.value = value
        self.lock = threading.RLock()

    def __repr__(self):
        return write_str(self)


class Promise:
    """A memoised delayed computation (``delay``/``force``)."""

    __slots__ = ("thunk", "value", "forced")

    def __init__(self, thunk):
        self.thunk = thunk
        self.value = None
        self.forced = False

    def force(self):
        if not self.forced:
            value = self.thunk()
            if not self.forced:
                self.value, self.forced, self.thunk = value, True, None
        return self.value


class RecordType:
    """The type created by ``define-record-type``."""

    __slots__ = ("name", "field_names")

    def __init__(self, name: str, field_names: tuple):
        self.name = name
        self.field_names = field_names

    def __repr__(self):
        return f"#<record-type {self.name}>"


class Record:
    """An instance of a :class:`RecordType`; ``fields`` maps field name to value."""

    __slots__ = ("rtype", "fields")

    def __init__(self, rtype: RecordType, fields: dict):
        self.rtype = rtype
        self.fields = fields

    def __eq__(self, other):
        return isinstance(other, Record) and other.rtype is self.rtype and all(
            equal(self.fields[f], other.fields[f]) for f in self.rtype.field_names
        )

    def __hash__(self):
        return hash((self.rtype.name, tuple(self.fields.get(f) for f in self.rtype.field_names)))

    def __repr__(self):
        return write_str(self)


class MultipleValues:
    """What ``(values a b ...)`` returns with other than one value."""

    __slots__ = ("values",)

    def __init__(self, values: tuple):
        self.values = values

    def __repr__(self):
        return write_str(self)


class Parameter:
    """A dynamic parameter (``make-parameter``): call it to read its value, or with one value to set it."""

    __slots__ = ("value", "converter", "__weakref__")

    def __init__(self, value, converter=None):
        self.converter = converter
        self.value = converter(value) if converter is not None else value

    def __call__(self, *new):
        if not new:
            return self.value
        if len(new) > 1:
            from .errors import ArityError
            raise ArityError(f"parameter: expected 0 or 1 arguments, got {len(new)}")
        value = new[0]
        self.value = self.converter(value) if self.converter is not None else value
        return None


class HashMap:
    """A ``hashmap/new`` map: Sema's unordered map type.  ``m`` is the immutables.Map it wraps.

    The generic map builtins (``get``, ``assoc``, ``dissoc``, ``merge``,
    ``keys``, ``map/*`` ...) accept it and answer with a hashmap again; it
    prints like a map, keys sorted, so output is deterministic.
    """

    __slots__ = ("m",)
    sema_type = "hashmap"

    def __init__(self, m):
        self.m = m

    def __eq__(self, other):
        return other.__class__ is HashMap and maps_equal(self.m, other.m)

    def __hash__(self):
        return hash(("hashmap", frozenset(self.m.items())))

    def sema_print(self, out, print_value):
        from .printer import print_entries
        print_entries(sorted_items(self.m), out)


def _no_mutable_key(kind):
    from .errors import LispTypeError
    raise LispTypeError(f"expected immutable map key, got {kind} "
                        "(freeze the key first: mutable-array/->vector or mutable-cell/get)")


class MutableArray:
    """A ``mutable-array``: a growable array changed in place and shared by reference."""

    __slots__ = ("items", "__weakref__")
    sema_type = "mutable-array"

    def __init__(self, items=None):
        self.items = items if items is not None else []

    def __eq__(self, other):
        if self is other:
            return True
        return other.__class__ is MutableArray and len(self.items) == len(other.items) and all(
            a is b or equal(a, b) for a, b in zip(self.items, other.items))

    def __hash__(self):
        _no_mutable_key("mutable-array")

    def sema_print(self, out, print_value):
        out.append(f"<mutable-array {len(self.items)}>")  # it may contain itself: only the length


class MutableCell:
    """A ``mutable-cell``: one slot changed in place and shared by reference."""

    __slots__ = ("value", "__weakref__")
    sema_type = "mutable-cell"

    def __init__(self, value):
        self.value = value

    def __eq__(self, other):
        return self is other or (other.__class__ is MutableCell and equal(self.value, other.value))

    def __hash__(self):
        _no_mutable_key("mutable-cell")

    def sema_print(self, out, print_value):
        out.append("<mutable-cell>")


class TypedArray:
    """An ``f64-array`` or ``i64-array``: a fixed-length array of floats or of integers (a value)."""

    __slots__ = ("kind", "items")

    def __init__(self, kind: str, items: tuple):
        self.kind = kind
        self.items = items

    @property
    def sema_type(self):
        return self.kind + "-array"

    def __eq__(self, other):
        return other.__class__ is TypedArray and other.kind == self.kind and other.items == self.items

    def __hash__(self):
        return hash((self.kind, self.items))

    def sema_print(self, out, print_value):
        from .printer import format_float
        if self.kind == "f64":
            parts = [str(int(x)) if x.is_integer() and abs(x) < 1e16 else format_float(x) for x in self.items]
        else:
            parts = [str(x) for x in self.items]
        out.append(f"#{self.kind}(" + " ".join(parts) + ")")


class Environment:
    """A first-class view of an interpreter's global bindings (``(env)`` without arguments)."""

    __slots__ = ("namespace",)

    def __init__(self, namespace):
        self.namespace = namespace


# ---------------------------------------------------------------- equality


_NUMBER_TYPES = (int, float, Fraction, complex)


def is_number(x) -> bool:
    cls = x.__class__
    return cls is int or cls is float or cls is Fraction or cls is complex or (
        cls is not bool and isinstance(x, _NUMBER_TYPES)
    )


def num_eq(a, b) -> bool:
    """Numeric ``=``: exact and inexact numbers compare by value."""
    return a == b


def equal(a, b) -> bool:
    """Structural equality (``equal?``): values of different kinds are never equal.

    Numbers compare by value across int, rational and float (``(= 1 1.0)``),
    but never with booleans.
    """
    if a is b:
        return True
    ca, cb = a.__class__, b.__class__
    if ca is cb:
        if ca is Pair or ca is ArrayList:
            return lists_equal(a, b)
        if ca is tuple:
            return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b))
        if ca is Map:
            return maps_equal(a, b)
        return a == b
    if ca is bool or cb is bool:
        return False
    if is_number(a):
        return is_number(b) and a == b
    if isinstance(a, ListBase):
        return isinstance(b, ListBase) and lists_equal(a, b)
    if isinstance(a, Map) and isinstance(b, Map):
        return maps_equal(a, b)
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    return False


def strict_equal(a, b) -> bool:
    """``equal?`` (also ``eqv?`` and ``eq?``, as in Sema): structural equality that keeps exactness apart.

    Lists, vectors, maps and records compare by contents; numbers are equal
    only when both are exact or both inexact (``(equal? 1 1.0)`` is #f, while
    ``(= 1 1.0)`` is #t).
    """
    if a is b:
        return True
    ca, cb = a.__class__, b.__class__
    if ca is str or ca is Keyword or ca is Symbol:
        return ca is cb and a == b
    if ca is int or ca is Fraction:
        return (cb is int or cb is Fraction) and a == b
    if ca is float or ca is complex or ca is bool or cb is float or cb is complex or cb is bool:
        return ca is cb and (a == b or (a != a and b != b))
    if isinstance(a, ListBase):
        return isinstance(b, ListBase) and lists_equal(a, b, strict_equal)
    if ca is tuple:
        return cb is tuple and len(a) == len(b) and all(map(strict_equal, a, b))
    if isinstance(a, Map):
        if not isinstance(b, Map) or len(a) != len(b):
            return False
        missing = object()
        for k, v in a.items():
            w = b.get(k, missing)
            if w is missing or not strict_equal(v, w):
                return False
        return True
    if ca is Record:
        return cb is Record and a.rtype is b.rtype and all(
            strict_equal(a.fields[f], b.fields[f]) for f in a.rtype.field_names)
    return equal(a, b)


def maps_equal(a, b) -> bool:
    if len(a) != len(b):
        return False
    missing = object()
    for k, v in a.items():
        w = b.get(k, missing)
        if w is missing or not equal(v, w):
            return False
    return True


def is_true(x) -> bool:
    """Lisp truth: everything but ``#f`` and ``nil``."""
    return x is not False and x is not None


# ---------------------------------------------------------------- types


def type_name(x) -> str:
    """The Lisp name of a value's type, as error messages say it ("integer", "boolean", "character").

    ``(type x)`` returns Sema's shorter keywords for three of them (:int, :bool, :char).
    """
    cls = x.__class__
    if x is None:
        return "nil"
    if cls is bool:
        return "boolean"
    if cls is int:
        return "integer"
    if cls is float:
        return "float"
    if cls is Fraction:
        return "rational"
    if cls is complex:
        return "complex"
    if cls is str:
        return "string"
    if cls is Symbol:
        return "symbol"
    if cls is Keyword:
        return "keyword"
    if cls is Char:
        return "character"
    if cls is Pair or cls is ArrayList or cls is EmptyList:
        return "list"
    if cls is tuple:
        return "vector"
    if isinstance(x, Map):
        return "map"
    if cls is Atom:
        return "atom"
    if cls is Promise:
        return "promise"
    if cls is Record:
        return x.rtype.name
    if cls is MultipleValues:
        return "values"
    if cls is Parameter:
        return "parameter"
    if cls is bytes or cls is bytearray:
        return "bytevector"
    if isinstance(x, BaseException):
        return "error"
    kind = getattr(x, "sema_type", None)  # the values of the builtin modules (hashmap, channel ...)
    if kind is not None:
        return kind
    if callable(x):
        return "function"
    return cls.__name__


def is_lisp_function(fn) -> bool:
    """True for a function written in Lisp (a compiled lambda), false for a builtin."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return False
    from .runtime.codeinfo import is_lisp_code
    return is_lisp_code(code)


def write_str(x) -> str:
    """The printed (write) form of ``x``; the printer (``sema.printer``) imports this module, not the reverse."""
    from .printer import write_str as write
    return write(x)
