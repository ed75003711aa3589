"""The llm/* builtins (sema/llm/builtins.py, lisp_provider.py, setup.py) seen from Lisp.

Providers used: Lisp providers (llm/define-provider), Python providers (a class,
a plain callable, FakeProvider) registered with Interpreter.register_provider,
and the real HTTP adapters pointed at the fake wire-format servers of
tests/llm (127.0.0.1 only).  No test reaches the network; conftest clears
every API key.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from sema.errors import SemaError
from sema.interpreter import Interpreter
from sema.llm import AuthError, FakeProvider, LlmError, RateLimitError, ServerError
from sema.printer import write_str
from sema.runtime.names import mangle
from sema.values import Keyword, Map

from .llm.wire import WEATHER, WEATHER_ROME, Reply
from .test_http_builtins import LocalServer

ROOT = Path(__file__).resolve().parent.parent
K = Keyword

ADAPTERS = ("openai", "anthropic", "gemini", "ollama")
KEYS = {"openai": "sk-test-openai-0123456789abcdef", "anthropic": "sk-ant-test-0123456789abcdef",
        "gemini": "AIzaTest0123456789abcdefghijklmn", "ollama": None}
PREFIX = {"openai": "/v1", "anthropic": "", "gemini": "/v1beta", "ollama": ""}

WEATHER_TOOL = ('{:name "get_weather" :description "Current weather for a city" '
                ':parameters {:type "object" :properties {:city {:type "string"}} :required ["city"]}}')




def configure(run, adapter, server, **opts):
    """(llm/configure :ADAPTER ...) pointed at SERVER, with no retries unless asked."""
    opts.setdefault("max-retries", 0)
    parts = [f':base-url "{server.url}{PREFIX[adapter]}"']
    if KEYS[adapter]:
        parts.append(f':api-key "{KEYS[adapter]}"')
    parts += [f":{k} {json.dumps(v)}" for k, v in opts.items()]
    run(f"(llm/configure :{adapter} {{{' '.join(parts)}}})")


def get(m, *keys):
    for k in keys:
        m = m[K(k)]
    return m


# ---------------------------------------------------------------- the contract's examples


MOCK_EXAMPLE = """
;; a deterministic provider for tests
(define responses (list "First response" "Second response"))
(define call-count (atom 0))
(llm/define-provider :mock
  {:complete (fn (req)
     (let ((i (deref call-count)))
       (swap! call-count (fn (n) (+ n 1)))
       (nth responses (mod i (length responses)))))
   :default-model "mock-v1"})
(llm/complete "anything")   ;; => "First response"
"""

MY_API_EXAMPLE = """
;; forwarding to a custom HTTP API
(llm/define-provider :my-api
  {:complete (fn (req)
     (define resp (json/decode
       (http/post "https://my-api.example.com/chat"
         {:headers {"Authorization" (string-append "Bearer " (env "MY_API_KEY"))
                    "Content-Type" "application/json"}
          :body (json/encode {:model (:model req)
                              :prompt (:content (last (:messages req)))})})))
     {:content (:text resp)
      :usage {:prompt-tokens (:input-tokens resp)
              :completion-tokens (:output-tokens resp)}})
   :default-model "my-model-v2"})
"""


def chat_api(req):
    """The custom API of the contract's example: {"model", "prompt"} -> {"text", "input-tokens", "output-tokens"}."""
    if req["headers"].get("authorization") != "Bearer my-secret-key-123456":
        return 401, {"content-type": "application/json"}, json.dumps({"error": "bad key"})
    body = json.loads(req["body"])
    if body["prompt"] == "please fail":
        return 503, {}, "overloaded"
    return 200, {"content-type": "application/json"}, json.dumps(
        {"text": f"{body['model']} says: {body['prompt'][::-1]}", "input-tokens": 7, "output-tokens": 3})


@pytest.fixture
def my_api(monkeypatch):
    server = LocalServer({("POST", "/chat"): chat_api})
    monkeypatch.setenv("MY_API_KEY", "my-secret-key-123456")
    yield server
    server.close()


class TestContractExamples:
    """Every example of provider-contract.md runs as written."""

    def test_mock_provider(self, run):
        """The :mock example answers "First response", then "Second response", then cycles."""
        assert run(MOCK_EXAMPLE) == "First response"
        assert run('(llm/complete "anything")') == "Second response"
        assert run('(llm/complete "anything")') == "First response"
        assert run("(llm/current-provider)") == Map({K("name"): K("mock"), K("model"): "mock-v1"})

    def test_forwarding_provider(self, run, my_api):
        """The :my-api example, verbatim except for the URL, against a local server."""
        assert "https://my-api.example.com/chat" in MY_API_EXAMPLE
        run(MY_API_EXAMPLE.replace("https://my-api.example.com/chat", my_api.url + "/chat"))
        assert run('(llm/complete "hello")') == "my-model-v2 says: olleh"
        sent = my_api.requests[-1]
        assert json.loads(sent["body"]) == {"model": "my-model-v2", "prompt": "hello"}
        assert sent["headers"]["content-type"] == "application/json"
        usage = run("(llm/last-usage)")
        assert (get(usage, "prompt-tokens"), get(usage, "completion-tokens"), get(usage, "total-tokens")) == (7, 3, 10)
        assert run('(llm/complete "x" {:model "v3"})') == "v3 says: x"

    def test_forwarding_provider_errors(self, run, my_api, monkeypatch):
        """An HTTP error inside the provider is an LLM error naming it, with the status kept."""
        run(MY_API_EXAMPLE.replace("https://my-api.example.com/chat", my_api.url + "/chat"))
        with pytest.raises(ServerError, match=r"provider :my-api .*503") as info:
            run('(llm/complete "please fail")')
        assert info.value.retriable and info.value.provider == "my-api"
        monkeypatch.setenv("MY_API_KEY", "wrong-key-0123456789")
        with pytest.raises(AuthError) as info:
            run('(llm/complete "hi")')
        assert "wrong-key-0123456789" not in str(info.value)


# ---------------------------------------------------------------- Lisp providers


