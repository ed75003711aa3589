"""Issue #9: examples/serve_proxy.py runs as documented and shows a semantic hit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def test_serve_example_shows_a_semantic_hit(tmp_path):
    """The paraphrase is answered from the cache; the upstream is asked only the two distinct questions."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SEMA_CACHE_DIR": str(tmp_path / "code")}
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "serve_proxy.py")], capture_output=True,
                          text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[1].endswith("-> 'Paris.'   cache: miss")
    assert lines[2].startswith("'capital of France, please'") and lines[2].endswith("cache: hit (similarity 1.0000)")
    assert lines[3].endswith("-> 'Madrid.'  cache: miss")
    assert lines[4] == "the upstream was asked 2 times: ['What is the capital of France?', 'What is the capital of Spain?']"
    assert lines[5] == "cache: 2 entries, 1 hit, 2 misses"
