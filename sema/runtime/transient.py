"""Transient maps for named-let accumulators: ``(loop ... (assoc m k v))`` without copying.

A loop variable that the loop only ever steps with ``(assoc m k v)`` holds a
:class:`Transient` while the loop runs: an ``immutables`` mutation (one
``Map.mutate()``, then in-place sets) instead of a new persistent map per
step.  Every other read of the variable goes through :func:`view`, which
finishes the mutation into an ordinary map; a later step starts a new
mutation from that map, and ``Map.mutate()`` never changes the map it starts
from, so every map a program can see stays persistent.  The compiler
(``_inline_loop`` in ``compiler/special.py``) decides where these are used.
"""

from __future__ import annotations

from ..builtins.maps import assoc as _assoc
from ..values import WRAPPED_KEY_TYPES, Map, _WrappedKey


class Transient:
    """A map under construction: ``mut`` (a MapMutation) while stepping, ``done`` (a Map) once viewed."""

    __slots__ = ("mut", "done")

    def __init__(self, done: Map):
        self.mut = None
        self.done = done

    def __repr__(self):
        return f"<transient of {view(self)!r}>"


def start(value):
    """The loop variable's first value: a Transient for a map, anything else as it is."""
    return Transient(value) if value.__class__ is Map else value


def step(t, k, v):
    """``(assoc t k v)`` for the loop's next round: in place on a Transient, else the builtin."""
    if t.__class__ is Transient:
        mut = t.mut
        if mut is None:
            mut = t.mut = t.done.mutate()
            t.done = None
        mut[_WrappedKey(k) if k.__class__ in WRAPPED_KEY_TYPES else k] = v
        return t
    result = _assoc(t, k, v)
    return Transient(result) if result.__class__ is Map else result


def view(t):
    """The value a program sees: a Transient finished into its map, anything else as it is."""
    if t.__class__ is Transient:
        done = t.done
        if done is None:
            done = t.done = t.mut.finish()
            t.mut = None
        return done
    return t
