"""Builtins the compiler inlines while they are not redefined.

``(+ a b)`` becomes ``a + b if a.__class__ is int is b.__class__ else
_add2(a, b)``: plain CPython arithmetic for small integers, the checked
generic function for everything else.  Type facts remove the check where a
local is already known to hold a number (a checked operation succeeded on
it earlier on the same path): ``(- n 1)`` on such ``n`` is ``n - 1``.

Each inliner returns an expression, or None to fall back to an ordinary call
of the builtin (an unusual argument count, say).
"""

from __future__ import annotations

import ast

from ..runtime.inline_slots import SLOTS
from ..runtime.mapbuild import SETTERS
from ..values import WRAPPED_KEY_TYPES, Keyword, Symbol
from .forms import head_name, items_of
from .nodes import Name, Store, bool_when_fast, copy_tags, is_bool, is_int, is_num, is_simple, tag
from .tables import inline

_ARITH = {"+": ast.Add, "-": ast.Sub, "*": ast.Mult}
_COMPARE = {"<": ast.Lt, ">": ast.Gt, "<=": ast.LtE, ">=": ast.GtE}


def _guard(op: str) -> str:
    return SLOTS[op].guard


def _slow(op: str, index: int = 0) -> str:
    return SLOTS[op].slow_name(index)


def _cls_is(x, cls_name: str) -> ast.expr:
    return ast.Compare(ast.Attribute(x, "__class__", ast.Load()), [ast.Is()], [Name(cls_name)])


def _int(c, x) -> bool:
    """``x`` is known to be an int and the code may rely on it: only inside an int variant.

    Generic code keeps every guard, so that redefining a builtin reaches it
    (the guards are the slots that redirect); a variant is invalidated instead
    (compiler.specialize).
    """
    return is_int(x) and c.trusted()


def _num(c, x) -> bool:
    return is_num(x) and c.trusted()


def _is_int_const(x) -> bool:
    return isinstance(x, ast.Constant) and x.value.__class__ is int


def _note_numbers(c, *operands) -> None:
    """After a checked numeric operation, its local operands are known numbers."""
    for x in operands:
        if isinstance(x, ast.Name):
            b = c.binding_of_py(x.id)
            if b is not None and b.sym not in c.assigned:
                c.facts.add(b)


def _two_operands(c, args, scope):
    """The operands of a binary operation in evaluation order.

    At most one of them is left as an arbitrary expression: the guard binds
    it with a walrus before reading the other, so the other must be stable.
    """
    a, b = c.exprs_in_order(args, scope)
    if not is_simple(b) and is_simple(a) and not c.is_stable(a):
        a = c.simple(a)
    return a, b


def _guarded(c, a, b, make_fast, op: str):
    """``fast if <both ints> else slow(a, b)``, binding a complex operand in the guard first."""
    guard_name, slow = _guard(op), _slow(op)
    first = None
    if not is_simple(a) and not is_simple(b):
        # both complex: bind both, in order, with a guard that does not short-circuit
        ta, tb = c.new_tmp(stable=True), c.new_tmp(stable=True)
        wa, wb = ast.NamedExpr(Store(ta), a), ast.NamedExpr(Store(tb), b)
        a, b = copy_tags(Name(ta), a), copy_tags(Name(tb), b)
        guard = ast.BinOp(_cls_is(wa, guard_name), ast.BitAnd(), _cls_is(wb, guard_name))
        _note_numbers(c, a, b)
        return ast.IfExp(guard, make_fast(a, b), ast.Call(Name(slow), [a, b], []))
    # An operand known to be an int needs no check, so it is not bound in the guard (a walrus there
    # would be skipped): a complex first one becomes a statement before (the second is evaluated after
    # it anyway); a complex second one stays in place, after the guard reads the first, which
    # _two_operands made stable.
    if not is_simple(a) and _int(c, a):
        a = c.simple(a)
    if not is_simple(a):
        tmp = c.new_tmp(stable=True)
        first, a = ast.NamedExpr(Store(tmp), a), copy_tags(Name(tmp), a)
        order = [(first, a), (None, b)]
    elif not is_simple(b) and not _int(c, b):
        tmp = c.new_tmp(stable=True)
        first, b = ast.NamedExpr(Store(tmp), b), copy_tags(Name(tmp), b)
        order = [(first, b), (None, a)]
    else:
        order = [(None, a), (None, b)]
    # operands known to be ints need no check; in generic code an int literal needs none either
    # when the other operand is checked (that check is the slot a redefinition redirects)
    checked = [(f if f is not None else x) for f, x in order if not _int(c, x)]
    if len(checked) == 2 and any(_is_int_const(x) for _, x in order):
        checked = [(f if f is not None else x) for f, x in order if not _is_int_const(x)]
    fast = make_fast(a, b)
    if not checked:
        return fast
    if len(checked) == 1:
        guard = _cls_is(checked[0], guard_name)
    else:
        guard = ast.Compare(ast.Attribute(checked[0], "__class__", ast.Load()), [ast.Is(), ast.Is()],
                            [Name(guard_name), ast.Attribute(checked[1], "__class__", ast.Load())])
    _note_numbers(c, a, b)
    return ast.IfExp(guard, fast, ast.Call(Name(slow), [a, b], []))


