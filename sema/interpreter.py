"""The interpreter: reads, compiles and runs Lisp in one isolated namespace."""

from __future__ import annotations

import os
from typing import Any, Callable

from .errors import SOURCES, LispIOError, LispSyntaxError, SemaError
from .runtime.names import mangle, unmangle
from .runtime.traceback import LISP_FILES, attach_stack, convert
from .values import (
    EMPTY, ArrayList, Keyword, Map, Pair, Symbol, make_list, make_map, write_str,
)

from .runtime.support import TAIL_BUDGET  # noqa: E402
from .runtime.worker import run_with_deep_stack  # noqa: E402  (re-exported: the REPL and tests use it)


class Interpreter:
    """An isolated sema interpreter: its own globals, macros, providers and state."""

    def __init__(self, *, stdlib: bool = True, llm: bool = True, args: tuple | list = (),
                 model: str | None = None, provider: str | None = None) -> None:
        """A new interpreter.

        ``stdlib`` loads the Lisp part of the standard library; ``llm`` configures
        LLM providers from the environment (``model``/``provider`` choose the
        default, like ``--model``/``--provider``); ``args`` is ``(sys/args)``.
        """
        from .runtime.support import make_namespace

        self.macros: dict[Symbol, object] = {}
        self.redefined: set[str] = set()
        self.args = list(args)
        self.tests: list = []
        self.exports = None
        self.module_name = None
        self.modules: dict[str, Interpreter] = {}
        self.loading: list[str] = []
        self.llm_enabled = llm
        self.unit_prefix = "p0"
        self._worker = None
        self._recording: list | None = None
        self._epoch = 0
        self.macro_fingerprints: dict[Symbol, str] = {}
        self.namespace = make_namespace(self)
        self._builtin_names = None
        if stdlib:
            from .stdlib_loader import load_stdlib
            load_stdlib(self)
        #: globals present before any user code: builtins, stdlib, helpers
        self.startup_globals = frozenset(self.namespace)
        self.llm_model, self.llm_provider = model, provider
        if llm:
            self.configure_llm(model=model, provider=provider)

    # ------------------------------------------------------------ compile-time knowledge

    def is_builtin(self, name: str) -> bool:
        from .runtime.registry import BUILTINS, INTERP_BUILTINS, LAZY_BUILTINS
        return name in BUILTINS or name in INTERP_BUILTINS or name in LAZY_BUILTINS

    def is_redefined(self, name: str) -> bool:
        return name in self.redefined

    def note_global_definition(self, name: str) -> None:
        """A global is (re)defined: stop inlining it and calling it as a known builtin."""
        from .compiler.codegen import INLINE
        if (self.is_builtin(name) or name in INLINE) and name not in self.redefined:
            self.redefined.add(name)
            self._epoch += 1
            if self._recording is not None:
                self._recording.append(("redefine", name, None, None, None))

    def prescan(self, forms) -> None:
        """Note redefinitions of builtins anywhere in ``forms`` before compiling any of them."""
        from .compiler.forms import walk_symbols
        define, set_ = Symbol("define"), Symbol("set!")
        for form in forms:
            if not isinstance(form, (Pair, ArrayList)):
                continue
            for x in _lists_in(form):
                if x.car is define or x.car is set_:
                    target = x.cdr.car if isinstance(x.cdr, (Pair, ArrayList)) else None
                    while isinstance(target, (Pair, ArrayList)):
                        target = target.car
                    if isinstance(target, Symbol):
                        self.note_global_definition(target.name)
        del walk_symbols

    # ------------------------------------------------------------ macros

    def define_macro(self, name: Symbol, lambda_form, span) -> None:
        from .compiler.forms import L
        named = L(Symbol("letrec"), L(L(name, lambda_form)), name, span=span)  # so frames say the macro's name
        fn = self.compile_form(named, span.file if span else "<macro>")()
        if self._recording:
            kind, _, code, py_name, consts = self._recording[-1]
            self._recording[-1] = ("macro", name.name, code, py_name, consts)
        self.register_macro(name, fn, write_str(lambda_form))

    def register_macro(self, name: Symbol, fn, source: str) -> None:
        import hashlib
        fn.__name__ = fn.__qualname__ = name.name
        self.macros[name] = fn
        self.macro_fingerprints[name] = hashlib.sha256(source.encode()).hexdigest()[:16]
        self._epoch += 1

    def compile_state(self) -> str:
        """What compilation depends on besides the source: redefined builtins and macros."""
        macros = sorted((m.name, self.macro_fingerprints.get(m, "?")) for m in self.macros)
        return f"{sorted(self.redefined)}|{macros}"

    def record_constant(self, py: str, value) -> None:
        if self._recording is not None:
            self._pending_consts[py] = value

    def expand_macro(self, macro, form):
        from .compiler.forms import items_of, span_of, with_span
        args = items_of(form)[1:]
        try:
            result = macro(*args)
        except SemaError as exc:
            attach_stack(exc, exc.__traceback__)
            exc.span = span_of(form) or exc.span
            exc.hints.append(f"while expanding the macro {form.car.name}")
            raise
        except Exception as exc:
            err = convert(exc, self.global_names())
            if err is None:
                raise
            err.message = f"in macro {form.car.name}: {err.message}"
            err.span = span_of(form)
            raise err from None
        return with_span(result, span_of(form))

    def expand_once(self, form):
        """One macro or derived-form expansion step at the head of ``form``."""
        from .compiler import special  # noqa: F401  (registers the derived forms)
        from .compiler.codegen import DERIVED
        from .compiler.forms import with_span, span_of
        if not isinstance(form, (Pair, ArrayList)) or not isinstance(form.car, Symbol):
            return form
        macro = self.macros.get(form.car)
        if macro is not None:
            return self.expand_macro(macro, form)
        rewrite = DERIVED.get(form.car.name)
        if rewrite is not None:
            return with_span(rewrite(form), span_of(form))
        return form

    # ------------------------------------------------------------ running code

    def compile_form(self, form, filename: str):
        """Compile one top-level form; returns a no-argument function that runs it."""
        from .compiler.codegen import Compiler
        saved = getattr(self, "_pending_consts", None)
        self._pending_consts = {}
        try:
            code, py_name = Compiler(self, filename).compile_toplevel(form)
            if self._recording is not None:
                self._recording.append(("form", None, code, py_name, self._pending_consts))
        finally:
            self._pending_consts = saved if saved is not None else {}
        LISP_FILES.add(filename)
        bind_code_constants(code, self.namespace)
        exec(code, self.namespace)
        return self.namespace.pop(py_name)

    def eval_form(self, form, filename: str = "<eval>"):
        """Compile and run one form (data); errors come out as SemaErrors with Lisp stacks."""
        return self._run(lambda: self.compile_form(form, filename)())

    def _run(self, thunk):
        """Run compiled code; errors come out as SemaErrors with Lisp stacks."""
        try:
            return thunk()
        except SemaError as exc:
            self._reset_tail_state()
            raise attach_stack(exc, exc.__traceback__)
        except Exception as exc:
            self._reset_tail_state()
            err = convert(exc, self.global_names())
            if err is None:
                raise
            raise attach_stack(err, exc.__traceback__) from None
        except BaseException:  # Ctrl-C, a timeout, (exit): unwinding leaves tail-call state behind
            self._reset_tail_state()
            raise

    def reset_tail_state(self) -> None:
        """Forget tail-call bookkeeping left by an evaluation that was interrupted."""
        self._reset_tail_state()

    def _reset_tail_state(self) -> None:
        self.namespace["_TOKEN"] = None
        self.namespace["_BUDGET"] = TAIL_BUDGET

    def eval_forms(self, forms, filename: str):
        self.prescan(forms)
        result = None
        epoch = self._epoch
        for form in forms:
            if self._epoch != epoch:  # running the last form changed how later ones compile
                self._cacheable = False
            result = self.eval_form(form, filename)
            epoch = self._epoch
        return result

    def eval_source(self, text: str, filename: str = "<eval>") -> Any:
        """Read and run all forms of ``text``; the value of the last one (raw Lisp value).

        Compiled code is cached per source (see ``runtime.cache``), so a warm
        run of the same text skips reading and compiling.
        """
        from .runtime import cache

        key = cache.key_for(text, filename, self.compile_state()) if cache.enabled() else None
        if key is not None:
            entries = cache.load(key)
            if entries is not None:
                SOURCES[filename] = text
                LISP_FILES.add(filename)
                return run_with_deep_stack(self._replay, entries)

        def run():
            from .reader import read_all
            forms = read_all(text, filename)
            saved = (self._recording, self.unit_prefix, getattr(self, "_cacheable", True))
            self._recording = [] if key is not None else None
            self.unit_prefix = key[:12] if key is not None else f"p{id(forms):x}"
            self._cacheable = True
            try:
                result = self.eval_forms(forms, filename)
                if key is not None and self._cacheable:
                    cache.store(key, self._recording)
            finally:
                self._recording, self.unit_prefix, self._cacheable = saved
            return result
        return run_with_deep_stack(run)

    def _replay(self, entries):
        """Run a cached unit: the same effects as compiling and running its forms."""
        result = None
        for kind, name, code, py_name, consts in entries:
            if kind == "redefine":
                self.redefined.add(name)
                self._epoch += 1
                continue
            self.namespace.update(consts)
            bind_code_constants(code, self.namespace)
            exec(code, self.namespace)
            fn = self.namespace.pop(py_name)
            if kind == "macro":
                macro = fn()
                self.register_macro(Symbol(name), macro, f"<cached {code.co_filename} {py_name}>")
                self.macro_fingerprints[Symbol(name)] = "cached:" + name
            else:
                result = self._run(fn)
        return result

    def load_file(self, path: str) -> Any:
        try:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
        except OSError as exc:
            raise LispIOError(f"cannot read {path}: {exc.strerror}") from None
        self.loading.append(os.path.abspath(path))
        try:
            return self.eval_source(text, path)
        finally:
            self.loading.pop()

    def resolve_path(self, path: str) -> str:
        if os.path.isabs(path):
            return path
        if self.loading:
            candidate = os.path.join(os.path.dirname(self.loading[-1]), path)
            if os.path.exists(candidate):
                return candidate
        return path

    def catch_value(self, exc: BaseException):
        """The error map a ``catch`` clause receives for ``exc``."""
        self._reset_tail_state()
        err = convert(exc, self.global_names()) if not isinstance(exc, SemaError) else exc
        if err is None:  # an internal error: let it through rather than hide it
            raise exc
        attach_stack(err, exc.__traceback__)
        rethrown = getattr(err, "rethrown_map", None)
        if rethrown is not None:
            return rethrown
        return error_map(err)

    # ------------------------------------------------------------ names

    def global_names(self) -> list[str]:
        from .compiler import special  # noqa: F401  (registers the special forms)
        from .compiler.codegen import DERIVED, SPECIAL_FORMS
        names = [unmangle(k) for k in self.namespace if not k.startswith("_")]
        return names + list(SPECIAL_FORMS) + list(DERIVED) + [m.name for m in self.macros]

    def lookup(self, name: str):
        return self.namespace[mangle(name)]

    def user_definitions(self) -> dict:
        """Globals defined by Lisp code or the embedder (not builtins or the stdlib), by Lisp name."""
        out = {}
        for py, value in self.namespace.items():
            if py.startswith("_"):
                continue
            name = unmangle(py)
            if py not in self.startup_globals or name in self.redefined:
                out[name] = value
        return out

    # ------------------------------------------------------------ modules

    def import_module(self, path: str) -> "Interpreter":
        key = os.path.abspath(path)
        module = self.modules.get(key)
        if module is None:
            module = Interpreter(stdlib=True, llm=self.llm_enabled, args=self.args)
            module.modules = self.modules
            self.modules[key] = module
            module._baseline = set(module.namespace)
            module.load_file(key)
        return module

    def exported_names(self) -> list[Symbol]:
        if self.exports is not None:
            return list(self.exports)
        baseline = getattr(self, "_baseline", set())
        return [Symbol(unmangle(k)) for k in self.namespace if k not in baseline and not k.startswith("_")] + \
            list(self.macros)

    def import_binding(self, module: "Interpreter", sym: Symbol) -> None:
        if sym in module.macros:
            self.macros[sym] = module.macros[sym]
            return
        py = mangle(sym.name)
        if py not in module.namespace:
            raise LispSyntaxError(f"import: module does not define {sym.name}")
        self.namespace[py] = module.namespace[py]
        self.note_global_definition(sym.name)

    # ------------------------------------------------------------ embedding API

    def eval(self, source: str, *, filename: str = "<eval>", timeout: float | None = None) -> Any:
        """Evaluate ``source`` and return the value of its last form as Python data.

        With ``timeout`` (seconds) a runaway evaluation is stopped with
        :class:`~sema.errors.EvalTimeoutError`; :meth:`cancel` from another
        thread stops it with :class:`~sema.errors.EvalCancelledError`.
        """
        from .convert import to_python
        return to_python(self._guarded(self.eval_source, source, filename, timeout=timeout), self)

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

    def _guarded(self, fn, *args, timeout: float | None = None):
        """Run ``fn`` on the worker thread, turning timeouts and cancellation into SemaErrors."""
        from .errors import EvalCancelledError, EvalTimeoutError
        from .runtime.worker import Cancelled, TimedOut
        try:
            return run_with_deep_stack(fn, *args, timeout=timeout, track=self._track)
        except TimedOut:
            self._reset_tail_state()
            raise EvalTimeoutError(f"evaluation timed out after {timeout:g} s") from None
        except Cancelled:
            self._reset_tail_state()
            raise EvalCancelledError("evaluation cancelled") from None

    def _track(self, thread) -> None:
        self._worker = thread

    def eval_file(self, path: str) -> Any:
        """Run a Lisp file; returns the value of its last form as Python data."""
        from .convert import to_python
        return to_python(self.load_file(path), self)

    def call(self, name: str, *args: Any) -> Any:
        """Call the Lisp function ``name`` with Python arguments; returns Python data."""
        from .convert import to_python
        fn = self.get_raw(name)
        return to_python(self.apply(fn, [from_python_(a, self) for a in args]), self)

    def apply(self, fn: Callable[..., Any], args: list) -> Any:
        """Call a Lisp function with Lisp arguments, with Lisp error reporting."""
        return run_with_deep_stack(self._run, lambda: fn(*args))

    def define(self, name: str, value: Any) -> None:
        """Bind the global ``name`` to a Python value (converted to Lisp)."""
        self.namespace[mangle(name)] = from_python_(value, self)
        self.note_global_definition(name)
        redefine_inlined(self.namespace, name)

    def get(self, name: str) -> Any:
        """The value of the global ``name`` as Python data."""
        from .convert import to_python
        return to_python(self.get_raw(name), self)

    def get_raw(self, name: str) -> Any:
        """The value of the global ``name`` as a Lisp value."""
        from .errors import UnboundSymbolError
        try:
            return self.namespace[mangle(name)]
        except KeyError:
            raise UnboundSymbolError(name, candidates=self.global_names()) from None

    def register_function(self, name: str, fn: Callable[..., Any], *, convert: bool = True) -> None:
        """Make the Python callable ``fn`` a Lisp function named ``name``.

        With ``convert`` (the default) it receives Python data and its result is
        converted back; without, it receives and returns Lisp values.
        """
        from .convert import lisp_callable
        self.namespace[mangle(name)] = lisp_callable(fn, name, self) if convert else fn
        self.note_global_definition(name)
        redefine_inlined(self.namespace, name)

    def check_file(self, path: str) -> int:
        """Read and expand a file without running it (``sema check``); returns the form count."""
        from .reader import read_all
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        forms = read_all(text, path)
        from .compiler.codegen import Compiler
        for form in forms:
            Compiler(self, path).compile_toplevel(form)
        return len(forms)

    # ------------------------------------------------------------ LLM providers

    @property
    def llm(self):
        """This interpreter's provider registry (created on first use; httpx loads later still)."""
        registry = self.__dict__.get("_llm_registry")
        if registry is None:
            from .llm.registry import ProviderRegistry
            registry = ProviderRegistry()
            self.__dict__["_llm_registry"] = registry
        return registry

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


def bind_code_constants(code, ns):
    from .runtime.support import bind_code_constants as bind
    bind(code, ns)


def redefine_inlined(ns, name):
    from .runtime.support import redefine_inlined as redefine
    redefine(ns, name)


def from_python_(value, interp):
    from .convert import from_python
    return from_python(value, interp)


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
            entry += [(_K("file"), f.span.file), (_K("line"), f.span.line), (_K("col"), f.span.col)]
        frames.append(make_map(entry))
    # Sema's keys: where the error happened is in the innermost :stack-trace frame
    pairs = [(_K("type"), _K(err.kind)), (_K("message"), err.message), (_K("stack-trace"), make_list(frames))]
    for key, value in err.extra_fields().items():
        pairs.append((_K(key), value))
    return make_map(pairs)


__all__ = ["Interpreter", "run_with_deep_stack", "SOURCES", "EMPTY", "Map", "write_str"]
