"""The standard library that touches the outside world (issue 11): files, processes, kv, db, git,
the web server, and that rarely used modules load only on first use.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from sema.errors import SemaError
from sema.interpreter import Interpreter

REPO = Path(__file__).resolve().parent.parent


def lisp_str(s: str) -> str:
    return json.dumps(str(s))


class TestFiles:
    def test_binary_round_trip_info_and_line_folds(self, run, show, tmp_path):
        """read/write-bytes, file/info, fold-lines (CRLF too), for-each-line, fold-lines-bytes."""
        p = lisp_str(tmp_path / "d.txt")
        run(f"(file/write-bytes {p} (string->utf8 \"a\\nbb\\r\\nccc\"))")
        assert show(f"(file/read-bytes {p})") == "#u8(97 10 98 98 13 10 99 99 99)"
        assert show(f"(list (:size (file/info {p})) (:is-file (file/info {p})) (:is-dir (file/info {p})))") == \
            "(9 #t #f)"
        assert show(f"(file/fold-lines {p} (fn (acc l) (cons l acc)) '())") == '("ccc" "bb" "a")'
        assert show(f"(file/fold-lines-bytes {p} (fn (acc l) (+ acc (bytes/length l))) 0)") == "6"
        assert show(f"(let ((n (mutable-cell/new 0))) (file/for-each-line {p} (fn (l) (mutable-cell/set! n "
                    "(+ 1 (mutable-cell/get n))))) (mutable-cell/get n))") == "3"

    def test_missing_file_is_an_io_error(self, run, tmp_path):
        """file/info of a missing file names the builtin and the path."""
        with pytest.raises(SemaError, match="file/info: cannot stat"):
            run(f"(file/info {lisp_str(tmp_path / 'nope')})")

    def test_path_within(self, show, tmp_path):
        """path/within? resolves .. and symbolic links before deciding."""
        (tmp_path / "root").mkdir()
        (tmp_path / "root" / "link").symlink_to("/etc")
        root = lisp_str(tmp_path / "root")
        assert show(f'(path/within? {root} (str {root} "/a/b"))') == "#t"
        assert show(f'(path/within? {root} (str {root} "/../x"))') == "#f"
        assert show(f'(path/within? {root} (str {root} "/link/passwd"))') == "#f"


class TestProcesses:
    def test_spawn_write_wait_read(self, show):
        """proc/spawn streams a child's output into buffers read with proc/read-stdout."""
        src = ('(define h (proc/spawn ["cat"])) (proc/write-stdin h "hello\\n") (proc/close-stdin h) '
               '(list (proc/wait h) (proc/read-stdout h) (proc/read-stdout h) (proc/exit-code h) (proc/close h))')
        assert show(src) == '(0 "hello\\n" "" 0 nil)'

    def test_kill_exit_code_and_freed_handle(self, show, run):
        """A killed child reports -1; a closed handle is gone."""
        assert show('(define h (proc/spawn ["sleep" "30"] {:cwd "/"})) (list (proc/running? h) (proc/exit-code h))') \
            == "(#t nil)"
        assert show("(proc/kill h) (list (proc/wait h) (proc/running? h))") == "(-1 #f)"
        run("(proc/close h)")
        with pytest.raises(SemaError, match="no such handle"):
            run("(proc/wait h)")

    def test_env_and_missing_program(self, show, run):
        """:env reaches the child; a program that does not exist is an :io error."""
        assert show('(let ((h (proc/spawn ["sh" "-c" "echo $X"] {:env {"X" "42"}}))) (proc/wait h) '
                    '(proc/read-stdout h))') == '"42\\n"'
        with pytest.raises(SemaError, match="proc/spawn: cannot run"):
            run('(proc/spawn ["no-such-program-xyz"])')

    def test_proc_run_returns_the_exit_code(self, show):
        """proc/run waits for the child and returns its exit code."""
        assert show('(proc/run ["sh" "-c" "exit 3"])') == "3"


class TestKvAndDb:
    def test_kv_persists_across_interpreters(self, tmp_path):
        """kv/set writes the JSON file; a new interpreter reads the values back."""
        path = lisp_str(tmp_path / "store.json")
        a = Interpreter(llm=False)
        a.eval_source(f'(kv/open "s" {path}) (kv/set "s" "user" {{:name "Ada" :tags (list "x")}}) '
                      '(kv/set "s" "n" 3) (kv/delete "s" "n") (kv/close "s")')
        b = Interpreter(llm=False)
        assert b.eval(f'(kv/open "t" {path}) (list (kv/get "t" "user") (kv/keys "t") (kv/get "t" "n"))') == \
            [{"name": "Ada", "tags": ["x"]}, ["user"], None]
        assert json.loads((tmp_path / "store.json").read_text()) == {"user": {"name": "Ada", "tags": ["x"]}}

    def test_sqlite_crud(self, show):
        """db/* on an in-memory database: parameters, rows as keyword maps, blobs, tables."""
        show('(db/open-memory "app") (db/exec "app" "CREATE TABLE todos (id INTEGER PRIMARY KEY, task TEXT, '
             'done INTEGER DEFAULT 0, data BLOB)")')
        assert show('(list (db/exec "app" "INSERT INTO todos (task, data) VALUES (?, ?)" "Buy" #u8(1 2)) '
                    '(db/exec "app" "INSERT INTO todos (task) VALUES (?)" "Write") (db/last-insert-id "app"))') \
            == "(1 1 2)"
        assert show('(db/query "app" "SELECT id, task, data FROM todos WHERE done = ?" #f)') == \
            '({:data #u8(1 2) :id 1 :task "Buy"} {:data nil :id 2 :task "Write"})'
        assert show('(list (db/query-one "app" "SELECT task FROM todos WHERE id = ?" 9) (db/tables "app"))') == \
            '(nil ("todos"))'
        with pytest.raises(SemaError, match="db/exec: no such table"):
            show('(db/exec "app" "INSERT INTO nope VALUES (1)")')

    def test_sqlite_file_is_wal(self, show, tmp_path):
        """A file database is opened in WAL mode."""
        path = lisp_str(tmp_path / "x.db")
        assert show(f'(db/open "f" {path}) (db/query-one "f" "PRAGMA journal_mode")') == '{:journal_mode "wal"}'


