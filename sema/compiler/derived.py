"""Derived forms: rewritten into core forms before compilation.

Each rewrite takes the whole form and returns a new one; the compiler copies
the original span onto the result, so errors still point at the user's code.
``macroexpand`` uses the same table.
"""

from __future__ import annotations

from ..printer import write_str
from ..values import EMPTY, Symbol
from .forms import L, S, from_iter, head_name, is_form, items_of, span_of, syntax_error
from .tables import derived_form, gensym

ELSE = S("else")
ARROW = S("=>")


def _parts(form, n_min: int, usage: str) -> list:
    parts = items_of(form)
    if len(parts) < n_min:
        raise syntax_error(f"{parts[0].name}: expected {usage}", form)
    return parts


def begin(forms, span=None):
    if len(forms) == 1:
        return forms[0]
    return from_iter([S("begin")] + list(forms), span=span)


@derived_form("when")
def when_form(form):
    parts = _parts(form, 2, "(when test body ...)")
    return L(S("if"), parts[1], begin(parts[2:]) if parts[2:] else None, span=span_of(form))


@derived_form("unless")
def unless_form(form):
    parts = _parts(form, 2, "(unless test body ...)")
    return L(S("if"), parts[1], None, begin(parts[2:]) if parts[2:] else None, span=span_of(form))


@derived_form("cond")
def cond_form(form):
    clauses = items_of(form)[1:]
    out = None
    for clause in reversed(clauses):
        if not is_form(clause):
            raise syntax_error(f"cond: each clause must be a list (test body ...), got {write_str(clause)}", form)
        parts = items_of(clause)
        test, body = parts[0], parts[1:]
        span = span_of(clause) or span_of(form)
        if test is ELSE:
            if out is not None:
                raise syntax_error("cond: else must be the last clause", clause)
            out = begin(body, span) if body else None
        elif len(body) == 2 and body[0] is ARROW:
            tmp = gensym("cond")
            out = L(S("let"), L(L(tmp, test)), L(S("if"), tmp, L(body[1], tmp), out), span=span)
        elif not body:
            tmp = gensym("cond")
            out = L(S("let"), L(L(tmp, test)), L(S("if"), tmp, tmp, out), span=span)
        else:
            out = L(S("if"), test, begin(body, span), out, span=span)
    return out


@derived_form("case")
def case_form(form):
    parts = _parts(form, 2, "(case key ((datum ...) body ...) ... (else body ...))")
    key = gensym("key")
    clauses = []
    for clause in parts[2:]:
        if not is_form(clause):
            raise syntax_error(f"case: malformed clause {write_str(clause)}", form)
        cparts = items_of(clause)
        data, body = cparts[0], cparts[1:]
        if len(body) == 2 and body[0] is ARROW:  # (datums => f) calls f with the key
            body = [L(body[1], key)]
        if data is ELSE:
            clauses.append(L(ELSE, *body))
        else:
            datums = items_of(data) if is_form(data) or data is EMPTY else [data]
            test = L(S("%case-match"), key, L(S("quote"), from_iter(datums)))
            clauses.append(L(test, *body) if body else L(test, None))
    return L(S("let"), L(L(key, parts[1])), from_iter([S("cond")] + clauses, span=span_of(form)),
             span=span_of(form))


@derived_form("do")
def do_form(form):
    usage = "(do ((var init step) ...) (test result ...) body ...); to run forms in order, use begin"
    parts = _parts(form, 3, usage)
    for part, what in ((parts[1], "the variable specs"), (parts[2], "the end clause")):
        if part is not EMPTY and part is not None and not is_form(part):
            raise syntax_error(f"do: {what} must be a list, got {write_str(part)}: {usage}", part, span_of(form))
    specs = items_of(parts[1], "do") if parts[1] is not EMPTY and parts[1] is not None else []
    vars_, inits, steps = [], [], []
    for spec in specs:
        sp = items_of(spec, "do") if is_form(spec) else None
        if not sp or sp[0].__class__ is not Symbol or len(sp) > 3:
            raise syntax_error(f"do: a variable spec is (var init step), got {write_str(spec)}: {usage}", spec, span_of(form))
        vars_.append(sp[0])
        inits.append(sp[1] if len(sp) > 1 else None)
        steps.append(sp[2] if len(sp) > 2 else sp[0])
    end = items_of(parts[2], "do") if parts[2] is not None else []
    if not end:
        raise syntax_error("do: the end clause needs a test: (test result ...)", form)
    loop = gensym("do")
    body = parts[3:]
    again = from_iter([loop] + steps)
    result = begin(end[1:]) if end[1:] else None
    span = span_of(form)
    return L(S("let"), loop, from_iter([L(v, i) for v, i in zip(vars_, inits)]),
             L(S("if"), end[0], result, begin(body + [again]) if body else again), span=span)


