"""The ``llm/*`` builtins: the provider contract seen from Lisp.

Each interpreter has its own providers, default, usage and fallback order
(``interp.llm``, a :class:`~sema.llm.registry.ProviderRegistry`), so every
builtin here is an ``@interp_builtin`` factory.

Lisp values cross into the LLM layer here: option maps and message maps
become a :class:`~sema.llm.types.ChatRequest`, answers come back as text or,
for ``llm/request``, as the contract's response map (keyword keys).  Every
call goes through :func:`~sema.llm.router.call_provider` (or
:func:`~sema.llm.router.complete_with_fallback` under ``llm/with-fallback``),
so HTTP adapters, Python providers and Lisp providers behave alike.

Call options (all optional): ``:model`` (``"provider/model"`` selects the
provider), ``:provider``, ``:max-tokens``, ``:temperature``, ``:system``,
``:stop-sequences``, ``:timeout`` (seconds), ``:tools``, ``:tool-choice``,
``:extra`` (a map merged into the vendor's JSON body).  Unknown keys are
ignored, as in Rust Sema.
"""

from __future__ import annotations

import sys

from ..errors import LispTypeError, LispValueError
from ..runtime import output
from ..runtime.capabilities import Need
from ..runtime.registry import Any, Callable_, interp_builtin
from ..convert import to_python
from ..values import ArrayList, Keyword, Map, Pair, make_list, make_map
from .errors import LlmError, UnsupportedError
from .auth.keys import BadKeyError
from .describe import got
from .lisp_provider import (LispProvider, as_provider, build_request, lisp_int, lisp_items, lisp_name,
                            lisp_options, lisp_real, lisp_str, messages_of, response_map, short, usage_map)
from .router import batch_complete, complete_with_fallback
from .types import ChatRequest, ChatResponse, FieldError

_K = Keyword


# ---------------------------------------------------------------- per-interpreter state


class LlmState:
    """What the llm builtins keep per interpreter besides the registry: the scoped fallback order,
    the request pipeline (cassettes, budgets, rate limits: :mod:`sema.llm.pipeline`), prices."""

    def __init__(self, interp):
        self.interp = interp
        self.fallback: list | None = None   # the order of an enclosing llm/with-fallback
        self.pricing = None                 # sema.ai.pricing.Pricing, made on first use
        self._pipeline = None
        self.cache = None                   # the CacheOptions of an enclosing llm/with-cache

    @property
    def registry(self):
        return self.interp.llm

    @property
    def router(self):
        return self.interp.llm.router

    @property
    def pipeline(self):
        """The request path every call of this interpreter goes through."""
        if self._pipeline is None:
            from .pipeline import Pipeline
            self._pipeline = Pipeline(self)
        return self._pipeline

    def targets(self, who: str, o: dict, request: ChatRequest):
        return targets(self, who, o, request)

    def embed_vectors(self, call) -> list:
        """The innermost step of an embedding: the provider's vectors for ``call.texts``."""
        return embed_vectors(self, call.who, list(call.texts), call.options, call.request.model)


def state_of(interp) -> LlmState:
    """INTERP's LlmState, made on first use (kept in its ``llm_state`` field)."""
    state = getattr(interp, "llm_state", None)
    if state is None:
        state = interp.llm_state = LlmState(interp)
    return state


# ---------------------------------------------------------------- choosing providers and calling


def _get(registry, name, who):
    """The provider registered as NAME (None: the default), ready to call."""
    try:
        provider = registry.get(name)
    except LlmError as exc:
        raise LlmError(f"{who}: {exc.message}") from None
    return as_provider(registry.canonical(name) if name is not None else registry.default, provider)


def targets(state: LlmState, who: str, o: dict, request: ChatRequest):
    """``(entries, request)``: the providers to try (one, or the failover order) and the request to send."""
    provider = lisp_name(o["provider"], who) if o.get("provider") is not None else None
    try:
        return state.router.plan(request, provider, state.fallback)
    except LlmError as exc:
        raise type(exc)(f"{who}: {exc.message}", provider=exc.provider) from None


