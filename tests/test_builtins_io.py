"""Tests for the io, json and system builtins (sema/builtins/io.py, jsonfmt.py, system.py).

The classes at the top call the Python functions directly; the tables at the
bottom go through the Lisp interpreter (``run``/``show`` fixtures).
"""

from __future__ import annotations

import io as pyio
import json
import os
import sys
from fractions import Fraction

import pytest

from sema.builtins import io as sio
from sema.builtins import jsonfmt
from sema.builtins import system as ssys
from sema.errors import ExitRequest, LispIOError, LispTypeError, LispValueError, UserError
from sema.printer import write_str
from sema.runtime.registry import ALIASES, BUILTINS, explain_failure
from sema.values import EMPTY, Atom, Char, Map, Pair, Symbol, kw, list_from, make_list, make_map, to_pylist


def m(**kwargs):
    """A keyword-keyed map from Python keyword arguments (underscores become dashes)."""
    return make_map((kw(k.replace("_", "-")), v) for k, v in kwargs.items())


# ================================================================ registration


class TestRegistration:
    MODULES = (sio, jsonfmt, ssys)

    def test_names_registered(self):
        """Every builtin the three modules promise is in the registry."""
        for name in ["display", "print", "println", "newline", "write", "write-string", "pprint",
                     "print-error", "println-error", "io/print-error", "io/println-error", "read-line",
                     "io/read-line", "read-stdin", "io/read-stdin", "io/flush", "file/read", "file/write",
                     "file/append", "file/exists?", "file/read-lines", "file/write-lines", "file/delete",
                     "file/list", "file/mkdir", "file/is-file?", "file/is-directory?", "path/join",
                     "path/dir", "path/filename", "path/extension", "path/absolute", "path/stem",
                     "json/encode", "json/encode-pretty", "json/decode", "env", "sys/env-all", "sys/set-env",
                     "exit", "shell", "sys/platform", "sys/os", "sys/arch", "sys/cwd", "sys/pid",
                     "sys/hostname", "sys/user", "sys/home-dir", "sys/temp-dir", "sys/which", "sys/elapsed",
                     "sys/interactive?", "time-ms", "time/now", "sleep", "assert", "assert="]:
            assert name in BUILTINS, name

    def test_aliases(self):
        """The io/ variants are aliases of the plain names."""
        assert ALIASES["io/read-line"] == "read-line"
        assert BUILTINS["io/println-error"] is BUILTINS["println-error"]

    def test_every_builtin_has_an_example(self):
        """Every builtin of these modules documents at least one `; =>` example."""
        for mod in self.MODULES:
            for name, fn in BUILTINS.items():
                if fn.__module__ == mod.__name__:
                    assert fn.__doc__ and "; =>" in fn.__doc__, name

    def test_io_builtins_skip_doc_examples(self):
        """I/O builtins are marked so their examples are not run; pure ones are not."""
        assert BUILTINS["println"].doc_example_skip is True
        assert BUILTINS["file/read"].doc_example_skip is True
        assert BUILTINS["exit"].doc_example_skip is True
        assert not getattr(BUILTINS["json/encode"], "doc_example_skip", False)
        assert not getattr(BUILTINS["path/join"], "doc_example_skip", False)
        assert not getattr(BUILTINS["assert="], "doc_example_skip", False)

    def test_bad_argument_is_explained(self):
        """Annotations let the runtime explain a bad argument after the call failed."""
        with pytest.raises(TypeError):
            sio.file_read(5)
        assert explain_failure(BUILTINS["file/read"], {"path": 5}) == \
            "argument 1 must be a string, got integer 5"


# ================================================================ console output