@derived_form("while")
def while_form(form):
    parts = _parts(form, 2, "(while test body ...)")
    loop = gensym("while")
    return L(S("let"), loop, EMPTY,
             L(S("if"), parts[1], begin(parts[2:] + [L(loop)]), None), span=span_of(form))


@derived_form("dotimes")
def dotimes_form(form):
    parts = _parts(form, 2, "(dotimes (var count) body ...)")
    spec = items_of(parts[1])
    if len(spec) not in (2, 3) or spec[0].__class__ is not Symbol:
        raise syntax_error("dotimes: expected (dotimes (var count [result]) body ...)", form)
    n = gensym("n")
    var = spec[0]
    return L(S("let"), L(L(n, spec[1])),
             from_iter([S("do"), L(L(var, 0, L(S("+"), var, 1))), L(L(S(">="), var, n), *(spec[2:]))]
                       + parts[2:]), span=span_of(form))


@derived_form("for-range")
def for_range_form(form):
    parts = _parts(form, 2, "(for-range (var start end) body ...)")
    spec = items_of(parts[1])
    if len(spec) != 3 or spec[0].__class__ is not Symbol:
        raise syntax_error("for-range: expected (for-range (var start end) body ...)", form)
    end = gensym("end")
    var = spec[0]
    return L(S("let"), L(L(end, spec[2])),
             from_iter([S("do"), L(L(var, spec[1], L(S("+"), var, 1))), L(L(S(">="), var, end))] + parts[2:]),
             span=span_of(form))


def _thread(form, last: bool):
    parts = _parts(form, 2, f"({form.car.name} value form ...)")
    acc = parts[1]
    for step in parts[2:]:
        if is_form(step):
            items = items_of(step)
            acc = from_iter(items + [acc] if last else [items[0], acc] + items[1:], span=span_of(step))
        else:
            acc = L(step, acc)
    return acc


@derived_form("->")
def thread_first(form):
    return _thread(form, last=False)


@derived_form("->>")
def thread_last(form):
    return _thread(form, last=True)


@derived_form("as->")
def thread_as(form):
    parts = _parts(form, 3, "(as-> value name form ...)")
    name = parts[2]
    out = parts[1]
    for step in parts[3:]:
        out = L(S("let"), L(L(name, out)), step)
    return out if parts[3:] else parts[1]


@derived_form("some->", "some->>")
def thread_some(form):
    parts = _parts(form, 2, f"({form.car.name} value form ...)")
    last = form.car.name == "some->>"
    acc = parts[1]
    for step in parts[2:]:
        tmp = gensym("some")
        if is_form(step):
            items = items_of(step)
            call = from_iter(items + [tmp] if last else [items[0], tmp] + items[1:])
        else:
            call = L(step, tmp)
        acc = L(S("let"), L(L(tmp, acc)), L(S("if"), L(S("nil?"), tmp), None, call))
    return acc


def _binding_pair(form):
    parts = _parts(form, 3, f"({form.car.name} (name value) then ...)")
    spec = parts[1]
    items = list(spec) if spec.__class__ is tuple else items_of(spec)
    if len(items) != 2:
        raise syntax_error(f"{form.car.name}: expected one binding (name value)", form)
    return parts, items[0], items[1]


