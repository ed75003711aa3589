"""Cassettes: LLM calls recorded to an NDJSON file and replayed offline.

``(llm/with-cassette "calls.ndjson" {:mode :auto} thunk)``, or for a whole
program ``SEMA_LLM_CASSETTE=calls.ndjson`` (``SEMA_LLM_CASSETTE_MODE``:
``auto``, the default, ``record`` or ``replay``).

- ``:record`` starts the file afresh and records every call;
- ``:replay`` answers every call from the file and never sends one: a call
  with no recording is a ``"cassette-miss"`` error naming the call;
- ``:auto`` replays what is recorded and records what is not.

One line per call (complete, chat, request, stream with its chunk
boundaries, embed, each turn of an agent; tools really run)::

    {"v": 1, "kind": "stream", "key": "<fingerprint>", "who": "llm/stream", "model": "gpt-4o-mini",
     "provider": "openai", "response": {"content": ..., "tool-calls": [...], "stop-reason": ...,
     "usage": {...}}, "chunks": ["He", "llo"], "recorded-at": "2026-01-31T12:00:00Z"}

The key is a SHA-256 fingerprint of the request as the caller made it
(model as named, or none; provider if named; system, messages, tool calls
and results, sampling options, tools, response format): a replay needs no
provider configured.  Neither the request's text nor any credential is
written: keys live in the providers, never in a request or a response.
Identical calls are replayed in the order they were recorded; in
``:replay`` the last recording of a call answers any further repeat.

Replayed calls are recorded in usage (``llm/last-usage``) with their
recorded tokens, and priced; a budget counts them as it counts real calls.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections import deque
from datetime import datetime, timezone

from ..llm.types import ChatResponse, response_from_python
from .errors import CassetteMissError

MODES = ("auto", "record", "replay")
VERSION = 1


def fingerprint(call) -> str:
    """The key of a call: a hash of what is sent (see the module docstring)."""
    if call.kind == "embed":
        data = {"embed": list(call.texts), "model": call.request.model}
    else:
        data = call.request.to_dict()
        if call.request.extra:
            data["extra"] = dict(call.request.extra)
    if call.options.get("provider") is not None:
        data["provider"] = str(call.options["provider"])
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class Cassette:
    """One cassette file in one mode."""

    def __init__(self, path: str, mode: str = "auto"):
        if mode not in MODES:
            raise ValueError(mode)
        self.path = str(path)
        self.mode = mode
        self._lock = threading.Lock()
        self._entries: dict[str, deque] = {}
        self._last: dict[str, dict] = {}
        self.replayed = 0
        self.recorded = 0
        if mode == "record":
            self._prepare_dir()
            with open(self.path, "w", encoding="utf-8"):
                pass
        elif os.path.exists(self.path):
            self._load()
        elif mode == "replay":
            raise FileNotFoundError(self.path)

    def _prepare_dir(self) -> None:
        folder = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(folder, exist_ok=True)

    def _load(self) -> None:
        with open(self.path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                except ValueError:
                    raise ValueError(f"line {n} is not JSON") from None
                if not isinstance(entry, dict) or not isinstance(entry.get("key"), str):
                    raise ValueError(f"line {n} is not a recorded call (no \"key\")")
                self._entries.setdefault(entry["key"], deque()).append(entry)

    def take(self, key: str) -> dict | None:
        """The next recording of KEY (in :replay, the last one repeats), or None."""
        with self._lock:
            queue = self._entries.get(key)
            if queue:
                entry = queue.popleft()
                self._last[key] = entry
                self.replayed += 1
                return entry
            if self.mode == "replay" and key in self._last:
                self.replayed += 1
                return self._last[key]
            return None

    def write(self, entry: dict) -> None:
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
        with self._lock:
            self._prepare_dir()
            with open(self.path, "a", encoding="utf-8") as fh:  # one write per call: a crash keeps the others
                fh.write(line + "\n")
            self.recorded += 1


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _entry(call, key: str, response: ChatResponse | None, chunks=None, vectors=None) -> dict:
    entry = {"v": VERSION, "kind": call.kind, "key": key, "who": call.who}
    if response is not None:
        d = response.to_dict()
        d.pop("parsed", None)   # recomputed on replay
        d["usage"].pop("cost-usd", None)  # priced again when replayed
        entry.update({"model": response.model, "provider": response.provider, "response": d})
    if chunks is not None:
        entry["chunks"] = list(chunks)
    if vectors is not None:
        entry["vectors"] = [list(v) for v in vectors]
    entry["recorded-at"] = _now()
    return entry


class CassetteLayer:
    """The pipeline's ``"cassette"`` slot: the innermost ``llm/with-cassette`` (or the environment's) applies."""

    def __init__(self, state):
        self.state = state
        self.stack: list[Cassette] = []

    @property
    def active(self) -> bool:
        return bool(self.stack)

    def handle(self, call, proceed):
        if not self.stack:
            return proceed(call)
        cassette = self.stack[-1]
        key = fingerprint(call)
        if cassette.mode != "record":
            entry = cassette.take(key)
            if entry is not None:
                return self._replay(call, entry)
            if cassette.mode == "replay":
                raise self._miss(cassette, call, key)
        chunks: list[str] = []
        on_chunk = call.on_chunk
        if call.stream:
            def tee(chunk, forward=on_chunk):
                chunks.append(chunk)
                if forward is not None:
                    forward(chunk)
            call = call.evolve(on_chunk=tee)
        response = proceed(call)
        cassette.write(_entry(call, key, response, chunks if call.stream else None))
        return response

    def embed(self, call, proceed):
        if not self.stack:
            return proceed(call)
        cassette = self.stack[-1]
        key = fingerprint(call)
        if cassette.mode != "record":
            entry = cassette.take(key)
            if entry is not None:
                return [list(v) for v in entry.get("vectors") or ()]
            if cassette.mode == "replay":
                raise self._miss(cassette, call, key)
        vectors = proceed(call)
        cassette.write(_entry(call, key, None, vectors=vectors))
        return vectors

    def _miss(self, cassette: Cassette, call, key: str) -> CassetteMissError:
        return CassetteMissError(
            f"{call.who}: the cassette \"{cassette.path}\" (mode :replay) has no recording of this call: "
            f"{call.describe()} (fingerprint {key}); record it with {{:mode :auto}} or {{:mode :record}}",
            fingerprint=key, path=cassette.path)

    def _replay(self, call, entry: dict) -> ChatResponse:
        from ..llm.structured import check_response
        started = time.monotonic()
        data = dict(entry.get("response") or {})
        response = response_from_python(data, call.request, provider=entry.get("provider") or "cassette")
        if call.stream and call.on_chunk is not None:
            chunks = entry.get("chunks")
            for chunk in (chunks if chunks is not None else [response.content] if response.content else []):
                call.on_chunk(chunk)
        response = check_response(response, call.request).evolve(latency=time.monotonic() - started)
        usage = self.state.registry.usage
        token = usage.begin()
        if token is None:  # inside another call: counted there
            usage.nested(response.usage)
            return response
        usage.end(token)
        record = usage.record(response)
        return response.evolve(usage=record.usage)


def layer_of(state) -> CassetteLayer:
    return state.pipeline.layer("cassette", lambda pipeline: CassetteLayer(pipeline.state))


def open_cassette(path: str, mode: str, who: str) -> Cassette:
    """A Cassette, with a Lisp error for a missing or unreadable file."""
    from ..errors import LispIOError, LispValueError
    if mode not in MODES:
        raise LispValueError(f"{who}: :mode must be :auto, :record or :replay, got :{mode}")
    try:
        return Cassette(path, mode)
    except FileNotFoundError:
        raise LispIOError(f"{who}: the cassette \"{path}\" does not exist (mode :replay needs a recorded file; "
                          f"use {{:mode :auto}} to record it)") from None
    except ValueError as exc:
        raise LispValueError(f"{who}: the cassette \"{path}\" is not a sema cassette: {exc}") from None
    except OSError as exc:
        raise LispIOError(f"{who}: cannot open the cassette \"{path}\": {exc.strerror or exc}") from None


def from_environment(pipeline, environ):
    """The environment's cassette (SEMA_LLM_CASSETTE, SEMA_LLM_CASSETTE_MODE) as the bottom of the stack."""
    path = environ.get("SEMA_LLM_CASSETTE", "").strip()
    if not path:
        return None
    mode = (environ.get("SEMA_LLM_CASSETTE_MODE") or "auto").strip().lower().lstrip(":")
    layer = CassetteLayer(pipeline.state)
    layer.stack.append(open_cassette(path, mode, "SEMA_LLM_CASSETTE"))
    return "cassette", layer