class TestConsoleOutput:
    def test_display_concatenates_display_forms(self, capsys):
        """display writes display forms with no separator and no newline."""
        sio.display("n = ", 42, Char("x"), kw("k"))
        assert capsys.readouterr().out == "n = 42x:k"

    def test_print_separates_with_spaces(self, capsys):
        """print writes re-readable forms (strings quoted) separated by one space, and no newline."""
        sio.print_("a", 1, None, True)
        assert capsys.readouterr().out == '"a" 1 nil #t'

    def test_println(self, capsys):
        """println writes display forms separated by one space, then a newline (strings in a list quoted)."""
        sio.println("total:", 42, "x y", list_from(1, "s"))
        assert capsys.readouterr().out == 'total: 42 x y (1 "s")\n'

    def test_println_no_args(self, capsys):
        """(println) prints an empty line."""
        sio.println()
        assert capsys.readouterr().out == "\n"

    def test_println_single_string_is_one_write(self, monkeypatch):
        """println of one string does exactly one write to sys.stdout."""
        writes = []

        class Out:
            def write(self, s):
                writes.append(s)

        monkeypatch.setattr(sys, "stdout", Out())
        sio.println("hello")
        assert writes == ["hello\n"]

    def test_stdout_looked_up_at_call_time(self, monkeypatch):
        """Replacing sys.stdout after import redirects output (the REPL relies on it)."""
        buf = pyio.StringIO()
        monkeypatch.setattr(sys, "stdout", buf)
        sio.display("x")
        sio.newline()
        assert buf.getvalue() == "x\n"

    def test_write_uses_write_form(self, capsys):
        """write quotes strings and writes chars as #\\c."""
        sio.write_(list_from("a\nb", Char("c")))
        assert capsys.readouterr().out == '("a\\nb" #\\c)'

    def test_write_string(self, capsys):
        """write-string writes its string raw."""
        sio.write_string('say "hi"')
        assert capsys.readouterr().out == 'say "hi"'

    def test_stderr_printers(self, capsys):
        """print-error and println-error write to standard error."""
        sio.print_error("warning:", 3)
        sio.println_error(" done")
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err == "warning: 3 done\n"

    def test_flush_is_harmless(self, capsys):
        """io/flush returns nil."""
        assert sio.flush() is None


class TestPprint:
    def test_small_value_on_one_line(self, capsys):
        """A value narrower than 80 columns prints as write form plus newline."""
        sio.pprint(m(a=1, b=("x", "y")))
        assert capsys.readouterr().out == '{:a 1 :b ["x" "y"]}\n'

    def test_big_map_one_entry_per_line(self):
        """A wide map puts one entry per line, aligned after the brace."""
        big = m(alpha="a" * 40, beta="b" * 40)
        assert sio.pformat(big) == '{:alpha "' + "a" * 40 + '"\n :beta "' + "b" * 40 + '"}'

    def test_nested_values_indent(self):
        """Nested wide values indent relative to where they start."""
        inner = make_list(["x" * 30, "y" * 30, "z" * 30])
        text = sio.pformat(m(k=inner))
        assert text.splitlines() == ['{:k ("' + "x" * 30 + '"', '     "' + "y" * 30 + '"',
                                     '     "' + "z" * 30 + '")}']

    def test_wide_vector(self):
        """A wide vector breaks after each element."""
        text = sio.pformat(tuple("w" * 30 for _ in range(3)))
        assert text.count("\n") == 2 and text.startswith('["') and text.endswith('"]')

    def test_quote_forms_stay_flat(self):
        """'x style forms are never broken."""
        q = list_from(Symbol("quote"), make_list(["q" * 50, "r" * 50]))
        assert sio.pformat(q) == write_str(q)


# ================================================================ console input


