"""Opt-in: the llm/* builtins against a real local model, through the `sema` command.

Set SEMA_REAL_LLM=1 after starting the servers of the project's shared
tools/real-llm.sh (llama.cpp serving Gemma 3 270M on 127.0.0.1:8765, and a
litellm proxy with an Anthropic-format /v1/messages on 127.0.0.1:8766).
Providers are configured from the environment, as a user configures them.
The model is tiny and incoherent: these tests check shapes, not words.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(os.environ.get("SEMA_REAL_LLM") != "1",
                                reason="real-LLM tests are opt-in: set SEMA_REAL_LLM=1 and run tools/real-llm.sh start")

OPENAI_URL = os.environ.get("REALLLM_OPENAI_BASE_URL", "http://127.0.0.1:8765/v1")
ANTHROPIC_URL = os.environ.get("REALLLM_ANTHROPIC_BASE_URL", "http://127.0.0.1:8766")
PROXY_KEY = os.environ.get("REALLLM_PROXY_KEY", "sk-test-master")


def sema(program: str, **env) -> str:
    full = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    full.update(env)
    proc = subprocess.run([sys.executable, "-m", "sema", "-e", program], capture_output=True, text=True,
                          env=full, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


OPENAI = {"OPENAI_API_KEY": "sk-local-unused", "OPENAI_BASE_URL": OPENAI_URL}
ANTHROPIC = {"ANTHROPIC_API_KEY": PROXY_KEY, "ANTHROPIC_BASE_URL": ANTHROPIC_URL, "SEMA_LLM_PROVIDER": "anthropic"}


def test_openai_compatible_chat_stream_embed_and_tool_call():
    """complete, stream (chunks counted), embed and a forced tool call through the OpenAI adapter."""
    out = sema("""
      (define text (llm/complete "Name three colors." {:max-tokens 8 :model "gemma-3-270m"}))
      (define chunks (atom 0))
      (define streamed (llm/stream "Count to five." (fn (c) (swap! chunks inc)) {:max-tokens 8 :model "gemma-3-270m"}))
      (define v (llm/embed "hello"))
      (define r (llm/request {:model "gemma-3-270m-tools" :max-tokens 64
                 :messages [{:role "user" :content "What is the weather in Oslo?"}]
                 :tools [{:name "get_weather" :description "Current weather for a city"
                          :parameters {:type "object" :properties {:city {:type "string"}} :required ["city"]}}]
                 :tool-choice "get_weather"}))
      (define call (first (:tool-calls r)))
      (list (string? text) (> @chunks 0) (string? streamed) (vector? v) (> (count v) 10) (float? (first v))
            (:name call) (map? (:arguments call)) (> (:prompt-tokens (:usage r)) 0))
    """, **OPENAI)
    assert out == '(#t #t #t #t #t #t "get_weather" #t #t)'


def test_anthropic_messages_chat_and_stream():
    """chat and stream through the Anthropic adapter (via the proxy), with usage recorded."""
    out = sema("""
      (define text (llm/chat [{:role :user :content "Say hi."}] {:max-tokens 8 :model "gemma-3-270m"}))
      (define pieces (atom 0))
      (define streamed (llm/stream "Say hi." (fn (c) (swap! pieces inc)) {:max-tokens 8 :model "gemma-3-270m"}))
      (list (:name (llm/current-provider)) (string? text) (string? streamed) (> @pieces 0)
            (> (:completion-tokens (llm/last-usage)) 0))
    """, **ANTHROPIC)
    assert out == "(:anthropic #t #t #t #t)"


def test_gateway_builtins_against_the_real_server():
    """Issue #8 from Lisp: llm/stream with :tools returns the tool call, count-tokens asks the server,
    a JSON-schema answer is parsed, and usage is accounted (estimated: llama.cpp sends no usage chunk)."""
    out = sema("""
      (define r (llm/stream "What is the weather in Oslo?" (fn (c) c)
                 {:model "gemma-3-270m-tools" :max-tokens 64 :tool-choice "get_weather"
                  :tools [{:name "get_weather" :description "Current weather for a city"
                           :parameters {:type "object" :properties {:city {:type "string"}} :required ["city"]}}]}))
      (define n (llm/count-tokens "Name three colors." {:model "gemma-3-270m"}))
      (define j (llm/request {:model "gemma-3-270m" :max-tokens 40 :messages "A color as JSON."
                              :response-format {:schema {:type "object" :properties {:color {:type "string"}}
                                                         :required ["color"]}}}))
      (list (:name (first (:tool-calls r))) (:estimated (:usage r)) (:estimated n) (> (:tokens n) 2)
            (string? (:color (:parsed j))) (:total-calls (:totals (llm/usage-summary))))
    """, **OPENAI)
    assert out == '("get_weather" #t #f #t #t 2)'