def call(state: LlmState, who: str, request: ChatRequest, o: dict, *, stream: bool = False,
         on_chunk=None) -> ChatResponse:
    """One call through the request pipeline and the chosen provider (or the failover order).

    With ``:cache`` in O (or inside ``llm/with-cache``) the response cache answers first; a miss
    goes on through the pipeline (budget, cassette, rate limit, router).
    """
    from .pipeline import Call
    options = {"provider": o["provider"]} if o.get("provider") is not None else {}

    def through_pipeline(req):
        return state.pipeline.call(Call(req, who, "stream" if stream else "chat", options, on_chunk))
    cache = o.get("cache")
    if cache is not False and (cache is not None or state.cache is not None):
        from .cache_builtins import cached_call
        return cached_call(state, who, request, o, stream=stream, on_chunk=on_chunk, miss=through_pipeline)
    return through_pipeline(request)


def _is_lisp(entry) -> bool:
    return isinstance(entry[0] if isinstance(entry, tuple) else entry, LispProvider)


def run_batch(state: LlmState, who: str, requests: list[ChatRequest], o: dict) -> list:
    """Complete REQUESTS concurrently (Lisp providers: one after the other, on this thread).

    Returns one ChatResponse or LlmError per request, in input order.
    """
    if not requests:
        return []
    cache = o.get("cache")
    if cache is not False and (cache is not None or state.cache is not None):
        from .cache_builtins import cached_batch
        return cached_batch(state, who, requests, o)
    entries, first = targets(state, who, o, requests[0])
    if first is not requests[0]:  # a provider/model prefix was stripped
        requests = [r.with_model(first.model) for r in requests]
    usage = state.registry.usage
    limit = lisp_int(who, "max-concurrency", o.get("max-concurrency")) or 100
    if state.pipeline.active:  # cassettes, budgets, rate limits: each request through the pipeline
        def through(r):
            try:
                return call(state, who, r, o)
            except LlmError as exc:
                return exc
        if any(_is_lisp(e) for e in entries):
            return [through(r) for r in requests]
        from .inflight import map_threads
        return map_threads(through, requests, limit)

    def one(r):
        try:
            return complete_with_fallback(entries, r, usage=usage, breaker=state.router.breaker)
        except LlmError as exc:
            return exc
    if len(entries) == 1:
        provider, model = entries[0] if isinstance(entries[0], tuple) else (entries[0], None)
        if not isinstance(provider, LispProvider):
            if model is not None:
                requests = [r.with_model(model) for r in requests]
            return batch_complete(provider, requests, usage=usage, max_concurrency=limit, return_exceptions=True)
    if any(_is_lisp(e) for e in entries):
        return [one(r) for r in requests]
    from .inflight import map_threads
    return map_threads(one, requests, limit)


def fallback_entry(registry, who: str, entry):
    """``:openai``, ``"openai"``, ``[:openai "gpt-4o"]`` or ``{:provider :openai :model "gpt-4o"}`` -> (name, model)."""
    model = None
    if isinstance(entry, Map):
        d = lisp_options(who, entry)
        name, model = d.get("provider"), d.get("model")
    elif entry.__class__ is tuple or isinstance(entry, (Pair, ArrayList)):
        parts = lisp_items(who, entry, "a fallback entry")
        if len(parts) != 2:
            raise LispValueError(f"{who}: a fallback entry [provider model] has two items, got {short(entry)}")
        name, model = parts
    else:
        name = entry
    return lisp_name(name, who), lisp_str(who, "model", model)


def _fallback_provider(registry, who: str, entry):
    name, model = fallback_entry(registry, who, entry)
    return _get(registry, name, who), model


def _stdout_chunk(chunk: str) -> None:
    out = output.stdout()
    out.write(chunk)
    out.flush()


def _option_strings(*names):
    """A sandbox extractor: the string values of option NAMES in the options map (argument 2)."""
    keys = [Keyword(n) for n in names]

    def extract(args, interp):
        opts = args[1] if len(args) > 1 else None
        return [opts.get(k) for k in keys] if isinstance(opts, Map) else []
    return extract


