"""The sandbox (issue 13): capabilities, what a denial looks like, and attempts to escape each one.

Every test here is what an embedder running code it did not write would try:
path traversal, symlinks, loading an absolute path, a shell through an
HTTP URL, a redirect to another host, environment values through error
messages, another interpreter's database handles.
"""

from __future__ import annotations

import inspect
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import sema
from sema.runtime.capabilities import NEEDS, make_policy
from tests.test_http_builtins import LocalServer

REPO = Path(__file__).resolve().parent.parent


def sandboxed(**grants):
    """An interpreter allowed exactly ``grants`` (capability -> True or allowed paths/hosts)."""
    return sema.Interpreter(llm=False, allow={k.replace("_", "-"): v for k, v in grants.items()})


def all_but(*denied):
    return sema.Interpreter(llm=False, allow="all", deny=denied)


def denied(interp, src) -> sema.PermissionDenied:
    with pytest.raises(sema.PermissionDenied) as info:
        interp.eval(src)
    return info.value


@pytest.fixture
def box(tmp_path):
    """A folder the sandbox may use, a secret outside it, and links from inside to outside."""
    inside, outside = tmp_path / "box", tmp_path / "outside"
    inside.mkdir()
    outside.mkdir()
    (inside / "ok.txt").write_text("inside")
    (outside / "secret.txt").write_text("TOP SECRET")
    (outside / "lib.scm").write_text("(define stolen 42)")
    os.symlink(outside / "secret.txt", inside / "link.txt")
    os.symlink(outside, inside / "door")
    return inside, outside


# ---------------------------------------------------------------- what a denial is


class TestDenial:
    def test_a_denied_operation_is_a_permission_error_naming_capability_and_operation(self):
        """In Python a PermissionError; the message names the builtin and the capability."""
        err = denied(sandboxed(), '(shell "echo hi")')
        assert isinstance(err, PermissionError)
        assert err.capability == "shell" and err.operation == "shell"
        assert "shell: permission denied" in err.message and "shell capability" in err.message

    def test_lisp_catches_it_as_a_permission_denied_map(self):
        """Lisp sees {:type :permission-denied :capability :fs-read :operation "file/read" :target ...}."""
        value = sandboxed().eval('(try (file/read "/etc/hostname") (catch e [(:type e) (:capability e) '
                                 '(:operation e) (:target e)]))')
        assert value == ["permission-denied", "fs-read", "file/read", None]

    def test_the_target_is_named_when_it_is_outside_the_allowed_paths(self, box):
        inside, outside = box
        err = denied(sandboxed(fs_read=[str(inside)]), f'(file/read "{outside}/secret.txt")')
        assert err.target == f"{outside}/secret.txt" and str(inside) in err.message

    def test_the_embedder_default_is_everything_but_python(self, tmp_path):
        """An embedder's interpreter keeps files, shell, env ... as before; py/* needs allow."""
        interp = sema.Interpreter(llm=False)
        assert interp.eval('(:exit-code (shell "true"))') == 0
        assert denied(interp, '(py/import "os")').capability == "python"
        assert sema.Interpreter(llm=False, allow="all").eval('(py/get (py/import "math") "pi")') > 3.14

    def test_allow_and_deny_spellings(self, tmp_path):
        """Names, groups (fs, env), name=limit strings, dicts, and deny after allow; unknown names refused."""
        assert make_policy({"fs"}).allows("fs-write") and make_policy(["fs-read=/tmp"]).limits("fs-read") == (
            os.path.realpath("/tmp"),)
        assert not make_policy("all", deny={"env"}).allows("env-read")
        assert make_policy({"net": ["API.Example.com."]}).limits("net") == ("api.example.com",)
        with pytest.raises(ValueError, match="unknown capability 'shel'"):
            make_policy({"shel"})
        with pytest.raises(ValueError, match="takes no paths"):
            make_policy({"shell": "/bin"})

    def test_no_builtin_is_called_through_a_wrapper_without_a_sandbox(self):
        """An interpreter allowed everything holds the builtins themselves (no cost outside a sandbox)."""
        from sema.runtime.registry import BUILTINS
        interp = sema.Interpreter(llm=False, allow="all")
        assert interp.namespace["shell"] is BUILTINS["shell"]
        assert sandboxed(shell=True).namespace["shell"] is not BUILTINS["shell"]


