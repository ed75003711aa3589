"""Cache keys: a normalised request hashed, the semantic scope, and tenants.

**The exact key** is a SHA-256 of the partition (tenant and namespace), the
target (``provider/model`` as sema routes it, or the upstream URL and model
for a forwarded request) and the normalised request: the messages (roles,
text, images, tool calls and results) and every parameter that can change
the answer (system prompt, temperature, max tokens, stop sequences, tools,
tool choice, response format and the vendor options of ``extra``).  The
timeout and the routing keys (``stream``, ``provider``) are not part of it:
a streamed and a plain request for the same thing share one entry.

**The semantic layer** embeds only the text of the last message, when it is
a user message without images.  Everything else (the partition, the target,
the parameters, the system prompt and the conversation before that message,
and the embedding model) is hashed into the entry's *scope*: a semantic hit
needs the same scope and a cosine similarity at or above the threshold.  So
a paraphrase is recognised only in the same conversation, with the same
model and settings.

**Tenants.**  Entries are partitioned by tenant: :func:`tenant_of` turns a
credential (an API key, a bearer token) into a one-way hash, the only form
in which it is ever stored.  Callers without a credential share the tenant
``anonymous``; Lisp and Python code of the interpreter use ``local``.
"""

from __future__ import annotations

import hashlib
import json

from ..llm.types import ChatRequest, plain

#: the tenant of Lisp and Python callers of the interpreter
LOCAL = "local"
#: the tenant of server clients that sent no credential
ANONYMOUS = "anonymous"

_VERSION = "sema-cache/1"


def _digest(*parts) -> str:
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def tenant_of(credential: str | None) -> str:
    """The tenant of CREDENTIAL: ``key-`` and 32 hex digits of a salted SHA-256 (``anonymous`` for none)."""
    if not credential or not credential.strip():
        return ANONYMOUS
    h = hashlib.sha256(b"sema-cache-tenant\0" + credential.strip().encode("utf-8")).hexdigest()
    return "key-" + h[:32]


def partition(tenant: str, namespace: str) -> str:
    return f"{tenant}/{namespace}"


def request_material(request: ChatRequest, target: str) -> dict:
    """The parts of REQUEST that change the answer, with the model replaced by TARGET."""
    d = request.to_dict()
    d["model"] = target
    if request.extra:
        d["extra"] = plain(dict(request.extra))
    return d


def exact_key(part: str, target: str, request: ChatRequest) -> str:
    """The key REQUEST is stored under in partition PART when sent to TARGET (64 hex digits)."""
    return _digest(_VERSION, "exact", part, request_material(request, target))


def semantic_text(request: ChatRequest) -> str | None:
    """The text the semantic layer embeds: the last message's, if it is a user message with text only."""
    if not request.messages:
        return None
    last = request.messages[-1]
    if last.role != "user" or last.images or not last.content.strip():
        return None
    return last.content


def semantic_scope(part: str, target: str, request: ChatRequest, embedder: str) -> str:
    """The scope of a semantic search: everything of the request but the last message's text."""
    d = request_material(request, target)
    d["messages"] = d["messages"][:-1] + [{"role": "user"}]
    return _digest(_VERSION, "scope", part, embedder, d)


__all__ = ["LOCAL", "ANONYMOUS", "tenant_of", "partition", "request_material", "exact_key", "semantic_text",
           "semantic_scope"]
