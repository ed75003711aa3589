"""``kv/*``: a small persistent key-value store in a JSON file (loaded on first use).

``(kv/open name path)`` loads PATH (if it exists) under the handle NAME;
every ``kv/set`` and ``kv/delete`` rewrites the file (pretty-printed JSON,
written to a temporary file and renamed over, so a crash never leaves half a
file).  The file is created on the first write.  Keys are strings; values are
anything JSON can hold (maps come back with keyword keys, arrays as lists).
Handles belong to the process; opening a name again replaces the old handle.
In a sandbox the file needs fs-read and fs-write, and a sandbox whose files
are limited has store names of its own (it neither sees nor replaces the host's).
"""

from __future__ import annotations

import os
import threading

from ..errors import LispIOError, LispValueError
from ..printer import write_str
from ..runtime import capabilities
from ..runtime.capabilities import CHECKS_INSIDE, Need
from ..runtime.registry import builtin
from ..runtime.registry import typing_names as typing
from ..values import ListBase, make_list
from .argcheck import type_error
from .io import skip_doc_examples
from .jsonfmt import from_json_value, to_json_value

Any = typing.Any
_stores: dict = {}  # name (or (sandbox space, name): see capabilities.handle_space) -> (path, data)
_lock = threading.Lock()


def _slot(name):
    space = capabilities.handle_space()
    return name if space is None else (space, name)


def _name(who: str, name) -> str:
    if name.__class__ is not str:
        raise type_error(who, "a store name (a string)", name)
    return name


def _store(who: str, name) -> tuple[str, dict]:
    store = _stores.get(_slot(_name(who, name)))
    if store is None:
        raise LispValueError(f"{who}: no open store named {write_str(name)} (open it with kv/open)")
    return store


def _key(who: str, key) -> str:
    if key.__class__ is not str:
        raise type_error(who, "a key string", key)
    return key


def _flush(who: str, path: str, data: dict) -> None:
    import json
    text = json.dumps({k: to_json_value(v, who) for k, v in data.items()}, indent=2, ensure_ascii=False)
    tmp = f"{path}.tmp{os.getpid()}"
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
        os.replace(tmp, path)
    except OSError as exc:
        raise LispIOError(f"{who}: cannot write {write_str(path)}: {exc.strerror or exc}") from None


@skip_doc_examples
@builtin("kv/open", needs=(Need("fs-read", paths=1), Need("fs-write", paths=1)))
def kv_open(name: str, path: str) -> str:
    """Open the store NAME backed by the JSON file at PATH (loaded if it exists); returns NAME.

    (kv/open "config" "config.json") ; => "config"
    """
    import json
    _name("kv/open", name)
    if path.__class__ is not str:
        raise type_error("kv/open", "a file path", path)
    data: dict = {}
    if os.path.exists(path):
        try:
            with open(path, encoding="utf-8") as fh:
                loaded = json.load(fh)
        except (OSError, ValueError) as exc:
            raise LispIOError(f"kv/open: cannot read {write_str(path)}: {exc}") from None
        if not isinstance(loaded, dict):
            raise LispIOError(f"kv/open: {write_str(path)} does not hold a JSON object")
        data = {k: from_json_value(v) for k, v in loaded.items()}
    with _lock:
        _stores[_slot(name)] = (path, data)
    return name


@skip_doc_examples
@builtin("kv/get", needs=CHECKS_INSIDE)
def kv_get(name: str, key: str) -> Any:
    """The value under KEY in the store NAME, or nil.

    (kv/get "config" "retries") ; => 3
    """
    return _store("kv/get", name)[1].get(_key("kv/get", key))


@skip_doc_examples
@builtin("kv/set", needs=CHECKS_INSIDE)
def kv_set(name: str, key: str, value: Any) -> Any:
    """Store VALUE under KEY in the store NAME and write the file; returns VALUE.

    (kv/set "config" "retries" 3) ; => 3
    """
    path, data = _store("kv/set", name)
    to_json_value(value, "kv/set")  # refuse what JSON cannot hold before changing anything
    with _lock:
        data[_key("kv/set", key)] = value
        _flush("kv/set", path, data)
    return value


@skip_doc_examples
@builtin("kv/delete", needs=CHECKS_INSIDE)
def kv_delete(name: str, key: str) -> bool:
    """Remove KEY from the store NAME (writing the file); #t if it was there.

    (kv/delete "config" "retries") ; => #t
    """
    path, data = _store("kv/delete", name)
    with _lock:
        if _key("kv/delete", key) not in data:
            return False
        del data[key]
        _flush("kv/delete", path, data)
    return True


@skip_doc_examples
@builtin("kv/keys", needs=CHECKS_INSIDE)
def kv_keys(name: str) -> ListBase:
    """The keys of the store NAME, sorted.

    (kv/keys "config") ; => ("api-key" "retries")
    """
    return make_list(sorted(_store("kv/keys", name)[1]))


@skip_doc_examples
@builtin("kv/close", needs=CHECKS_INSIDE)
def kv_close(name: str) -> None:
    """Write the store NAME and forget its handle.

    (kv/close "config") ; => nil
    """
    path, data = _store("kv/close", name)
    with _lock:
        if data or os.path.exists(path):
            _flush("kv/close", path, data)
        _stores.pop(_slot(name), None)