# ---------------------------------------------------------------- every capability


CASES = [  # capability, Lisp source that needs it
    ("fs-read", '(file/read "{f}")'), ("fs-read", '(file/list "{d}")'), ("fs-read", '(file/exists? "{f}")'),
    ("fs-read", '(file/read-bytes "{f}")'), ("fs-read", '(file/fold-lines "{f}" (fn (a l) a) 0)'),
    ("fs-write", '(file/write "{d}/new.txt" "x")'), ("fs-write", '(file/delete "{f}")'),
    ("fs-write", '(file/mkdir "{d}/sub")'), ("fs-write", '(kv/open "s" "{d}/kv.json")', "fs-read"),
    ("fs-write", '(db/open "h13" "{d}/x.db")', "fs-read"), ("fs-read", '(db/open "h13" "{d}/x.db")', "fs-write"),
    ("net", '(http/get "http://127.0.0.1:9/")'), ("net", '(http/request :get "http://127.0.0.1:9/")'),
    ("shell", '(shell "true")'), ("shell", '(proc/spawn ["true"])'), ("shell", '(git/root)'),
    ("env-read", '(env "HOME")'), ("env-read", '(sys/env-all)'), ("env-read", '(sys/home-dir)'),
    ("env-read", '(sys/user)'), ("env-read", '(sys/cwd)'),
    ("env-write", '(sys/set-env "SEMA_SANDBOX_TEST" "1")'),
    ("stdin", '(read-line)'),
    ("llm", '(llm/complete "hi")'), ("llm", '(llm/define-provider :p {{:complete (fn (r) "x")}})'),
    ("python", '(py/import "math")'),
    ("exit", '(exit 3)'),
    ("load", '(load "{d}/lib.scm")'), ("load", '(import "{d}/lib.scm")'),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}:{c[1][:24]}" for c in CASES])
def test_each_capability_is_needed_and_enough(case, tmp_path):
    """Without the capability the operation is refused; given it (and the case's extras), it is not refused."""
    capability, template, *also = case
    (tmp_path / "f.txt").write_text("x\n")
    (tmp_path / "lib.scm").write_text("(define from-lib 1)")
    src = template.format(f=tmp_path / "f.txt", d=tmp_path)
    err = denied(all_but(capability), src)
    assert err.capability == capability
    try:
        sema.Interpreter(llm=False, allow={capability, *also}, stdout=io.StringIO()).eval(src, timeout=10)
    except sema.PermissionDenied as exc:
        pytest.fail(f"{src} was refused with {capability} granted: {exc}")
    except (sema.SemaError, sema.ExitRequest):
        pass  # failing for another reason (no server on port 9, no provider) is fine here


def test_every_builtin_that_touches_the_machine_declares_what_it_needs():
    """A builtin whose code opens files, runs programs, reads the environment or talks to the network
    has a needs= declaration (the sandbox can only wrap what is declared)."""
    import importlib

    from sema.builtins import LAZY, load_all
    from sema.runtime.registry import BUILTINS, INTERP_BUILTINS
    load_all()
    for module in LAZY:
        importlib.import_module(module)
    touches = re.compile(r"\bopen\(|os\.environ|subprocess|httpx|sqlite3\.connect|os\.(listdir|remove|rmdir|"
                         r"makedirs|replace|stat|scandir|getcwd|path\.(exists|isfile|isdir|islink|realpath|"
                         r"expanduser))|shutil\.|glob\.glob|uvicorn|getpass|socket\.|platformdirs|importlib|"
                         r"sys\.stdin|tempfile")
    missing = []
    for name, fn in {**BUILTINS, **INTERP_BUILTINS}.items():
        if name in NEEDS:
            continue
        module = sys.modules[fn.__module__]
        code = inspect.getsource(fn)
        # one level down: the module's own helpers it calls
        for helper in re.findall(r"\b(_?[a-z]\w*)\(", code):
            target = getattr(module, helper, None)
            if inspect.isfunction(target) and target.__module__ == module.__name__ and target is not fn:
                code += inspect.getsource(target)
        if touches.search(code):
            missing.append(name)
    # these read only what is harmless: the terminal's size, whether stdin is a tty, the platform, the clock
    harmless = {"sys/term-size", "sys/tty", "sys/interactive?", "sys/os", "sys/platform", "sys/arch",
                "sys/pid", "sys/elapsed", "term/flush", "io/flush", "path/within?", "path/relative-to",
                "%doc", "doc"}
    assert sorted(set(missing) - harmless) == []


