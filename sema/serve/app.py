"""The ASGI app of ``sema serve`` (Starlette): a thin layer over :class:`~sema.serve.gateway.Gateway`.

==========================================  =================================================
``POST /v1/chat/completions``, ``/chat/…``   OpenAI chat (stream and not)
``POST /v1/messages``                        Anthropic Messages (stream and not)
``POST /v1/embeddings``, ``/embeddings``     OpenAI embeddings (not cached)
``GET /v1/models``, ``/models``              the configured providers' models
``GET /health``                              status, cache, circuit breakers
``GET /metrics``                             Prometheus text
``GET /cache/stats``                         the cache's counts
``POST /cache/clear``                        empties the cache (admin token)
==========================================  =================================================

Every chat answer carries ``x-sema-cache: hit|miss|off`` (and
``x-sema-cache-similarity`` on a semantic hit).  A client may send
``x-sema-cache: off`` not to use the cache, and ``x-sema-cache-namespace``
to use a namespace of its own (inside its tenant).
"""

from __future__ import annotations

import hmac
import json
import time

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from ..cache.response import OFF, CacheInfo
from ..llm.errors import LlmConnectionError, LlmError, LlmTimeoutError
from . import anthropic_format, openai_format
from .gateway import Gateway
from .routing import RouteError
from .upstream import Forwarder, UpstreamError, forward_headers, return_headers
from .wire import ClientError

#: at most this much of a relayed stream is kept to be parsed and cached
MAX_CACHED_STREAM = 8 * 1024 * 1024


def cache_headers(info: CacheInfo) -> dict:
    headers = {"x-sema-cache": info.status}
    if info.similarity is not None:
        headers["x-sema-cache-similarity"] = f"{info.similarity:.4f}"
    return headers


def _status_of(err: LlmError) -> int:
    if isinstance(err.status, int) and 400 <= err.status < 600:
        return err.status
    if isinstance(err, LlmTimeoutError):
        return 504
    if err.llm_kind in ("bad-request", "context-window", "unsupported"):
        return 400
    return 502


def _decoded(parse):
    """PARSE applied to the JSON decoding of a body."""
    return lambda data, request: parse(json.loads(data), request)