class TestConsoleInput:
    def test_read_line(self, monkeypatch):
        """read-line returns one line without its ending, nil at end of input."""
        monkeypatch.setattr(sys, "stdin", pyio.StringIO("first\r\nsecond\nlast"))
        assert sio.read_line() == "first"
        assert sio.read_line() == "second"
        assert sio.read_line() == "last"
        assert sio.read_line() is None

    def test_read_line_empty_line(self, monkeypatch):
        """An empty line is "", not nil."""
        monkeypatch.setattr(sys, "stdin", pyio.StringIO("\nx\n"))
        assert sio.read_line() == ""
        assert sio.read_line() == "x"

    def test_read_stdin(self, monkeypatch):
        """read-stdin returns all remaining input."""
        monkeypatch.setattr(sys, "stdin", pyio.StringIO("a\nb\n"))
        assert sio.read_stdin() == "a\nb\n"
        assert sio.read_stdin() == ""

    def test_missing_stdin(self, monkeypatch):
        """With no stdin at all, read-line gives nil and read-stdin ""."""
        monkeypatch.setattr(sys, "stdin", None)
        assert sio.read_line() is None
        assert sio.read_stdin() == ""


# ================================================================ files


class TestFiles:
    def test_write_then_read(self, tmp_path):
        """file/write replaces a file; file/read returns it whole."""
        p = str(tmp_path / "a.txt")
        assert sio.file_write(p, "héllo\r\nworld") is None
        assert sio.file_read(p) == "héllo\r\nworld"
        sio.file_write(p, "new")
        assert sio.file_read(p) == "new"

    def test_append(self, tmp_path):
        """file/append adds to the end, creating the file if needed."""
        p = str(tmp_path / "log.txt")
        sio.file_append(p, "one\n")
        sio.file_append(p, "two\n")
        assert sio.file_read(p) == "one\ntwo\n"

    def test_lines_round_trip(self, tmp_path):
        """file/write-lines then file/read-lines gives back the same strings."""
        p = str(tmp_path / "l.txt")
        sio.file_write_lines(p, list_from("a", "b", ""))
        assert sio.file_read(p) == "a\nb\n\n"
        lines = sio.file_read_lines(p)
        assert to_pylist(lines) == ["a", "b", ""]
        sio.file_write_lines(p, ("x", "y"))
        assert to_pylist(sio.file_read_lines(p)) == ["x", "y"]

    def test_read_lines_empty_file(self, tmp_path):
        """An empty file has no lines."""
        p = tmp_path / "e.txt"
        p.write_text("")
        assert sio.file_read_lines(str(p)) is EMPTY

    def test_predicates(self, tmp_path):
        """exists?, is-file? and is-directory? tell files and directories apart."""
        f = tmp_path / "f"
        f.write_text("x")
        assert sio.exists_p(str(f)) and sio.is_file_p(str(f)) and not sio.is_directory_p(str(f))
        assert sio.exists_p(str(tmp_path)) and sio.is_directory_p(str(tmp_path))
        assert not sio.exists_p(str(tmp_path / "none"))
        assert not sio.is_file_p(str(tmp_path / "none"))

    def test_list_sorted(self, tmp_path):
        """file/list returns the entry names sorted."""
        for name in ["b.txt", "a.txt", "c"]:
            (tmp_path / name).write_text("")
        assert to_pylist(sio.file_list(str(tmp_path))) == ["a.txt", "b.txt", "c"]

    def test_mkdir_and_delete(self, tmp_path):
        """file/mkdir creates parents; file/delete removes files and empty directories."""
        d = tmp_path / "x" / "y"
        assert sio.file_mkdir(str(d)) is None
        sio.file_mkdir(str(d))  # already there: fine
        assert d.is_dir()
        f = d / "f.txt"
        f.write_text("x")
        sio.file_delete(str(f))
        assert not f.exists()
        sio.file_delete(str(d))
        assert not d.exists()

    def test_copy_rename_glob(self, tmp_path):
        """file/copy, file/rename and file/glob work on real files."""
        a = tmp_path / "a.txt"
        a.write_text("A")
        sio.file_copy(str(a), str(tmp_path / "b.txt"))
        sio.file_rename(str(tmp_path / "b.txt"), str(tmp_path / "c.txt"))
        found = to_pylist(sio.file_glob(str(tmp_path / "*.txt")))
        assert [os.path.basename(p) for p in found] == ["a.txt", "c.txt"]
        assert (tmp_path / "c.txt").read_text() == "A"

    def test_read_missing_file_error(self, tmp_path):
        """Reading a missing file is a LispIOError naming the builtin and the path."""
        p = str(tmp_path / "x.txt")
        with pytest.raises(LispIOError) as info:
            sio.file_read(p)
        assert str(info.value) == f"file/read: cannot read {write_str(p)}: No such file or directory"
        assert info.value.kind == "io"

    def test_other_io_errors(self, tmp_path):
        """Each file builtin reports its own name and the failing path."""
        missing = str(tmp_path / "nope")
        with pytest.raises(LispIOError, match=r'^file/list: cannot list ".*nope": No such file'):
            sio.file_list(missing)
        with pytest.raises(LispIOError, match=r"^file/delete: cannot delete"):
            sio.file_delete(missing)
        with pytest.raises(LispIOError, match=r"^file/write: cannot write"):
            sio.file_write(str(tmp_path / "no" / "dir" / "f"), "x")
        with pytest.raises(LispIOError, match=r"^file/read-lines: cannot read"):
            sio.file_read_lines(missing)
        with pytest.raises(LispIOError, match=r"^file/read: cannot read .*Is a directory"):
            sio.file_read(str(tmp_path))

    def test_binary_file_is_reported(self, tmp_path):
        """A file that is not UTF-8 gives a clear error, not a decode traceback."""
        p = tmp_path / "bin"
        p.write_bytes(b"\xff\xfe\x00")
        with pytest.raises(LispIOError, match="not valid UTF-8 text"):
            sio.file_read(str(p))

    def test_integer_path_rejected(self):
        """An integer is not a path (open() would treat it as a file descriptor)."""
        with pytest.raises(TypeError):
            sio.file_read(1)
        with pytest.raises(TypeError):
            sio.file_write(True, "x")


