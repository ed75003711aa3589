"""``db/*``: SQLite databases through Python's ``sqlite3`` (loaded on first use).

A database is opened under a handle name (a string) and used by that name.
WAL journaling and foreign keys are switched on for files.  Statements take
``?`` parameters: nil is NULL, #t/#f are 1/0, numbers, strings and
bytevectors go as they are, anything else as its printed form.  Rows come
back as maps from column names (keywords) to values: NULL is nil, BLOBs are
bytevectors.

In a sandbox (``runtime.capabilities``) a database file needs fs-read and
fs-write for its path, an SQL ``ATTACH`` (and ``VACUUM INTO``) the same for
the file it names, and a sandbox whose files are limited has handle names of
its own (it neither sees nor replaces the host's).
"""

from __future__ import annotations

import sqlite3
import threading
from fractions import Fraction

from ..errors import LispIOError, LispValueError
from ..printer import display_str, write_str
from ..runtime import capabilities
from ..runtime.capabilities import CHECKS_INSIDE, Need
from ..runtime.registry import builtin
from ..runtime.registry import typing_names as typing
from ..values import Keyword, ListBase, Map, make_list, make_map
from .argcheck import type_error
from .io import skip_doc_examples

Any = typing.Any
_dbs: dict = {}  # handle name (or (sandbox space, name): see capabilities.handle_space) -> connection
_lock = threading.Lock()
#: db/open's file: (name path) or (name) where the name is the path
_DB_FILE = lambda args, interp: args[1:2] if len(args) > 1 and args[1] is not None else args[:1]  # noqa: E731
_OPEN_NEEDS = (Need("fs-read", paths=_DB_FILE), Need("fs-write", paths=_DB_FILE))


def _key(handle: str):
    """Where ``handle`` lives: a sandbox whose files are limited has handle names of its own."""
    space = capabilities.handle_space()
    return handle if space is None else (space, handle)


def _conn(who: str, handle) -> sqlite3.Connection:
    if handle.__class__ is not str:
        raise type_error(who, "a database handle (a string)", handle)
    conn = _dbs.get(_key(handle))
    if conn is None:
        raise LispValueError(f"{who}: no open database {write_str(handle)} (open it with db/open)")
    return conn


def _param(x):
    cls = x.__class__
    if x is None or cls is str or cls is int or cls is float or cls is bytes:
        return x
    if cls is bool:
        return int(x)
    if cls is Fraction:
        return float(x)
    if cls is bytearray:
        return bytes(x)
    return display_str(x)


def _failed(who: str, exc: sqlite3.Error) -> LispIOError:
    return LispIOError(f"{who}: {exc}")


def _authorizer(policy):
    """Let SQL attach only the files the policy may read and write."""
    def authorize(action, arg1, arg2, db_name, trigger):
        if action == sqlite3.SQLITE_ATTACH and arg1 not in ("", ":memory:"):
            try:
                policy.check("fs-read", "db/exec", path=arg1)
                policy.check("fs-write", "db/exec", path=arg1)
            except PermissionError:
                return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK
    return authorize


def _register(who: str, handle: str, target: str) -> str:
    policy = capabilities.current()
    key = _key(handle)
    try:
        conn = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        if policy is not None:
            conn.set_authorizer(_authorizer(policy))
        if target != ":memory:":
            conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
    except sqlite3.Error as exc:
        raise _failed(who, exc) from None
    with _lock:
        old = _dbs.pop(key, None)
        if old is not None:
            old.close()
        _dbs[key] = conn
    return handle


@skip_doc_examples
@builtin("db/open", needs=_OPEN_NEEDS)
def db_open(name: str, path: str | None = None) -> str:
    """Open (or create) the SQLite file PATH under the handle NAME (the path itself when only one is given).

    (db/open "mydb" "data.db") ; => "mydb"
    """
    if name.__class__ is not str or (path is not None and path.__class__ is not str):
        raise type_error("db/open", "a handle name and a file path (strings)", path if path is not None else name)
    return _register("db/open", name, path if path is not None else name)


