"""Issue #8 (wire details found against real servers) and issue #7 (malformed answers, no Python-isms)."""

from __future__ import annotations

import base64
import json
import socket

import pytest

from sema.errors import SemaError
from sema.interpreter import Interpreter
from sema.llm import (
    AuthError,
    BadRequestError,
    ChatRequest,
    ImagePart,
    LlmConnectionError,
    Message,
    ProviderRegistry,
    ResponseFormatError,
    ServerError,
    ToolCall,
)
from sema.llm.providers import make_provider
from sema.printer import write_str
from sema.values import Keyword

from .conftest import ADAPTERS, KEYS, PREFIX, build
from .routeserver import RouteServer, openai_answer
from .wire import MODEL, Reply

K = Keyword
PERSON = {"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
          "required": ["name", "age"], "additionalProperties": False}
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n fake image bytes").decode()


@pytest.fixture
def routes():
    made = []

    def make(table):
        s = RouteServer(table)
        made.append(s)
        return s
    yield make
    for s in made:
        s.close()


def ask(text="hi", **kw):
    return ChatRequest(None, (Message("user", text),), **kw)


class TestToolResultContent:
    def test_assistant_tool_turn_sends_empty_string_not_null(self, fake_server):
        """llama.cpp answers 500 to "content": null on an assistant turn with tool calls: send ""."""
        server = fake_server("openai")
        provider = build("openai", server)
        req = ChatRequest(None, (Message("user", "weather?"),
                                 Message("assistant", "", (ToolCall("call_A", "get_weather", {"city": "Paris"}),)),
                                 Message("tool", "sunny", tool_call_id="call_A")))
        provider.complete(req)
        sent = server.last.body["messages"]
        assert sent[1]["content"] == "" and sent[1]["tool_calls"][0]["function"]["name"] == "get_weather"
        assert sent[2] == {"role": "tool", "tool_call_id": "call_A", "content": "sunny"}


class TestMaxCompletionTokens:
    @pytest.mark.parametrize("model, param", [("gpt-4o", "max_tokens"), ("gpt-5", "max_completion_tokens"),
                                              ("o3-mini", "max_completion_tokens"),
                                              ("openai/gpt-5-mini", "max_completion_tokens")])
    def test_parameter_per_model_family(self, fake_server, model, param):
        """Reasoning models (o1/o3/o4, gpt-5) get max_completion_tokens; others max_tokens."""
        server = fake_server("openai")
        build("openai", server).complete(ask(max_tokens=50).with_model(model))
        assert server.last.body[param] == 50 and len({"max_tokens", "max_completion_tokens"} & set(server.last.body)) == 1

    def test_learns_from_a_400_naming_the_parameter(self, routes):
        """A 400 naming max_tokens is retried once with max_completion_tokens, and remembered for the model."""
        def chat(req):
            body = req.json()
            if "max_tokens" in body:
                return 400, {"error": {"message": "Unsupported parameter: 'max_tokens' is not supported with this "
                                                  "model. Use 'max_completion_tokens' instead.",
                                       "type": "invalid_request_error", "param": "max_tokens",
                                       "code": "unsupported_parameter"}}
            return 200, openai_answer("ok", body["model"])
        server = routes({("POST", "/v1/chat/completions"): chat})
        provider = make_provider("openai", "openai", api_key="sk-x", base_url=server.url + "/v1", max_retries=0)
        assert provider.complete(ask(max_tokens=9).with_model("new-model")).content == "ok"
        assert provider.complete(ask(max_tokens=9).with_model("new-model")).content == "ok"
        sent = [("max_tokens" in r.json(), "max_completion_tokens" in r.json()) for r in server.requests]
        assert sent == [(True, False), (False, True), (False, True)]

    def test_learns_the_other_way_and_when_streaming(self, routes):
        """Issue 8: a server refusing max_completion_tokens for a gpt-5 / o3 name gets max_tokens on the retry,
        for a stream too."""
        def chat(req):
            body = req.json()
            if "max_completion_tokens" in body:
                return 400, {"error": {"message": "Unrecognized request argument supplied: max_completion_tokens",
                                       "type": "invalid_request_error", "param": "max_completion_tokens"}}
            return 200, openai_answer("ok", body["model"])
        server = routes({("POST", "/v1/chat/completions"): chat})
        provider = make_provider("openai", "openai", api_key="sk-x", base_url=server.url + "/v1", max_retries=0)
        assert provider.complete(ask(max_tokens=9).with_model("gpt-5-mini")).content == "ok"
        assert provider.stream(ask(max_tokens=9).with_model("o3-mini"), lambda c: None).content == "ok"
        sent = [[k for k in r.json() if k.startswith("max_")] for r in server.requests]
        assert sent == [["max_completion_tokens"], ["max_tokens"], ["max_completion_tokens"], ["max_tokens"]]
        assert server.requests[3].json()["max_tokens"] == 9

    def test_other_400s_are_not_retried(self, routes):
        """A 400 about something else is raised as it is."""
        server = routes({("POST", "/v1/chat/completions"): lambda r: (400, {"error": {"message": "bad messages"}})})
        provider = make_provider("openai", "openai", api_key="sk-x", base_url=server.url + "/v1", max_retries=0,
                                 default_model="m")
        with pytest.raises(BadRequestError, match="bad messages"):
            provider.complete(ask(max_tokens=9))
        assert len(server.requests) == 1