class TestLispProviders:
    """A provider written in Lisp receives the contract's request map and may answer a string or a map."""

    def test_request_map(self, run):
        """Every contract key is present; roles are strings; unset keys are nil."""
        run("(define seen (atom nil)) (llm/define-provider :p {:complete (fn (req) (reset! seen req) \"ok\")})")
        run('(llm/complete "hi")')
        req = run("@seen")
        assert get(req, "model") == "default"
        assert write_str(get(req, "messages")) == '({:content "hi" :role "user"})'
        for key in ("max-tokens", "temperature", "system", "tools", "stop-sequences"):
            assert K(key) in req and req[K(key)] is None
        run('(llm/chat [{:role :system :content "s"} {:role "user" :content "u"}] '
            f'{{:max-tokens 7 :temperature 1 :system "sys" :stop-sequences ["END"] :tools [{WEATHER_TOOL}] '
            ':model "m9"})')
        req = run("@seen")
        assert write_str(get(req, "messages")) == '({:content "s" :role "system"} {:content "u" :role "user"})'
        assert get(req, "max-tokens") == 7 and get(req, "temperature") == 1.0
        assert isinstance(get(req, "temperature"), float)
        assert get(req, "system") == "sys" and get(req, "model") == "m9"
        assert write_str(get(req, "stop-sequences")) == '("END")'
        assert write_str(get(req, "tools")) == (
            '({:description "Current weather for a city" :name "get_weather" '
            ':parameters {:properties {:city {:type "string"}} :required ("city") :type "object"}})')

    def test_string_answer_defaults(self, run):
        """A string answer gets role "assistant", the request's model, "end_turn", zero usage, no tool calls."""
        run('(llm/define-provider :p {:complete (fn (req) "hello") :default-model "p-1"})')
        resp = run('(llm/request {:messages "hi"})')
        assert write_str(resp) == (
            '{:content "hello" :model "p-1" :provider :p :role "assistant" :stop-reason "end_turn" :tool-calls () '
            ':usage {:cache-creation-tokens 0 :cache-read-tokens 0 :completion-tokens 0 :prompt-tokens 0 '
            ':total-tokens 0}}')

    def test_map_answer(self, run):
        """Every key of a response map comes through; keywords as roles or stop reasons are accepted."""
        run('(llm/define-provider :p {:complete (fn (req) {:content "c" :role :assistant :model "x-2" '
            ':stop-reason "max_tokens" :usage {:prompt-tokens 4 :completion-tokens 6} '
            ':tool-calls [{:id "t1" :name "f" :arguments {:a [1 2]}}]})})')
        resp = run('(llm/request {:messages [{:role :user :content "q"}]})')
        assert get(resp, "model") == "x-2" and get(resp, "stop-reason") == "max_tokens"
        assert get(resp, "usage", "total-tokens") == 10 and get(resp, "role") == "assistant"
        assert write_str(get(resp, "tool-calls")) == '({:arguments {:a (1 2)} :id "t1" :name "f"})'

    def test_nil_answer_is_empty(self, run):
        """nil is an empty reply."""
        run("(llm/define-provider :p {:complete (fn (req) nil)})")
        assert run('(llm/complete "x")') == ""

    def test_bad_answer(self, run):
        """Anything but a string or a map is a clear LLM error naming the provider."""
        run("(llm/define-provider :p {:complete (fn (req) 42)})")
        with pytest.raises(LlmError, match=r"provider :p: :complete must return a string or a response map, "
                                           r"got int\w* 42"):
            run('(llm/complete "x")')

    def test_error_names_the_provider(self, run):
        """An error thrown inside :complete becomes an LLM error naming the provider; catch sees :type :llm."""
        run('(llm/define-provider :bad {:complete (fn (req) (error "kaput" 1))})')
        m = run('(try (llm/complete "x") (catch e e))')
        assert get(m, "type") == K("llm") and get(m, "message") == "provider :bad failed: kaput 1"
        assert get(m, "provider") == "bad" and get(m, "retriable") is False

    def test_thrown_status_maps_to_error_kind(self, run):
        """A thrown map with :status (or :retriable) picks the error class, so failover can use it."""
        run('(llm/define-provider :p {:complete (fn (req) (throw {:status 429 :message "slow down"}))})')
        with pytest.raises(RateLimitError, match="slow down"):
            run('(llm/complete "x")')
        run('(llm/define-provider :q {:complete (fn (req) (throw {:retriable #t :message "flaky"}))})')
        with pytest.raises(LlmError) as info:
            run('(llm/complete "x")')
        assert info.value.retriable

    def test_error_resets_tail_state(self, run):
        """After a provider error is caught, tail calls still work (the interpreter's state is reset)."""
        run('(llm/define-provider :bad {:complete (fn (req) (error "no"))})')
        run('(define (count-down n) (if (= n 0) :done (count-down (- n 1))))')
        assert run('(try (llm/complete "x") (catch e (count-down 100000)))') == K("done")

    def test_define_provider_checks(self, run):
        """:complete is required and must be a function; the name must be a keyword or string."""
        with pytest.raises(SemaError, match=r"llm/define-provider: :p needs a :complete function"):
            run("(llm/define-provider :p {:default-model \"x\"})")
        with pytest.raises(SemaError, match="expected a provider name"):
            run("(llm/define-provider 42 {:complete (fn (r) \"\")})")
        assert run('(llm/define-provider "named" {:complete (fn (r) "")})') == K("named")

    def test_stream_is_one_chunk(self, run):
        """Streaming through a Lisp provider sends the whole answer as one chunk."""
        run('(llm/define-provider :p {:complete (fn (req) "whole answer")})')
        run("(define got (atom '()))")
        assert run('(llm/stream "x" (fn (c) (swap! got (fn (l) (cons c l)))))') == "whole answer"
        assert write_str(run("@got")) == '("whole answer")'

    def test_batch_runs_serially_on_the_calling_thread(self, run, interp):
        """llm/batch calls a Lisp provider once per prompt, in order, on the evaluating thread."""
        threads = []
        interp.register_function("note-thread", lambda: threads.append(threading.get_ident()))
        run("(define order (atom '()))")
        run('(llm/define-provider :p {:complete (fn (req) (note-thread) '
            '(swap! order (fn (l) (cons (:content (last (:messages req))) l))) '
            '(string/upper (:content (last (:messages req)))))})')
        interp.register_function("eval-thread", threading.get_ident)
        result = run('(list (eval-thread) (llm/batch ["a" "b" "c" "d"]))')  # one evaluation, one thread
        assert write_str(result.cdr.car) == '("A" "B" "C" "D")'
        assert write_str(run("(reverse @order)")) == '("a" "b" "c" "d")'
        assert len(threads) == 4 and set(threads) == {result.car}

    def test_embed_function(self, run):
        """An :embed function gives llm/embed its vectors; without one, llm/embed is an unsupported error."""
        run('(llm/define-provider :e {:complete (fn (r) "") '
            ':embed (fn (texts) (map (fn (t) (list (string-length t) 0.5)) texts))})')
        assert run('(llm/embed "abcd")') == (4.0, 0.5)
        assert write_str(run('(llm/embed ["a" "bb"])')) == "([1.0 0.5] [2.0 0.5])"
        run('(llm/define-provider :n {:complete (fn (r) "")})')
        with pytest.raises(LlmError, match="provider :n does not support embeddings"):
            run('(llm/embed "x")')