class TestPaths:
    @pytest.mark.parametrize("fn, arg, expected", [
        (sio.path_dir, "/home/user/notes.txt", "/home/user"),
        (sio.path_dir, "/home/user/", "/home"),
        (sio.path_dir, "notes.txt", ""),
        (sio.path_dir, "/", ""),
        (sio.path_filename, "/home/user/notes.txt", "notes.txt"),
        (sio.path_filename, "/home/user/", "user"),
        (sio.path_filename, "/", ""),
        (sio.path_extension, "archive.tar.gz", "gz"),
        (sio.path_extension, "/a.b/README", ""),
        (sio.path_extension, ".bashrc", ""),
        (sio.path_stem, "/tmp/archive.tar.gz", "archive.tar"),
        (sio.path_stem, "README", "README"),
        (sio.path_stem, "/", ""),
        (sio.path_absolute_p, "/etc/hosts", True),
        (sio.path_absolute_p, "etc/hosts", False),
    ])
    def test_path_parts(self, fn, arg, expected):
        """Path helpers follow Sema (trailing separators ignored, extension without dot, "" for a missing part)."""
        assert fn(arg) == expected

    def test_join(self):
        """path/join joins any number of parts."""
        assert sio.path_join("a", "b", "c.txt") == os.path.join("a", "b", "c.txt")
        assert sio.path_join("a") == "a"

    def test_absolute(self, tmp_path, monkeypatch):
        """path/absolute resolves against the current directory."""
        monkeypatch.chdir(tmp_path)
        assert sio.path_absolute("x.txt") == os.path.join(os.getcwd(), "x.txt")

    def test_canonicalize_missing(self, tmp_path):
        """path/canonicalize of a missing path is an I/O error."""
        with pytest.raises(LispIOError, match="path/canonicalize"):
            sio.path_canonicalize(str(tmp_path / "missing"))


# ================================================================ json


