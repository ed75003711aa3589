"""A deterministic embedding provider for tests: a bag of content words, hashed into a vector.

Paraphrases that share their content words ("What is the capital of France?",
"capital of France, please") get the same vector; prompts about other things
get vectors far apart.  Each word sets a few hashed positions (blake2b), so
two different bags of words practically never collide.  No model, no network.
"""

from __future__ import annotations

import hashlib
import re

STOPWORDS = frozenset("""a an the of to in on for and or is are was be what whats which who how tell me
please could would you can i my it its do does give say about""".split())
DIM = 256
PROBES = 4


def words(text: str) -> list[str]:
    out = []
    for w in re.findall(r"[a-z0-9]+", text.lower()):
        if w in STOPWORDS:
            continue
        out.append(w[:-1] if len(w) > 3 and w.endswith("s") else w)
    return out


def embed_text(text: str, dim: int = DIM) -> list[float]:
    v = [0.0] * dim
    for w in words(text):
        digest = hashlib.blake2b(w.encode(), digest_size=4 * PROBES).digest()
        for k in range(PROBES):
            h = int.from_bytes(digest[4 * k:4 * k + 4], "little")
            v[h % dim] += 1.0 if (h >> 31) & 1 else -1.0
    if not any(v):
        v[0] = 1.0
    return v


class BagOfWords:
    """A provider that only embeds: ``embed(texts, model)`` -> one vector per text."""

    name = "bow"
    default_model = "bow-256"
    supports = frozenset({"embed"})

    def __init__(self, dim: int = DIM):
        self.dim = dim
        self.calls = 0

    def complete(self, request):
        raise RuntimeError("bow only embeds")

    def embed(self, texts, model=None):
        self.calls += 1
        texts = [texts] if isinstance(texts, str) else list(texts)
        return [embed_text(t, self.dim) for t in texts]