class TestResponseFormat:
    def reply(self, adapter, value):
        if adapter == "anthropic":  # Anthropic: the forced tool's input is the answer
            return Reply.tools(("toolu_1", "person", value))
        return Reply.say(json.dumps(value))

    @pytest.mark.parametrize("adapter", ADAPTERS)
    def test_schema_sent_and_answer_parsed(self, fake_server, adapter):
        """Each native format asks for the schema its own way; the JSON answer is decoded into :parsed."""
        server = fake_server(adapter)
        server.push(self.reply(adapter, {"name": "Ada", "age": 36}))
        fmt = {"type": "json_schema", "name": "person", "schema": PERSON}
        r = build(adapter, server).complete(ask(response_format=fmt))
        assert r.parsed == {"name": "Ada", "age": 36} and json.loads(r.content) == {"name": "Ada", "age": 36}
        body = server.last.body
        if adapter == "openai":
            assert body["response_format"] == {"type": "json_schema", "json_schema": {
                "name": "person", "schema": PERSON, "strict": True}}
        elif adapter == "anthropic":
            assert body["tool_choice"] == {"type": "tool", "name": "person"}
            assert body["tools"][-1]["input_schema"] == PERSON
            assert r.tool_calls == () and r.stop_reason == "end_turn"
        elif adapter == "gemini":
            gen = body["generationConfig"]
            assert gen["responseMimeType"] == "application/json"
            assert gen["responseSchema"]["required"] == ["name", "age"]
            assert "additionalProperties" not in gen["responseSchema"]
        else:
            assert body["format"] == PERSON

    @pytest.mark.parametrize("adapter", ADAPTERS)
    def test_answer_that_breaks_the_schema_is_an_error(self, fake_server, adapter):
        """An answer that does not match is a response-format error naming where (checked on return)."""
        server = fake_server(adapter)
        server.push(self.reply(adapter, {"name": "Ada", "age": "old"}))
        reg = ProviderRegistry(environ={})
        reg.register(adapter, build(adapter, server))
        with pytest.raises(ResponseFormatError, match=r"\$\.age: expected integer, got string \"old\""):
            reg.router.call(ask(response_format={"name": "person", "schema": PERSON}))

    def test_server_that_only_knows_json_object_schema(self, routes):
        """llama-cpp-python refuses json_schema (500): the schema is sent its way, once, and remembered."""
        def chat(req):
            fmt = req.json()["response_format"]
            if fmt["type"] == "json_schema":
                return 500, {"error": {"message": "1 validation error: ('body', 'response_format', 'type') "
                                                  "Input should be 'text' or 'json_object', input: 'json_schema'"}}
            return 200, openai_answer(json.dumps({"name": "Ada", "age": 1}))
        server = routes({("POST", "/v1/chat/completions"): chat})
        provider = make_provider("openai", "llamacpp", base_url=server.url + "/v1", default_model="m", max_retries=0)
        for _ in range(2):
            assert provider.complete(ask(response_format={"schema": PERSON})).parsed == {"name": "Ada", "age": 1}
        assert [r.json()["response_format"] for r in server.requests] == [
            {"type": "json_schema", "json_schema": {"name": "response", "schema": PERSON, "strict": True}},
            {"type": "json_object", "schema": PERSON}, {"type": "json_object", "schema": PERSON}]

    def test_json_mode_and_not_json(self, fake_server):
        """:json asks for any JSON object; prose back is an error quoting it."""
        server = fake_server("openai")
        server.push(Reply.say("Sure! Here it is."))
        reg = ProviderRegistry(environ={})
        reg.register("openai", build("openai", server))
        with pytest.raises(ResponseFormatError, match='answered text that is not JSON: "Sure! Here it is."'):
            reg.router.call(ask(response_format="json"))
        assert server.last.body["response_format"] == {"type": "json_object"}

    def test_from_lisp(self):
        """:response-format from Lisp; a Lisp provider's answer is checked too; :parsed holds the value."""
        interp = Interpreter(llm=False)
        interp.eval_source('(llm/define-provider :j {:complete (fn (r) "{\\"name\\": \\"Ada\\", \\"age\\": 36}")})')
        parsed = interp.eval_source('(:parsed (llm/request {:messages "who?" :response-format {:schema '
                                    '{:type "object" :properties {:age {:type "integer"}} :required ["age"]}}}))')
        assert write_str(parsed) == '{:age 36 :name "Ada"}'
        with pytest.raises(SemaError, match=r'the key "height" is missing'):
            interp.eval_source('(llm/request {:messages "who?" :response-format {:schema {:type "object" '
                               ':required ["height"]}}})')


