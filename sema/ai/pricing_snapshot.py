"""Regenerate ``pricing-data.json`` from the genai-prices package (a maintainer's tool, not used at run time).

::

    pip install genai-prices && python -m sema.ai.pricing_snapshot > sema/ai/pricing-data.json

genai-prices (https://github.com/pydantic/genai-prices, MIT) collects the
vendors' published prices.  This keeps, for the vendors in sema's catalog,
each model's names (exact names and name prefixes), and its current price
in USD per million tokens: input, output and cached input reads.  Tiered
prices keep their base tier; date-conditional prices keep the latest.
"""

from __future__ import annotations

import datetime
import json
import sys

#: genai-prices provider id -> sema's provider id
VENDORS = {"openai": "openai", "anthropic": "anthropic", "google": "gemini", "groq": "groq", "mistral": "mistral",
           "deepseek": "deepseek", "x-ai": "xai", "moonshotai": "moonshot", "cohere": "cohere",
           "perplexity": "perplexity", "together": "together", "fireworks": "fireworks", "cerebras": "cerebras",
           "zai": "zai", "zhipuai": "glm"}


def _names(clause, out_exact: list, out_prefix: list) -> bool:
    kind = type(clause).__name__
    if kind == "ClauseEquals":
        out_exact.append(clause.equals)
    elif kind == "ClauseStartsWith":
        out_prefix.append(clause.starts_with)
    elif kind == "ClauseOr":
        return all(_names(c, out_exact, out_prefix) for c in clause.or_)
    else:
        return False
    return True


def _number(x):
    if x is None:
        return None
    base = getattr(x, "base", x)  # tiered prices: the base tier
    return float(base)


def snapshot() -> dict:
    import importlib.metadata

    from genai_prices.data import providers
    rows = []
    for p in providers:
        ours = VENDORS.get(p.id)
        if ours is None:
            continue
        for m in p.models:
            price = m.prices[-1].prices if isinstance(m.prices, list) else m.prices
            inp, out = _number(getattr(price, "input_mtok", None)), _number(getattr(price, "output_mtok", None))
            if inp is None or out is None:
                continue
            exact, prefix = [], []
            if m.match is None or not _names(m.match, exact, prefix):
                exact, prefix = [m.id], []
            row = {"provider": ours, "model": m.id, "names": sorted(set(exact) | {m.id}), "input": inp, "output": out}
            if prefix:
                row["prefixes"] = sorted(set(prefix))
            cache = _number(getattr(price, "cache_read_mtok", None))
            if cache is not None:
                row["cache-read"] = cache
            rows.append(row)
    version = importlib.metadata.version("genai-prices")
    return {"source": f"genai-prices {version} (https://github.com/pydantic/genai-prices, MIT), "
                      f"compiled from the vendors' published pricing pages",
            "updated-at": datetime.date.today().isoformat(),
            "unit": "USD per million tokens",
            "models": rows}


if __name__ == "__main__":
    data = snapshot()
    rows = data.pop("models")
    head = json.dumps(data, indent=1)[:-2]  # one model per line: diffs of a refresh stay readable
    sys.stdout.write(head + ',\n "models": [\n' + ",\n".join("  " + json.dumps(r) for r in rows) + "\n ]\n}\n")