#: configuring a provider at a URL the code chose is network access there; key files are files it reads
CONFIGURE_NEEDS = ("llm", Need("net", urls=_option_strings("base-url", "host"), optional=True),
                   Need("fs-read", paths=_option_strings("key-file", "token-file", "credentials-file"),
                        optional=True))


def _skip(fn):
    fn.doc_example_skip = True  # the examples need network access or the environment
    return fn


# ---------------------------------------------------------------- provider management


@interp_builtin("llm/auto-configure", needs=("llm", "env-read"))
def make_auto_configure(interp):
    """Register every provider whose key (or local server URL) is in the environment; return the default.

    Reads each provider's key variable (ANTHROPIC_API_KEY, OPENAI_API_KEY, ...) and base-URL override,
    SEMA_LLM_PROVIDER (the preferred provider) and SEMA_DEFAULT_MODEL. Runs at start-up unless --no-llm.

    (llm/auto-configure) ; => :anthropic
    """
    def llm_auto_configure() -> Any:
        registry = interp.llm
        before = len(registry.warnings)
        default = registry.auto_configure()
        warn(registry.warnings[before:])
        return _K(default) if default else None
    return _skip(llm_auto_configure)


def warn(messages) -> None:
    """Print key-format and configuration warnings on stderr."""
    for message in messages:
        sys.stderr.write(f"sema: warning: {message}\n")


@interp_builtin("llm/configure", needs=CONFIGURE_NEEDS)
def make_configure(interp):
    """Configure provider NAME with OPTS {:api-key :base-url :default-model :host :timeout ...}; it becomes the default.

    NAME is a known provider (:openai, :anthropic, :gemini, :ollama, :groq, :bedrock, :vertex, :copilot,
    ... or an alias such as :claude, case-insensitive); any other name with :api-key and :base-url is an
    OpenAI-compatible provider. A missing key or base URL is read from the provider's environment
    variables. Options are checked here: {:headers 5} or {:timeout "soon"} is a type error. Other options:
    :chat-path :connect-timeout :idle-timeout :max-retries :headers, and per auth scheme :region :profile
    (Bedrock), :key-file :project :location (Vertex), :token-file (Copilot), :credentials-file (Qwen).

    (llm/configure :vllm {:base-url "http://localhost:8000/v1" :default-model "qwen3"}) ; => nil
    """
    def llm_configure(name: Keyword | str, opts: Map | None = None) -> Any:
        who = "llm/configure"
        registry = interp.llm
        before = len(registry.warnings)
        options = {k: to_python(v) for k, v in lisp_options(who, opts).items()}
        try:
            registry.configure(lisp_name(name, who), options)
        except (FieldError, BadKeyError) as exc:
            raise LispTypeError(f"{who}: {exc.message}") if isinstance(exc, FieldError) else \
                LispValueError(f"{who}: {exc.message}") from None
        warn(registry.warnings[before:])
        return None
    return llm_configure


@interp_builtin("llm/define-provider", needs="llm")
def make_define_provider(interp):
    """Register a provider written in Lisp and make it the default; returns its name.

    OPTS: :complete (required) a function of the request map returning a string or a response map;
    :default-model (default "default"); :embed (optional) a function of a list of strings returning
    a list of vectors.

    (llm/define-provider :echo {:complete (fn (req) (:content (last (:messages req))))}) ; => :echo
    (llm/define-provider :echo {:complete (fn (req) (:content (last (:messages req))))}) (llm/complete "ping") ; => "ping"
    """
    def llm_define_provider(name: Keyword | str, opts: Map) -> Keyword:
        who = "llm/define-provider"
        n = lisp_name(name, who)
        o = lisp_options(who, opts)
        complete, embed = o.get("complete"), o.get("embed")
        if not callable(complete):
            raise LispValueError(f"{who}: :{n} needs a :complete function, got {short(complete)}")
        if embed is not None and not callable(embed):
            raise LispTypeError(f"{who}: :embed must be a function, got {short(embed)}")
        model = lisp_str(who, "default-model", o.get("default-model")) or "default"
        interp.llm.register(n, LispProvider(n, complete, model, embed=embed, interp=interp), make_default=True)
        return _K(n)
    return llm_define_provider