# ---------------------------------------------------------------- Python providers


class Shouter:
    """A Python class provider (the docs' example)."""

    name = "shouter"
    default_model = "loud-1"

    def __init__(self):
        self.requests = []

    def complete(self, request):
        self.requests.append(request)
        text = request.messages[-1].content.upper()
        return {"content": text, "usage": {"prompt-tokens": 3, "completion-tokens": 1}}


class TestPythonProviders:
    """Providers written in Python, registered with Interpreter.register_provider, work from Lisp."""

    def test_class_provider(self, run, interp):
        """A class with complete() gets a ChatRequest with Python attributes and item access."""
        p = Shouter()
        interp.register_provider("shouter", p, make_default=True)
        assert run('(llm/complete "hi" {:max-tokens 5 :stop-sequences ["x"]})') == "HI"
        req = p.requests[-1]
        assert req.model == "loud-1" and req.max_tokens == 5 and req.stop_sequences == ("x",)
        assert req["messages"][0].role == "user" and req.messages[0].content == "hi"
        assert get(run("(llm/last-usage)"), "total-tokens") == 4
        assert run("(llm/current-provider)") == Map({K("name"): K("shouter"), K("model"): "loud-1"})

    def test_callable_provider(self, run, interp):
        """A plain callable is a provider; its errors name the registered provider."""
        interp.register_provider("echo", lambda request: "echo: " + request.messages[-1].content)
        assert run('(llm/complete "hi")') == "echo: hi"
        assert run('(llm/current-provider)') == Map({K("name"): K("echo"), K("model"): "default"})

        def broken(request):
            raise ValueError("boom")
        interp.register_provider("broken", broken)
        with pytest.raises(LlmError, match=r"provider :broken failed: boom"):
            run('(llm/complete "x" {:provider :broken})')

    def test_minimal_class_provider(self, run, interp):
        """A class with only complete() (no name, no default model) is seen under its registered name."""
        class Minimal:
            def complete(self, request):
                if request.messages[-1].content == "fail":
                    raise RuntimeError("minimal failed")
                return f"model={request.model}"
        interp.register_provider("mini", Minimal(), make_default=True)
        assert run('(llm/complete "x")') == "model=default"
        assert run("(llm/current-provider)") == Map({K("name"): K("mini"), K("model"): "default"})
        with pytest.raises(LlmError, match="provider :mini failed: minimal failed"):
            run('(llm/complete "fail")')

    def test_dict_with_tool_calls(self, run, interp):
        """A dict answer with "tool-calls" (or tool_calls) reaches llm/request as :tool-calls."""
        interp.register_provider("tools", lambda r: {"content": "", "tool_calls": [
            {"id": "c1", "name": "get_weather", "arguments": {"city": "Rome"}}], "stop_reason": "tool_use"},
            make_default=True)
        resp = run('(llm/request {:messages "weather?"})')
        assert write_str(get(resp, "tool-calls")) == '({:arguments {:city "Rome"} :id "c1" :name "get_weather"})'
        assert get(resp, "stop-reason") == "tool_use"

    def test_docs_python_example(self):
        """The Python example of docs/llm.md."""
        import sema
        interp = sema.Interpreter(llm=False)
        interp.register_provider("shouter", Shouter(), make_default=True)
        interp.register_provider("echo", lambda request: request.messages[-1].content)
        assert interp.eval('(llm/complete "hi")') == "HI"
        assert interp.eval('(llm/complete "hi" {:provider :echo})') == "hi"

    def test_fake_provider(self, run, interp):
        """FakeProvider's scripted replies, stream chunks, tool calls and errors, seen from Lisp."""
        fake = FakeProvider("fake", ["one", ["a", "b", "c"], FakeProvider.tool_reply(("id1", "f", {"x": 1})),
                                     AuthError("no key", provider="fake")])
        interp.register_provider("fake", fake, make_default=True)
        assert run('(llm/complete "q")') == "one"
        run("(define got (atom '()))")
        assert run('(llm/stream "q" (fn (c) (swap! got (fn (l) (cons c l)))))') == "abc"
        assert write_str(run("(reverse @got)")) == '("a" "b" "c")'
        assert write_str(get(run('(llm/request {:messages "q"})'), "tool-calls")) == \
            '({:arguments {:x 1} :id "id1" :name "f"})'
        with pytest.raises(AuthError):
            run('(llm/complete "q")')
        assert [r.messages[-1].content for r in fake.requests] == ["q"] * 4

    def test_python_providers_batch_concurrently(self, run, interp):
        """A Python provider's batch runs in threads; results keep the input order."""
        active, peak, lock = [0], [0], threading.Lock()

        def slow(request):
            with lock:
                active[0] += 1
                peak[0] = max(peak[0], active[0])
            time.sleep(0.05)
            with lock:
                active[0] -= 1
            return request.messages[-1].content * 2
        interp.register_provider("slow", slow, make_default=True)
        result = run("(llm/batch (map str (range 20)))")
        assert [str(x) for x in result] == [str(i) * 2 for i in range(20)]
        assert peak[0] > 1


# ---------------------------------------------------------------- provider management