# ---------------------------------------------------------------- the builtin

from ..llm.builtins import state_of  # noqa: E402  (registers the llm/* builtins first)
from ..runtime.capabilities import Need  # noqa: E402
from ..runtime.registry import Any, interp_builtin  # noqa: E402
from ..values import Keyword, Map  # noqa: E402


def _written_cassette(args, interp) -> list:
    """The cassette path when the call may write it (every mode but :replay)."""
    opts = args[1] if len(args) > 1 else None
    mode = opts.get(Keyword("mode")) if isinstance(opts, Map) else None
    return [] if mode == Keyword("replay") else args[:1]


@interp_builtin("llm/with-cassette", needs=("llm", Need("fs-read", paths=0),
                                            Need("fs-write", paths=_written_cassette, optional=True)))
def make_with_cassette(interp):
    """Call THUNK with its LLM calls recorded to, or replayed from, the NDJSON cassette at PATH.

    OPTS {:mode :auto} (default: replay what is recorded, record the rest), :record (start afresh) or
    :replay (never send: a call with no recording is a "cassette-miss" error naming it). Calls are
    keyed by a fingerprint of the request; streams keep their chunks; agents tape each turn while their
    tools really run. No prompt text and no key is written. SEMA_LLM_CASSETTE and
    SEMA_LLM_CASSETTE_MODE do the same for a whole program. Returns what THUNK returns.

    (llm/define-provider :m {:complete (fn (r) "recorded")}) (llm/with-cassette "/tmp/sema-doc-cassette.ndjson" {:mode :record} (fn () (llm/complete "hi"))) ; => "recorded"
    """
    from ..llm.lisp_provider import lisp_name, lisp_options
    state = state_of(interp)

    def llm_with_cassette(path: str, opts: Any, thunk: Any = None) -> Any:
        who = "llm/with-cassette"
        from ..errors import LispTypeError
        from ..llm.describe import got
        if thunk is None and callable(opts):
            opts, thunk = None, opts
        if not isinstance(path, str) or not path:
            raise LispTypeError(f"{who}: the cassette path must be a string, got {got(path)}")
        if not callable(thunk):
            raise LispTypeError(f"{who}: expected a function of no arguments, got {got(thunk)}")
        o = lisp_options(who, opts)
        mode = lisp_name(o["mode"], who, "a mode") if o.get("mode") is not None else "auto"
        cassette = open_cassette(interp._resolve_path(path), mode, who)
        layer = layer_of(state)
        layer.stack.append(cassette)
        try:
            return thunk()
        finally:
            layer.stack.remove(cassette)
    return llm_with_cassette


__all__ = ["Cassette", "CassetteLayer", "fingerprint", "layer_of", "open_cassette", "from_environment", "MODES"]
