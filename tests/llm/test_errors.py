"""The LLM error tree, its messages, and key redaction."""

from __future__ import annotations

import pickle

import pytest

from sema.errors import SemaError
from sema.llm import (AuthError, BadRequestError, ContextWindowError, LlmConnectionError, LlmError, LlmTimeoutError,
                      RateLimitError, ServerError, StreamError, UnsupportedError, redact)
from sema.llm.transport import RetryPolicy, error_from_response, parse_retry_after

KEY = "sk-proj-abcdefghijklmnopqrstuvwxyz0123"


class TestTree:
    @pytest.mark.parametrize("cls, retriable", [
        (AuthError, False), (RateLimitError, True), (BadRequestError, False), (ContextWindowError, False),
        (ServerError, True), (LlmTimeoutError, True), (LlmConnectionError, True), (StreamError, False),
        (UnsupportedError, False)])
    def test_kinds(self, cls, retriable):
        """Every class is an LlmError and a SemaError of kind "llm", with its retriable default."""
        err = cls("x", provider="p")
        assert isinstance(err, LlmError) and isinstance(err, SemaError) and err.kind == "llm"
        assert err.retriable is retriable
        assert err.extra_fields()["llm-error"] == cls.llm_kind

    def test_python_bases(self):
        """Timeouts are TimeoutErrors, connection failures ConnectionErrors, context windows bad requests."""
        assert isinstance(LlmTimeoutError("x"), TimeoutError)
        assert isinstance(LlmConnectionError("x"), ConnectionError)
        assert isinstance(ContextWindowError("x"), BadRequestError)

    def test_message_format(self):
        """The message says who answered what, the provider's text, and the retry-after."""
        err = RateLimitError(provider="openai", status=429, provider_message="Rate limit reached", retry_after=2)
        assert str(err) == "provider :openai returned 429 Too Many Requests: Rate limit reached (retry after 2s)"
        assert err.extra_fields() == {"llm-error": "rate-limit", "provider": "openai", "status": 429,
                                      "retriable": True, "retry-after": 2}

    def test_pickles(self):
        """Errors survive pickling (thread pools, multiprocessing) with their fields."""
        err = pickle.loads(pickle.dumps(RateLimitError(provider="x", status=429, retry_after=1.5)))
        assert err.retry_after == 1.5 and err.status == 429 and "1.5s" in str(err)


class TestRedaction:
    def test_secret_and_patterns(self):
        """Known secrets and anything shaped like a key, a bearer token or ?key= are masked."""
        text = (f"key {KEY} ant sk-ant-api03-abcdefgh goog AIzaSyA1234567890abcdefghijklmnop "
                "url https://x/y?key=SECRETVALUE&a=1 hdr Authorization: Bearer abc.def.ghi12345 custom my-own-secret")
        out = redact(text, ["my-own-secret"])
        for secret in (KEY, "sk-ant-api03-abcdefgh", "AIzaSyA1234567890abcdefghijklmnop", "SECRETVALUE",
                       "abc.def.ghi12345", "my-own-secret"):
            assert secret not in out
        assert "?key=***&a=1" in out

    def test_errors_redact_their_secrets(self):
        """A provider message echoing the key is masked in message, repr and provider_message."""
        err = error_from_response("openai", 401, f'{{"error": {{"message": "Incorrect API key provided: {KEY}"}}}}',
                                  secrets=(KEY,))
        assert isinstance(err, AuthError)
        assert KEY not in str(err) and KEY not in repr(err) and KEY not in err.provider_message


class TestMapping:
    @pytest.mark.parametrize("status, body, cls", [
        (401, '{"error": {"message": "bad key"}}', AuthError),
        (403, '{"error": {"message": "forbidden"}}', AuthError),
        (429, '{"error": {"message": "slow"}}', RateLimitError),
        (400, '{"error": {"message": "x", "code": "context_length_exceeded"}}', ContextWindowError),
        (400, '{"type": "error", "error": {"type": "invalid_request_error", "message": "prompt is too long: 210000 tokens"}}',
         ContextWindowError),
        (400, '{"error": {"code": 400, "message": "The input token count exceeds the maximum number of tokens allowed"}}',
         ContextWindowError),
        (400, '{"error": {"message": "bad"}}', BadRequestError),
        (404, '{"error": "model not found"}', BadRequestError),
        (422, '{"detail": "validation"}', BadRequestError),
        (408, "", ServerError), (500, "boom", ServerError), (529, "", ServerError),
    ])
    def test_status_and_body(self, status, body, cls):
        """Statuses and vendor bodies map to the right class, keeping the vendor's message."""
        err = error_from_response("p", status, body)
        assert type(err) is cls

    def test_message_kept(self):
        """The provider's own message is in the error."""
        err = error_from_response("anthropic", 400, '{"type":"error","error":{"type":"invalid_request_error",'
                                                    '"message":"messages: roles must alternate"}}')
        assert str(err) == "provider :anthropic returned 400 Bad Request: messages: roles must alternate"

    def test_plain_text_body_snippet(self):
        """A body that is not JSON is quoted (shortened) as the message."""
        err = error_from_response("p", 500, "<html>" + "x" * 500 + "</html>")
        assert "<html>xxx" in str(err) and str(err).endswith("...")


class TestRetryTiming:
    def test_retry_after_forms(self):
        """retry-after in seconds, as an HTTP date, and retry-after-ms."""
        assert parse_retry_after({"retry-after": "2"}) == 2.0
        assert parse_retry_after({"retry-after-ms": "1500"}) == 1.5
        assert parse_retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:10 GMT"}, now=1445412480.0) == 10.0
        assert parse_retry_after({"retry-after": "soon"}) is None
        assert parse_retry_after({}) is None

    def test_full_jitter_backoff(self):
        """Delays are random() * min(0.5 * 2**n, 8); a retry-after is used as is, up to the cap."""
        policy = RetryPolicy(random=lambda: 1.0)
        assert [policy.delay(n, None) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
        assert RetryPolicy(random=lambda: 0.25).delay(2, None) == 0.5
        assert policy.delay(0, 3.0) == 3.0 and policy.delay(0, 61.0) is None