class App:
    """The endpoints, bound to one Gateway."""

    def __init__(self, gateway: Gateway):
        self.gw = gateway
        self.forwarder: Forwarder | None = None

    # -- plumbing

    def _count(self, endpoint: str, status: int, started: float, cache: str = "") -> None:
        m = self.gw.metrics
        m.inc("sema_requests_total", endpoint=endpoint, status=str(status))
        m.observe("sema_request_duration_seconds", time.monotonic() - started, endpoint=endpoint, cache=cache)

    def _error(self, fmt, status: int, message: str, kind: str | None, headers: dict, error_type: str,
               code: str | None = None) -> Response:
        self.gw.metrics.inc("sema_errors_total", type=error_type)
        return JSONResponse(fmt.error_body(status, message, kind, code), status_code=status, headers=headers)

    def _llm_error(self, fmt, err: LlmError, headers: dict) -> Response:
        status = _status_of(err)
        headers = dict(headers)
        if err.retry_after is not None:
            headers["retry-after"] = f"{err.retry_after:g}"
        self.gw.metrics.inc("sema_errors_total", type=err.llm_kind)
        if isinstance(err, LlmConnectionError):  # semcache's shape for an unreachable upstream
            return JSONResponse({"error": f"Failed to connect to upstream: {err.message}"}, status_code=502,
                                headers=headers)
        return JSONResponse(fmt.error_body(status, err.message, None, err.llm_kind), status_code=status,
                            headers=headers)

    # -- chat

    async def openai_chat(self, request: Request) -> Response:
        return await self.chat(request, openai_format)

    async def anthropic_chat(self, request: Request) -> Response:
        return await self.chat(request, anthropic_format)

    async def chat(self, request: Request, fmt) -> Response:
        started = time.monotonic()
        endpoint = request.url.path
        response = await self._chat(request, fmt, started)
        self._count(endpoint, response.status_code, started, response.headers.get("x-sema-cache", ""))
        return response

    async def _chat(self, request: Request, fmt, started: float) -> Response:
        gw = self.gw
        headers = cache_headers(OFF)
        try:
            raw = await request.body()
            try:
                body = json.loads(raw)
            except ValueError:
                raise ClientError(400, "the request body is not valid JSON") from None
            parsed = fmt.parse(body)
            upstream = request.headers.get("x-llm-proxy-upstream")
            plan, hit, info = await run_in_threadpool(gw.prepare, parsed, endpoint=request.url.path,
                                                      headers=request.headers,
                                                      upstream=upstream.strip() if upstream else None)
        except ClientError as exc:
            kind = "permission_error" if exc.status == 403 and fmt is anthropic_format else exc.kind
            return self._error(fmt, exc.status, exc.message, kind, headers,
                               "forbidden" if exc.status == 403 else "invalid-request")
        except RouteError as exc:
            return self._error(fmt, 500, str(exc), "api_error", headers, "routing")
        except ValueError as exc:  # cache options from the routing function
            return self._error(fmt, 500, f"routing: {exc}", "api_error", headers, "routing")
        except LlmError as exc:  # an embedder that cannot be resolved
            return self._llm_error(fmt, exc, headers)
        headers = cache_headers(info)
        gw.metrics.inc("sema_cache_lookups_total", result=info.status, layer=info.layer or "")
        if hit is not None:
            if parsed.stream:
                writer = fmt.StreamWriter(parsed.model, parsed.include_usage)
                return StreamingResponse(iter(writer.replay(hit)), media_type="text/event-stream", headers=headers)
            return JSONResponse(fmt.render(hit, parsed.model), headers=headers)
        if plan.upstream is not None:
            return await self._forward(request, fmt, plan, parsed, raw, headers)
        if parsed.stream:
            return await self._stream(fmt, plan, parsed, headers)
        try:
            answer = await run_in_threadpool(gw.call_and_save, plan)
        except LlmError as err:
            return self._llm_error(fmt, err, headers)
        return JSONResponse(fmt.render(answer, parsed.model), headers=headers)

    async def _stream(self, fmt, plan, parsed, headers: dict) -> Response:
        """Stream from sema's providers: chunks cross from the worker thread through a queue."""
        import asyncio
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue = asyncio.Queue()

        def put(item):
            loop.call_soon_threadsafe(queue.put_nowait, item)

        def work():
            try:
                put(("done", self.gw.call(plan, stream=True, on_chunk=lambda c: put(("chunk", c)))))
            except BaseException as exc:  # handed to the event loop, which answers with it
                put(("error", exc))
        worker = loop.run_in_executor(None, work)
        first = await queue.get()
        if first[0] == "error":
            await worker
            err = first[1]
            if isinstance(err, LlmError):
                return self._llm_error(fmt, err, headers)
            raise err
        writer = fmt.StreamWriter(parsed.model, parsed.include_usage)

        async def events():
            yield writer.start()
            kind, value = first
            while True:
                if kind == "chunk":
                    yield writer.text(value)
                elif kind == "done":  # stored before the end is sent: the client's next request finds it
                    await run_in_threadpool(self.gw.save, plan, value)
                    yield writer.end(value)
                    break
                else:  # failed after the first chunk: an error event ends the stream
                    message = getattr(value, "message", None) or "the stream failed"
                    self.gw.metrics.inc("sema_errors_total", type=getattr(value, "llm_kind", "stream"))
                    body = fmt.error_body(502, message, "api_error")
                    yield (b"event: error\n" if fmt is anthropic_format else b"") + \
                        f"data: {json.dumps(body)}\n\n".encode()
                    break
                kind, value = await queue.get()
            await worker
        return StreamingResponse(events(), media_type="text/event-stream", headers=headers)

    async def _forward(self, request: Request, fmt, plan, parsed, raw: bytes, headers: dict) -> Response:
        """Relay to X-LLM-Proxy-Upstream: status, body and rate-limit headers come back as they are."""
        gw = self.gw
        started = time.monotonic()
        try:
            upstream = await self.forwarder.open("POST", plan.upstream, raw, forward_headers(request.headers))
        except UpstreamError as exc:
            gw.metrics.inc("sema_errors_total", type=exc.kind)
            return JSONResponse(exc.body(), status_code=exc.status, headers=headers)
        passed = {**return_headers(upstream.headers), **headers}
        status = upstream.status_code
        if status >= 400 or not parsed.stream:
            try:
                data = await upstream.aread()
            finally:
                await upstream.aclose()
            if status >= 400:
                gw.metrics.inc("sema_errors_total", type=f"upstream-{status}")
            elif status < 300:  # stored before answering: the client's next request finds it
                await run_in_threadpool(gw.forwarded, plan, _decoded(fmt.parse_answer), data,
                                        time.monotonic() - started)
            return Response(data, status_code=status, headers=passed)

        async def relay():
            whole, buffer, saved = True, bytearray(), False
            try:
                async for chunk in upstream.aiter_bytes():
                    if whole and len(buffer) + len(chunk) <= MAX_CACHED_STREAM:
                        buffer.extend(chunk)
                    else:
                        whole = False
                    if whole and status < 300 and fmt.STREAM_END in chunk:  # store, then send the end
                        await run_in_threadpool(gw.forwarded, plan, fmt.parse_stream, bytes(buffer),
                                                time.monotonic() - started)
                        saved = True
                    yield chunk
            except Exception:
                gw.metrics.inc("sema_errors_total", type="stream")
                return
            finally:
                await upstream.aclose()
            if whole and status < 300 and not saved:
                await run_in_threadpool(gw.forwarded, plan, fmt.parse_stream, bytes(buffer),
                                        time.monotonic() - started)
        passed.pop("content-length", None)
        return StreamingResponse(relay(), status_code=status, headers=passed,
                                 media_type=upstream.headers.get("content-type", "text/event-stream"))

    # -- the other endpoints

    async def embeddings(self, request: Request) -> Response:
        started = time.monotonic()
        response = await self._embeddings(request)
        self._count(request.url.path, response.status_code, started, "off")
        return response

    async def _embeddings(self, request: Request) -> Response:
        headers = cache_headers(OFF)
        fmt = openai_format
        raw = await request.body()
        upstream = request.headers.get("x-llm-proxy-upstream")
        try:
            if upstream:
                url = self.gw.allow.check(upstream.strip())
                try:
                    answer = await self.forwarder.open("POST", url, raw, forward_headers(request.headers))
                except UpstreamError as exc:
                    self.gw.metrics.inc("sema_errors_total", type=exc.kind)
                    return JSONResponse(exc.body(), status_code=exc.status, headers=headers)
                try:
                    data = await answer.aread()
                finally:
                    await answer.aclose()
                return Response(data, status_code=answer.status_code,
                                headers={**return_headers(answer.headers), **headers})
            try:
                body = json.loads(raw)
            except ValueError:
                raise ClientError(400, "the request body is not valid JSON") from None
            texts, model, encoding = fmt.parse_embeddings(body)
            vectors, name = await run_in_threadpool(self.gw.embed, texts, model)
        except ClientError as exc:
            return self._error(fmt, exc.status, exc.message, exc.kind, headers,
                               "forbidden" if exc.status == 403 else "invalid-request")
        except LlmError as err:
            return self._llm_error(fmt, err, headers)
        return JSONResponse(fmt.render_embeddings(vectors, model or name, encoding), headers=headers)

    async def models(self, request: Request) -> Response:
        started = time.monotonic()
        response = JSONResponse({"object": "list", "data": self.gw.models()})
        self._count(request.url.path, 200, started)
        return response

    async def health(self, request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(self.gw.health))

    async def metrics(self, request: Request) -> Response:
        stats = await run_in_threadpool(self.gw.stats)
        text = self.gw.metrics.render({"sema_cache_entries": stats["entries"], "sema_cache_bytes": stats["bytes"]})
        return PlainTextResponse(text, media_type="text/plain; version=0.0.4; charset=utf-8")

    async def cache_stats(self, request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(self.gw.stats))

    async def cache_clear(self, request: Request) -> Response:
        token = self.gw.config.admin_token
        if not token:
            return JSONResponse({"error": {"message": "clearing the cache is disabled: start sema serve with "
                                           "--admin-token TOKEN (or SEMA_ADMIN_TOKEN)", "type": "forbidden"}},
                                status_code=403)
        given = request.headers.get("x-sema-admin-token") or ""
        auth = request.headers.get("authorization") or ""
        if not given and auth.lower().startswith("bearer "):
            given = auth[7:].strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            self.gw.metrics.inc("sema_errors_total", type="admin-auth")
            return JSONResponse({"error": {"message": "a valid admin token is required", "type": "unauthorized"}},
                                status_code=401)
        raw = await request.body()
        namespace = None
        if raw.strip():
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
            if not isinstance(body, dict) or not isinstance(body.get("namespace", ""), str):
                return JSONResponse({"error": {"message": 'the body must be {"namespace": "name"} or empty',
                                               "type": "invalid_request_error"}}, status_code=400)
            namespace = body.get("namespace") or None
        cleared = await run_in_threadpool(self.gw.clear, namespace)
        return JSONResponse({"cleared": cleared})

    # -- life cycle

    async def startup(self) -> None:
        self.forwarder = Forwarder(self.gw.config.upstream_timeout)

    async def shutdown(self) -> None:
        if self.forwarder is not None:
            await self.forwarder.aclose()
        await run_in_threadpool(self.gw.close)