class TestGit:
    def test_git_reads_a_repository(self, tmp_path, monkeypatch):
        """git/* answers from a real repository made for the test."""
        def git(*args):
            subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)
        git("init", "-q", "-b", "main")
        git("config", "user.email", "t@example.org")
        git("config", "user.name", "T")
        (tmp_path / "a.txt").write_text("one\n")
        (tmp_path / ".gitignore").write_text("*.log\n")
        git("add", ".")
        git("commit", "-q", "-m", "first")
        (tmp_path / "a.txt").write_text("two\n")
        (tmp_path / "new file.txt").write_text("x")
        monkeypatch.chdir(tmp_path)
        interp = Interpreter(llm=False)
        assert interp.eval("(git/current-branch)") == "main"
        assert interp.eval("(git/root)") == str(tmp_path.resolve())
        assert interp.eval("(git/changed-files)") == ["a.txt", "new file.txt"]
        assert interp.eval("(map (fn (s) (list (:status s) (:untracked s))) (git/status))") == \
            [["M", False], ["??", True]]
        assert interp.eval("(git/diff-files)") == ["a.txt"]
        assert "+two" in interp.eval('(git/diff "a.txt")')
        assert interp.eval("(git/recent-files 5)") == [".gitignore", "a.txt"]
        assert interp.eval('(list (git/ignore-matches? "x.log") (git/ignore-matches? "a.txt"))') == [True, False]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TestWebServer:
    def test_router_serves_real_http(self, tmp_path):
        """http/serve + http/router answer real requests: params, query, JSON bodies, static files, 404, 500."""
        (tmp_path / "static").mkdir()
        (tmp_path / "static" / "style.css").write_text("body { color: red; }")
        port = _free_port()
        interp = Interpreter(llm=False)
        src = f'''
        (define routes
          [[:get "/" (fn (_) (http/html "<h1>Home</h1>"))]
           [:get "/users/:id" (fn (req) (http/ok {{:id (:id (:params req)) :page (:page (:query req))}}))]
           [:post "/echo" (fn (req) (http/created (:json req)))]
           [:static "/assets" {lisp_str(tmp_path / "static")}]
           [:get "/boom" (fn (req) (car 1))]
           [:get "/files/*" (fn (req) (http/text (get (:params req) :*)))]])
        (http/serve (http/router routes) {{:port {port}}})'''
        errors = []

        def serve():
            try:
                interp.eval(src, timeout=30)
            except Exception as exc:  # stopped by cancel: an EvalCancelledError
                errors.append(exc)
        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    httpx.get(base + "/", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.02)
            home = httpx.get(base + "/")
            assert home.status_code == 200 and home.text == "<h1>Home</h1>"
            assert home.headers["content-type"].startswith("text/html")
            assert httpx.get(base + "/users/42?page=2").json() == {"id": "42", "page": "2"}
            echo = httpx.post(base + "/echo", json={"a": [1, 2]})
            assert echo.status_code == 201 and echo.json() == {"a": [1, 2]}
            css = httpx.get(base + "/assets/style.css")
            assert css.text == "body { color: red; }" and css.headers["content-type"] == "text/css"
            assert httpx.get(base + "/files/docs/readme.md").text == "docs/readme.md"
            assert httpx.get(base + "/nope").status_code == 404
            assert httpx.get(base + "/boom").status_code == 500
            assert httpx.get(base + "/").status_code == 200  # a failing handler did not stop the server
        finally:
            interp.cancel()
            thread.join(10)
        assert not thread.is_alive()
        with pytest.raises(httpx.TransportError):
            httpx.get(base + "/", timeout=1)

    def test_response_helpers(self, show):
        """The response helpers build Sema's response maps."""
        assert show('(http/ok [1 2 3])') == '{:body "[1,2,3]" :headers {"content-type" "application/json"} :status 200}'
        assert show('(list (:status (http/no-content)) (:status (http/redirect "/x")) (:status (http/error 503 {})))') \
            == "(204 302 503)"


class TestStartup:
    def test_rare_modules_load_on_first_use(self, tmp_path):
        """`sema -e '(+ 1 2)'` imports none of re's users, sqlite3, csv, json, hashlib (warm), datetime,
        subprocess, gzip, uuid or the server stack; the first regex/match call loads the regex module."""
        heavy = ("sqlite3", "csv", "json", "datetime", "subprocess", "gzip", "uuid", "starlette",
                 "uvicorn", "sema.builtins.regex", "sema.builtins.tasks", "sema.builtins.db", "sema.builtins.serve",
                 "sema.builtins.timefmt", "hashlib")
        code = ("import sys, sema.cli; rc = sema.cli.main(['-e', '(+ 1 2)']); "
                f"print(rc, sorted(m for m in {heavy!r} if m in sys.modules))")
        env = {"SEMA_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}
        for _ in range(2):  # the second run has a warm code cache
            proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                                  cwd=tmp_path, timeout=60)
        assert proc.stdout.splitlines() == ["3", "0 []"], proc.stderr
        code = ("import sys, sema; i = sema.Interpreter(llm=False); "
                "print(i.eval('(regex/match? \"a\" \"cat\")'), 'sema.builtins.regex' in sys.modules)")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path,
                             timeout=60).stdout
        assert out.split() == ["True", "True"]