def _binary_arith(c, op: str, a, b) -> ast.expr:
    pyop = _ARITH[op]
    if _int(c, a) and _int(c, b):  # int op int is an int: no guard, and the result is known
        return tag(ast.BinOp(a, pyop(), b), integer=True)
    if op in "+-" and ((_num(c, a) and _is_int_const(b)) or (_num(c, b) and _is_int_const(a) and op == "+")):
        # a number plus or minus an integer never needs normalising
        return tag(ast.BinOp(a, pyop(), b), number=True)
    return tag(_guarded(c, a, b, lambda x, y: ast.BinOp(x, pyop(), y), op), number=True)


def _arith_inliner(op: str):
    def inliner(c, args, scope):
        if len(args) < 2:
            if op == "-" and len(args) == 1:
                return tag(ast.Call(Name(_slow("-", 1)), [c.expr(args[0], scope)], []), number=True)
            return None
        if len(args) == 2:
            a, b = _two_operands(c, args, scope)
            return _binary_arith(c, op, a, b)
        values = c.operands(args, scope)
        acc = values[0]
        for v in values[1:]:
            acc = c.simple(_binary_arith(c, op, acc, v))
        return acc
    return inliner


for _op in _ARITH:
    inline(_op)(_arith_inliner(_op))


def _compare_inliner(op: str):
    pyop = _COMPARE[op]

    def inliner(c, args, scope):
        if len(args) != 2:
            return None
        a, b = _two_operands(c, args, scope)
        if _num(c, a) and _num(c, b):
            return tag(ast.Compare(a, [pyop()], [b]), boolean=True)
        return bool_when_fast(_guarded(c, a, b, lambda x, y: ast.Compare(x, [pyop()], [y]), op))
    return inliner


for _op in _COMPARE:
    inline(_op)(_compare_inliner(_op))


@inline("=")
def inline_eq(c, args, scope):
    if len(args) != 2:
        return None
    a, b = _two_operands(c, args, scope)
    if _num(c, a) and _num(c, b):
        return tag(ast.Compare(a, [ast.Eq()], [b]), boolean=True)
    return bool_when_fast(_guarded(c, a, b, lambda x, y: ast.Compare(x, [ast.Eq()], [y]), "="))


def _interned(form) -> bool:
    """FORM is a keyword or a quoted symbol: values equal to it are that very object."""
    if form.__class__ is Keyword:
        return True
    return head_name(form) == "quote" and len(items_of(form)) == 2 and items_of(form)[1].__class__ is Symbol


def _identity_inliner(op: str):
    def inliner(c, args, scope):
        """``(eq? x 'sym)``: a symbol or keyword is equal only to itself, so the test is ``x is sym``."""
        if len(args) != 2 or not (_interned(args[0]) or _interned(args[1])):
            return None
        a, b = c.operands(args, scope)
        guard = ast.Compare(Name(_guard(op)), [ast.Is()], [Name("_int")])
        return bool_when_fast(ast.IfExp(guard, ast.Compare(a, [ast.Is()], [b]),
                                        ast.Call(Name(_slow(op)), [a, b], [])))
    return inliner