class TestImages:
    @pytest.mark.parametrize("adapter", ADAPTERS)
    def test_image_parts(self, fake_server, adapter):
        """An image with the text goes in each vendor's own shape."""
        server = fake_server(adapter)
        msg = Message.from_python({"role": "user", "content": [
            {"type": "text", "text": "What is this?"}, {"type": "image", "data": PNG, "media-type": "image/png"}]})
        assert msg.content == "What is this?" and msg.images == (ImagePart(data=PNG, media_type="image/png"),)
        build(adapter, server).complete(ChatRequest(None, (msg,)))
        body = server.last.body
        if adapter == "openai":
            assert body["messages"][0]["content"] == [
                {"type": "text", "text": "What is this?"},
                {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}}]
        elif adapter == "anthropic":
            assert body["messages"][0]["content"] == [
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}},
                {"type": "text", "text": "What is this?"}]
        elif adapter == "gemini":
            assert body["contents"][0]["parts"] == [{"inlineData": {"mimeType": "image/png", "data": PNG}},
                                                    {"text": "What is this?"}]
        else:
            assert body["messages"][0] == {"role": "user", "content": "What is this?", "images": [PNG]}

    def test_image_from_lisp_by_path_and_url(self, fake_server, tmp_path):
        """From Lisp: {:type "image" :path ...} reads the file; a URL goes as a URL (OpenAI)."""
        img = tmp_path / "cat.png"
        img.write_bytes(b"\x89PNG\r\n\x1a\n fake image bytes")
        server = fake_server("openai")
        interp = Interpreter(llm=False)
        interp.register_provider("openai", build("openai", server), make_default=True)
        interp.eval_source(f'(llm/chat [{{:role :user :content [{{:type "text" :text "look"}} '
                           f'{{:type "image" :path "{img}"}} {{:type "image" :url "https://x.test/a.jpg"}}]}}])')
        parts = server.last.body["messages"][0]["content"]
        assert parts[1]["image_url"]["url"] == f"data:image/png;base64,{PNG}"
        assert parts[2]["image_url"]["url"] == "https://x.test/a.jpg"

    def test_ollama_refuses_image_urls(self, fake_server):
        """Ollama cannot fetch URLs: a clear error instead of a silent drop."""
        from sema.llm import UnsupportedError
        server = fake_server("ollama")
        msg = Message("user", "look", images=(ImagePart(url="https://x.test/a.jpg"),))
        with pytest.raises(UnsupportedError, match="takes images as data"):
            build("ollama", server).complete(ChatRequest(None, (msg,)))