# ---------------------------------------------------------------- files: traversal and symlinks


class TestFiles:
    def test_dot_dot_cannot_leave_the_allowed_folder(self, box, monkeypatch):
        inside, outside = box
        interp = sandboxed(fs_read=[str(inside)])
        assert interp.eval(f'(file/read "{inside}/ok.txt")') == "inside"
        denied(interp, f'(file/read "{inside}/../outside/secret.txt")')
        monkeypatch.chdir(inside)  # relative paths resolve from the working folder, as open() does
        assert interp.eval('(file/read "ok.txt")') == "inside"
        denied(interp, '(file/read "../outside/secret.txt")')

    def test_a_symlink_inside_pointing_outside_is_outside(self, box):
        inside, outside = box
        interp = sandboxed(fs_read=[str(inside)], fs_write=[str(inside)])
        for src in (f'(file/read "{inside}/link.txt")', f'(file/read "{inside}/door/secret.txt")',
                    f'(file/list "{inside}/door")', f'(file/info "{inside}/link.txt")',
                    f'(file/write "{inside}/link.txt" "pwned")', f'(file/append "{inside}/door/new.txt" "x")'):
            denied(interp, src)
        assert (outside / "secret.txt").read_text() == "TOP SECRET" and not (outside / "new.txt").exists()

    def test_glob_does_not_list_through_a_symlink_or_above_its_folder(self, box):
        inside, outside = box
        interp = sandboxed(fs_read=[str(inside)])
        found = interp.eval(f'(file/glob "{inside}/**/*.txt")')
        assert found == [f"{inside}/ok.txt"]
        denied(interp, f'(file/glob "{inside}/*/../../outside/*")')
        denied(interp, f'(file/glob "{outside}/*")')

    def test_writes_copies_and_renames_stay_inside(self, box):
        inside, outside = box
        interp = sandboxed(fs_read=[str(inside), str(outside)], fs_write=[str(inside)])
        interp.eval(f'(file/write "{inside}/new.txt" "x")')
        denied(interp, f'(file/copy "{outside}/secret.txt" "{outside}/copy.txt")')
        denied(interp, f'(file/rename "{inside}/new.txt" "{outside}/moved.txt")')
        denied(interp, f'(file/mkdir "{outside}/made")')
        interp.eval(f'(file/copy "{outside}/secret.txt" "{inside}/copy.txt")')  # reading outside is allowed here
        assert (inside / "copy.txt").read_text() == "TOP SECRET" and sorted(os.listdir(outside)) == [
            "lib.scm", "secret.txt"]

    def test_a_router_serves_static_files_only_from_folders_it_may_read(self, box):
        """[:static ...] routes need fs-read for their folder, and a symlink in it leading out is not served."""
        inside, outside = box
        interp = sandboxed(fs_read=[str(inside)])
        denied(interp, f'(http/router [[:static "/s" "{outside}"]])')
        statuses = interp.eval(f'(define h (http/router [[:static "/s" "{inside}"]])) '
                               '(map (fn (p) (:status (h {:method :get :path p}))) ["/s/ok.txt" "/s/link.txt"])')
        assert statuses == [200, 403]
        assert sandboxed().eval('(:status ((http/router []) {:method :get :path "/"}))') == 404

    def test_sqlite_cannot_attach_or_vacuum_into_a_file_outside(self, box):
        """db/open-memory needs no capability, but SQL cannot reach files the sandbox does not allow."""
        inside, outside = box
        interp = sandboxed()
        interp.eval('(db/open-memory "mem13")')
        interp.eval('(db/exec "mem13" "CREATE TABLE t (x)")')
        for sql in (f"ATTACH DATABASE '{outside}/evil.db' AS e", f"VACUUM INTO '{outside}/copy.db'"):
            with pytest.raises(sema.LispIOError, match="not authorized|denied"):
                interp.eval(f'(db/exec "mem13" "{sql}")')
        assert not (outside / "evil.db").exists() and not (outside / "copy.db").exists()

    def test_another_interpreters_kv_store_and_database_are_invisible(self, tmp_path):
        """A sandbox whose files are limited has handle names of its own: the host's are out of reach."""
        host = sema.Interpreter(llm=False)
        host.eval(f'(kv/open "host-store" "{tmp_path}/host.json") (kv/set "host-store" "k" "secret")')
        host.eval('(db/open-memory "host-db") (db/exec "host-db" "CREATE TABLE t (x)")')
        guest = sandboxed(fs_read=True, fs_write=[str(tmp_path / "guest")])
        with pytest.raises(sema.LispValueError, match="no open store"):
            guest.eval('(kv/get "host-store" "k")')
        with pytest.raises(sema.LispValueError, match="no open database"):
            guest.eval('(db/query "host-db" "SELECT * FROM t")')
        guest.eval('(db/open-memory "host-db") (db/exec "host-db" "CREATE TABLE mine (y)")')  # its own, not the host's
        assert guest.eval('(db/tables "host-db")') == ["mine"]
        assert host.eval('(kv/get "host-store" "k")') == "secret" and host.eval('(db/tables "host-db")') == ["t"]
        host.eval('(kv/close "host-store") (db/close "host-db")')
        guest.eval('(db/close "host-db")')