class TestManagement:
    """configure, set-default, list, current and default provider, the catalogue."""

    def test_nothing_configured(self, run):
        """With no provider the queries answer nil or (), and a call is a clear error."""
        assert run("(llm/list-providers)") == run("'()")
        assert run("(llm/current-provider)") is None and run("(llm/default-provider)") is None
        with pytest.raises(LlmError, match=r"llm/complete: no LLM provider configured"):
            run('(llm/complete "x")')

    def test_set_default(self, run):
        """set-default switches; an unknown name is an error naming the configured ones."""
        run('(llm/define-provider :a {:complete (fn (r) "a")}) (llm/define-provider :b {:complete (fn (r) "b")})')
        assert run("(llm/default-provider)") == K("b")
        assert run("(llm/set-default :a)") == K("a") and run('(llm/complete "x")') == "a"
        assert run('(llm/set-default "b")') == K("b") and run('(llm/complete "x")') == "b"
        with pytest.raises(LlmError, match=r"llm/set-default: provider not configured: zzz \(configured: :a, :b\)"):
            run("(llm/set-default :zzz)")
        assert write_str(run("(llm/list-providers)")) == "(:a :b)"

    def test_provider_option_and_prefix(self, run):
        """:provider and a "provider/model" name choose the provider; an unknown prefix stays in the model name."""
        run('(llm/define-provider :a {:complete (fn (r) (str "a:" (:model r)))})')
        run('(llm/define-provider :b {:complete (fn (r) (str "b:" (:model r)))})')
        assert run('(llm/complete "x" {:provider :a})') == "a:default"
        assert run('(llm/complete "x" {:model "a/small"})') == "a:small"
        assert run('(llm/complete "x" {:model "meta-llama/Llama-3"})') == "b:meta-llama/Llama-3"
        with pytest.raises(LlmError, match="names provider :openai, which is not configured"):
            run('(llm/complete "x" {:model "openai/gpt-4o"})')

    def test_configure_openai_compatible(self, run):
        """Any name with :api-key and :base-url is an OpenAI-compatible provider; it becomes the default."""
        assert run('(llm/configure :my-gateway {:api-key "k-123456" :base-url "http://127.0.0.1:9/v1" '
                   ':default-model "m1"})') is None
        assert run("(llm/current-provider)") == Map({K("name"): K("my-gateway"), K("model"): "m1"})
        with pytest.raises(LlmError, match="needs :api-key and :base-url"):
            run('(llm/configure :nobody {:api-key "k"})')

    def test_configure_alias_and_key_warning(self, run, capsys):
        """Aliases resolve (:claude is :anthropic); a key of the wrong shape warns on stderr without quoting it."""
        run('(llm/configure :claude {:api-key "sk-proj-0123456789abcdefghij"})')
        assert run("(llm/default-provider)") == K("anthropic")
        err = capsys.readouterr().err
        assert "warning" in err and "does not look like" in err and "0123456789abcdefghij" not in err

    def test_configure_needs_key(self, run):
        """A keyed provider without a key (none in the environment) is an auth error saying where to put it."""
        with pytest.raises(AuthError, match="OPENAI_API_KEY"):
            run("(llm/configure :openai {})")

    def test_catalogue(self, run):
        """llm/providers lists spec rows as maps; filters narrow them."""
        rows = run("(llm/providers)")
        ids = [get(r, "id") for r in rows]
        assert K("anthropic") in ids and K("deepseek") in ids and len(ids) > 30
        local = run("(map :id (llm/providers {:local true}))")
        assert K("ollama") in local and K("openai") not in local
        assert write_str(run('(map :id (llm/providers {:category "china-labs" :supports :embed}))')) == "(:qwen)"
        run('(llm/define-provider :mine {:complete (fn (r) "")})')
        assert run("(llm/providers {:configured true})") == run("'()")
        with pytest.raises(SemaError, match="unknown filter key :bogus"):
            run("(llm/providers {:bogus 1})")

    def test_discover_local(self, run, fake_server, monkeypatch):
        """discover-local reports the local servers that answer, with their models."""
        ollama = fake_server("ollama")
        monkeypatch.setenv("OLLAMA_HOST", ollama.url)
        for name in ("LMSTUDIO_BASE_URL", "LLAMACPP_BASE_URL", "LOCALAI_BASE_URL", "LITELLM_BASE_URL",
                     "VLLM_BASE_URL", "SGLANG_BASE_URL", "TGI_BASE_URL", "MLX_BASE_URL"):
            monkeypatch.setenv(name, "http://127.0.0.1:9")
        found = run("(llm/discover-local {:timeout 0.5})")
        assert [get(r, "id") for r in found] == [K("ollama")]
        assert write_str(get(found.car, "models")) == '("llama3.2:latest")'


class TestOptions:
    """Call options and message maps are checked, with errors naming the builtin."""

    @pytest.mark.parametrize("src, message", [
        ('(llm/complete "x" {:max-tokens "10"})', "llm/complete: :max-tokens must be a positive integer, got string \"10\""),
        ('(llm/complete "x" {:temperature "hot"})', "llm/complete: :temperature must be a number"),
        ('(llm/complete "x" 5)', "llm/complete: options must be a map"),
        ('(llm/chat [{:role :robot :content "x"}])', "llm/chat: :role must be one of \"system\", \"user\", \"assistant\" or \"tool\", got keyword :robot"),
        ('(llm/chat ["x"])', "llm/chat: each message must be a map"),
        ('(llm/chat 42)', "llm/chat: expected a prompt string or a list of messages"),
        ('(llm/request {:model "m"})', "llm/request: the request map needs :messages"),
        ('(llm/stream "x" 42)', "llm/stream: the callback must be a function"),
        ('(llm/embed [1 2])', "llm/embed: :text must be a string"),
    ])
    def test_bad_arguments(self, run, src, message):
        """Each bad argument is a clear error naming the builtin."""
        run('(llm/define-provider :p {:complete (fn (r) "") :embed (fn (t) t)})')
        with pytest.raises(SemaError) as info:
            run(src)
        assert message in info.value.message

    def test_message_content_and_tool_fields(self, run, interp):
        """Non-string content is sent as JSON; :tool-calls and :tool-call-id reach the provider."""
        fake = FakeProvider("fake")
        interp.register_provider("fake", fake, make_default=True)
        run('(llm/chat [{:role :user :content "q"} '
            '{:role :assistant :content "" :tool-calls [{:id "c1" :name "f" :arguments {:x 1}}]} '
            '{:role :tool :tool-call-id "c1" :content {:result 42}}])')
        msgs = fake.requests[-1].messages
        assert msgs[1].tool_calls[0].arguments == {"x": 1} and msgs[1].tool_calls[0].id == "c1"
        assert msgs[2].role == "tool" and msgs[2].tool_call_id == "c1"
        assert json.loads(msgs[2].content) == {"result": 42}

    def test_options_reach_the_request(self, interp, run):
        """:timeout (seconds), :tool-choice, :extra and :system are carried by the request."""
        fake = FakeProvider("fake")
        interp.register_provider("fake", fake, make_default=True)
        run(f'(llm/complete "x" {{:timeout 2.5 :tool-choice :required :tools [{WEATHER_TOOL}] '
            ':extra {:seed 7} :system "sys" :unknown-key 1})')
        req = fake.requests[-1]
        assert req.timeout == 2.5 and req.tool_choice == "required" and req.extra == {"seed": 7}
        assert req.system == "sys" and req.tools[0].name == "get_weather"
        assert req.tools[0].parameters["required"] == ["city"]