class TestJsonEncode:
    def test_map_to_object(self):
        """Keyword keys lose the colon; keys come out sorted; compact separators."""
        value = m(name="Ada", tags=("x", "y"), ok=True, none=None)
        assert jsonfmt.encode(value) == '{"name":"Ada","none":null,"ok":true,"tags":["x","y"]}'

    def test_scalars(self):
        """Numbers, strings, booleans and nil map to their JSON forms."""
        assert jsonfmt.encode(1) == "1"
        assert jsonfmt.encode(2.5) == "2.5"
        assert jsonfmt.encode(Fraction(1, 4)) == "0.25"
        assert jsonfmt.encode(None) == "null"
        assert jsonfmt.encode(False) == "false"
        assert jsonfmt.encode("é\"\n") == '"é\\"\\n"'
        assert jsonfmt.encode(float("nan")) == "null"

    def test_symbolic_values_become_strings(self):
        """Keywords, symbols and chars as values encode as their names."""
        assert jsonfmt.encode(list_from(kw("a"), Symbol("b"), Char("c"))) == '["a","b","c"]'

    def test_lists_and_vectors(self):
        """Lists (array-backed or pairs) and vectors become arrays; '() is []."""
        assert jsonfmt.encode(Pair(1, Pair(2, EMPTY))) == "[1,2]"
        assert jsonfmt.encode(make_list([1, (2, 3)])) == "[1,[2,3]]"
        assert jsonfmt.encode(EMPTY) == "[]"
        assert jsonfmt.encode(()) == "[]"

    def test_string_and_other_keys(self):
        """String keys stay; number keys become their printed form; bool keys are rejected."""
        assert jsonfmt.encode(make_map([("a b", 1), (2, 3)])) == '{"2":3,"a b":1}'
        with pytest.raises(LispTypeError):
            jsonfmt.encode(make_map([(True, 1)]))

    def test_unencodable(self):
        """Functions, atoms, dotted pairs and complex numbers are type errors naming the value."""
        with pytest.raises(LispTypeError, match=r"^json/encode: cannot encode atom #<atom 1>$"):
            jsonfmt.encode(m(a=Atom(1)))
        with pytest.raises(LispTypeError, match="cannot encode complex"):
            jsonfmt.encode(1j)
        with pytest.raises(LispTypeError, match="cannot encode list"):
            jsonfmt.encode(Pair(1, 2))
        with pytest.raises(LispTypeError, match="cannot encode function <native-fn len>"):
            jsonfmt.encode(len)

    def test_pretty(self):
        """json/encode-pretty indents by two spaces."""
        assert jsonfmt.encode_pretty(m(a=(1, 2))) == '{\n  "a": [\n    1,\n    2\n  ]\n}'
        with pytest.raises(LispTypeError, match="^json/encode-pretty: cannot encode"):
            jsonfmt.encode_pretty(Atom(1))


class TestJsonDecode:
    def test_object_to_keyword_map(self):
        """Objects become maps with keyword keys, arrays lists, null nil."""
        v = jsonfmt.decode('{"a": [1, 2.5, null, true], "b c": {"d": "e"}}')
        assert write_str(v) == '{:a (1 2.5 nil #t) :b c {:d "e"}}'
        assert v[kw("b c")][kw("d")] == "e"

    def test_arrays_are_lists(self):
        """A JSON array decodes to a Lisp list, an empty one to '()."""
        assert write_str(jsonfmt.decode("[[1], []]")) == "((1) ())"
        assert jsonfmt.decode("[]") is EMPTY

    def test_scalars(self):
        """Top-level scalars decode too."""
        assert jsonfmt.decode("null") is None
        assert jsonfmt.decode("false") is False
        assert jsonfmt.decode('"x"') == "x"
        assert jsonfmt.decode("12345678901234567890") == 12345678901234567890

    def test_invalid_json_position(self):
        """Invalid JSON is a value error with line and column."""
        with pytest.raises(LispValueError) as info:
            jsonfmt.decode("[1, ")
        assert str(info.value) == "json/decode: invalid JSON at line 1 column 5: expected a value"
        with pytest.raises(LispValueError, match="line 2 column 1"):
            jsonfmt.decode('{"a": 1,\n}')

    def test_nan_rejected(self):
        """NaN and Infinity are not JSON."""
        with pytest.raises(LispValueError, match="json/decode: invalid JSON"):
            jsonfmt.decode("[NaN]")

    def test_round_trip(self):
        """decode(encode(x)) gives back x for JSON-shaped values."""
        v = m(a=make_list([1, "two", None, False]), b=m(c=1.5))
        assert jsonfmt.decode(jsonfmt.encode(v)) == v