@derived_form("when-let")
def when_let_form(form):
    parts, name, value = _binding_pair(form)
    tmp = gensym("wl")
    return L(S("let"), L(L(tmp, value)),
             L(S("if"), L(S("nil?"), tmp), None, from_iter([S("let"), L(L(name, tmp))] + parts[2:])),
             span=span_of(form))


@derived_form("if-let")
def if_let_form(form):
    parts, name, value = _binding_pair(form)
    if len(parts) > 4:
        raise syntax_error("if-let: expected (if-let (name value) then [else])", form)
    tmp = gensym("il")
    otherwise = parts[3] if len(parts) == 4 else None
    return L(S("let"), L(L(tmp, value)),
             L(S("if"), L(S("nil?"), tmp), otherwise, L(S("let"), L(L(name, tmp)), parts[2])),
             span=span_of(form))


@derived_form("delay", "make-promise-lazy", "lazy")
def delay_form(form):
    parts = _parts(form, 2, "(delay expression)")
    return L(S("%make-promise"), from_iter([S("lambda"), EMPTY] + parts[1:]), span=span_of(form))


@derived_form("parameterize")
def parameterize_form(form):
    parts = _parts(form, 2, "(parameterize ((param value) ...) body ...)")
    params, values = [], []
    for b in items_of(parts[1]) if parts[1] is not EMPTY else []:
        pair = items_of(b)
        if len(pair) != 2:
            raise syntax_error(f"parameterize: malformed binding {write_str(b)}", form)
        params.append(pair[0])
        values.append(pair[1])
    return L(S("%parameterize"), from_iter([S("list")] + params), from_iter([S("list")] + values),
             from_iter([S("lambda"), EMPTY] + parts[2:]), span=span_of(form))


def _formals(formals, form):
    """(names, rest) of a values formals list: ``(a b)``, ``(a . rest)`` or ``args``."""
    if formals.__class__ is Symbol:
        return [], formals
    names, rest = [], None
    x = formals
    while is_form(x):
        names.append(x.car)
        x = x.cdr
    if x is not EMPTY:
        rest = x
    for n in names + ([rest] if rest is not None else []):
        if n.__class__ is not Symbol:
            raise syntax_error(f"{form.car.name}: expected names in the formals, got {write_str(n)}", form)
    return names, rest


def _bind_values(formals, expr, form):
    """A form giving the tuple of values ``expr`` binds to ``formals``, and the names it binds."""
    names, rest = _formals(formals, form)
    value = L(S("%bind-values"), expr, len(names), rest is not None, form.car.name)
    return value, names + ([rest] if rest is not None else [])


@derived_form("define-values")
def define_values_form(form):
    parts = _parts(form, 3, "(define-values (name ...) expression)")
    value, names = _bind_values(parts[1], parts[2], form)
    tmp = gensym("vals")
    out = [L(S("define"), tmp, value)]
    out += [L(S("define"), n, L(S("%tuple-ref"), tmp, i)) for i, n in enumerate(names)]
    return from_iter([S("begin")] + out + [None], span=span_of(form))


def _values_bindings(form, star: bool):
    parts = _parts(form, 2, f"({form.car.name} (((name ...) expression) ...) body ...)")
    body = parts[2:]
    specs = items_of(parts[1]) if parts[1] is not EMPTY else []
    clauses = []
    for spec in specs:
        sp = items_of(spec)
        if len(sp) != 2:
            raise syntax_error(f"{form.car.name}: each binding is ((name ...) expression)", form)
        tmp = gensym("vals")
        value, names = _bind_values(sp[0], sp[1], form)
        clauses.append((tmp, value, [L(n, L(S("%tuple-ref"), tmp, i)) for i, n in enumerate(names)]))
    if star:  # each clause sees the names bound before it
        out = from_iter([S("let"), EMPTY] + body)
        for tmp, value, binds in reversed(clauses):
            out = L(S("let"), L(L(tmp, value)), L(S("let"), from_iter(binds), out))
        return out
    # all expressions are evaluated before any name is bound
    inner = from_iter([S("let"), from_iter([b for _, _, binds in clauses for b in binds])] + body)
    return L(S("let"), from_iter([L(tmp, value) for tmp, value, _ in clauses]), inner, span=span_of(form))


