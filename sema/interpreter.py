"""The interpreter: reads, compiles and runs Lisp in one isolated namespace."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable

from .errors import SemaError
from .printer import write_str
from .runtime.capabilities import enter_policy, leave_policy
from .runtime.codeinfo import install_code
from .runtime.inline_slots import redirect
from .runtime.modules import ModuleLoader, read_source
from .runtime.names import mangle, unmangle
from .runtime.registry import Any
from .runtime.tailcalls import TAIL_BUDGET
from .runtime.traceback import attach_stack, convert, unbound_error
from .runtime.units import HISTORY, Entry, Recording, UnitTracker, deps_unchanged, digest
from .runtime.worker import on_worker, pending_stop, run_with_deep_stack
from .values import ArrayList, Keyword, Pair, Symbol, make_list, make_map


class Interpreter:
    """An isolated sema interpreter: its own globals, macros, providers and state."""

    def __init__(self, *, stdlib: bool = True, llm: bool = True, args: tuple | list = (),
                 model: str | None = None, provider: str | None = None, allow=None, deny=None,
                 max_output: int | None = None, max_memory: int | None = None, stdout=None,
                 stderr=None, keys: str = "auto", keywords: str = "keyword-str") -> None:
        """A new interpreter.

        ``stdlib`` loads the Lisp part of the standard library; ``llm`` configures
        LLM providers from the environment (``model``/``provider`` choose the
        default, like ``--model``/``--provider``); ``args`` is ``(sys/args)``.

        ``allow``/``deny`` say what the Lisp code may do to the machine (the
        sandbox, see docs/embedding.md): by default everything but Python
        interop; ``allow="strict"`` (or an empty set) nothing; ``allow={"fs-read":
        ["/data"], "llm": True}`` only that.  ``max_output`` (characters written
        by one evaluation) and ``max_memory`` (bytes its process may grow by)
        stop an evaluation that goes past them with ``ResourceLimitError``;
        ``stdout``/``stderr`` (text streams) receive the Lisp code's output.
        ``keys`` and ``keywords`` choose how keyword map keys and keyword values
        come out to Python (``sema.convert``: "auto"/"str"/"keyword" and
        "keyword-str"/"str"/"keyword").
        """
        from .runtime.capabilities import make_policy
        from .runtime.limits import Limits
        from .runtime.namespace import make_namespace

        #: what this interpreter's Lisp code may do (``runtime.capabilities.Policy``)
        self.policy = make_policy(allow, deny)
        self.limits = Limits(max_output=max_output, max_memory=max_memory)
        from .convert import _settings
        #: how keyword keys and keyword values come out to Python (see sema.convert)
        self.convert_keys, self.convert_keywords = _settings(None, keys, keywords)
        #: where this interpreter's Lisp output goes (None: sys.stdout / sys.stderr at the time)
        self.stdout = stdout
        self.stderr = stderr

        self.macros: dict[Symbol, Callable] = {}
        self.units = UnitTracker()           # compile-time state and the cache recording under way
        self.loader = ModuleLoader(self)     # load/import, and what this interpreter exports as a module
        self.args = list(args)
        self.tests: list = []                # (name, thunk, file, line) of each deftest run
        self.llm_enabled = llm
        self.llm_model, self.llm_provider = model, provider
        self.llm_registry = None             # the LLM provider registry, made on first use
        self.llm_state = None                # per-interpreter state of the llm/* builtins
        self.unit_prefix = "p0"              # keeps constant names of different units apart
        self.streamed = None                 # the text llm/stream last printed (the REPL shows it once)
        #: called with the text of each warning (a user definition shadowing a special form, say)
        self.on_warning: Callable[[str], None] | None = None
        self._worker = None
        self._async_lock = threading.Lock()  # aeval/acall calls run one at a time
        self.namespace = make_namespace(self)
        if stdlib:
            from .stdlib_loader import load_stdlib
            load_stdlib(self)
            self.units.library_loaded()
        #: globals present before any user code: builtins, stdlib, helpers
        self.startup_globals = frozenset(self.namespace)
        if llm and self.policy.allows("llm"):
            self.configure_llm(model=model, provider=provider)

    # ------------------------------------------------------------ compile-time knowledge

    @property
    def _redefined(self) -> set[str]:
        """Builtins redefined by user code (no longer inlined or called as known builtins)."""
        return self.units.redefined

    def is_builtin(self, name: str) -> bool:
        from .runtime.registry import BUILTINS, INTERP_BUILTINS, LAZY_BUILTINS
        return name in BUILTINS or name in INTERP_BUILTINS or name in LAZY_BUILTINS

    def is_redefined(self, name: str) -> bool:
        return name in self.units.redefined

    def is_shadowed(self, name: str) -> bool:
        """True if user code defined a global named like the special or derived form ``name``."""
        return name in self.units.shadowed

    def _warn(self, message: str) -> None:
        if self.on_warning is not None:
            self.on_warning(message)
        else:
            sys.stderr.write(f"warning: {message}\n")

    def note_global_definition(self, name: str, span=None, *, shadow: bool = True) -> None:
        """A global is (re)defined: stop inlining it, and let it replace a form of the same name.

        The rule for a name the compiler knows as a special or derived form
        (``if``, ``when``): a global definition of it (``define`` or ``defmacro``)
        shadows the form in code compiled afterwards, with a warning.
        """
        from .compiler.tables import INLINE, is_core_name
        units = self.units
        if shadow and name not in units.shadowed and is_core_name(name):
            units.shadowed.add(name)
            units.state_changed()
            units.record(Entry("shadow", name))
            where = f" ({span})" if span is not None else ""
            self._warn(f"{name} is a special form of sema; this definition replaces it in code compiled "
                      f"from here on{where}")
        if (self.is_builtin(name) or name in INLINE) and name not in units.redefined:
            units.redefined.add(name)
            units.state_changed()
            units.record(Entry("redefine", name))

    def _prescan(self, forms) -> None:
        """Note redefinitions of builtins anywhere in ``forms`` before compiling any of them."""
        define, set_ = Symbol("define"), Symbol("set!")
        for form in forms:
            if not isinstance(form, (Pair, ArrayList)):
                continue
            for x in _lists_in(form):
                if x.car is define or x.car is set_:
                    target = x.cdr.car if isinstance(x.cdr, (Pair, ArrayList)) else None
                    while isinstance(target, (Pair, ArrayList)):
                        target = target.car
                    if isinstance(target, Symbol) and self.is_builtin(target.name):
                        self.note_global_definition(target.name, shadow=False)

    # ------------------------------------------------------------ macros

    def define_macro(self, name: Symbol, lambda_form, span) -> None:
        """``(defmacro name ...)``: compile its transformer now, so later forms can use it."""
        from .compiler.forms import L
        self.note_global_definition(name.name, span)
        named = L(Symbol("letrec"), L(L(name, lambda_form)), name, span=span)  # so frames say the macro's name
        entry, make = self._compile(named, span.file if span else "<macro>")
        source = digest(write_str(lambda_form))
        entry.kind, entry.name, entry.fingerprint = "macro", name.name, source
        self.units.record(entry)
        rec = self.units.recording
        self._add_macro(name, make(), self.units.macro_fingerprint(source, rec.key if rec else None))

    def _add_macro(self, name: Symbol, fn, fingerprint: str) -> None:
        fn.__name__ = fn.__qualname__ = name.name
        self.macros[name] = fn
        self.units.macro_fingerprints[name] = fingerprint
        self.units.state_changed()

    def record_constant(self, py: str, value) -> None:
        self.units.record_constant(py, value)

    def expand_macro(self, macro, form):
        from .compiler.forms import items_of, span_of, with_span
        args = items_of(form)[1:]
        self.units.expanding(form.car)
        try:
            result = macro(*args)
        except SemaError as exc:
            attach_stack(exc, exc.__traceback__)
            exc.span = span_of(form) or exc.span
            exc.hints.append(f"while expanding the macro {form.car.name}")
            raise
        except Exception as exc:
            err = convert(exc, self._global_names())
            if err is None:
                raise
            err.message = f"in macro {form.car.name}: {err.message}"
            err.span = span_of(form)
            raise err from None
        return with_span(result, span_of(form))

    def _expand_once(self, form):
        """One macro or derived-form expansion step at the head of ``form``."""
        from .compiler.forms import span_of, with_span
        from .compiler.tables import DERIVED, load_handlers
        load_handlers()
        if not isinstance(form, (Pair, ArrayList)) or not isinstance(form.car, Symbol):
            return form
        macro = self.macros.get(form.car)
        if macro is not None:
            return self.expand_macro(macro, form)
        rewrite = DERIVED.get(form.car.name)
        if rewrite is not None and not self.is_shadowed(form.car.name):
            return with_span(rewrite(form), span_of(form))
        return form

    # ------------------------------------------------------------ running code

    def _compile_form(self, form, filename: str):
        """Compile one top-level form; returns a no-argument function that runs it."""
        entry, fn = self._compile(form, filename)
        self.units.record(entry)
        return fn

    def _compile(self, form, filename: str):
        """(the cache entry, the no-argument function) for one top-level form."""
        from .compiler.codegen import Compiler
        from .compiler.forms import span_of
        units = self.units
        rec = units.recording
        saved = rec.consts if rec is not None else None
        if rec is not None:
            rec.consts = {}
        try:
            code, py_name = Compiler(self, filename).compile_toplevel(form)
            consts = rec.consts if rec is not None else {}
        finally:
            if rec is not None:
                rec.consts = saved
        span = span_of(form)
        text = getattr(span.file if span is not None else filename, "text", None)
        install_code(code, self.namespace, text)
        exec(code, self.namespace)
        return Entry("form", None, code, py_name, consts), self.namespace.pop(py_name)

    def _eval_form(self, form, filename: str = "<eval>"):
        """Compile and run one form (data); errors come out as SemaErrors with Lisp stacks."""
        if self.units.recording is None:
            self.units.untracked_run()
        return self._run(lambda: self._compile_form(form, filename)())

    def _run(self, thunk):
        """Run compiled code; errors come out as SemaErrors with Lisp stacks.

        The interpreter's sandbox policy is current while it runs, so that
        checks deep inside (an LLM call, a redirect) apply even below a builtin
        that declares nothing (see ``runtime.capabilities``).
        """
        token = enter_policy(self.policy)
        try:
            return thunk()
        except SemaError as exc:
            self._reset_tail_state()
            raise attach_stack(exc, exc.__traceback__)
        except Exception as exc:
            self._reset_tail_state()
            err = convert(exc, self._global_names())
            if err is None:
                raise
            raise attach_stack(err, exc.__traceback__) from None
        except BaseException:  # Ctrl-C, a timeout, (exit): unwinding leaves tail-call state behind
            self._reset_tail_state()
            raise
        finally:
            leave_policy(token)

    def _reset_tail_state(self) -> None:
        """Forget tail-call bookkeeping left by an evaluation that was interrupted."""
        self.namespace["_TOKEN"] = None
        self.namespace["_BUDGET"] = TAIL_BUDGET

    def _eval_forms(self, forms, filename: str):
        """Run the top-level forms of the unit being recorded, compiling each just before it runs."""
        self._prescan(forms)
        result = None
        for form in forms:
            def compile_and_run():
                with self.units.compiling():  # state changes while compiling the unit's own form are keyed
                    fn = self._compile_form(form, filename)
                return fn()
            result = self._run(compile_and_run)
        return result

    def eval_source(self, text: str, filename: str = "<eval>") -> Any:
        """Read and run all forms of ``text``; the value of the last one (raw Lisp value).

        Compiled code is cached per unit (see ``runtime.cache`` and
        ``runtime.units``), so a warm run of the same text skips reading and compiling.
        """
        from .runtime import cache

        units = self.units
        key = cache.key_for(text, filename, units.state()) if cache.enabled() else None
        if key is not None:
            cached = cache.load(key)
            if cached is not None and deps_unchanged(cached[1], units.history):
                if units.recording is not None:  # a nested load: what it loaded, its loader depends on too
                    units.recording.deps.extend(d for d in cached[1] if d[0] != HISTORY)
                return run_with_deep_stack(self._replay, cached[0], key)
        return run_with_deep_stack(self._compile_and_run, text, filename, key)

    def _compile_and_run(self, text: str, filename: str, key: str | None):
        from .reader import read_all
        units = self.units
        forms = read_all(text, filename)
        saved = (units.recording, self.unit_prefix)
        rec = units.recording = Recording(key or digest(text, filename), units.history)
        self.unit_prefix = rec.key[:12] if key is not None else f"p{id(forms):x}"
        try:
            result = self._eval_forms(forms, filename)
            if key is not None and rec.cacheable:
                from .runtime import cache
                cache.store(key, rec.entries, units.deps_to_store(rec))
        finally:
            units.recording, self.unit_prefix = saved
            units.unit_done(rec.key)
            if saved[0] is not None:  # a nested load: what it loaded, its loader depends on too
                saved[0].deps.extend(rec.deps)
        return result

    def _replay(self, entries, key: str):
        """Run a cached unit: the same effects as compiling and running its forms."""
        units = self.units
        result = None
        try:
            for e in entries:
                if e.kind == "redefine":
                    units.redefined.add(e.name)
                    continue
                if e.kind == "shadow":
                    units.shadowed.add(e.name)
                    continue
                self.namespace.update(e.consts)
                install_code(e.code, self.namespace, None)
                exec(e.code, self.namespace)
                fn = self.namespace.pop(e.py_name)
                if e.kind == "macro":
                    self._add_macro(Symbol(e.name), fn(), units.macro_fingerprint(e.fingerprint, key))
                else:
                    result = self._run(fn)
        finally:
            units.unit_done(key)
        return result

    def load_file(self, path: str) -> Any:
        """Run the Lisp file ``path`` here (``load``); the value of its last form."""
        return self.loader.load_file(path)

    def _resolve_path(self, path: str) -> str:
        return self.loader.resolve(path)

    def _catch_value(self, exc: BaseException):
        """The error map a ``catch`` clause receives for ``exc``."""
        self._reset_tail_state()
        stopped = pending_stop()
        if stopped is not None:  # a timeout or cancel is under way: no catch may end it
            raise stopped()
        err = convert(exc, self._global_names()) if not isinstance(exc, SemaError) else exc
        if err is None:  # an internal error: let it through rather than hide it
            raise exc
        attach_stack(err, exc.__traceback__)
        rethrown = getattr(err, "rethrown_map", None)
        if rethrown is not None:
            return rethrown
        return error_map(err)

    # ------------------------------------------------------------ names

    def _global_names(self) -> list[str]:
        from .compiler.tables import DERIVED, SPECIAL_FORMS, load_handlers
        load_handlers()
        names = [unmangle(k) for k in self.namespace if not k.startswith("_")]
        return names + list(SPECIAL_FORMS) + list(DERIVED) + [m.name for m in self.macros]

    def _lookup(self, name: str):
        return self.namespace[mangle(name)]

    def _user_definitions(self) -> dict:
        """Globals defined by Lisp code or the embedder (not builtins or the stdlib), by Lisp name."""
        out = {}
        for py, value in self.namespace.items():
            if py.startswith("_"):
                continue
            name = unmangle(py)
            if py not in self.startup_globals or name in self.units.redefined:
                out[name] = value
        return out

    # ------------------------------------------------------------ embedding API

    def eval(self, source: str, *, filename: str = "<eval>", timeout: float | None = None) -> Any:
        """Evaluate ``source`` and return the value of its last form as Python data.

        With ``timeout`` (seconds) a runaway evaluation is stopped with
        :class:`~sema.errors.EvalTimeoutError`; :meth:`cancel` from another
        thread stops it with :class:`~sema.errors.EvalCancelledError`.
        ``(exit N)`` in the code raises :class:`~sema.errors.ExitRequest`.
        """
        from .convert import to_python
        return self._guarded(lambda: to_python(self.eval_source(source, filename), self), timeout=timeout)

    async def aeval(self, source: str, *, filename: str = "<eval>", timeout: float | None = None) -> Any:
        """``await interp.aeval(src)``: :meth:`eval` for asyncio code, without blocking the event loop.

        Same value, errors, ``timeout`` and limits; :meth:`cancel` works too, and
        cancelling the awaiting task stops the evaluation (see ``sema.aio``).
        """
        from .aio import run
        from .convert import to_python
        return await run(self, lambda ticket: self._guarded(
            lambda: to_python(self.eval_source(source, filename), self), timeout=timeout, ticket=ticket))

    async def acall(self, name: str, *args: Any, timeout: float | None = None) -> Any:
        """``await interp.acall(name, ...)``: :meth:`call` for asyncio code (see :meth:`aeval`)."""
        from .aio import run
        from .convert import from_python, to_python
        fn = self._get_raw(name)
        lisp_args = [from_python(a, self) for a in args]
        return await run(self, lambda ticket: self._guarded(
            lambda: to_python(self._run(lambda: fn(*lisp_args)), self), timeout=timeout, ticket=ticket))

    def cancel(self) -> bool:
        """Stop the evaluation running in this interpreter, from any other thread.

        Returns True if an evaluation was running.
        """
        from .runtime.worker import Cancelled, stop
        worker = self._worker
        if worker is None:
            return False
        stop(worker, Cancelled)
        return True

    def _guarded(self, fn, *args, timeout: float | None = None, ticket=None):
        """Run ``fn`` on the worker thread, turning stops (timeout, cancel, a limit) into SemaErrors."""
        from .errors import EvalCancelledError, EvalTimeoutError, ResourceLimitError, UserError
        from .runtime import output
        from .runtime.worker import (
            Cancelled, CouldNotStop, MemoryLimitReached, OutputLimitReached, TimedOut, stop,
        )
        limits = self.limits
        watch = None
        if limits.max_memory is not None:
            from .runtime.limits import memory_watch
            watch = memory_watch(limits.max_memory, MemoryLimitReached)
        sink = None
        if limits.max_output is not None or self.stdout is not None or self.stderr is not None:
            def over(limit):
                worker = self._worker
                if worker is not None:
                    stop(worker, OutputLimitReached)
                raise OutputLimitReached()
            sink = output.Sink(self.stdout, self.stderr, limits.max_output, over)
        try:
            with output.using(sink):
                track = self._track if ticket is None else lambda t: (self._track(t), ticket.started(t))
                return run_with_deep_stack(fn, *args, timeout=timeout, track=track, watch=watch)
        except UserError as exc:
            if not on_worker() and not hasattr(exc, "lisp_value"):  # leaving Lisp: the thrown value as Python data
                from .convert import to_python
                exc.lisp_value = exc.value
                exc.value = to_python(exc.value, self)
            raise
        except TimedOut:
            self._reset_tail_state()
            raise EvalTimeoutError(f"evaluation timed out after {timeout:g} s") from None
        except Cancelled:
            self._reset_tail_state()
            raise EvalCancelledError("evaluation cancelled") from None
        except MemoryLimitReached:
            self._reset_tail_state()
            raise ResourceLimitError("memory", limits.max_memory) from None
        except OutputLimitReached:
            self._reset_tail_state()
            raise ResourceLimitError("output", limits.max_output) from None
        except CouldNotStop as exc:
            if exc.reason in ("memory", "output"):
                raise ResourceLimitError(exc.reason, getattr(limits, f"max_{exc.reason}"), str(exc)) from None
            cls = EvalTimeoutError if exc.reason == "timeout" else EvalCancelledError
            raise cls(str(exc)) from None

    def _track(self, thread) -> None:
        self._worker = thread

    def eval_file(self, path: str, *, timeout: float | None = None) -> Any:
        """Run a Lisp file; returns the value of its last form as Python data."""
        from .convert import to_python
        return self._guarded(lambda: to_python(self.load_file(path), self), timeout=timeout)

    def call(self, name: str, *args: Any, timeout: float | None = None) -> Any:
        """Call the Lisp function ``name`` with Python arguments; returns Python data.

        ``timeout`` works as for :meth:`eval`.
        """
        from .convert import from_python, to_python
        fn = self._get_raw(name)
        lisp_args = [from_python(a, self) for a in args]
        return self._guarded(lambda: to_python(self._run(lambda: fn(*lisp_args)), self), timeout=timeout)

    def apply(self, fn: Callable[..., Any], args: list) -> Any:
        """Call a Lisp function with Lisp arguments, with Lisp error reporting."""
        return run_with_deep_stack(self._run, lambda: fn(*args))

    def define(self, name: str, value: Any) -> None:
        """Bind the global ``name`` to a Python value (converted to Lisp)."""
        from .convert import from_python
        self._set_global(name, from_python(value, self))

    def _set_global(self, name: str, value) -> None:
        self.namespace[mangle(name)] = value
        self.note_global_definition(name)
        redirect(self.namespace, name, value)

    def get(self, name: str) -> Any:
        """The value of the global ``name`` as Python data."""
        from .convert import to_python
        return to_python(self._get_raw(name), self)

    def _get_raw(self, name: str) -> Any:
        """The value of the global ``name`` as a Lisp value."""
        try:
            return self.namespace[mangle(name)]
        except KeyError:
            raise unbound_error(name, self._global_names()) from None

    def register_function(self, name: str, fn: Callable[..., Any], *, convert: bool = True) -> None:
        """Make the Python callable ``fn`` a Lisp function named ``name``.

        With ``convert`` (the default) it receives Python data and its result is
        converted back; without, it receives and returns Lisp values.  An
        exception it raises is a Lisp error of type ``:python-error``.
        """
        from .convert import lisp_callable
        self._set_global(name, lisp_callable(fn, name, self, convert=convert))

    def _check_file(self, path: str) -> int:
        """Read and expand a file without running it (``sema check``); returns the form count."""
        from .compiler.codegen import Compiler
        from .reader import read_all
        forms = read_all(read_source(path, "check"), path)
        for form in forms:
            Compiler(self, path).compile_toplevel(form)
        return len(forms)

    # ------------------------------------------------------------ LLM providers

    @property
    def llm(self):
        """This interpreter's provider registry (created on first use; httpx loads later still)."""
        if self.llm_registry is None:
            from .llm.registry import ProviderRegistry
            self.llm_registry = ProviderRegistry()
        return self.llm_registry

    def register_provider(self, name: str, provider: Any, *, make_default: bool = False) -> None:
        """Make a Python LLM provider (an object with ``complete``, or a callable) available to Lisp."""
        self.llm.register(name, provider, make_default=make_default)

    def configure_llm(self, *, model: str | None = None, provider: str | None = None) -> None:
        """Start-up LLM configuration: ``--model``, ``--provider``, and the environment unless ``--no-llm``."""
        self.llm_model = model
        self.llm_provider = provider
        if self.llm_enabled:
            from .llm.setup import configure_at_startup
            configure_at_startup(self, model=model, provider=provider)

    # ------------------------------------------------------------ docs

    def doc_text(self, name) -> str:
        from .docs import doc_for
        return doc_for(self, name)


def _lists_in(form):
    stack = [form]
    while stack:
        x = stack.pop()
        if isinstance(x, (Pair, ArrayList)):
            yield x
            y = x
            while isinstance(y, Pair):
                stack.append(y.car)
                y = y.cdr
            if isinstance(y, ArrayList):
                stack.extend(y.items[y.start:])
        elif x.__class__ is tuple:
            stack.extend(x)


_K = Keyword


def error_map(err: SemaError):
    """``{:type :message :stack-trace ...}`` for a caught error."""
    frames = []
    for f in err.frames:
        entry = [(_K("name"), f.name)]
        if f.span is not None:
            entry += [(_K("file"), str(f.span.file)), (_K("line"), f.span.line), (_K("col"), f.span.col)]
        frames.append(make_map(entry))
    # Sema's keys: where the error happened is in the innermost :stack-trace frame
    pairs = [(_K("type"), _K(err.kind)), (_K("message"), err.message), (_K("stack-trace"), make_list(frames))]
    for key, value in err.extra_fields().items():
        pairs.append((_K(key), value))
    return make_map(pairs)