for _op in ("eq?", "eqv?", "equal?"):
    inline(_op)(_identity_inliner(_op))


@inline("not")
def inline_not(c, args, scope):
    if len(args) != 1:
        return None
    value = c.expr(args[0], scope)
    if is_bool(value):
        return tag(ast.UnaryOp(ast.Not(), value), boolean=True)
    return tag(ast.UnaryOp(ast.Not(), c.truthy(value)), boolean=True)


def _one_operand(c, arg, scope):
    """(first use, later use) of a single operand: a walrus for anything not simple."""
    x = c.expr(arg, scope)
    if is_simple(x):
        return x, x
    tmp = c.new_tmp(stable=True)
    return ast.NamedExpr(Store(tmp), x), copy_tags(Name(tmp), x)


def _pair_access(field: str):
    def inliner(c, args, scope):
        if len(args) != 1:
            return None
        first, x = _one_operand(c, args[0], scope)
        node = ast.IfExp(_cls_is(first, _guard(field)), ast.Attribute(x, field, ast.Load()),
                         ast.Call(Name(_slow(field)), [x], []))
        return _reuse(c, field, x, node)
    return inliner


def _reuse(c, op: str, x, node):
    """Common subexpressions: ``(car xs)`` again on the same path reuses the first value.

    Only for a local that is never ``set!``; the entry lives in the flow facts,
    which every branch point saves and restores, so a reuse is always preceded
    by the evaluation it refers to.
    """
    if not isinstance(x, ast.Name):
        return node
    b = c.binding_of_py(x.id)
    if b is None or b.sym in c.assigned:
        return node
    key = (op, x.id)
    tmp = c.cse_names.get(key)
    if tmp is not None and ("cse", op, x.id, tmp) in c.facts:
        return Name(tmp)
    tmp = c.new_tmp(stable=True)
    c.cse_names[key] = tmp
    c.facts.add(("cse", op, x.id, tmp))
    return ast.NamedExpr(Store(tmp), node)


inline("car")(_pair_access("car"))
inline("cdr")(_pair_access("cdr"))


@inline("cons")
def inline_cons(c, args, scope):
    if len(args) != 2:
        return None
    a, b = c.exprs_in_order(args, scope)
    return ast.Call(Name(_slow("cons")), [a, b], [])


@inline("null?")
def inline_null(c, args, scope):
    if len(args) != 1:
        return None
    first, x = _one_operand(c, args[0], scope)
    return tag(ast.BoolOp(ast.Or(), [ast.Compare(first, [ast.Is()], [Name("_EMPTY")]),
                                     ast.Compare(x, [ast.Is()], [ast.Constant(None)])]), boolean=True)


@inline("nil?")
def inline_nil(c, args, scope):
    if len(args) != 1:
        return None
    x = c.expr(args[0], scope)
    return tag(ast.Compare(x, [ast.Is()], [ast.Constant(None)]), boolean=True)


@inline("zero?")
def inline_zero(c, args, scope):
    if len(args) != 1:
        return None
    first, x = _one_operand(c, args[0], scope)
    if _num(c, x):
        return tag(ast.Compare(first, [ast.Eq()], [ast.Constant(0)]), boolean=True)
    fast = ast.Compare(x, [ast.Eq()], [ast.Constant(0)])
    return bool_when_fast(ast.IfExp(_cls_is(first, _guard("zero?")), fast,
                                    ast.Call(Name(_slow("zero?")), [x], [])))


def _plain_key(c, k) -> ast.expr | None:
    """None if map key ``k`` is known to need no wrapping, else the test that it does not."""
    if isinstance(k, ast.Constant) and k.value.__class__ not in WRAPPED_KEY_TYPES:
        return None
    if isinstance(k, ast.Name) and k.id.startswith("_k_"):  # a keyword constant
        return None
    return ast.Compare(ast.Attribute(k, "__class__", ast.Load()), [ast.NotIn()], [Name("_WRAPPED_KEYS")])