@skip_doc_examples
@builtin("db/open-memory", needs=CHECKS_INSIDE)
def db_open_memory(name: str = ":memory:") -> str:
    """Open a new in-memory database under the handle NAME (":memory:" by default).

    (db/open-memory "testdb") ; => "testdb"
    """
    if name.__class__ is not str:
        raise type_error("db/open-memory", "a handle name (a string)", name)
    return _register("db/open-memory", name, ":memory:")


@skip_doc_examples
@builtin("db/exec", needs=CHECKS_INSIDE)
def db_exec(handle: str, sql: str, *params: Any) -> int:
    """Run one statement (INSERT, UPDATE, CREATE ...) with ? PARAMS; returns the number of rows changed.

    (db/exec "mydb" "INSERT INTO users (name, age) VALUES (?, ?)" "Alice" 30) ; => 1
    """
    conn = _conn("db/exec", handle)
    try:
        cur = conn.execute(sql, [_param(p) for p in params])
    except sqlite3.Error as exc:
        raise _failed("db/exec", exc) from None
    return max(cur.rowcount, 0)


@skip_doc_examples
@builtin("db/exec-batch", needs=CHECKS_INSIDE)
def db_exec_batch(handle: str, sql: str) -> None:
    """Run several statements separated by semicolons (no parameters: static SQL only).

    (db/exec-batch "mydb" "CREATE TABLE a (x); CREATE TABLE b (y);") ; => nil
    """
    conn = _conn("db/exec-batch", handle)
    if sql.__class__ is not str:
        raise type_error("db/exec-batch", "an SQL string", sql)
    try:
        conn.executescript(sql)
    except sqlite3.Error as exc:
        raise _failed("db/exec-batch", exc) from None


def _rows(who: str, handle, sql, params, limit=None) -> list:
    conn = _conn(who, handle)
    try:
        cur = conn.execute(sql, [_param(p) for p in params])
        rows = cur.fetchmany(limit) if limit else cur.fetchall()
    except sqlite3.Error as exc:
        raise _failed(who, exc) from None
    names = [Keyword(d[0]) for d in cur.description or ()]
    return [make_map(zip(names, row)) for row in rows]


@skip_doc_examples
@builtin("db/query", needs=CHECKS_INSIDE)
def db_query(handle: str, sql: str, *params: Any) -> ListBase:
    """The rows a SELECT with ? PARAMS gives, as a list of maps keyed by column name.

    (db/query "mydb" "SELECT name, age FROM users WHERE age > ?" 25) ; => ({:age 31 :name "Alice"})
    """
    return make_list(_rows("db/query", handle, sql, params))


@skip_doc_examples
@builtin("db/query-one", needs=CHECKS_INSIDE)
def db_query_one(handle: str, sql: str, *params: Any) -> Map | None:
    """The first row a SELECT with ? PARAMS gives, as a map, or nil when there is none.

    (db/query-one "mydb" "SELECT * FROM users WHERE name = ?" "Nobody") ; => nil
    """
    rows = _rows("db/query-one", handle, sql, params, limit=1)
    return rows[0] if rows else None


@skip_doc_examples
@builtin("db/last-insert-id", needs=CHECKS_INSIDE)
def db_last_insert_id(handle: str) -> int:
    """The rowid of the last row inserted through HANDLE.

    (db/last-insert-id "mydb") ; => 2
    """
    conn = _conn("db/last-insert-id", handle)
    return conn.execute("SELECT last_insert_rowid()").fetchone()[0]


@skip_doc_examples
@builtin("db/tables", needs=CHECKS_INSIDE)
def db_tables(handle: str) -> ListBase:
    """The names of the tables in the database (SQLite's own left out), sorted.

    (db/tables "mydb") ; => ("posts" "users")
    """
    conn = _conn("db/tables", handle)
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                        "ORDER BY name").fetchall()
    return make_list([r[0] for r in rows])


@skip_doc_examples
@builtin("db/close", needs=CHECKS_INSIDE)
def db_close(handle: str) -> None:
    """Close the database and free its handle.

    (db/close "mydb") ; => nil
    """
    conn = _conn("db/close", handle)
    with _lock:
        _dbs.pop(_key(handle), None)
    conn.close()