# ---------------------------------------------------------------- load and import


class TestLoad:
    def test_load_and_import_of_an_absolute_path_outside_are_refused(self, box):
        inside, outside = box
        (inside / "mine.scm").write_text("(define mine 1)")
        interp = sandboxed(load=[str(inside)])
        interp.eval(f'(load "{inside}/mine.scm")')
        assert interp.get("mine") == 1
        for src in (f'(load "{outside}/lib.scm")', f'(import "{outside}/lib.scm")',
                    f'(load "{inside}/../outside/lib.scm")', f'(load "{inside}/door/lib.scm")'):
            assert denied(interp, src).capability == "load"
        with pytest.raises(sema.UnboundSymbolError):
            interp.eval("stolen")

    def test_a_relative_load_resolves_next_to_the_loading_file(self, box):
        inside, _ = box
        (inside / "a.scm").write_text('(load "b.scm")')
        (inside / "b.scm").write_text("(define from-b 2)")
        interp = sandboxed(load=[str(inside)])
        interp.eval_file(str(inside / "a.scm"))  # the host loads a.scm; a.scm's load is the sandbox's
        assert interp.get("from-b") == 2

    def test_an_imported_module_has_no_more_rights_than_its_importer(self, box):
        inside, _ = box
        (inside / "m.scm").write_text('(module m (export run)) (define (run) (shell "echo escaped"))')
        interp = sandboxed(load=[str(inside)])
        interp.eval(f'(import "{inside}/m.scm")')
        assert denied(interp, "(run)").capability == "shell"


# ---------------------------------------------------------------- network


@pytest.fixture
def server():
    s = LocalServer({"/redirect": lambda req: (302, {"location": s.url.replace("127.0.0.1", "localhost")
                                                     + "/hello"}, "")})
    yield s
    s.close()