@inline("get")
def inline_get(c, args, scope):
    """``(get m k [d])`` on a map is ``m.get(k, d)``; anything else goes to the builtin."""
    if len(args) not in (2, 3):
        return None
    values = c.operands(args, scope)
    m, k = values[0], values[1]
    checks = [_cls_is(m, _guard("get"))]
    key_check = _plain_key(c, k)
    if key_check is not None:
        checks.append(key_check)
    guard = checks[0] if len(checks) == 1 else ast.BoolOp(ast.And(), checks)
    fast = ast.Call(ast.Attribute(m, "get", ast.Load()), values[1:], [])
    return ast.IfExp(guard, fast, ast.Call(Name(_slow("get")), values, []))


@inline("get-in")
def inline_get_in(c, args, scope):
    """``(get-in m [:a :b])`` with a literal path of keywords is ``m.get(:a).get(:b)`` while each step is a map.

    Any step that is not a map (nil, a vector, a record) sends the original
    arguments to the builtin, so what it does there is exactly the builtin's.
    """
    if len(args) != 2 or args[1].__class__ is not tuple or not 1 <= len(args[1]) <= 4:
        return None
    if not all(k.__class__ is Keyword for k in args[1]):
        return None
    m, path = c.operands(args, scope)
    keys = c.operands(list(args[1]), scope)
    guard = _guard("get-in")
    slow = ast.Call(Name(_slow("get-in")), [m, path], [])
    # innermost first: the last step reads the map the previous steps found
    node, current = None, m
    steps = []
    for i, k in enumerate(keys):
        if i == len(keys) - 1:
            steps.append((current, ast.Call(ast.Attribute(current, "get", ast.Load()), [k], [])))
        else:
            tmp = c.new_tmp()
            steps.append((current, ast.NamedExpr(Store(tmp), ast.Call(ast.Attribute(current, "get", ast.Load()),
                                                                        [k], []))))
            current = Name(tmp)
    # ((last) if (step_{n-1} value).__class__ is Map else slow) ... built from the last step outwards
    node = steps[-1][1]
    for i in range(len(steps) - 1, 0, -1):
        node = ast.IfExp(_cls_is(steps[i - 1][1], guard), node, slow)
    return ast.IfExp(_cls_is(m, guard), node, slow)


@inline("assoc")
def inline_assoc(c, args, scope):
    """``(assoc m k v ...)`` on a map is a chain of ``m.set(k, v)``; anything else goes to the builtin."""
    if len(args) < 3 or len(args) % 2 == 0 or len(args) > 13:
        return None
    values = c.operands(args, scope)
    checks = [_cls_is(values[0], _guard("assoc"))]
    for k in values[1::2]:
        key_check = _plain_key(c, k)
        if key_check is not None:
            checks.append(key_check)
    guard = checks[0] if len(checks) == 1 else ast.BoolOp(ast.And(), checks)
    pairs = len(values) // 2
    if pairs in SETTERS:  # several keys: one mutation of the map (runtime/mapbuild.py)
        fast = ast.Call(Name(SETTERS[pairs]), values, [])
    else:
        fast = ast.Call(ast.Attribute(values[0], "set", ast.Load()), values[1:], [])
    return ast.IfExp(guard, fast, ast.Call(Name(_slow("assoc")), values, []))


def _updater(op: str):
    def inliner(c, args, scope):
        """``(update m k f)`` on a map is ``m.set(k, f(m.get(k)))``; anything else goes to the builtin."""
        if len(args) != 3:
            return None
        m, k, f = c.operands(args, scope)
        checks = [_cls_is(m, _guard(op))]
        key_check = _plain_key(c, k)
        if key_check is not None:
            checks.append(key_check)
        guard = checks[0] if len(checks) == 1 else ast.BoolOp(ast.And(), checks)
        old = ast.Call(ast.Attribute(m, "get", ast.Load()), [k], [])
        fast = ast.Call(ast.Attribute(m, "set", ast.Load()), [k, ast.Call(f, [old], [])], [])
        return ast.IfExp(guard, fast, ast.Call(Name(_slow(op)), [m, k, f], []))
    return inliner


