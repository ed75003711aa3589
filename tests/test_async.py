"""Async tasks and channels (issue 11): Sema's cooperative semantics on sema's baton scheduler,
cancellation, and blocking I/O (LLM and HTTP calls, subprocesses) that lets other tasks run.
"""

from __future__ import annotations

import pytest

from sema.errors import SemaError
from tests.test_sema_compat import table

ASYNC = [
    ("(await (async (+ 1 2)))", "3"),
    ("(async/await (async/spawn (fn () (* 6 7))))", "42"),
    ("(let ((p1 (async (* 3 3))) (p2 (async (* 4 4)))) (+ (await p1) (await p2)))", "25"),
    ("(async/all (list (async 10) (async 20) (async 30)))", "(10 20 30)"),
    ("(async/all [(async 1) (async/resolved 2)])", "(1 2)"),
    ("(async/race (list (async (async/sleep 50) :slow) (async :fast)))", ":fast"),
    ("(async/map (fn (i) (* i i)) '(1 2 3 4))", "(1 4 9 16)"),
    ("(async/pool-map (fn (i) (async/sleep (* 5 (- 5 i))) i) '(1 2 3 4 5) 2)", "(1 2 3 4 5)"),
    ("(async/spawn-all (list (fn () 1) (fn () 2)))", "(1 2)"),
    ("(async/with-timeout 1000 (+ 1 2))", "3"),
    ("(try (async/timeout 10 (async (async/sleep 5000))) (catch e (list (:type e) (:message e))))",
     '(:timeout "async/timeout: operation timed out")'),
    ("(try (await (async (error \"bad\"))) (catch e (list (:type e) (:message e))))", '(:eval "bad")'),
    ("(try (await (async (throw {:code 1}))) (catch e (:value e)))", "{:code 1}"),
    ("(try (await (async/rejected \"nope\")) (catch e (:message e)))", '"nope"'),
    ("(list (async/cancel (async/resolved 1)) (let ((p (async 42))) (await p) (async/cancel p)))", "(#f #f)"),
    ("(let ((p (async (async/sleep 10000)))) (list (async/cancel p) (async/cancelled? p) "
     "(try (await p) (catch e (:type e)))))", "(#t #t :cancelled)"),
    ("(async/cancelled? (async/rejected \"cancelled\"))", "#f"),
    ("(let ((p (async 1))) (list (async/pending? p) (await p) (async/resolved? p) (async/promise? p)))",
     "(#t 1 #t #t)"),
    ("(list (async 1) (async/resolved 2))", "(<async-promise pending> <async-promise resolved>)"),
]

CHANNELS = [
    # Sema's producer/consumer: a capacity-1 channel between two tasks
    ("(let ((ch (channel/new 1)))"
     "  (let ((producer (async (channel/send ch 10) (channel/send ch 20) (channel/send ch 30) (channel/close ch)))"
     "        (consumer (async (let loop ((sum 0)) (let ((v (channel/recv ch))) (if (nil? v) sum (loop (+ sum v))))))))"
     "    (await consumer)))", "60"),
    # yielding from inside a for-each callback
    ("(let ((ch (channel/new 3)))"
     "  (let ((producer (async (for-each (fn (n) (channel/send ch n)) (list 1 2 3 4 5 6 7)) (channel/close ch)))"
     "        (consumer (async (let loop ((sum 0)) (let ((v (channel/recv ch))) (if (nil? v) sum (loop (+ sum v))))))))"
     "    (await consumer)))", "28"),
    ("(let ((ch (channel/new 2))) (channel/send ch :a) (list (channel/count ch) (channel/full? ch) "
     "(channel/try-recv ch) (channel/try-recv ch) (channel/empty? ch)))", "(1 #f :a nil #t)"),
    ("(let ((ch (channel/new))) (channel/close ch) (list (channel/closed? ch) (channel/recv ch)))", "(#t nil)"),
    ("(channel? (channel/new))", "#t"),
]


@table(ASYNC)
def test_async(show, src, expected):
    """async/* as Sema documents it."""
    assert show(src) == expected


@table(CHANNELS)
def test_channels(show, src, expected):
    """channel/* between tasks."""
    assert show(src) == expected