# ---------------------------------------------------------------- HTTP adapters through Lisp


@pytest.fixture(params=ADAPTERS)
def adapter(request):
    return request.param


class TestAdapters:
    """llm/configure with :base-url on 127.0.0.1: each adapter answers complete, stream, request, embed."""

    def test_complete(self, run, adapter, fake_server):
        """The fake server's text answer comes back; usage is recorded with the model."""
        server = fake_server(adapter)
        configure(run, adapter, server, **{"default-model": "model-x"})
        server.push(Reply.say("Hello there"))
        assert run('(llm/complete "hi" {:max-tokens 20 :system "be nice"})') == "Hello there"
        usage = run("(llm/last-usage)")
        assert get(usage, "prompt-tokens") == 9 and get(usage, "completion-tokens") == 2
        assert get(usage, "model").startswith("model-x")

    def test_stream(self, run, adapter, fake_server):
        """Chunks reach the Lisp callback in order; the full text is returned."""
        server = fake_server(adapter)
        configure(run, adapter, server)
        server.push(Reply.say("Hello!", parts=("He", "ll", "o!")))
        run("(define got (atom '()))")
        assert run('(llm/stream "hi" (fn (c) (swap! got (fn (l) (cons c l)))))') == "Hello!"
        assert write_str(run("(reverse @got)")) == '("He" "ll" "o!")'
        assert get(run("(llm/last-usage)"), "completion-tokens") == 2

    def test_stream_to_stdout(self, run, adapter, fake_server, capsys):
        """Without a callback the chunks go to stdout."""
        server = fake_server(adapter)
        configure(run, adapter, server)
        server.push(Reply.say("streamed!", parts=("stream", "ed!")))
        capsys.readouterr()
        assert run('(llm/stream "hi")') == "streamed!"
        assert capsys.readouterr().out == "streamed!"

    def test_request_with_tools(self, run, adapter, fake_server):
        """:tools goes out in the vendor's format; two parallel tool calls come back as :tool-calls."""
        server = fake_server(adapter)
        configure(run, adapter, server)
        server.push(Reply.tools(WEATHER, WEATHER_ROME))
        resp = run(f'(llm/request {{:messages [{{:role :user :content "Weather?"}}] :tools [{WEATHER_TOOL}]}})')
        calls = get(resp, "tool-calls")
        assert [get(c, "name") for c in calls] == ["get_weather", "get_weather"]
        assert [get(c, "arguments", "city") for c in calls] == ["Paris", "Rome"]
        assert get(resp, "stop-reason") == "tool_use" and get(resp, "provider") == K(adapter)
        assert "get_weather" in json.dumps(server.last.body)

    def test_streamed_tool_calls(self, run, adapter, fake_server):
        """Issue #8: llm/stream with :tools returns the response map, so streamed tool calls are not dropped."""
        server = fake_server(adapter)
        configure(run, adapter, server)
        server.push(Reply.tools(WEATHER))
        response = run(f'(llm/stream "Weather?" (fn (c) c) {{:tools [{WEATHER_TOOL}]}})')
        (call,) = get(response, "tool-calls")
        assert (call[K("name")], write_str(call[K("arguments")])) == ("get_weather", '{:city "Paris"}')
        assert get(response, "stop-reason") == "tool_use" and get(response, "content") == ""
        assert get(run("(llm/last-usage)"), "prompt-tokens") == 60

    def test_tool_result_round_trip(self, run, adapter, fake_server):
        """An assistant message with :tool-calls and a :tool message are sent in the vendor's format."""
        server = fake_server(adapter)
        configure(run, adapter, server)
        server.push(Reply.say("It is sunny"))
        answer = run(f'(llm/chat [{{:role :user :content "Weather in Paris?"}} '
                     '{:role :assistant :content "" :tool-calls [{:id "call_A" :name "get_weather" '
                     ':arguments {:city "Paris"}}]} '
                     '{:role :tool :tool-call-id "call_A" :name "get_weather" :content "sunny, 18C"}] '
                     f'{{:tools [{WEATHER_TOOL}]}})')
        assert answer == "It is sunny"
        sent = json.dumps(server.last.body)
        assert "sunny, 18C" in sent and "Paris" in sent
        if adapter in ("openai", "anthropic"):
            assert "call_A" in sent

    def test_embed(self, run, adapter, fake_server):
        """llm/embed gives a vector for a string and a list of vectors for a list (not Anthropic)."""
        server = fake_server(adapter)
        configure(run, adapter, server)
        if adapter == "anthropic":
            with pytest.raises(LlmError, match="does not support embeddings"):
                run('(llm/embed "x")')
            return
        server.push(Reply(vectors=((0.5, 0.25),)))
        assert run('(llm/embed "hello")') == (0.5, 0.25)
        server.push(Reply(vectors=((1, 0), (0, 1))))
        assert write_str(run('(llm/embed ["a" "b"])')) == "([1.0 0.0] [0.0 1.0])"

    def test_key_never_in_errors(self, run, adapter, fake_server):
        """A 401 whose message echoes the key: the error (message, map, repr) never shows the key."""
        server = fake_server(adapter)
        key = KEYS[adapter] or "ollama-secret-key-0123456789"
        configure(run, adapter, server, **({} if KEYS[adapter] else {"api-key": key}))
        server.push(Reply.error(401, f"Incorrect API key provided: {key}"))
        m = run('(try (llm/complete "x") (catch e e))')
        text = write_str(m)
        assert "401" in text and key not in text
        assert get(m, "llm-error") == "auth" and get(m, "retriable") is False
        assert key not in write_str(run("(llm/current-provider)"))

    def test_retriable_errors_fail_over(self, run, adapter, fake_server):
        """Under llm/with-fallback a 429 from this adapter moves on to the next provider."""
        server = fake_server(adapter)
        configure(run, adapter, server)
        server.push(Reply.error(429, "Rate limit reached", retry_after=1))
        run('(llm/define-provider :backup {:complete (fn (r) "from backup")})')
        assert run(f'(llm/with-fallback [:{adapter} :backup] (fn () (llm/complete "x")))') == "from backup"


class TestKeysInReprs:
    """Keys stay out of the reprs of providers and registries."""

    def test_repr(self, interp, fake_server):
        """A configured HTTP provider's repr masks the key."""
        server = fake_server("openai")
        interp.eval_source(f'(llm/configure :openai {{:api-key "{KEYS["openai"]}" :base-url "{server.url}/v1"}})')
        provider = interp.llm.get("openai")
        assert KEYS["openai"] not in repr(provider) and KEYS["openai"] not in repr(provider.http)