class TestJsonHelpers:
    def test_to_json_value(self):
        """to_json_value gives plain Python JSON values."""
        assert jsonfmt.to_json_value(m(a=list_from(1, kw("x")))) == {"a": [1, "x"]}

    def test_from_json_value(self):
        """from_json_value turns dicts and lists into maps and lists."""
        v = jsonfmt.from_json_value({"a": [1, {"b": None}]})
        assert isinstance(v, Map)
        assert write_str(v) == "{:a (1 {:b nil})}"

    def test_who_names_the_caller(self):
        """The error names the builtin given as who."""
        with pytest.raises(LispTypeError, match="^llm/chat: cannot encode"):
            jsonfmt.to_json_value(Atom(0), "llm/chat")

    def test_agrees_with_stdlib_json(self):
        """The compact text is what json.dumps would write for the same data."""
        v = m(z=1, a=(True, None))
        assert json.loads(jsonfmt.encode(v)) == {"a": [True, None], "z": 1}


# ================================================================ system


class TestEnvironment:
    def test_env(self, monkeypatch):
        """env reads a variable, nil or the default when unset."""
        monkeypatch.setenv("SEMA_TEST_VAR", "v1")
        monkeypatch.delenv("SEMA_TEST_UNSET", raising=False)
        assert ssys.env("SEMA_TEST_VAR") == "v1"
        assert ssys.env("SEMA_TEST_UNSET") is None
        assert ssys.env("SEMA_TEST_UNSET", "dflt") == "dflt"

    def test_set_env(self, monkeypatch):
        """sys/set-env sets and (with nil) removes a variable."""
        monkeypatch.delenv("SEMA_TEST_SET", raising=False)
        ssys.set_env("SEMA_TEST_SET", "x")
        assert os.environ["SEMA_TEST_SET"] == "x"
        ssys.set_env("SEMA_TEST_SET", None)
        assert "SEMA_TEST_SET" not in os.environ

    def test_env_all(self, monkeypatch):
        """sys/env-all is a map with string keys."""
        monkeypatch.setenv("SEMA_TEST_ALL", "yes")
        assert ssys.env_all()["SEMA_TEST_ALL"] == "yes"

    def test_env_name_must_be_string(self):
        """A non-string name is a type error, not a silent nil."""
        with pytest.raises(TypeError):
            ssys.env(5)


class TestProcesses:
    def test_exit(self):
        """exit raises ExitRequest with the code (default 0)."""
        with pytest.raises(ExitRequest) as info:
            ssys.exit_(3)
        assert info.value.code == 3
        with pytest.raises(ExitRequest) as info:
            ssys.exit_()
        assert info.value.code == 0

    @pytest.mark.skipif(os.name != "posix", reason="uses POSIX shell commands")
    def test_shell_string(self):
        """(shell "cmd") runs through the shell and returns stdout, stderr and exit code."""
        r = ssys.shell("echo hi; echo err >&2; exit 3")
        assert r[kw("stdout")] == "hi\n"
        assert r[kw("stderr")] == "err\n"
        assert r[kw("exit-code")] == 3

    @pytest.mark.skipif(os.name != "posix", reason="uses POSIX commands")
    def test_shell_argv(self):
        """With several strings the command runs without a shell."""
        r = ssys.shell("echo", "a  b", "$HOME")
        assert r[kw("stdout")] == "a  b $HOME\n"

    @pytest.mark.skipif(os.name != "posix", reason="uses POSIX commands")
    def test_shell_options(self, tmp_path):
        """A final option map sets :cwd, :env and :stdin."""
        r = ssys.shell("pwd; echo $SEMA_X; cat", m(cwd=str(tmp_path), env=make_map([("SEMA_X", "42")]),
                                                   stdin="fed"))
        assert r[kw("stdout")] == f"{os.path.realpath(tmp_path)}\n42\nfed"

    def test_shell_missing_program(self):
        """A program that cannot be started is a LispIOError."""
        with pytest.raises(LispIOError, match=r'^shell: cannot run "sema-no-such-program"'):
            ssys.shell("sema-no-such-program", "x")

    def test_shell_quote(self):
        """shell/quote quotes for a POSIX shell."""
        assert ssys.shell_quote("it's") == "'it'\"'\"'s'"
        assert ssys.shell_quote("plain") == "plain"