@interp_builtin("llm/set-default", needs="llm")
def make_set_default(interp):
    """Make the configured provider NAME the default; an unknown name is an error listing the configured ones.

    (llm/define-provider :a {:complete (fn (r) "a")}) (llm/define-provider :b {:complete (fn (r) "b")}) (llm/set-default :a) (llm/complete "x") ; => "a"
    """
    def llm_set_default(name: Keyword | str) -> Keyword:
        who = "llm/set-default"
        try:
            return _K(interp.llm.set_default(lisp_name(name, who)))
        except LlmError as exc:
            raise LlmError(f"{who}: {exc.message}") from None
    return llm_set_default


@interp_builtin("llm/list-providers", needs="llm")
def make_list_providers(interp):
    """The configured providers, as a list of keywords, in registration order.

    (llm/define-provider :echo {:complete (fn (r) "")}) (llm/list-providers) ; => (:echo)
    """
    def llm_list_providers() -> Any:
        return make_list([_K(n) for n in interp.llm.list()])
    return llm_list_providers


@interp_builtin("llm/current-provider", needs="llm")
def make_current_provider(interp):
    """The active provider as {:name :model} (its default model), or nil when none is configured.

    (llm/define-provider :echo {:complete (fn (r) "") :default-model "echo-1"}) (llm/current-provider) ; => {:model "echo-1" :name :echo}
    """
    def llm_current_provider() -> Any:
        registry = interp.llm
        provider = registry.default_provider()
        if provider is None:
            return None
        model = getattr(provider, "default_model", None) or "default"
        return make_map([(_K("name"), _K(registry.default)), (_K("model"), model)])
    return llm_current_provider


@interp_builtin("llm/default-provider", needs="llm")
def make_default_provider(interp):
    """The default provider's name as a keyword, or nil.

    (llm/default-provider) ; => nil
    """
    def llm_default_provider() -> Any:
        default = interp.llm.default
        return _K(default) if default and default in interp.llm else None
    return llm_default_provider


def _catalog_entry(row: dict) -> Map:
    row = dict(row)
    row["id"] = _K(row["id"])
    row["aliases"] = make_list([_K(a) for a in row["aliases"]])
    row["category"] = _K(row["category"])
    row["supports"] = make_list([_K(s) for s in row["supports"]])
    row["key-env"] = make_list(row["key-env"])
    row["base-url-env"] = make_list(row["base-url-env"])
    return make_map((_K(k), v) for k, v in row.items())


@interp_builtin("llm/providers", needs="llm")
def make_providers(interp):
    """The catalogue of known providers (maps with :id :label :adapter :base-url :default-model :category ...).

    FILTER keeps rows matching {:local bool :category kw :supports kw :configured bool}.

    (map :id (llm/providers {:category :local :supports :embed})) ; => (:ollama :lmstudio :llamacpp :localai :litellm :vllm :sglang :tgi :openai-compatible)
    """
    def llm_providers(filter_: Map | None = None) -> Any:
        who = "llm/providers"
        f = lisp_options(who, filter_)
        unknown = sorted(set(f) - {"local", "category", "supports", "configured"})
        if unknown:
            raise LispValueError(f"{who}: unknown filter key :{unknown[0]} "
                                 f"(expected :local, :category, :supports or :configured)")
        rows = interp.llm.catalog(
            local=None if f.get("local") is None else f["local"] is not False,
            category=None if f.get("category") is None else lisp_name(f["category"], who, "a category"),
            supports=None if f.get("supports") is None else lisp_name(f["supports"], who, "a feature"),
            configured=None if f.get("configured") is None else f["configured"] is not False)
        return make_list([_catalog_entry(r) for r in rows])
    return llm_providers