# ---------------------------------------------------------------- batch


class TestBatch:
    """llm/batch sends prompts concurrently and keeps the input order."""

    def test_hundred_prompts_concurrently(self, run, fake_server):
        """100 prompts against a server answering in 200 ms are in flight together and finish quickly."""
        server = fake_server("openai")
        server.delay = 0.2
        configure(run, "openai", server)
        start = time.monotonic()
        result = run('(llm/batch (map (fn (i) (str "q" i)) (range 100)))')
        elapsed = time.monotonic() - start
        assert len(list(result)) == 100 and all(r == "Hello!" for r in result)
        assert server.peak >= 50
        assert elapsed < 5  # serially this would take 20 s
        assert get(run("(llm/session-usage)"), "calls") == 100

    def test_order_and_options(self, run, interp):
        """Results are in input order; options apply to every prompt; message lists are prompts too."""
        seen = []

        def upper(request):
            seen.append(request)
            time.sleep(0.01 * (3 - len(request.messages[-1].content)))  # later prompts finish first
            return request.messages[-1].content.upper()
        interp.register_provider("up", upper, make_default=True)
        assert write_str(run('(llm/batch ["a" [{:role :user :content "bb"}] "ccc"] {:max-tokens 3 :model "m"})')) \
            == '("A" "BB" "CCC")'
        assert sorted(r.messages[-1].content for r in seen) == ["a", "bb", "ccc"]
        assert all(r.max_tokens == 3 and r.model == "m" for r in seen)

    def test_failure_raises(self, run, interp):
        """A failed prompt raises its error after the batch."""
        interp.register_provider("fake", FakeProvider("fake", ["ok", AuthError("bad key", provider="fake")]),
                                 make_default=True)
        with pytest.raises(AuthError):
            run('(llm/batch ["a" "b"] {:max-concurrency 1})')

    def test_empty(self, run):
        """An empty batch is an empty list, with no provider needed."""
        assert run("(llm/batch '())") == run("'()")


# ---------------------------------------------------------------- fallback


class TestFallback:
    """llm/with-fallback tries providers in order on retriable errors only."""

    def setup_fakes(self, interp, first_script, second_script=("second",)):
        a = FakeProvider("a", list(first_script), default_model="a-model")
        b = FakeProvider("b", list(second_script), default_model="b-model")
        interp.register_provider("a", a)
        interp.register_provider("b", b)
        return a, b

    def test_order_on_retriable(self, run, interp):
        """A rate limit on the first provider moves on to the second, with its own default model."""
        a, b = self.setup_fakes(interp, [RateLimitError("busy", provider="a")])
        assert run('(llm/with-fallback [:a :b] (fn () (llm/complete "x")))') == "second"
        assert len(a.requests) == 1 and b.requests[0].model == "b-model"
        assert get(run("(llm/last-usage)"), "model") == "b-model"

    def test_non_retriable_fails_at_once(self, run, interp):
        """An auth error is raised at once; the second provider is never called."""
        a, b = self.setup_fakes(interp, [AuthError("bad key", provider="a")])
        with pytest.raises(AuthError, match="bad key"):
            run('(llm/with-fallback [:a :b] (fn () (llm/complete "x")))')
        assert b.requests == []

    def test_all_fail(self, run, interp):
        """When every provider fails, the last error is raised."""
        self.setup_fakes(interp, [ServerError("down", provider="a")], [ServerError("also down", provider="b")])
        with pytest.raises(ServerError, match="also down"):
            run('(llm/with-fallback [:a :b] (fn () (llm/complete "x")))')

    def test_entry_shapes_and_models(self, run, interp):
        """Entries may be [name model] pairs or {:provider :model} maps; the caller's model goes to the first."""
        a, b = self.setup_fakes(interp, [ServerError("down", provider="a")] * 3, ["s1", "s2", "s3"])
        run('(llm/with-fallback [[:a "a-big"] {:provider "b" :model "b-big"}] (fn () (llm/complete "x")))')
        assert a.requests[-1].model == "a-big" and b.requests[-1].model == "b-big"
        run('(llm/with-fallback [:a :b] (fn () (llm/complete "x" {:model "mine"})))')
        assert a.requests[-1].model == "mine" and b.requests[-1].model == "b-model"

    def test_scope_and_bypass(self, run, interp):
        """The order holds only inside the thunk (nested ones restore it); :provider bypasses it."""
        a, b = self.setup_fakes(interp, [RateLimitError("busy", provider="a")] * 2 + ["a-after"])
        run("(llm/set-default :a)")
        with pytest.raises(RateLimitError):
            run('(llm/with-fallback [:b] (fn () (llm/complete "x" {:provider :a})))')
        assert run('(llm/with-fallback [:a] (fn () (llm/with-fallback [:b] (fn () (llm/complete "x")))))') \
            == "second"
        # outside: the standing order (the default :a, then :b in configuration order) applies
        assert run('(llm/complete "x")') == "fake response"  # :b's script was used up above
        assert run('(llm/complete "x")') == "a-after"

    def test_lisp_providers(self, run):
        """Lisp providers fail over on thrown statuses; stream, request and batch use the order too."""
        run('(llm/define-provider :down {:complete (fn (r) (throw {:status 503 :message "overloaded"}))})')
        run('(llm/define-provider :up {:complete (fn (r) (str "up:" (:content (last (:messages r)))))})')
        assert run('(llm/with-fallback [:down :up] (fn () (llm/stream "s" (fn (c) c))))') == "up:s"
        assert get(run('(llm/with-fallback [:down :up] (fn () (llm/request {:messages "r"})))'), "provider") \
            == K("up")
        assert write_str(run('(llm/with-fallback [:down :up] (fn () (llm/batch ["a" "b"])))')) == '("up:a" "up:b")'

    def test_python_batch_with_fallback(self, run, interp):
        """A batch under a fallback order of Python providers runs concurrently and fails over per prompt."""
        self.setup_fakes(interp, [RateLimitError("busy", provider="a")] * 10, ["x"] * 10)
        result = run('(llm/with-fallback [:a :b] (fn () (llm/batch (map str (range 10)))))')
        assert list(result) == ["x"] * 10

    def test_errors(self, run, interp):
        """Unknown providers and empty lists are clear errors."""
        self.setup_fakes(interp, [])
        with pytest.raises(LlmError, match="llm/with-fallback: provider not configured: nope"):
            run('(llm/with-fallback [:a :nope] (fn () 1))')
        with pytest.raises(SemaError, match="the provider list is empty"):
            run("(llm/with-fallback [] (fn () 1))")

    def test_over_http(self, run, fake_server):
        """A 500 from the OpenAI adapter (after its retries) fails over to the Anthropic adapter."""
        openai, anthropic = fake_server("openai"), fake_server("anthropic")
        configure(run, "openai", openai)
        configure(run, "anthropic", anthropic)
        openai.push(Reply.error(500, "internal"))
        anthropic.push(Reply.say("from claude"))
        assert run('(llm/with-fallback [:openai :anthropic] (fn () (llm/complete "x")))') == "from claude"
        openai.push(Reply.error(400, "bad request here"))
        with pytest.raises(LlmError, match="bad request here"):
            run('(llm/with-fallback [:openai :anthropic] (fn () (llm/complete "x")))')