for _name in ("update", "map/update"):  # one slot each: redefining one leaves the other inlined
    inline(_name)(_updater(_name))


@inline("string-append")
def inline_string_append(c, args, scope):
    """``(string-append a b ...)`` of strings is ``a + b + ...`` (a join for many); else the builtin."""
    if not 2 <= len(args) <= 24:
        return None
    values = c.operands(args, scope)
    checks = [_cls_is(v, _guard("string-append")) for v in values
              if not (isinstance(v, ast.Constant) and v.value.__class__ is str)]
    if not checks:  # all literals: still the slot's check, so that a redefinition reaches this code
        checks = [_cls_is(values[0], _guard("string-append"))]
    if len(values) > 4:
        join = ast.Attribute(ast.Constant(""), "join", ast.Load())
        fast = ast.Call(join, [ast.Tuple(list(values), ast.Load())], [])
    else:
        fast = values[0]
        for v in values[1:]:
            fast = ast.BinOp(fast, ast.Add(), v)
    if not checks:
        return fast
    guard = checks[0] if len(checks) == 1 else ast.BoolOp(ast.And(), checks)
    return ast.IfExp(guard, fast, ast.Call(Name(_slow("string-append")), values, []))


@inline("number->string")
def inline_number_to_string(c, args, scope):
    """``(number->string n)`` of an int is ``str(n)``; anything else goes to the builtin."""
    if len(args) != 1:
        return None
    first, x = _one_operand(c, args[0], scope)
    # Python's own str() below the size where sema converts big ints itself (bignum.int_to_str)
    small = ast.Compare(ast.UnaryOp(ast.USub(), Name("_STR_LIMIT")), [ast.Lt(), ast.Lt()], [x, Name("_STR_LIMIT")])
    text = ast.IfExp(small, ast.Call(Name("_pystr"), [x], []), ast.Call(Name("_str"), [x], []))
    return ast.IfExp(_cls_is(first, _guard("number->string")), text,
                     ast.Call(Name(_slow("number->string")), [x], []))


@inline("string-length")
def inline_string_length(c, args, scope):
    """``(string-length s)`` of a string is ``len(s)``; anything else goes to the builtin."""
    if len(args) != 1:
        return None
    first, x = _one_operand(c, args[0], scope)
    return tag(ast.IfExp(_cls_is(first, _guard("string-length")), ast.Call(Name("_len"), [x], []),
                         ast.Call(Name(_slow("string-length")), [x], [])), number=True)



# ---------------------------------------------------------------- hot builtins of strings and integers


def _cls_is_or_known(c, x, guard: str, known_int: bool = False):
    """The class check of ``x`` against a slot guard, or None when ``x`` is known to be an int (in a variant)."""
    if known_int and _int(c, x):
        return None
    return _cls_is(x, guard)


def _all(tests) -> ast.expr:
    tests = [t for t in tests if t is not None]
    if not tests:
        return ast.Constant(True)
    return tests[0] if len(tests) == 1 else ast.BoolOp(ast.And(), tests)


def _index_literal(x) -> bool:
    """X is a literal index: a non-negative int constant (no class check needed, the string's guard stays)."""
    return isinstance(x, ast.Constant) and x.value.__class__ is int and x.value >= 0