def create_app(config, interp=None, gateway: Gateway | None = None) -> Starlette:
    """The ASGI app for CONFIG (a :class:`~sema.serve.config.ServeConfig`); INTERP supplies the providers."""
    import contextlib

    app = App(gateway or Gateway(config, interp))

    @contextlib.asynccontextmanager
    async def lifespan(_):
        await app.startup()
        try:
            yield
        finally:
            await app.shutdown()
    routes = [
        Route("/v1/chat/completions", app.openai_chat, methods=["POST"]),
        Route("/chat/completions", app.openai_chat, methods=["POST"]),
        Route("/v1/messages", app.anthropic_chat, methods=["POST"]),
        Route("/v1/embeddings", app.embeddings, methods=["POST"]),
        Route("/embeddings", app.embeddings, methods=["POST"]),
        Route("/v1/models", app.models, methods=["GET"]),
        Route("/models", app.models, methods=["GET"]),
        Route("/health", app.health, methods=["GET"]),
        Route("/metrics", app.metrics, methods=["GET"]),
        Route("/cache/stats", app.cache_stats, methods=["GET"]),
        Route("/cache/clear", app.cache_clear, methods=["POST"]),
    ]
    starlette = Starlette(routes=routes, lifespan=lifespan)
    starlette.state.gateway = app.gw
    return starlette


__all__ = ["create_app", "App", "cache_headers"]