# ---------------------------------------------------------------- usage


class TestUsage:
    """last-usage, session-usage (totals and per model) and reset-usage."""

    def test_accounting(self, run):
        """Totals add up across calls and models; reset forgets everything."""
        run('(llm/define-provider :p {:complete (fn (r) {:content "x" :model (:model r) '
            ':usage {:prompt-tokens 10 :completion-tokens (string-length (:content (last (:messages r))))}})})')
        assert run("(llm/last-usage)") is None
        run('(llm/complete "abc" {:model "m1"})')
        run('(llm/complete "abcdef" {:model "m2"})')
        run('(llm/batch ["a" "b"] {:model "m1"})')
        last = run("(llm/last-usage)")
        assert get(last, "model") == "m1" and get(last, "completion-tokens") == 1
        s = run("(llm/session-usage)")
        assert (get(s, "calls"), get(s, "prompt-tokens"), get(s, "completion-tokens"), get(s, "total-tokens")) == \
            (4, 40, 11, 51)
        per = get(s, "per-model")
        assert per["m1"][K("completion-tokens")] == 5 and per["m2"][K("total-tokens")] == 16
        assert run("(llm/reset-usage)") is None
        assert run("(llm/last-usage)") is None and get(run("(llm/session-usage)"), "calls") == 0

    def test_interpreters_are_isolated(self):
        """Two interpreters have their own providers and usage."""
        one, two = Interpreter(llm=False), Interpreter(llm=False)
        one.eval_source('(llm/define-provider :p {:complete (fn (r) "x")}) (llm/complete "q")')
        assert two.eval_source("(llm/list-providers)") == two.eval_source("'()")
        assert two.eval_source("(llm/last-usage)") is None


# ---------------------------------------------------------------- start-up


class TestStartup:
    """configure_at_startup: environment, --model and --provider."""

    def test_no_environment_is_a_no_op(self):
        """With no LLM variables nothing is configured and httpx is not imported."""
        code = ("import sys; from sema.interpreter import Interpreter; i = Interpreter(); i.configure_llm(); "
                "i.eval_source('(llm/complete \"x\")') if False else None; "
                "print('httpx' in sys.modules, '_llm_registry' in i.__dict__)")
        env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)
        assert out.stdout.split() == ["False", "False"], out.stderr

    def test_environment(self, monkeypatch):
        """A key in the environment registers its provider as the default; SEMA_DEFAULT_MODEL sets the model."""
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0123456789abcdefghij")
        monkeypatch.setenv("SEMA_DEFAULT_MODEL", "gpt-4o-mini")
        interp = Interpreter()
        interp.configure_llm()
        assert write_str(interp.eval_source("(llm/current-provider)")) == '{:model "gpt-4o-mini" :name :openai}'

    def test_flags(self, monkeypatch):
        """--provider picks (and configures a keyless) provider; --model "provider/model" sets both."""
        interp = Interpreter()
        interp.configure_llm(model="qwen3", provider="ollama")
        assert write_str(interp.eval_source("(llm/current-provider)")) == '{:model "qwen3" :name :ollama}'
        interp = Interpreter()
        interp.configure_llm(model="ollama/llama3.2")
        assert write_str(interp.eval_source("(llm/current-provider)")) == '{:model "llama3.2" :name :ollama}'
        with pytest.raises(LlmError, match="--provider openai: provider :openai needs an API key"):
            Interpreter().configure_llm(provider="openai")
        with pytest.raises(LlmError, match="--provider nope: unknown provider"):
            Interpreter().configure_llm(provider="nope")

    def test_bad_environment_only_warns(self, monkeypatch, capsys):
        """SEMA_LLM_PROVIDER naming a provider without a key warns; start-up goes on."""
        monkeypatch.setenv("SEMA_LLM_PROVIDER", "groq")
        interp = Interpreter()
        interp.configure_llm()
        assert "SEMA_LLM_PROVIDER=groq" in capsys.readouterr().err

    def test_no_llm(self, monkeypatch):
        """llm=False (--no-llm) skips the environment."""
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0123456789abcdefghij")
        interp = Interpreter(llm=False)
        interp.configure_llm()
        assert interp.eval_source("(llm/list-providers)") == interp.eval_source("'()")

    def test_auto_configure_builtin(self, run, monkeypatch, fake_server):
        """(llm/auto-configure) reads keys and base-URL overrides and returns the default provider."""
        server = fake_server("openai")
        monkeypatch.setenv("OPENAI_API_KEY", KEYS["openai"])
        monkeypatch.setenv("OPENAI_BASE_URL", server.url + "/v1")
        assert run("(llm/auto-configure)") == K("openai")
        server.push(Reply.say("from env"))
        assert run('(llm/complete "x")') == "from env"

    def test_cli(self, tmp_path):
        """The sema command with --provider/--model shows the provider; without keys it starts fine."""
        env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
        out = subprocess.run([sys.executable, "-m", "sema", "--model", "ollama/qwen3", "-e", "(llm/current-provider)"],
                             capture_output=True, text=True, env=env, cwd=ROOT)
        assert out.stdout.strip() == '{:model "qwen3" :name :ollama}', out.stderr


# ---------------------------------------------------------------- examples, docs, doc strings


def _llm_builtin_names() -> list[str]:
    import importlib

    from sema.builtins import LAZY, load_all
    from sema.runtime.registry import INTERP_BUILTINS
    load_all()
    # the llm modules are lazy: import them, or this list is empty when the file runs alone and every
    # docstring test below is silently skipped (found while auditing issue 8)
    for module, names in LAZY.items():
        if any(n.startswith("llm/") for n in names):
            importlib.import_module(module)
    found = sorted(n for n in INTERP_BUILTINS if n.startswith("llm/"))
    assert found, "no llm/ builtins registered"
    return found