class TestNetwork:
    def test_only_allowed_hosts(self, server):
        interp = sandboxed(net=["127.0.0.1"])
        assert interp.eval(f'(http/get "{server.url}/hello")') == "Hello, world"
        port = server.url.rsplit(":", 1)[1]
        err = denied(interp, f'(http/get "http://localhost:{port}/hello")')
        assert err.target == f"http://localhost:{port}/hello"
        denied(interp, '(http/get "file:///etc/passwd")')
        denied(interp, '(http/request {:method :get :url "ftp://127.0.0.1/x"})')

    def test_a_redirect_to_another_host_is_refused(self, server):
        interp = sandboxed(net=["127.0.0.1"])
        with pytest.raises(sema.PermissionDenied, match="localhost"):
            interp.eval(f'(http/get "{server.url}/redirect")')
        assert [r["path"] for r in server.requests] == ["/redirect"]

    def test_no_shell_through_an_http_url(self, server, tmp_path):
        """Shell syntax in a URL goes to the server as text; nothing runs, and shell itself stays denied."""
        marker = tmp_path / "pwned"
        interp = sandboxed(net=["127.0.0.1"])
        for url in (f"{server.url}/$(touch {marker})", f"{server.url}/`touch {marker}`",
                    f"{server.url}/x;touch {marker}"):
            interp.eval(f'(http/request :get "{url}")')
        assert not marker.exists()
        denied(interp, f'(shell "touch {marker}")')
        assert not marker.exists()

    def test_http_serve_needs_the_host_it_listens_on(self):
        denied(sandboxed(), '(http/serve (fn (r) (http/ok "x")) {:port 0})')
        err = denied(sandboxed(net=["api.example.com"]), '(http/serve (fn (r) (http/ok "x")) {:port 0})')
        assert err.target == "127.0.0.1"

    def test_an_llm_provider_cannot_be_pointed_at_a_host_the_sandbox_does_not_allow(self, monkeypatch):
        """With llm allowed but not that host, (llm/configure ... :base-url) is refused before any key is used."""
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key-0000000000")
        interp = sandboxed(llm=True)
        err = denied(interp, '(llm/configure :openai {:base-url "http://attacker.invalid/v1"})')
        assert err.capability == "net" and "sk-test" not in err.message


# ---------------------------------------------------------------- environment


class TestEnvironment:
    SECRET = "s3cr3t-value-that-must-not-leak"

    def test_env_values_never_reach_an_error_message(self, monkeypatch, tmp_path):
        monkeypatch.setenv("SEMA_TEST_SECRET", self.SECRET)
        monkeypatch.setenv("HOME", f"/home/{self.SECRET}")
        interp = sema.Interpreter(llm=False, allow={"fs-read": [str(tmp_path)], "fs-write": [str(tmp_path)],
                                                    "load": [str(tmp_path)]})
        attempts = ['(env "SEMA_TEST_SECRET")', "(sys/env-all)", "(sys/home-dir)", "(sys/config-dir)",
                    '(file/read "$SEMA_TEST_SECRET")', '(file/read "~/x")', '(load "${SEMA_TEST_SECRET}.scm")',
                    '(file/read (str "/" (env "SEMA_TEST_SECRET")))', '(path/absolute "x")',
                    '(error (env "SEMA_TEST_SECRET"))', '(import "~/lib.scm")', "(sys/cwd)",
                    '(llm/configure :custom {:api-key "$SEMA_TEST_SECRET" :base-url "http://127.0.0.1:9"})']
        for src in attempts:
            with pytest.raises(sema.SemaError) as info:
                interp.eval(src)
            shown = sema.diagnostics.render(info.value) + repr(interp.eval(f"(try {src} (catch e e))"))
            assert self.SECRET not in shown, src

    def test_the_host_can_still_configure_providers_from_its_environment(self, monkeypatch):
        """llm=True reads provider keys at start-up (the host's doing) even when Lisp may not read env."""
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key-0000000000")
        interp = sema.Interpreter(llm=True, allow={"llm"})
        assert interp.eval("(llm/default-provider)") == "openai"
        denied(interp, '(env "OPENAI_API_KEY")')