@interp_builtin("llm/discover-local", needs=("llm", Need("net", urls=lambda args, interp: ["http://localhost/"])))
def make_discover_local(interp):
    """Probe the known local servers (Ollama, LM Studio, vLLM, llama.cpp ...) and list those that answer.

    Each result is {:id :base-url :models :also :needs-key :status}. Any HTTP answer means a server is
    there: 401/403 set :needs-key, another status (a proxy answering 500 to a probe without a key) is
    reported with its :status and no models. OPTS: {:timeout seconds} (default 0.5).

    (llm/discover-local) ; => ({:also () :base-url "http://localhost:11434" :id :ollama :models ("llama3.2:latest") :needs-key #f :status 200})
    """
    def llm_discover_local(opts: Map | None = None) -> Any:
        o = lisp_options("llm/discover-local", opts)
        timeout = lisp_real("llm/discover-local", "timeout", o.get("timeout")) or 0.5
        out = []
        for r in interp.llm.discover_local(timeout=timeout):
            out.append(make_map([(_K("id"), _K(r["id"])), (_K("base-url"), r["base-url"]),
                                 (_K("models"), make_list(list(r["models"]))),
                                 (_K("also"), make_list([_K(a) for a in r["also"]])),
                                 (_K("needs-key"), bool(r["needs-key"])), (_K("status"), r["status"])]))
        return make_list(out)
    return _skip(llm_discover_local)


# ---------------------------------------------------------------- calls


@interp_builtin("llm/complete", needs="llm")
def make_complete(interp):
    """Send PROMPT (a string) to the default provider and return the reply text.

    OPTS: :model (a "provider/model" name selects the provider) :provider :max-tokens :temperature
    :system :stop-sequences :timeout (the call's total deadline in seconds, retries included) :tools
    :tool-choice :response-format (:json or {:schema ...}; the decoded answer is checked) :extra.
    With several providers configured, a retriable failure moves on to the next one (see llm/set-fallback).

    (llm/define-provider :shout {:complete (fn (req) (string/upper (:content (last (:messages req)))))}) (llm/complete "hello") ; => "HELLO"
    (llm/define-provider :sys {:complete (fn (req) (:system req))}) (llm/complete "hi" {:system "be brief"}) ; => "be brief"
    """
    state = state_of(interp)

    def llm_complete(prompt: str, opts: Map | None = None) -> str:
        who = "llm/complete"
        o = lisp_options(who, opts)
        return call(state, who, build_request(who, messages_of(who, prompt), o), o).content
    return llm_complete


@interp_builtin("llm/chat", needs="llm")
def make_chat(interp):
    """Send MESSAGES (a list of {:role :content} maps; roles as keywords or strings) and return the reply text.

    Assistant messages may carry :tool-calls; a {:role :tool :tool-call-id ID :content RESULT} message
    carries a tool's result back. OPTS as for llm/complete. When :tools holds tool values (deftool),
    the tool loop runs: the model's calls are checked and run, their results sent back, until it
    answers; :tool-mode :auto (default), :none or :required (the first call must use a tool);
    :max-tool-rounds (10). A failing tool is an error result the model can correct.

    (llm/define-provider :count {:complete (fn (req) (str (length (:messages req))))}) (llm/chat [{:role :system :content "s"} {:role :user :content "u"}]) ; => "2"
    (deftool add "Add" {:a :int :b :int} +) (llm/define-provider :m {:complete (fn (req) (if (= (:role (last (:messages req))) "tool") (str "sum " (:content (last (:messages req)))) {:tool-calls [{:id "c1" :name "add" :arguments {:a 2 :b 3}}]}))}) (llm/chat [{:role :user :content "2+3?"}] {:tools [add]}) ; => "sum 5"
    """
    state = state_of(interp)

    def llm_chat(messages: Any, opts: Map | None = None) -> str:
        who = "llm/chat"
        o = lisp_options(who, opts)
        tools = runnable_tools(o.get("tools"))
        if tools:  # tool values with handlers: run the tool loop
            from .toolloop import chat_with_tools
            return chat_with_tools(state, who, messages_of(who, messages), o, tools=tools,
                                   reset=interp._reset_tail_state).content
        return call(state, who, build_request(who, messages_of(who, messages), o), o).content
    return llm_chat