@inline("substring")
def inline_substring(c, args, scope):
    """``(substring s a b)`` of a string with indices in range is ``s[a:b]``."""
    if len(args) != 3:
        return None
    s, a, b = c.operands(args, scope)
    length = ast.Call(Name("_len"), [s], [])
    if _index_literal(a) and _index_literal(b) and a.value <= b.value:  # (substring s 11 13): one test
        indices = [ast.Compare(b, [ast.LtE()], [length])]
    else:
        known = [_index_literal(x) or _int(c, x) for x in (a, b)]
        if not any(known):  # one chained test for both: a.__class__ is _int is b.__class__
            indices = [ast.Compare(ast.Attribute(a, "__class__", ast.Load()), [ast.Is(), ast.Is()],
                                   [Name("_int"), ast.Attribute(b, "__class__", ast.Load())])]
        else:
            indices = [None if k else _cls_is(x, "_int") for k, x in zip(known, (a, b))]
        indices.append(ast.Compare(ast.Constant(0), [ast.LtE(), ast.LtE(), ast.LtE()], [a, b, length]))
    guard = _all([_cls_is(s, _guard("substring")), *indices])
    fast = ast.Subscript(s, ast.Slice(a, b), ast.Load())
    return ast.IfExp(guard, fast, ast.Call(Name(_slow("substring")), [s, a, b], []))


@inline("string->number")
def inline_string_to_number(c, args, scope):
    """``(string->number s)`` of plain decimal digits is ``int(s)``; anything else goes to the builtin."""
    if len(args) != 1:
        return None
    (s,) = c.operands(args, scope)
    digits = lambda method: ast.Call(ast.Attribute(s, method, ast.Load()), [], [])  # noqa: E731
    guard = _all([_cls_is(s, _guard("string->number")), digits("isdigit"), digits("isascii"),
                  ast.Compare(ast.Call(Name("_len"), [s], []), [ast.Lt()], [ast.Constant(3000)])])
    return ast.IfExp(guard, ast.Call(Name("_int"), [s], []), ast.Call(Name(_slow("string->number")), [s], []))


@inline("string->keyword")
def inline_string_to_keyword(c, args, scope):
    """``(string->keyword s)`` of a string naming an existing keyword is a table lookup."""
    if len(args) != 1:
        return None
    (s,) = c.operands(args, scope)
    kw = c.new_tmp(stable=True)
    guard = _all([_cls_is(s, _guard("string->keyword")),
                  ast.Compare(ast.NamedExpr(Store(kw), ast.Call(ast.Attribute(Name("_KW_TABLE"), "get", ast.Load()),
                                                                [s], [])), [ast.IsNot()], [ast.Constant(None)]),
                  ast.Compare(ast.Subscript(s, ast.Slice(None, ast.Constant(1)), ast.Load()), [ast.NotEq()],
                              [ast.Constant(":")])])
    return ast.IfExp(guard, Name(kw), ast.Call(Name(_slow("string->keyword")), [s], []))


def _settled(test) -> bool:
    """TEST is an int literal that is true, or a comparison of an int literal with 0 that holds."""
    if _is_int_const(test):
        return bool(test.value)
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and _is_int_const(test.left) \
            and _is_int_const(test.comparators[0]):
        left, right, op = test.left.value, test.comparators[0].value, test.ops[0]
        return {ast.Gt: left > right, ast.GtE: left >= right, ast.Lt: left < right}.get(type(op), False)
    return False


def _int_pair_guard(c, op: str, a, b, extra):
    # facts about an int literal are settled now: (x > 0) or a truthy divisor need no test at run time
    extra = [e for e in extra if not _settled(e)]
    checks = []
    if _is_int_const(b) and not _int(c, a):
        checks.append(_cls_is(a, _guard(op)))
    elif _is_int_const(a) and not _int(c, b):
        checks.append(_cls_is(b, _guard(op)))
    elif not (_int(c, a) and _int(c, b)):
        checks.append(ast.Compare(ast.Attribute(a, "__class__", ast.Load()), [ast.Is(), ast.Is()],
                                  [Name(_guard(op)), ast.Attribute(b, "__class__", ast.Load())]))
    elif not c.trusted():
        checks.append(ast.Compare(Name(_guard(op)), [ast.Is()], [Name("_int")]))
    return _all(checks + extra)