# ---------------------------------------------------------------- every path into a builtin


class TestNoWayAround:
    def test_apply_map_eval_and_stdlib_functions_are_checked_too(self):
        interp = sandboxed()
        for src in ('(apply shell (list "true"))', '(map shell (list "true"))', "(eval '(shell \"true\"))",
                    '((fn (f) (f "true")) shell)', '(let ((s shell)) (s "true"))', "(eval (read \"(exit 1)\"))"):
            denied(interp, src)

    def test_the_llm_layer_checks_every_call_itself(self):
        """A path into the LLM layer that declares nothing (a new builtin, a registered Python function)
        still needs llm: every provider call checks against the running interpreter's policy."""
        from sema.llm.fake import FakeProvider
        from sema.llm.router import invoke
        from sema.llm.types import request_from_python

        def sneaky():
            return invoke(FakeProvider(), request_from_python({"messages": [{"role": "user", "content": "x"}]})).content
        guest, host = sandboxed(), sema.Interpreter(llm=False)
        for interp in (guest, host):
            interp.register_function("sneaky", sneaky)
        assert denied(guest, "(sneaky)").capability == "llm"
        assert host.eval("(sneaky)") == "fake response"

    def test_the_agent_layer_needs_llm_and_its_files(self, tmp_path):
        """Agents, conversations and extraction are LLM calls; cassettes, the response cache and image
        files are files: each is denied with the capability it lacks, and works within what is granted."""
        provider = '(llm/define-provider :p {:complete (fn (r) "{\\"a\\": 1}")})'
        no_llm = all_but("llm")
        for src in ('(agent/run (agent {}) "hi")', '(conversation/say (conversation/new) "hi")',
                    '(llm/extract {:a :int} "x")', '(llm/pmap str [1 2])', '(llm/send "x")'):
            assert denied(no_llm, src).capability == "llm", src
        guest = sandboxed(llm=True, fs_read=[str(tmp_path)])
        guest.eval(provider)
        tape = str(tmp_path / "tape.ndjson")
        err = denied(guest, f'(llm/with-cassette "{tape}" {{:mode :record}} (fn () (llm/complete "q")))')
        assert (err.capability, err.target) == ("fs-write", tape)
        assert denied(guest, '(llm/complete "q" {:cache #t})').capability == "fs-write"
        image = tmp_path.parent / "secret.png"
        image.write_bytes(b"\x89PNG\r\n\x1a\n")
        err = denied(guest, f'(message/with-image :user "what?" "{image}")')
        assert (err.capability, err.target) == ("fs-read", str(image))
        writer = sandboxed(llm=True, fs_read=[str(tmp_path)], fs_write=[str(tmp_path)])
        writer.eval(provider)
        assert writer.eval(f'(llm/with-cassette "{tape}" {{:mode :record}} (fn () (llm/complete "q")))') == '{"a": 1}'
        assert guest.eval(f'(llm/with-cassette "{tape}" {{:mode :replay}} (fn () (llm/complete "q")))') == '{"a": 1}'
        cache = str(tmp_path / "cache.sqlite3")
        assert writer.eval(f'(llm/complete "q" {{:cache {{:path "{cache}"}}}})') == '{"a": 1}'
        assert os.path.exists(cache)

    def test_a_lazy_builtin_is_checked_on_its_first_call(self):
        """http/* and llm/* load their module on first use; the loaded builtins are wrapped as well."""
        interp = sandboxed()
        denied(interp, '(http/get "http://127.0.0.1:9/")')
        denied(interp, '(http/get "http://127.0.0.1:9/")')

    def test_cached_code_is_checked_like_fresh_code(self, tmp_path):
        script = tmp_path / "s.scm"
        script.write_text('(define (go) (shell "true"))\n(go)\n')
        assert sema.Interpreter(llm=False).eval_file(str(script))["exit-code"] == 0  # fills the code cache
        with pytest.raises(sema.PermissionDenied):
            sandboxed(load=True).eval_file(str(script))

    def test_exit_is_a_permission_error_not_an_exit(self):
        """Without exit, (exit) is an ordinary (catchable) error; with it, an ExitRequest as always."""
        with pytest.raises(PermissionError):
            sandboxed().eval("(exit 0)")
        assert sandboxed().eval("(try (exit 4) (catch e (:capability e)))") == "exit"
        with pytest.raises(sema.ExitRequest):
            sandboxed(exit=True).eval("(exit 4)")