def runnable_tools(tools) -> list | None:
    """The items of a :tools option when some of them can be run (tool values), else None."""
    if tools is None or isinstance(tools, Map):
        return None
    try:
        items = lisp_items("llm/chat", tools, "a list of tools")
    except LispTypeError:
        return None
    from .toolloop import is_runnable
    return items if any(is_runnable(t) for t in items) else None


@interp_builtin("llm/stream", needs="llm")
def make_stream(interp):
    """Stream the reply to PROMPT (a string or a list of messages); return the full text.

    Each chunk (a string) goes to CALLBACK, or to standard output as it arrives when there is no
    callback. A Lisp provider sends its whole answer as one chunk. OPTS as for llm/complete. With
    :tools in OPTS (or :response #t) the whole response map is returned instead, as llm/request returns
    it, so that streamed tool calls are not lost.

    (llm/define-provider :echo {:complete (fn (req) "abc")}) (define got (atom '())) (llm/stream "x" (fn (c) (swap! got (fn (l) (cons c l))))) ; => "abc"
    """
    state = state_of(interp)

    def llm_stream(prompt: Any, callback: Any = None, opts: Map | None = None) -> str:
        who = "llm/stream"
        if isinstance(callback, Map) and opts is None:
            callback, opts = None, callback
        if callback is not None and not callable(callback):
            raise LispTypeError(f"{who}: the callback must be a function, got {got(callback)}")
        o = lisp_options(who, opts)
        request = build_request(who, messages_of(who, prompt), o)
        response = call(state, who, request, o, stream=True, on_chunk=callback or _stdout_chunk)
        if request.tools or (o.get("response") is not None and o.get("response") is not False):
            return response_map(response)
        if callback is None:
            interp.streamed = response.content  # already on the screen: the REPL does not print it again
        return response.content
    return llm_stream


@interp_builtin("llm/request", needs="llm")
def make_request(interp):
    """Send a whole request map (the contract's keys) and return the whole response map.

    The request has :messages (a list of message maps, or a string) and any of :model :provider
    :max-tokens :temperature :system :tools :tool-choice :stop-sequences :timeout :response-format. The
    response is {:content :role :model :stop-reason :usage {:prompt-tokens :completion-tokens
    :total-tokens ...} :tool-calls ({:id :name :arguments}) :provider}, plus :parsed (the decoded JSON)
    when a :response-format was asked for.

    (llm/define-provider :m {:complete (fn (req) {:content "ok" :usage {:prompt-tokens 3 :completion-tokens 1}})}) (:usage (llm/request {:messages "hi"})) ; => {:cache-creation-tokens 0 :cache-read-tokens 0 :completion-tokens 1 :prompt-tokens 3 :total-tokens 4}
    (llm/define-provider :m {:complete (fn (req) {:tool-calls [{:id "c1" :name "add" :arguments {:a 1}}]})}) (:tool-calls (llm/request {:messages "add"})) ; => ({:arguments {:a 1} :id "c1" :name "add"})
    """
    state = state_of(interp)

    def llm_request(request: Map) -> Map:
        who = "llm/request"
        o = lisp_options(who, request)
        if o.get("messages") is None:
            raise LispValueError(f"{who}: the request map needs :messages")
        return response_map(call(state, who, build_request(who, messages_of(who, o["messages"]), o), o))
    return llm_request