@derived_form("let-values", "let*-values")
def let_values_form(form):
    return _values_bindings(form, form.car.name == "let*-values")


@derived_form("receive")
def receive_form(form):
    parts = _parts(form, 3, "(receive formals expression body ...)")
    return from_iter([S("let-values"), L(L(parts[1], parts[2]))] + parts[3:], span=span_of(form))


@derived_form("defn", "defun")
def defn_form(form):
    parts = _parts(form, 3, f"({form.car.name} name (params ...) body ...)")
    name, params, body = parts[1], parts[2], parts[3:]
    if params.__class__ is tuple:
        params = from_iter(list(params))
    lam = from_iter([S("lambda"), params] + body, span=span_of(form))
    return L(S("define"), name, lam, span=span_of(form))


@derived_form("assert-eq")
def assert_eq_form(form):
    parts = _parts(form, 3, "(assert-eq expected actual)")
    return L(S("assert="), parts[1], parts[2], span=span_of(form))


@derived_form("module")
def module_form(form):
    parts = _parts(form, 2, "(module name (export name ...) body ...)")
    name = parts[1]
    body = parts[2:]
    exports = None
    if body and head_name(body[0]) == "export":
        exports = items_of(body[0])[1:]
        body = body[1:]
    record = L(S("%module-exports"), L(S("quote"), name),
               L(S("quote"), from_iter(exports)) if exports is not None else None)
    return from_iter([S("begin")] + body + [record], span=span_of(form))


@derived_form("import")
def import_form(form):
    parts = _parts(form, 2, "(import \"file.scm\" name ...)")
    path = parts[1]
    names = parts[2:]
    return L(S("%import"), path, L(S("quote"), from_iter(names)), span=span_of(form))


@derived_form("deftest")
def deftest_form(form):
    parts = _parts(form, 3, "(deftest \"name\" body ...)")
    span = span_of(form)
    line = span.line if span is not None else 0
    file = span.file if span is not None else "<unknown>"
    # the thunk is named after the test, so a failure's stack says which test it was
    name = S(f"deftest {parts[1]}" if isinstance(parts[1], str) else "deftest")
    thunk = L(S("letrec"), L(L(name, from_iter([S("lambda"), EMPTY] + parts[2:]))), name)
    return L(S("%register-test"), parts[1], thunk, file, line, span=span)


@derived_form("is")
def is_form_(form):
    parts = _parts(form, 2, "(is expression [message])")
    return L(S("%check"), parts[1], L(S("quote"), parts[1]), parts[2] if len(parts) > 2 else None,
             span=span_of(form))


@derived_form("time")
def time_form(form):
    parts = _parts(form, 2, "(time expression)")
    return L(S("%time"), L(S("lambda"), EMPTY, parts[1]), span=span_of(form))


@derived_form("doc")
def doc_form(form):
    parts = _parts(form, 2, "(doc name)")
    target = parts[1]
    if target.__class__ is Symbol:
        target = L(S("quote"), target)
    return L(S("%doc"), target, span=span_of(form))


def _is_thunk(form) -> bool:
    """``(fn () ...)`` or ``(lambda () ...)`` written out."""
    return head_name(form) in ("fn", "lambda") and len(items_of(form)) >= 2 and items_of(form)[1] is EMPTY


@derived_form("llm/with-cache")
def with_cache_form(form):
    """(llm/with-cache opts body ...) -> (llm/call-with-cache opts (lambda () body ...)).

    Sema's own shape, a thunk written out after optional options, passes the thunk as it is.
    """
    parts = _parts(form, 2, "(llm/with-cache opts body ...)")
    args, span = parts[1:], span_of(form)
    if len(args) == 1 and _is_thunk(args[0]):
        return L(S("llm/call-with-cache"), None, args[0], span=span)
    if len(args) == 2 and _is_thunk(args[1]):
        return L(S("llm/call-with-cache"), args[0], args[1], span=span)
    thunk = from_iter([S("lambda"), EMPTY] + args[1:], span=span)
    return L(S("llm/call-with-cache"), args[0], thunk, span=span)