# ---------------------------------------------------------------- resource limits


class TestLimits:
    def test_output_cap(self):
        """max_output stops the evaluation once it wrote that much; Lisp catch cannot keep it going."""
        out = io.StringIO()
        interp = sema.Interpreter(llm=False, max_output=1000, stdout=out)
        with pytest.raises(sema.ResourceLimitError, match="1,000 characters") as info:
            interp.eval('(let loop () (try (display "0123456789") (catch e nil)) (loop))', timeout=10)
        assert info.value.resource == "output" and len(out.getvalue()) == 1000
        assert interp.eval('(begin (display "fine") 1)') == 1 and out.getvalue().endswith("fine")

    def test_output_goes_to_the_interpreters_streams(self, capsys):
        out, err = io.StringIO(), io.StringIO()
        interp = sema.Interpreter(llm=False, stdout=out, stderr=err)
        interp.eval('(println "to out") (println-error "to err") (await (async (println "from a task")))')
        assert out.getvalue() == "to out\nfrom a task\n" and err.getvalue() == "to err\n"
        assert capsys.readouterr().out == ""

    @pytest.mark.skipif(not sys.platform.startswith("linux"), reason="resident memory is read from /proc")
    def test_memory_ceiling(self):
        """max_memory stops a runaway allocation long before it hurts the host."""
        interp = sema.Interpreter(llm=False, max_memory=64 << 20)
        with pytest.raises(sema.ResourceLimitError, match="MiB") as info:
            interp.eval('(let loop ((acc (list))) (loop (cons (make-string 100000 #\\a) acc)))', timeout=30)
        assert info.value.resource == "memory"
        assert interp.eval("(+ 1 2)") == 3

    def test_limits_are_checked_when_made(self):
        with pytest.raises(ValueError, match="max_output"):
            sema.Interpreter(llm=False, max_output=-1)


# ---------------------------------------------------------------- the command line


def sema_cli(*args, cwd=None, timeout=60):
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    return subprocess.run([sys.executable, "-m", "sema", "--no-llm", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=timeout, stdin=subprocess.DEVNULL)


class TestCommandLine:
    def test_sandbox_strict(self, tmp_path):
        """--sandbox strict: the program may load files next to it and exit, nothing else."""
        (tmp_path / "lib.scm").write_text("(define (twice x) (* 2 x))")
        (tmp_path / "main.scm").write_text('(load "lib.scm")\n(println (twice 21))\n(shell "echo no")\n')
        out = sema_cli("--sandbox", "strict", str(tmp_path / "main.scm"))
        assert out.stdout == "42\n" and out.returncode == 1
        assert "shell: permission denied: the shell capability is not granted" in out.stderr

    def test_allow_and_deny(self, tmp_path):
        (tmp_path / "f.txt").write_text("hi")
        ok = sema_cli("--allow", f"fs-read={tmp_path}", "-e", f'(file/read "{tmp_path}/f.txt")')
        assert ok.stdout == '"hi"\n', ok.stderr
        refused = sema_cli("--allow", f"fs-read={tmp_path}", "-e", '(file/read "/etc/hostname")')
        assert refused.returncode == 1 and "outside what fs-read allows" in refused.stderr
        assert sema_cli("--deny", "shell", "-e", '(shell "true")').returncode == 1
        assert sema_cli("-e", '(py/get (py/import "math") "pi")').stdout.startswith("3.14")  # on for the command

    def test_bad_capability_is_a_usage_error(self):
        out = sema_cli("--allow", "fs-reed", "-e", "1")
        assert out.returncode == 2 and "unknown capability 'fs-reed'" in out.stderr