@interp_builtin("llm/batch", needs="llm")
def make_batch(interp):
    """Send every prompt of PROMPTS concurrently; return the reply texts in input order.

    A prompt is a string or a list of messages. OPTS as for llm/complete, plus :max-concurrency
    (default 100) and :return-errors. Lisp providers are called one after the other. Every prompt is
    answered even when some fail: by default the first failure is raised after all finished, naming
    the prompt's index, and its error map carries :results (the answers, nil where a prompt failed);
    with :return-errors #t the list holds, for each failed prompt, its error map (with :index).

    (llm/define-provider :up {:complete (fn (req) (string/upper (:content (last (:messages req)))))}) (llm/batch ["a" "b" "c"]) ; => ("A" "B" "C")
    (llm/define-provider :picky {:complete (fn (req) (if (= (:content (last (:messages req))) "b") (error "no b") "ok"))}) (map (fn (r) (if (map? r) (:index r) r)) (llm/batch ["a" "b" "c"] {:return-errors #t})) ; => ("ok" 1 "ok")
    """
    state = state_of(interp)

    def llm_batch(prompts: Any, opts: Map | None = None) -> Any:
        who = "llm/batch"
        o = lisp_options(who, opts)
        items = lisp_items(who, prompts, "a list of prompts")
        requests = [build_request(who, messages_of(who, p), o) for p in items]
        results = run_batch(state, who, requests, o)
        texts = [None if isinstance(r, LlmError) else r.content for r in results]
        if o.get("return-errors") is not None and o.get("return-errors") is not False:
            return make_list([_batch_error(interp, r, n, len(results)) if isinstance(r, LlmError) else r.content
                              for n, r in enumerate(results)])
        for n, r in enumerate(results):
            if isinstance(r, LlmError):
                err = type(r)(f"{who}: prompt {n} (of {len(results)}) failed: {r.message}", provider=r.provider,
                              status=r.status, provider_message=r.provider_message, retry_after=r.retry_after,
                              retriable=r.retriable)
                err.index, err.attempts = n, r.attempts
                err.results = texts
                raise err from None
        return make_list(texts)
    return llm_batch


def _batch_error(interp, err: LlmError, index: int, count: int) -> Map:
    """A failed prompt's error map, as ``catch`` would see it, with its ``:index``."""
    from ..interpreter import error_map
    err.index = index
    m = error_map(err)
    return m.set(_K("message"), f"prompt {index} (of {count}) failed: {err.message}")


@interp_builtin("llm/embed", needs="llm")
def make_embed(interp):
    """The embedding of TEXT as a vector of floats; for a list of strings, a list of vectors.

    OPTS: :model :provider (default: the embeddings provider, else the default provider).

    (llm/define-provider :e {:complete (fn (r) "") :embed (fn (texts) (map (fn (t) [(length t) 1]) texts))}) (llm/embed "abc") ; => [3.0 1.0]
    """
    state = state_of(interp)

    def llm_embed(text: Any, opts: Map | None = None) -> Any:
        who = "llm/embed"
        o = lisp_options(who, opts)
        single = isinstance(text, str)
        texts = [text] if single else lisp_items(who, text, "a string or a list of strings")
        for t in texts:
            lisp_str(who, "text", t)
        from .pipeline import Call
        options = {"provider": lisp_name(o["provider"], who)} if o.get("provider") is not None else {}
        model = lisp_str(who, "model", o.get("model"))
        vectors = state.pipeline.embed(Call(ChatRequest(model), who, "embed", options, texts=tuple(texts)))
        out = [tuple(float(x) for x in v) for v in vectors]
        return out[0] if single else make_list(out)
    return llm_embed


def embed_vectors(state: LlmState, who: str, texts: list, options, model) -> list:
    """The vectors of TEXTS from the embeddings provider (or ``options["provider"]``)."""
    registry = state.registry
    if options.get("provider") is not None:
        provider = _get(registry, options["provider"], who)
    else:
        try:
            provider = registry.embedding_provider()
        except LlmError as exc:
            raise LlmError(f"{who}: {exc.message}") from None
    if not hasattr(provider, "embed"):
        name = getattr(provider, "name", "?")
        raise UnsupportedError(f"provider :{name} does not support embeddings", provider=name)
    from .inflight import call_interruptibly
    if hasattr(provider, "base_url"):  # an HTTP adapter: stoppable while in flight
        return call_interruptibly(provider.embed, texts, model)
    return provider.embed(texts, model)


# ---------------------------------------------------------------- usage and failover