class TestMalformedAnswers:
    """Issue #7: a provider's JSON of the wrong shape is described, never a Python AttributeError."""

    @pytest.mark.parametrize("adapter, body, shown", [
        ("openai", "null", "got nil"), ("openai", "[]", "got list ()"), ("openai", '"text"', 'got string "text"'),
        ("openai", '{"choices": "x"}', 'got map {:choices "x"}'), ("openai", '{"choices": [null]}', "got map {:choices (nil)}"),
        ("anthropic", '{"content": 5}', "got map {:content 5}"), ("anthropic", "null", "got nil"),
        ("gemini", "[1, 2]", "got list (1 2)"), ("gemini", '{"candidates": "x"}', 'got map {:candidates "x"}'),
        ("ollama", '"x"', 'got string "x"'), ("ollama", '{"message": 3}', "got map {:message 3}"),
    ])
    def test_shape_errors(self, fake_server, adapter, body, shown):
        server = fake_server(adapter)
        server.push(Reply.raw(200, body, "application/json"))
        with pytest.raises(ServerError) as info:
            build(adapter, server).complete(ask())
        message = info.value.message
        assert f"provider :{adapter} sent a malformed answer" in message and shown in message
        for python in ("NoneType", "attribute", "object", "KeyError", "TypeError", "'str'"):
            assert python not in message.replace("JSON object", "")

    def test_through_lisp(self, fake_server):
        """Seen from Lisp, the message says what was sent."""
        server = fake_server("openai")
        server.push(Reply.raw(200, "null", "application/json"))
        interp = Interpreter(llm=False)
        interp.register_provider("openai", build("openai", server), make_default=True)
        msg = interp.eval_source('(try (llm/complete "x") (catch e (:message e)))')
        assert msg == ('provider :openai sent a malformed answer (expected a chat completion (a JSON object with '
                       '"choices"), got nil)')

    def test_body_that_is_not_json(self, fake_server):
        """A body that is not JSON is quoted, without the JSON decoder's own words."""
        server = fake_server("openai")
        server.push(Reply.raw(200, "{'oops': 1}", "application/json"))
        with pytest.raises(ServerError) as info:
            build("openai", server).complete(ask())
        assert "not JSON" in info.value.message and "Expecting property name" not in info.value.message

    def test_connection_refused_in_words(self):
        """No [Errno 111]: the connection failure is said in words."""
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()
        provider = make_provider("openai", "openai", api_key="sk-x", base_url=f"http://127.0.0.1:{port}/v1",
                                 max_retries=0)
        with pytest.raises(LlmConnectionError) as info:
            provider.complete(ask())
        assert "the connection was refused" in info.value.message and "Errno" not in info.value.message


class TestKeys:
    """Issue #7: keys never leak, even a vendor's truncated echo of one."""

    def test_echoed_truncated_key_is_masked(self, fake_server):
        server = fake_server("openai")
        server.push(Reply.error(401, "Incorrect API key provided: sk-...4f6a8c0e. You can find your API key at "
                                     "https://platform.openai.com/account/api-keys."))
        with pytest.raises(AuthError) as info:
            build("openai", server, api_key="sk-test-abcdef0123456789-4f6a8c0e").complete(ask())
        assert "4f6a8c0e" not in info.value.message and "Incorrect API key provided: ***." in info.value.message

    def test_newline_key_rejected_without_showing_it(self):
        """A key with a line break is refused at configuration time; no part of it is shown."""
        interp = Interpreter(llm=False)
        with pytest.raises(SemaError) as info:
            interp.eval_source('(llm/configure :openai {:api-key "sk-secretpart123\\nmore"})')
        assert "line break" in info.value.message
        assert "secretpart" not in info.value.message and "more" not in info.value.message

    def test_newline_key_from_embedding_api(self):
        """Through the Python API too: a clear error, no chained httpx exception carrying the key."""
        from sema.llm.auth.keys import BadKeyError
        reg = ProviderRegistry(environ={"OPENAI_API_KEY": "sk-secretpart123\r\nmore"})
        reg.auto_configure()
        assert any("line break" in w for w in reg.warnings) and "openai" not in reg.list()
        with pytest.raises(BadKeyError) as info:
            reg.configure("openai", {"api_key": "sk-secretpart123\nmore"})
        assert info.value.__cause__ is None and info.value.__context__ is None
        assert "secretpart" not in str(info.value)

    @pytest.mark.parametrize("opts, message", [
        ('{:headers 5}', ":headers must be a map of header names to strings, got integer 5"),
        ('{:max-retries "x"}', ':max-retries must be an integer from 0 to 20, got string "x"'),
        ('{:timeout "soon"}', ':timeout must be a positive number of seconds, got string "soon"'),
        ('{:api-key 42}', ":api-key must be a string, got integer 42"),
        ('{:base-url nil :colour "red"}', "unknown option :colour"),
    ])
    def test_configure_options_checked(self, opts, message):
        """Issue #7: llm/configure option values are Lisp type errors at configure time."""
        interp = Interpreter(llm=False)
        with pytest.raises(SemaError) as info:
            interp.eval_source(f"(llm/configure :openai {opts})")
        assert info.value.message.startswith("llm/configure: ") and message in info.value.message


