"""Tail calls that do not grow the stack: the budget, the bounce marker and the trampoline.

See ``compiler/codegen.py`` for the protocol the compiled code follows.
"""

from __future__ import annotations

TAIL_BUDGET = 100


class Bounce:
    """The marker a tail-called function returns to unwind to its trampoline."""

    __slots__ = ("fn", "args")

    def __init__(self):
        self.fn = None
        self.args = ()


def make_tail_calls(ns: dict):
    """The ``_bounce`` and ``_resume`` helpers and the marker of one namespace.

    A function called in tail position while ``_BUDGET`` lasts calls its own
    tail callee directly; out of budget it returns ``_bounce(f, args)``,
    which unwinds to the nearest root caller, which calls ``_resume``.
    ``_resume`` leaves the budget at 0: any enclosing chain of tail calls
    then bounces at its next step, so no chain outgrows the budget.
    """
    marker = Bounce()

    def _bounce(fn, *args):
        marker.fn = fn
        marker.args = args
        return marker

    def _resume():
        try:
            while True:
                fn, args = marker.fn, marker.args
                marker.fn = None
                ns["_BUDGET"] = TAIL_BUDGET
                ns["_TOKEN"] = fn
                result = fn(*args)
                if result is not marker:
                    return result
        finally:
            ns["_BUDGET"] = 0
            ns["_TOKEN"] = None

    return marker, _bounce, _resume