@interp_builtin("llm/last-usage", needs="llm")
def make_last_usage(interp):
    """The last call's usage {:prompt-tokens :completion-tokens :total-tokens ... :model}, or nil.

    (llm/define-provider :m {:complete (fn (r) {:content "x" :usage {:prompt-tokens 5 :completion-tokens 2}})}) (llm/complete "q") (:total-tokens (llm/last-usage)) ; => 7
    """
    def llm_last_usage() -> Any:
        return usage_map(interp.llm.usage.last_dict())
    return llm_last_usage


@interp_builtin("llm/session-usage", needs="llm")
def make_session_usage(interp):
    """Token totals since start-up (or the last reset): the totals, :calls, and :per-model {"model" totals}.

    (llm/define-provider :m {:complete (fn (r) {:content "x" :usage {:prompt-tokens 5 :completion-tokens 2}})}) (llm/complete "q") (llm/complete "q") (:prompt-tokens (llm/session-usage)) ; => 10
    """
    def llm_session_usage() -> Map:
        d = interp.llm.usage.session_dict()
        per_model = make_map((model, usage_map(u)) for model, u in d.pop("per-model").items())
        return usage_map(d).set(_K("per-model"), per_model)
    return llm_session_usage


@interp_builtin("llm/reset-usage", needs="llm")
def make_reset_usage(interp):
    """Forget the usage recorded so far.

    (llm/reset-usage) ; => nil
    """
    def llm_reset_usage() -> Any:
        interp.llm.usage.reset()
        return None
    return llm_reset_usage


@interp_builtin("llm/with-fallback", needs="llm")
def make_with_fallback(interp):
    """Call THUNK with LLM calls failing over across PROVIDERS, in order, on retriable errors.

    PROVIDERS is a list or vector of names, [name model] pairs or {:provider :model} maps. Rate limits,
    5xx, timeouts and connection failures move on to the next provider; auth and bad-request errors
    fail at once. An explicit :provider or "provider/model" in a call bypasses the order.

    (llm/define-provider :down {:complete (fn (r) (throw {:status 503 :message "overloaded"}))}) (llm/define-provider :up {:complete (fn (r) "from up")}) (llm/with-fallback [:down :up] (fn () (llm/complete "hi"))) ; => "from up"
    """
    state = state_of(interp)

    def llm_with_fallback(providers: Any, thunk: Callable_) -> Any:
        who = "llm/with-fallback"
        entries = [_fallback_provider(interp.llm, who, e) for e in lisp_items(who, providers, "a list of providers")]
        if not entries:
            raise LispValueError(f"{who}: the provider list is empty")
        saved = state.fallback
        state.fallback = entries
        try:
            return thunk()
        finally:
            state.fallback = saved
    return llm_with_fallback


@interp_builtin("llm/set-fallback", needs="llm")
def make_set_fallback(interp):
    """Set the standing failover order for every LLM call (nil: back to the configuration order); returns it.

    Without it the order is the default provider, then the other configured chat providers in the order
    they were configured. Calls without an explicit :provider try the providers in order, moving on only
    on retriable errors. SEMA_LLM_FALLBACK="anthropic,openai" sets it at start-up.

    (llm/define-provider :a {:complete (fn (r) "a")}) (llm/set-fallback [:a]) ; => (:a)
    """
    def llm_set_fallback(providers: Any) -> Any:
        who = "llm/set-fallback"
        router = interp.llm.router
        if providers is None:
            router.set_order(None)
            return None
        items = lisp_items(who, providers, "a list of providers")
        entries = []
        for item in items:
            name, model = fallback_entry(interp.llm, who, item)
            _get(interp.llm, name, who)  # check now: unknown names fail here, not later
            entries.append((interp.llm.canonical(name), model) if model else interp.llm.canonical(name))
        router.set_order(entries)
        return make_list([_K(e) if isinstance(e, str) else make_list([_K(e[0]), e[1]]) for e in entries])
    return llm_set_fallback


__all__ = ["LlmState", "state_of", "build_request", "messages_of", "response_map", "call", "run_batch", "warn"]