class TestHostFacts:
    def test_strings(self):
        """The host facts are non-empty strings."""
        for fn in (ssys.sys_os, ssys.sys_platform, ssys.sys_arch, ssys.sys_cwd, ssys.sys_hostname,
                   ssys.sys_temp_dir):
            v = fn()
            assert isinstance(v, str) and v

    def test_os_names(self, monkeypatch):
        """sys/os uses Sema's names for the common platforms."""
        for raw, expected in [("linux", "linux"), ("darwin", "macos"), ("win32", "windows")]:
            monkeypatch.setattr(sys, "platform", raw)
            assert ssys.sys_os() == expected

    def test_pid_cwd(self, tmp_path, monkeypatch):
        """sys/pid and sys/cwd describe this process."""
        monkeypatch.chdir(tmp_path)
        assert ssys.sys_pid() == os.getpid()
        assert ssys.sys_cwd() == os.getcwd()

    def test_which(self):
        """sys/which finds programs on PATH, nil otherwise."""
        assert ssys.sys_which("sema-no-such-program") is None
        if os.name == "posix":
            assert ssys.sys_which("sh").endswith("sh")

    def test_user_home(self):
        """sys/user and sys/home-dir are strings or nil."""
        assert ssys.sys_user() is None or isinstance(ssys.sys_user(), str)
        assert ssys.sys_home_dir() is None or isinstance(ssys.sys_home_dir(), str)

    def test_interactive(self, monkeypatch):
        """sys/interactive? is false when stdin is not a terminal."""
        monkeypatch.setattr(sys, "stdin", pyio.StringIO(""))
        assert ssys.interactive_p() is False
        monkeypatch.setattr(sys, "stdin", None)
        assert ssys.interactive_p() is False


class TestTime:
    def test_time_ms(self):
        """time-ms is an integer close to the clock."""
        import time

        t = ssys.time_ms()
        assert isinstance(t, int) and abs(t - time.time() * 1000) < 5000

    def test_time_now_and_elapsed(self):
        """time/now is float seconds; sys/elapsed is non-negative milliseconds."""
        assert isinstance(ssys.time_now(), float)
        assert ssys.sys_elapsed() >= 0

    def test_sleep(self):
        """sleep takes milliseconds and rejects negatives."""
        assert ssys.sleep(1) is None
        assert ssys.sleep(Fraction(1, 2)) is None
        with pytest.raises(LispValueError, match="sleep: argument 1 must not be negative"):
            ssys.sleep(-1)
        with pytest.raises(TypeError):
            ssys.sleep(True)


