"""Maps given several keys at once: one ``Map.mutate()`` instead of a new map per key.

``(assoc m :x 1 :y 2 :n 3)`` and a literal ``{:x a :y b}`` compile to calls of
these (``set3(m, k1, v1, ...)``), which cost about half of a chain of
``Map.set`` calls or ``Map(dict)``.  A mutation never changes the map it
starts from, so the map given stays as it was.  The compiler passes keys that
need no wrapping (see ``values.map_key``); one function per count, written
out, because a loop over ``*args`` costs more than it saves.
"""

from __future__ import annotations


def set2(m, k1, v1, k2, v2):
    t = m.mutate()
    t[k1] = v1
    t[k2] = v2
    return t.finish()


def set3(m, k1, v1, k2, v2, k3, v3):
    t = m.mutate()
    t[k1] = v1
    t[k2] = v2
    t[k3] = v3
    return t.finish()


def set4(m, k1, v1, k2, v2, k3, v3, k4, v4):
    t = m.mutate()
    t[k1] = v1
    t[k2] = v2
    t[k3] = v3
    t[k4] = v4
    return t.finish()


def set5(m, k1, v1, k2, v2, k3, v3, k4, v4, k5, v5):
    t = m.mutate()
    t[k1] = v1
    t[k2] = v2
    t[k3] = v3
    t[k4] = v4
    t[k5] = v5
    return t.finish()


def set6(m, k1, v1, k2, v2, k3, v3, k4, v4, k5, v5, k6, v6):
    t = m.mutate()
    t[k1] = v1
    t[k2] = v2
    t[k3] = v3
    t[k4] = v4
    t[k5] = v5
    t[k6] = v6
    return t.finish()


#: the namespace name of each function, and number of keys -> that name
FUNCTIONS = {f"_{f.__name__}": f for f in (set2, set3, set4, set5, set6)}
SETTERS = {int(name[-1]): name for name in FUNCTIONS}