@inline("modulo")  # not its alias mod: a redefinition of mod must reach code compiled before it
def inline_modulo(c, args, scope):
    """``(modulo a b)`` of ints is Python's ``a % b`` (the sign of the divisor, as in Lisp)."""
    if len(args) != 2:
        return None
    a, b = c.operands(args, scope)
    guard = _int_pair_guard(c, "modulo", a, b, [b])
    node = ast.IfExp(guard, ast.BinOp(a, ast.Mod(), b), ast.Call(Name(_slow("modulo")), [a, b], []))
    return tag(node, integer=_int(c, a) and _int(c, b))


@inline("quotient")
def inline_quotient(c, args, scope):
    """``(quotient a b)`` of a non-negative int and a positive one is ``a // b`` (both truncate there)."""
    if len(args) != 2:
        return None
    a, b = c.operands(args, scope)
    guard = _int_pair_guard(c, "quotient", a, b, [ast.Compare(a, [ast.GtE()], [ast.Constant(0)]),
                                                  ast.Compare(b, [ast.Gt()], [ast.Constant(0)])])
    node = ast.IfExp(guard, ast.BinOp(a, ast.FloorDiv(), b), ast.Call(Name(_slow("quotient")), [a, b], []))
    return tag(node, integer=_int(c, a) and _int(c, b))


@inline("nth")
def inline_nth(c, args, scope):
    """``(nth v i)`` of a vector and an index inside it is ``v[i]``; anything else goes to the builtin."""
    if len(args) != 2:
        return None
    v, i = c.operands(args, scope)
    literal = _index_literal(i)
    index_is_int = None if literal or _int(c, i) else _cls_is(i, "_int")
    length = ast.Call(Name("_len"), [v], [])
    in_range = (ast.Compare(i, [ast.Lt()], [length]) if literal
                else ast.Compare(ast.Constant(0), [ast.LtE(), ast.Lt()], [i, length]))
    slow = ast.Call(Name(_slow("nth")), [v, i], [])
    # a list built in bulk (string/split, map ...) is an ArrayList: items[start + i], while nth is not
    # redefined (its guard still the tuple class)
    items = ast.Attribute(v, "items", ast.Load())
    position = ast.BinOp(ast.Attribute(v, "start", ast.Load()), ast.Add(), i)
    array_checks = [_cls_is(v, "_ArrayList"), ast.Compare(Name(_guard("nth")), [ast.Is()], [Name("_tuple")]),
                    index_is_int, None if literal else ast.Compare(i, [ast.GtE()], [ast.Constant(0)]),
                    ast.Compare(position, [ast.Lt()], [ast.Call(Name("_len"), [items], [])])]
    array = ast.IfExp(_all(array_checks), ast.Subscript(items, position, ast.Load()), slow)
    vector_checks = [_cls_is(v, _guard("nth")), index_is_int, in_range]
    return ast.IfExp(_all(vector_checks), ast.Subscript(v, i, ast.Load()), array)


@inline("remainder")
def inline_remainder(c, args, scope):
    """``(remainder a b)`` of a non-negative int and a positive one is ``a % b``."""
    if len(args) != 2:
        return None
    a, b = c.operands(args, scope)
    guard = _int_pair_guard(c, "remainder", a, b,
                            [ast.Compare(a, [ast.GtE(), ast.Lt()], [ast.Constant(0), b])])
    node = ast.IfExp(guard, ast.BinOp(a, ast.Mod(), b), ast.Call(Name(_slow("remainder")), [a, b], []))
    return tag(node, integer=_int(c, a) and _int(c, b))


def _parity(op: str, even: bool):
    def inliner(c, args, scope):
        if len(args) != 1:
            return None
        (x,) = c.operands(args, scope)
        low = ast.BinOp(x, ast.BitAnd(), ast.Constant(1))
        fast = ast.UnaryOp(ast.Not(), low) if even else ast.Compare(low, [ast.NotEq()], [ast.Constant(0)])
        if _int(c, x):
            return tag(fast, boolean=True)
        return bool_when_fast(ast.IfExp(_cls_is(x, _guard(op)), fast, ast.Call(Name(_slow(op)), [x], [])))
    return inliner


inline("even?")(_parity("even?", True))
inline("odd?")(_parity("odd?", False))