class TestAssertions:
    def test_assert_passes(self):
        """assert returns #t for any true value (0 and "" are true)."""
        assert ssys.assert_(0) is True
        assert ssys.assert_("", "msg") is True

    def test_assert_fails(self):
        """assert raises a user error with the message."""
        with pytest.raises(UserError) as info:
            ssys.assert_(False, "boom")
        assert info.value.message == "assertion failed: boom"
        with pytest.raises(UserError, match="^assertion failed$"):
            ssys.assert_(None)

    def test_assert_eq(self):
        """assert= compares with Lisp equality and shows both values in write form."""
        assert ssys.assert_eq(1, 1.0) is True
        assert ssys.assert_eq(list_from(1, "a"), make_list([1, "a"])) is True
        with pytest.raises(UserError) as info:
            ssys.assert_eq("a", list_from(1, "b"), "labels")
        assert info.value.message == 'assertion failed: expected "a", got (1 "b"): labels'
        with pytest.raises(UserError):
            ssys.assert_eq(1, True)


# ================================================================ Lisp level (need the compiler)


LISP_TABLE = [
    ('(json/encode {:a 1 :b [1 2] :c "x"})', r'"{\"a\":1,\"b\":[1,2],\"c\":\"x\"}"'),
    ("(json/encode '(1 2.5 nil #t :k))", r'"[1,2.5,null,true,\"k\"]"'),
    ('(json/decode "{\\"a\\": [1, 2, {\\"b\\": null}]}")', "{:a (1 2 {:b nil})}"),
    ('(json/decode "[]")', "()"),
    ('(:name (json/decode "{\\"name\\": \\"Ada\\"}"))', '"Ada"'),
    ("(json/encode-pretty {:a 1})", r'"{\n  \"a\": 1\n}"'),
    ('(path/extension "archive.tar.gz")', '"gz"'),
    ('(path/stem "/tmp/archive.tar.gz")', '"archive.tar"'),
    ('(path/filename "/home/user/notes.txt")', '"notes.txt"'),
    ('(path/dir "/home/user/notes.txt")', '"/home/user"'),
    ('(path/extension "README")', '""'),  # issue 11: Sema answers "" rather than nil
    ("(assert= 3 (+ 1 2))", "#t"),
    ('(assert (= 1 1) "math")', "#t"),
    ('(try (assert #f "boom") (catch e (:message e)))', '"assertion failed: boom"'),
    ('(try (assert= 1 2) (catch e (:message e)))', '"assertion failed: expected 1, got 2"'),
    ('(try (json/decode "[1,") (catch e (:message e)))',
     '"json/decode: invalid JSON at line 1 column 4: expected a value"'),
    ('(try (file/read "/no/such/file.txt") (catch e (:type e)))', ":io"),
    ('(env "SEMA_SURELY_UNSET_VARIABLE")', "nil"),
    ('(env "SEMA_SURELY_UNSET_VARIABLE" "d")', '"d"'),
    ("(integer? (time-ms))", "#t"),
]


class TestLispLevel:
    @pytest.mark.parametrize("src, expected", LISP_TABLE)
    def test_table(self, show, src, expected):
        """Each form prints the expected write form."""
        assert show(src) == expected

    def test_println_output(self, run, capsys):
        """println through the interpreter writes space-separated display forms."""
        run('(println "a" 1 :k "b c") (print "x" 2) (newline) (display "d" "e") (println)')
        assert capsys.readouterr().out == 'a 1 :k b c\n"x" 2\nde\n'

    def test_file_round_trip(self, run, tmp_path):
        """Files written from Lisp read back, line by line too."""
        p = write_str(str(tmp_path / "t.txt"))
        assert write_str(run(f'(file/write-lines {p} (list "x" "y")) (file/read-lines {p})')) == '("x" "y")'
        assert run(f"(file/exists? {p})") is True
        assert run(f'(file/read {p})') == "x\ny\n"

    def test_exit_unwinds(self, run):
        """(exit 2) unwinds as ExitRequest."""
        with pytest.raises(ExitRequest) as info:
            run("(exit 2)")
        assert info.value.code == 2

    @pytest.mark.skipif(os.name != "posix", reason="uses a POSIX shell")
    def test_shell(self, show):
        """(shell ...) returns {:stdout :stderr :exit-code}."""
        assert show('(shell "echo hi")') == '{:exit-code 0 :stderr "" :stdout "hi\\n"}'
