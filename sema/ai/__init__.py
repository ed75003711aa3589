"""The AI layer: what programs that call models need besides the call itself.

Built on the provider contract and the request pipeline (:mod:`sema.llm.pipeline`),
so it works the same with native, Lisp and Python providers.

- :mod:`.prompts`       messages (maps) and prompts (values), the prompt algebra
- :mod:`.conversation`  immutable conversations; ``conversation/say`` talks to the model
- :mod:`.schema`        Sema's schema forms -> JSON schema, and validation
- :mod:`.extract`       ``llm/extract`` (native structured output, bounded re-asks), classify,
                        summarize, compare, send, pmap, token estimates
- :mod:`.tools`         tool values (``deftool``), argument checks and binding, Python tools
- :mod:`.agents`        agents (``defagent``) and ``agent/run``, on the tool loop of :mod:`sema.llm.toolloop`
- :mod:`.cassette`      recorded calls replayed offline (``llm/with-cassette``)
- :mod:`.pricing`       the bundled price table, ``:cost-usd``; :mod:`.budget` budgets
- :mod:`.resilience`    rate limits and ``retry``
- :mod:`.forms`         the derived forms ``prompt``, ``deftool``, ``defagent``, ``with-retry``
- :mod:`.errors`        budget, cassette-miss, extraction and agent errors

Nothing here is imported at start-up except :mod:`.forms` (pure rewrites); the
builtins' modules load on first use (``sema.builtins.LAZY``).
"""