LLM_BUILTINS = _llm_builtin_names()


def _examples():
    sys.path.insert(0, str(ROOT / "tests"))
    from test_special_docs import examples_in
    interp = Interpreter(llm=False)
    cases = []
    for name in LLM_BUILTINS:
        fn = interp.namespace[mangle(name)]
        if getattr(fn, "doc_example_skip", False):
            continue
        for k, (src, expected) in enumerate(examples_in(inspect.getdoc(fn)), 1):
            cases.append(pytest.param(src, expected, id=f"{name}:{k}"))
    return cases


class TestDocStrings:
    """Every llm builtin has a docstring with an example; the ones needing no network run here."""

    @pytest.mark.parametrize("name", LLM_BUILTINS)
    def test_documented(self, name):
        """A description and at least one `(expr) ; => result` line."""
        fn = Interpreter(llm=False).namespace[mangle(name)]
        doc = inspect.getdoc(fn)
        assert doc and "; =>" in doc and not doc.startswith("(")

    @pytest.mark.parametrize("src, expected", _examples())
    def test_example(self, src, expected):
        """The example's value, in write form, is the text after `; =>`."""
        assert write_str(Interpreter(llm=False).eval_source(src, "<doc-example>")) == expected


class TestExamples:
    """examples/llm_*.scm run with no API key."""

    def run_file(self, name, capsys):
        interp = Interpreter(llm=False)
        interp.load_file(str(ROOT / "examples" / name))
        return capsys.readouterr().out

    def test_mock_provider(self, capsys):
        """The mock example prints its answers and counts its calls."""
        out = self.run_file("llm_mock_provider.scm", capsys)
        assert "complete: First response" in out and 'batch:    ("First response" "Second response"' in out

    def test_routing_provider(self, capsys):
        """The routing example dispatches by model name."""
        out = self.run_file("llm_routing_provider.scm", capsys)
        assert "HELLO THERE" in out and "the quick brown" in out and "no route for model" in out

    def test_gateway(self, capsys):
        """Issue #8: the gateway example fails over, opens and resets circuits, parses JSON and accounts usage."""
        out = self.run_file("llm_gateway.scm", capsys)
        assert "1: local answer to: What is the capital of France?" in out and "health: :open :open" in out
        assert "4: primary is back" in out and 'parsed: {:city \"Paris\" :population 2102650}' in out
        assert "calls: 5 tokens: 57" in out and 'by model: ("local/small-model" "primary/big-model")' in out

    def test_tool_roundtrip(self, capsys):
        """The tool example completes its loop."""
        assert "The weather: 18C and sunny in Paris" in self.run_file("llm_tool_roundtrip.scm", capsys)

    def test_http_provider_without_server(self, capsys, monkeypatch):
        """Without SEMA_EXAMPLE_API_URL the HTTP example only explains itself."""
        monkeypatch.delenv("SEMA_EXAMPLE_API_URL", raising=False)
        assert "set SEMA_EXAMPLE_API_URL" in self.run_file("llm_http_provider.scm", capsys)

    def test_http_provider(self, capsys, monkeypatch, my_api):
        """With a local server the HTTP example forwards, reports usage and fails over on a 503."""
        monkeypatch.setenv("SEMA_EXAMPLE_API_URL", my_api.url + "/chat")
        out = self.run_file("llm_http_provider.scm", capsys)
        assert "reply: my-model-v2 says: olleh yaS" in out
        assert ":total-tokens 10" in out and "fallback: backup answer" in out

    def test_command_line(self):
        """The mock example runs through the sema command."""
        env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
        out = subprocess.run([sys.executable, "-m", "sema", str(ROOT / "examples" / "llm_mock_provider.scm")],
                             capture_output=True, text=True, env=env, cwd=ROOT)
        assert out.returncode == 0 and "First response" in out.stdout, out.stderr


def _doc_blocks():
    text = (ROOT / "docs" / "llm.md").read_text(encoding="utf-8")
    return re.findall(r"```scheme runnable\n(.*?)```", text, re.S)


class TestDocsPage:
    """The runnable blocks of docs/llm.md run, each in a fresh interpreter."""

    @pytest.mark.parametrize("block", _doc_blocks(), ids=lambda b: b.strip().splitlines()[0][:40])
    def test_block(self, block):
        """The block runs without error (its asserts hold)."""
        Interpreter(llm=False).eval_source(block, "docs/llm.md")

    def test_has_blocks(self):
        """The page has runnable blocks, and its HTTP examples are not marked runnable."""
        blocks = _doc_blocks()
        assert len(blocks) >= 8 and not any("http/" in b for b in blocks)


class TestStandingFallbackOrder:
    """A configured provider order (llm/set-fallback or SEMA_LLM_FALLBACK) applies to every call."""

    DOWN_UP = ('(llm/define-provider :down {:complete (fn (r) (throw {:status 503 :message "overloaded"}))})'
               '(llm/define-provider :up {:complete (fn (r) "from up")})')

    def test_set_fallback_applies_to_later_calls(self, interp):
        """After (llm/set-fallback [:down :up]) a plain llm/complete fails over to :up."""
        interp.eval_source(self.DOWN_UP)
        assert write_str(interp.eval_source("(llm/set-fallback [:down :up])")) == "(:down :up)"
        assert interp.eval_source('(llm/complete "hi")') == "from up"
        interp.eval_source("(llm/set-fallback nil)")
        # back to the configuration order: the default first, then the others
        assert interp.eval_source('(llm/set-default :down) (llm/complete "hi")') == "from up"
        interp.eval_source("(llm/set-fallback [:down])")
        with pytest.raises(SemaError, match="overloaded"):
            interp.eval_source('(llm/complete "hi")')

    def test_unknown_provider_in_order_is_an_error_at_once(self, interp):
        """A name that is not configured fails when the order is set, naming it."""
        with pytest.raises(SemaError, match="nope"):
            interp.eval_source("(llm/set-fallback [:nope])")

    def test_order_from_the_environment(self, tmp_path):
        """SEMA_LLM_FALLBACK sets the order at start-up of the sema command."""
        import os
        import subprocess
        import sys
        script = tmp_path / "f.scm"
        script.write_text(self.DOWN_UP + '\n(println (llm/complete "hi"))\n')
        env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
        env["SEMA_LLM_FALLBACK"] = "down,up"
        proc = subprocess.run([sys.executable, "-m", "sema", str(script)], capture_output=True, text=True,
                              env=env, timeout=60)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout == "from up\n"
