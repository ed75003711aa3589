"""The AI layer's derived forms: ``prompt``, ``deftool``, ``defagent``, ``with-retry``.

Each rewrites into calls of ordinary builtins (so nothing of the LLM layer
is imported to compile them); loaded with the compiler's handler modules.
Their documentation (``(doc deftool)``) is in :mod:`sema.ai.forms_docs`.

- ``(prompt part ...)`` -> ``(%prompt part' ...)``, where a part
  ``(system x ...)`` (or ``user``, ``assistant``, ``tool``) becomes
  ``(message :system x ...)``;
- ``(deftool name "description" {params} handler [opts])`` ->
  ``(define name (%deftool "name" "description" {params} handler [opts]))``;
- ``(defagent name {opts})`` -> ``(define name (%agent "name" {opts}))``;
- ``(with-retry [{opts}] body ...)`` -> ``(retry (fn () body ...) {opts})``; Sema's thunk form
  ``(with-retry {:max 3 :base-ms 200} (fn () ...))`` -> ``(%with-retry-thunk {opts} thunk)``.
"""

from __future__ import annotations

from ..compiler.forms import L, S, from_iter, is_form, items_of, span_of, syntax_error
from ..compiler.tables import derived_form
from ..printer import write_str
from ..values import Keyword, Map, Symbol

ROLE_PARTS = ("system", "user", "assistant", "tool")


@derived_form("prompt")
def prompt_form(form):
    parts = items_of(form)[1:]
    out = [S("%prompt")]
    for part in parts:
        if is_form(part) and part.car.__class__ is Symbol and part.car.name in ROLE_PARTS:
            out.append(from_iter([S("message"), Keyword(part.car.name)] + items_of(part)[1:], span=span_of(part)))
        else:
            out.append(part)
    return from_iter(out, span=span_of(form))


@derived_form("deftool")
def deftool_form(form):
    parts = items_of(form)
    usage = "(deftool name \"description\" {:param {:type :string ...} ...} handler [{:concurrent #t}])"
    if len(parts) not in (5, 6):
        raise syntax_error(f"deftool: expected {usage}", form)
    name, description = parts[1], parts[2]
    if name.__class__ is not Symbol:
        raise syntax_error(f"deftool: the tool's name must be a symbol, got {write_str(name)}", form)
    if not isinstance(description, str):
        raise syntax_error(f"deftool: the description must be a string, got {write_str(description)}", form)
    call = from_iter([S("%deftool"), name.name] + parts[2:], span=span_of(form))
    return L(S("define"), name, call, span=span_of(form))


@derived_form("defagent")
def defagent_form(form):
    parts = items_of(form)
    if len(parts) != 3:
        raise syntax_error("defagent: expected (defagent name {:system \"...\" :tools [...] :model \"...\" "
                           ":max-turns 10})", form)
    name = parts[1]
    if name.__class__ is not Symbol:
        raise syntax_error(f"defagent: the agent's name must be a symbol, got {write_str(name)}", form)
    return L(S("define"), name, L(S("%agent"), name.name, parts[2], span=span_of(form)), span=span_of(form))


#: the option keys of Sema's thunk form (with-retry {:max 3 :base-ms 200 :factor 2 :on f} thunk)
SEMA_RETRY_KEYS = frozenset(Keyword(k) for k in ("max", "base-ms", "factor", "on"))


def _is_sema_thunk_form(parts) -> bool:
    """(with-retry {opts} thunk) as Sema writes it: one form after a map literal that uses Sema's keys,
    or whose one form is a fn/lambda expression (issue 11)."""
    if len(parts) != 2 or not isinstance(parts[0], Map):
        return False
    thunk = parts[1]
    is_fn = is_form(thunk) and thunk.car.__class__ is Symbol and thunk.car.name in ("fn", "lambda")
    return is_fn or any(k in SEMA_RETRY_KEYS for k in parts[0].keys())


@derived_form("with-retry")
def with_retry_form(form):
    parts = items_of(form)[1:]
    if _is_sema_thunk_form(parts):
        return L(S("%with-retry-thunk"), parts[0], parts[1], span=span_of(form))
    opts = None
    if parts and isinstance(parts[0], Map) and len(parts) > 1:
        opts, parts = parts[0], parts[1:]
    if not parts:
        raise syntax_error("with-retry: expected (with-retry [{:max-attempts 3 ...}] body ...)", form)
    thunk = from_iter([S("fn"), L()] + parts, span=span_of(form))
    return L(S("retry"), thunk, opts, span=span_of(form))


__all__ = ["prompt_form", "deftool_form", "defagent_form", "with_retry_form", "ROLE_PARTS"]
