"""The persistent map type, ``immutables.Map``, loaded without the cost of its package.

``import immutables`` runs the package's ``__init__``, which imports
``typing`` and its protocol classes: about 4.5 ms of every start of sema.
The map itself is the compiled extension ``immutables._map``, which needs
neither, so it is loaded directly (and registered under its own name, so
that a later ``import immutables`` finds the same class).  Where that is not
possible (no compiled extension), the package is imported as usual.
"""

from __future__ import annotations

import sys


def _load_map_type():
    try:
        import importlib.machinery as machinery
        module = sys.modules.get("immutables._map")
        if module is None:
            package = machinery.PathFinder.find_spec("immutables")
            spec = machinery.PathFinder.find_spec("immutables._map", package.submodule_search_locations)
            if not isinstance(spec.loader, machinery.ExtensionFileLoader):
                raise ImportError("immutables has no compiled map")
            module = spec.loader.create_module(spec)
            spec.loader.exec_module(module)
            sys.modules["immutables._map"] = module
        import collections.abc
        collections.abc.Mapping.register(module.Map)  # as the package's __init__ does
        return module.Map
    except Exception:  # any surprise: the ordinary import
        import immutables
        return immutables.Map


Map = _load_map_type()