class TestScheduling:
    def test_a_task_runs_only_when_the_spawner_yields(self, interp, capsys):
        """Spawning does not run the task: it runs at the spawner's await (Sema's cooperative order)."""
        interp.eval_source('(define p (async (println "in task") 42)) (println "after spawn") (println (await p))')
        assert capsys.readouterr().out == "after spawn\nin task\n42\n"

    def test_ready_tasks_run_in_spawn_order(self, show):
        """Tasks that are ready together run in the order they were spawned."""
        show("(define log (atom '())) (define (note x) (swap! log (fn (l) (cons x l))))"
             "(async/all (list (async (note 1)) (async (note 2)) (async (note 3))))")
        assert show("(reverse @log)") == "(1 2 3)"

    def test_shorter_sleeps_wake_first(self, show):
        """A task sleeping less wakes before one sleeping more."""
        show("(define log (atom '())) (define (note x) (swap! log (fn (l) (cons x l))))")
        show("(async/all (list (async (note 1) (async/sleep 40) (note 3)) (async (note 2) (async/sleep 5) (note 4))))")
        assert show("(reverse @log)") == "(1 2 4 3)"

    def test_async_run_runs_pending_tasks(self, show):
        """async/run lets every spawned task finish."""
        assert show("(define n (atom 0)) (async (swap! n inc)) (async (swap! n inc)) (async/run) @n") == "2"

    def test_deep_recursion_and_tail_calls_inside_tasks(self, show):
        """Tasks run on big stacks with proper tail calls, like top-level code."""
        show("(define (sum n) (if (= n 0) 0 (+ n (sum (- n 1)))))")
        show("(define (ev? n) (if (= n 0) #t (od? (- n 1)))) (define (od? n) (if (= n 0) #f (ev? (- n 1))))")
        assert show("(await (async (sum 100000)))") == "5000050000"
        assert show("(async/all (map (fn (i) (async (async/sleep 1) (ev? (+ 100000 i)))) (range 2)))") == "(#t #f)"

    def test_waiting_forever_is_a_deadlock_error(self, show):
        """Awaiting a task that can never finish raises an error instead of hanging."""
        with pytest.raises(SemaError, match="deadlock"):
            show("(define c (channel/new)) (await (async (channel/recv c)))")

    def test_channel_ops_outside_tasks_do_not_block(self, show):
        """At top level, recv on an empty channel is an error (nothing else would run to fill it)."""
        with pytest.raises(SemaError, match="channel is empty"):
            show("(channel/recv (channel/new))")
        with pytest.raises(SemaError, match="channel is full"):
            show("(let ((c (channel/new 1))) (channel/send c 1) (channel/send c 2))")


class TestBlockingIoOverlaps:
    def test_llm_calls_in_tasks_run_concurrently(self, run, fake_server):
        """Three llm/complete calls in three tasks are in flight together (the fake server sees all three)."""
        from tests.test_llm_builtins import configure
        server = fake_server("openai")
        server.delay = 0.3
        configure(run, "openai", server)
        result = run('(async/all (map (fn (q) (async (llm/complete q))) (list "a" "b" "c")))')
        assert list(result) == ["Hello!"] * 3
        assert server.peak == 3

    def test_llm_calls_at_top_level_stay_sequential(self, run, fake_server):
        """Outside tasks an LLM call runs as it would without async: one at a time."""
        from tests.test_llm_builtins import configure
        server = fake_server("openai")
        server.delay = 0.05
        configure(run, "openai", server)
        run("(async 1)")  # the scheduler exists, but top-level code keeps its baton through I/O
        assert run('(list (llm/complete "a") (llm/complete "b"))') is not None
        assert server.peak == 1

    def test_shell_in_tasks_overlaps_and_cancel_kills_it(self, run):
        """Two shell calls in tasks wait together; cancelling a task kills its subprocess."""
        assert list(run('(async/all (list (async (:stdout (shell "sleep 0.2; echo a"))) '
                        '(async (:stdout (shell "sleep 0.2; echo b")))))')) == ["a\n", "b\n"]
        import subprocess
        src = ('(let ((p (async (shell "sleep 31.5")))) '
               '(list (try (async/timeout 100 p) (catch e (:type e))) (async/run) (async/cancelled? p)))')
        assert [str(x) for x in run(src)] == [":timeout", "None", "True"]
        left = subprocess.run(["pgrep", "-f", "sleep 31.5"], capture_output=True, text=True).stdout
        assert left == ""