class TestCountTokens:
    def test_vendor_endpoints(self, routes):
        """Anthropic count_tokens, Gemini countTokens, llama.cpp /tokenize and Ollama /api/tokenize are used."""
        server = routes({
            ("POST", "/v1/messages/count_tokens"): lambda r: (200, {"input_tokens": 14}),
            ("POST", "/v1beta/models/gemini-x:countTokens"): lambda r: (200, {"totalTokens": 11}),
            ("POST", "/tokenize"): lambda r: (200, {"tokens": [1, 2, 3, 4, 5, 6]}),
            ("POST", "/api/tokenize"): lambda r: (200, {"tokens": [9, 9, 9]}),
        })
        interp = Interpreter(llm=False)
        interp.eval_source(f'''
          (llm/configure :anthropic {{:api-key "sk-ant-x" :base-url "{server.url}"}})
          (llm/configure :gemini {{:api-key "AIzaX" :base-url "{server.url}/v1beta" :default-model "gemini-x"}})
          (llm/configure :llamacpp {{:base-url "{server.url}/v1" :default-model "local"}})
          (llm/configure :ollama {{:host "{server.url}" :default-model "llama3.2"}})''')
        for provider, n in (("anthropic", 14), ("gemini", 11), ("llamacpp", 6), ("ollama", 3)):
            out = interp.eval_source(f'(llm/count-tokens "Hello there" {{:provider :{provider}}})')
            assert (out[K("tokens")], out[K("estimated")], out[K("method")]) == (n, False, "vendor"), provider
        sent = server.hits("/v1/messages/count_tokens")[0].json()
        assert sent["messages"] == [{"role": "user", "content": "Hello there"}] and "max_tokens" not in sent

    def test_estimate_says_it_is_one(self):
        """Without an endpoint, the count is an estimate and says so."""
        interp = Interpreter(llm=False)
        interp.eval_source('(llm/configure :groq {:api-key "gsk_x"})')
        out = interp.eval_source('(llm/count-tokens [{:role :user :content "12345678"}] {:system "abcd"})')
        assert (out[K("tokens")], out[K("estimated")], out[K("method")], out[K("provider")]) == \
            (4, True, "chars/4", K("groq"))


class TestPathsAndAzure:
    def test_chat_path_option(self, routes):
        """:chat-path replaces /chat/completions."""
        server = routes({("POST", "/api/v2/generate"): lambda r: (200, openai_answer("custom path"))})
        reg = ProviderRegistry(environ={})
        reg.configure("my-gw", {"api-key": "k", "base-url": server.url, "chat-path": "/api/v2/generate"})
        assert reg.get("my-gw").complete(ask()).content == "custom path"

    def test_azure_deployment_url_keeps_query_and_api_key_header(self, routes):
        """Azure: the query string stays after the path; the key goes in the api-key header."""
        def chat(req):
            if req.headers.get("api-key") != "azure-key-123" or "authorization" in req.headers:
                return 401, {"error": {"message": "Access denied due to invalid subscription key."}}
            if req.query.get("api-version") != ["2024-10-21"]:
                return 404, {"error": {"message": "Resource not found"}}
            return 200, openai_answer("from azure")
        server = routes({("POST", "/openai/deployments/gpt4o/chat/completions"): chat})
        reg = ProviderRegistry(environ={"AZURE_OPENAI_API_KEY": "azure-key-123",
                                        "AZURE_OPENAI_BASE_URL": server.url + "/openai/deployments/gpt4o"})
        reg.auto_configure()
        assert reg.get("azure").complete(ask()).content == "from azure"
        assert server.requests[0].raw_path == "/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21"

    def test_azure_resource_endpoint_uses_v1_api(self):
        """A bare resource endpoint becomes the v1 API base URL."""
        from sema.llm.providers.factory import azure_base_url
        assert azure_base_url("https://res.openai.azure.com/", None) == "https://res.openai.azure.com/openai/v1"
        assert azure_base_url("https://res.openai.azure.com/openai/deployments/d?api-version=2025-01-01", None) \
            == "https://res.openai.azure.com/openai/deployments/d?api-version=2025-01-01"


class TestModels:
    def test_local_server_reports_its_models(self, fake_server):
        """(llm/models :llamacpp) asks the configured local server; others give the curated catalog."""
        server = fake_server("openai")
        interp = Interpreter(llm=False)
        interp.eval_source(f'(llm/configure :llamacpp {{:base-url "{server.url}/v1"}})')
        assert write_str(interp.eval_source("(llm/models :llama-cpp)")) == '("gpt-4o-mini")'
        models = list(interp.eval_source("(llm/models :Anthropic)"))
        assert models[0] == "claude-sonnet-4-6" and "claude-opus-4-6" in models

    def test_key_and_prefix(self):
        """MODEL[adapter] names still work with the registry of test servers (sanity of the fixtures)."""
        assert set(MODEL) == set(ADAPTERS) and set(KEYS) == set(PREFIX)
