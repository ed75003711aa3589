"""The REPL: the prompt-toolkit session fed through pipe input, its parts on their own,
the plain mode as a subprocess, and once end to end in a real terminal (tmux).

Keys are sent as a terminal sends them: ``\\r`` is Enter, ``\\x03`` Ctrl-C,
``\\x04`` Ctrl-D, ``\\x12`` Ctrl-R, ``\\x1b\\r`` Alt-Enter.  Every session is
ended with Ctrl-D (or ,quit) so that no test can wait for input forever.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from sema.interpreter import Interpreter

REPO = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------- helpers


@pytest.fixture
def repl(capsys, monkeypatch):
    """``repl(keys, interp=None, history=None)`` runs a session on the keys; returns (code, stdout, stderr)."""
    from prompt_toolkit.history import InMemoryHistory
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from sema.repl.session import run_session

    monkeypatch.delenv("NO_COLOR", raising=False)

    def run(keys, interp=None, history=None, width=None, output=None):
        """``keys`` is a string sent at once, or a list of strings sent 0.1 s apart."""
        interp = interp if interp is not None else Interpreter(llm=False)
        capsys.readouterr()
        with create_pipe_input() as pipe:
            if isinstance(keys, str):
                pipe.send_text(keys)
            else:
                def send():
                    for part in keys:
                        time.sleep(0.1)
                        pipe.send_text(part)
                threading.Thread(target=send, daemon=True).start()
            code = run_session(interp, quiet=True, input=pipe, output=output or DummyOutput(), width=width,
                               history=history if history is not None else InMemoryHistory())
        out, err = capsys.readouterr()
        return code, out, err
    return run


def doc(text: str, cursor: int | None = None):
    from prompt_toolkit.document import Document
    return Document(text, len(text) if cursor is None else cursor)


def completions(text: str, interp=None) -> dict[str, str]:
    """Completion text -> meta text for the word before the end of ``text``."""
    from prompt_toolkit.completion import CompleteEvent

    from sema.repl.completer import SemaCompleter
    interp = interp if interp is not None else Interpreter(llm=False)
    found = SemaCompleter(lambda: interp).get_completions(doc(text), CompleteEvent(completion_requested=True))
    return {c.text: c.display_meta_text for c in found}


def clean_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")
           and k not in ("SEMA_LLM_PROVIDER", "SEMA_DEFAULT_MODEL", "OLLAMA_HOST")}
    env.update(extra)
    return env


# ---------------------------------------------------------------- the session


class TestSession:
    def test_multiline_form(self, repl):
        """Enter inside an open form adds a line; the form runs once the reader says it is complete."""
        code, out, err = repl("(define (double x)\r(* x 2))\r(double 21)\r\x04")
        assert code == 0 and out == "42\n" and err == ""

    def test_reader_error_shown_and_session_goes_on(self, repl):
        """A real reader error is shown at once with its caret (none of that input runs); the next input does."""
        code, out, err = repl("(+ 1 2))\r(+ 2 2)\r\x04")
        assert out == "4\n"
        assert "<repl>:1:8: error: unexpected `)`" in err
        assert " 1 | (+ 1 2))\n   |        ^" in err

    def test_runtime_error_rendered_with_its_line(self, repl):
        """A runtime error is a rendered sema error quoting the line typed, and the REPL goes on."""
        code, out, err = repl("(+ 1 1)\r(car 1)\r(+ 1 2)\r\x04")
        assert out == "2\n3\n" and code == 0
        assert err.startswith("<repl>:2:1: error: car:") and " 2 | (car 1)" in err

    def test_result_variables(self, repl):
        """*1 *2 *3 hold the last values and *e the last error as a map."""
        code, out, err = repl('10\r20\r30\r(list *1 *2 *3)\r(car 5)\r(:type *e)\r\x04')
        assert out.splitlines() == ["10", "20", "30", "(30 20 10)", ":type-error"]

    def test_values_in_write_form_and_nil_silent(self, repl):
        """Values print in write form (strings quoted); nil prints nothing."""
        code, out, err = repl('"hi" #\\a (list 1 "b")\r(if #f #f)\r\x04')
        assert out == '"hi"\n#\\a\n(1 "b")\n'

    def test_unfinished_line_ended_before_value(self, repl):
        """Output that leaves a line unfinished gets a newline before the value and before the next prompt."""
        code, out, err = repl('(begin (display "x") 5)\r(display "y")\r\x04')
        assert out == "x\n5\ny\n"

    def test_ctrl_d_exits_with_zero(self, repl):
        """Ctrl-D on an empty line ends the session with exit code 0, even after errors."""
        code, out, err = repl("(car 1)\r\x04")
        assert code == 0

    def test_ctrl_c_clears_the_line(self, repl):
        """Ctrl-C while typing drops the input and gives a fresh prompt."""
        code, out, err = repl("(+ 1\r2\x03(+ 2 3)\r\x04")
        assert out == "5\n" and code == 0

    def test_alt_enter_submits_unfinished_input(self, repl):
        """Alt-Enter runs the input as it is: an unfinished form gets the reader's error."""
        code, out, err = repl("(+ 1\x1b\r\x04")
        assert "error: unclosed `(`" in err

    def test_exit_builtin_sets_the_code(self, repl):
        """(exit 3) leaves the REPL with code 3."""
        code, out, err = repl("(exit 3)\r(+ 1 2)\r\x04")
        assert code == 3 and out == ""

    def test_ctrl_c_interrupts_an_evaluation(self, repl):
        """Ctrl-C (SIGINT) during an endless loop stops it; the prompt comes back and works."""
        import _thread
        interp = Interpreter(llm=False)
        started = threading.Event()
        interp.register_function("started!", started.set)

        def interrupt():
            if started.wait(5):
                time.sleep(0.05)
                _thread.interrupt_main()
        threading.Thread(target=interrupt, daemon=True).start()
        code, out, err = repl("(define (spin n) (spin (+ n 1)))\r(begin (started!) (spin 0))\r(+ 1 2)\r\x04",
                              interp=interp)
        assert "interrupted" in err and out == "3\n" and code == 0

    def test_streamed_output_reaches_stdout_at_once(self, repl, monkeypatch):
        """llm/stream chunks are on sys.stdout before the next chunk is produced, and the text is not
        printed a second time as the value (issue 13); a value computed from it still prints."""
        import io

        from sema.llm.fake import FakeProvider
        seen = []

        class Streaming(FakeProvider):
            def stream(self, request, on_chunk=None):
                on_chunk("Hel")
                seen.append(sys.stdout.getvalue())
                on_chunk("lo")
                return self._response("Hello", request)

        interp = Interpreter(llm=False)
        interp.register_provider("fake", Streaming())
        buffer = io.StringIO()
        monkeypatch.setattr(sys, "stdout", buffer)
        repl('(llm/stream "hi")\r(string/upper (llm/stream "hi"))\r\x04', interp=interp)
        assert seen == ["Hel", "Hello\nHel"]
        assert buffer.getvalue() == 'Hello\nHello\n"HELLO"\n'

    def test_history_search_with_ctrl_r(self, repl):
        """Ctrl-R finds an earlier input; Enter takes it and Enter runs it."""
        # sent in steps: the prompt loads its history just after it starts
        code, out, err = repl(["(+ 40 2)\r(+ 1 1)\r", "\x1240", "\r", "\r\x04"])
        assert out.splitlines() == ["42", "2", "42"]

    def test_redefining_a_builtin_warns(self, repl):
        """Redefining a builtin at the REPL prints a warning (it still works)."""
        code, out, err = repl("(define (abs x) 7)\r(abs -1)\r\x04")
        assert "warning: redefining the builtin abs" in err and out == "7\n"


# ---------------------------------------------------------------- commands


class TestCommands:
    def test_help(self, repl):
        """,help lists every command and the keys."""
        code, out, err = repl(",help\r\x04")
        for name in (",quit", ",doc", ",apropos", ",env", ",time", ",type", ",load", ",reset", ",providers"):
            assert name in out
        assert "Ctrl-R" in out

    @pytest.mark.parametrize("word", [",quit", ",q", ",exit"])
    def test_quit(self, repl, word):
        """,quit ,q and ,exit leave with code 0; the rest of the input is not run."""
        code, out, err = repl(f"{word}\r(+ 1 2)\r")
        assert code == 0 and out == ""

    def test_doc(self, repl):
        """,doc NAME shows a builtin's call shape and documentation, and a special form's."""
        code, out, err = repl(",doc car\r,doc if\r\x04")
        assert out.startswith("(car x)\n") and "(if test then [else])" in out

    def test_type(self, repl):
        """,type EXPR shows the type of the value as a keyword."""
        code, out, err = repl(',type 42\r,type "s"\r,type (list 1)\r\x04')
        assert out.splitlines() == [":int", ":string", ":list"]

    def test_type_error_points_into_the_line(self, repl):
        """An error in ,type EXPR has a caret under EXPR in the line as typed."""
        code, out, err = repl(",type (car 1)\r\x04")
        assert "<repl>:1:7: error: car:" in err and "   |       ^^^^^^^" in err

    def test_time(self, repl):
        """,time EXPR prints the value and the time it took; *1 is the value."""
        code, out, err = repl(",time (+ 1 2)\r*1\r\x04")
        lines = out.splitlines()
        assert lines[0] == "3" and lines[1].startswith("; ") and lines[1].endswith("s") and lines[2] == "3"

    def test_env(self, repl):
        """,env lists the user's definitions (not the standard library), functions with their call shape."""
        code, out, err = repl("(define answer 42)\r(define (greet name . more) name)\r,env\r\x04")
        assert out.splitlines() == ["answer = 42", "(greet name . more)"]
        code, out, err = repl(",env\r\x04")
        assert out == "no user definitions\n"

    def test_apropos(self, repl):
        """,apropos TEXT lists matching names with their call shapes, user definitions included."""
        code, out, err = repl("(define (my-pad-thing x) x)\r,apropos pad-\r\x04")
        names = [line.split()[0] for line in out.splitlines()]
        assert "string/pad-left" in names and "my-pad-thing" in names
        assert "(string/pad-left s width [pad])" in out

    def test_load(self, repl, tmp_path):
        """,load FILE runs the file in the session; its definitions are then in scope."""
        path = tmp_path / "lib.scm"
        path.write_text("(define (triple x) (* 3 x))\n")
        code, out, err = repl(f",load {path}\r(triple 5)\r\x04")
        assert out == f"loaded {path}\n15\n" and err == ""

    def test_load_missing_file(self, repl, tmp_path):
        """,load of a missing file is an error and the REPL goes on."""
        code, out, err = repl(f",load {tmp_path / 'nope.scm'}\r(+ 1 1)\r\x04")
        assert "cannot read" in err and out == "2\n"

    def test_reset(self, repl):
        """,reset gives a fresh interpreter: earlier definitions are gone, builtins still work."""
        interp = Interpreter(llm=False)
        code, out, err = repl("(define x 1)\r,reset\rx\r(+ 1 1)\r\x04", interp=interp)
        assert "fresh interpreter" in out and out.endswith("2\n")
        assert "unbound symbol: x" in err
        assert interp.eval_source("x") == 1  # the old interpreter was replaced, not emptied

    def test_providers(self, repl):
        """,providers says when none is configured, and lists them with the default marked."""
        from sema.llm.fake import FakeProvider
        code, out, err = repl(",providers\r\x04")
        assert out == "no providers configured\n"
        interp = Interpreter(llm=False)
        interp.register_provider("fake", FakeProvider())
        code, out, err = repl(",providers\r\x04", interp=interp)
        assert out.splitlines() == ["* fake  (model fake-model)", "default: fake"]

    def test_unknown_command(self, repl):
        """An unknown command says so and points to ,help."""
        code, out, err = repl(",frobnicate\r\x04")
        assert "unknown command ,frobnicate" in err



# ---------------------------------------------------------------- issue 13: a newcomer's REPL


def screen_output(rows: int = 24, columns: int = 100):
    """A terminal-like output for a session (it answers the cursor-position question, as terminals do)."""
    import io

    from prompt_toolkit.data_structures import Size
    from prompt_toolkit.output.vt100 import Vt100_Output
    buffer = io.StringIO()
    return buffer, Vt100_Output(buffer, lambda: Size(rows=rows, columns=columns), term="xterm")


def without_escapes(text: str) -> str:
    import re
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


class TestPrettyValues:
    def test_long_results_are_cut(self, repl):
        """(range 100000) shows its first 100 elements and how many more there are: a few lines, not 100,000."""
        code, out, err = repl("(range 100000)\r\x04", width=100)
        assert out.count("\n") <= 4 and " 98 99" in out and out.endswith("...99,900 more)\n")
        assert out.startswith("(0 1 2 ") and all(len(line) <= 100 for line in out.splitlines())

    def test_the_settings_are_lisp_globals(self, repl):
        """*print-length* and *print-level* change what is shown; nil shows everything."""
        code, out, err = repl("(set! *print-length* 3)\r(range 10)\r(set! *print-level* 1)\r'(1 (2 (3)))\r"
                              "(set! *print-length* nil)\r(length (str (range 500)))\r\x04", width=100)
        assert out.splitlines() == ["(0 1 2 ...7 more)", "(1 (...))", "1891"]

    def test_nested_values_are_broken_to_the_width(self, repl):
        code, out, err = repl('{:name "Ada Lovelace" :langs ["math" "engines" "poetry"] :born 1815 :id 7}\r\x04',
                              width=40)
        assert out == ('{:born 1815\n :id 7\n :langs ["math" "engines" "poetry"]\n :name "Ada Lovelace"}\n')
        assert all(len(line) <= 40 for line in out.splitlines())

    def test_huge_strings_are_cut_with_a_marker(self, repl):
        code, out, err = repl("(make-string 100000 #\\a)\r\x04", width=80)
        assert out.rstrip().endswith('..." (98,000 more characters)') and len(out) < 2100


class TestInterrupting:
    def test_ctrl_c_stops_a_bulk_builtin_promptly(self, repl):
        """Issue 13: Ctrl-C in (apply + (range 100000000)) stops it at once, without growing memory first."""
        import _thread

        from sema.runtime.limits import resident_size
        interp = Interpreter(llm=False)
        started = threading.Event()
        interp.register_function("started!", started.set)
        stopped_after = []

        def interrupt():
            if started.wait(5):
                time.sleep(0.2)
                begin = time.monotonic()
                _thread.interrupt_main()
                stopped_after.append(begin)
        threading.Thread(target=interrupt, daemon=True).start()
        before = resident_size()
        code, out, err = repl("(begin (started!) (apply + (range 100000000)))\r(+ 1 2)\r\x04", interp=interp)
        assert "interrupted" in err and out == "3\n"
        if before is not None:
            assert resident_size() - before < 1500 << 20  # it used to reach 3.9 GB before it noticed


class TestCommandsOfIssue13:
    def test_expand_one_step_and_full(self, repl):
        code, out, err = repl("(defmacro twice (e) `(begin ,e ,e))\r,expand (when ok (twice (f)))\r\x04")
        assert out.splitlines() == ["; one step:", "(if ok (twice (f)))", "; fully expanded:",
                                    "(if ok (begin (f) (f)))"]

    def test_source_of_a_lisp_function_and_of_others(self, repl, tmp_path):
        path = tmp_path / "lib.scm"
        path.write_text(";; a helper\n(define (triple x)\n  ;; three times\n  (* 3 x))\n")
        code, out, err = repl(f"(define (sq x)\r(* x x))\r,source sq\r,load {path}\r,source triple\r,source car\r"
                              ",source when\r,source nope\r\x04")
        assert out.split("\n")[:2] == ["(define (sq x)", "  (* x x))"]
        assert "(define (triple x)\n  ;; three times\n  (* 3 x))\n" in out
        assert "car is a builtin written in Python" in out and "when is a special form" in out
        assert "nope is not defined" in out

    def test_load_completes_file_paths(self, tmp_path):
        (tmp_path / "lib.scm").write_text("")
        (tmp_path / "notes.txt").write_text("")
        (tmp_path / "sub").mkdir()
        found = completions(f",load {tmp_path}/")
        assert set(found) == {"lib.scm", "sub"}
        assert set(completions(f',load "{tmp_path}/li')) == {"b.scm"}


class TestScreen:
    def test_the_toolbar_shows_the_call_shape_being_typed(self):
        """Typing (string/pad-left "7"  shows (string/pad-left s width [pad]) at the bottom."""
        from prompt_toolkit.history import InMemoryHistory
        from prompt_toolkit.input import create_pipe_input

        from sema.repl.session import run_session
        buffer, output = screen_output()
        with create_pipe_input() as pipe:
            def send():
                time.sleep(0.3)
                pipe.send_text('\x1b[1;1R(string/pad-left "7" ')  # the terminal's answer to the CPR query first
                time.sleep(0.5)
                pipe.send_text("\x03\x04")
            threading.Thread(target=send, daemon=True).start()
            run_session(Interpreter(llm=False), quiet=True, input=pipe, output=output, history=InMemoryHistory())
        assert "(string/pad-left s width [pad])" in without_escapes(buffer.getvalue())

    def test_toolbar_text_looks_outward_past_names_that_are_not_calls(self):
        from sema.repl.toolbar import IDLE, toolbar_text
        interp = Interpreter(llm=False)
        assert toolbar_text("(let ((a ", interp).startswith("(let ")
        assert toolbar_text("(map (fn (x) (car ", interp) == "(car x)"
        assert toolbar_text("", interp) == IDLE and toolbar_text("(1 2 ", interp) == IDLE

    def test_ctrl_x_ctrl_e_edits_the_input_in_editor(self, repl, tmp_path, monkeypatch):
        editor = tmp_path / "editor.py"
        editor.write_text("import sys\nopen(sys.argv[-1], 'w').write('(+ 40 2)\\n')\n")
        monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
        monkeypatch.delenv("VISUAL", raising=False)
        code, out, err = repl(["(+ 1", "\x18\x05", "", "", "", "", "", "\x04"])
        assert out == "42\n" and code == 0

    def test_keywords_have_a_colour_of_their_own(self):
        from sema.repl.lexer import STYLE, highlight
        assert ("class:keyword", ":name") in highlight("(:name m)")
        rules = dict(STYLE.style_rules)
        colour = {c for c in rules["keyword"].split() if c.startswith("ansi")}
        others = {c for name, style in rules.items() if name != "keyword" for c in style.split()
                  if c.startswith("ansi")}
        assert colour and not colour & others

    def test_typing_ahead_keeps_enter_between_prompts(self):
        """Between prompts the terminal neither echoes nor turns Enter into Ctrl-J, and Ctrl-C keeps keys."""
        import pty
        import termios

        from sema.repl.terminal import between_prompts
        master, slave = pty.openpty()
        try:
            before = termios.tcgetattr(slave)
            with open(slave, "rb", buffering=0, closefd=False) as tty, between_prompts(tty):
                os.write(master, b"(+ 1 2)\r")
                time.sleep(0.1)
                assert os.read(slave, 100) == b"(+ 1 2)\r"
                mode = termios.tcgetattr(slave)
                assert mode[3] & termios.ISIG and mode[3] & termios.NOFLSH and not mode[3] & termios.ECHO
            assert termios.tcgetattr(slave) == before
        finally:
            os.close(master)
            os.close(slave)

# ---------------------------------------------------------------- the parts


class TestMultiline:
    @pytest.mark.parametrize("text, more", [
        ("(+ 1 2)", False), ("(+ 1", True), ('"abc', True), ("#| open", True), ("[1 2", True),
        ("(+ 1 2))", False), ("", False), (",doc car", False), ("; just a comment", False),
    ])
    def test_needs_more_input(self, text, more):
        """Only input the reader calls unfinished asks for another line; errors are submitted."""
        from sema.repl.multiline import needs_more_input
        assert needs_more_input(text) is more

    def test_enter_in_the_middle_of_a_multiline_form_adds_a_line(self):
        """A complete multi-line form is submitted only with the cursor at its end."""
        from sema.repl.multiline import should_submit
        text = "(list 1\n      2)"
        assert should_submit(text, len(text)) and not should_submit(text, 7)
        assert should_submit("(+ 1 2)", 3)  # a single complete line runs from anywhere

    @pytest.mark.parametrize("before, indent", [
        ("(define (f x)", 2), ("(foo bar", 5), ("(foo", 1), ("(let ((x 1)", 6), ("[1 2", 1),
        ("{:a 1", 1), ("(if (> x 1)", 4), ('(a "b', 0), ("(when x", 2), ("(f (g 1)", 3), ("(+ 1 2)", 0),
    ])
    def test_indent(self, before, indent):
        """Body forms indent by two, arguments align with the first one, brackets by one."""
        from sema.repl.multiline import indent_for
        assert indent_for(before) == indent

    def test_bracket_counter_for_the_plain_mode(self):
        """The plain mode's bracket counter sees strings and comments across lines, scanning each line once."""
        from sema.repl.tokens import BracketCounter
        counter = BracketCounter()
        assert [counter.feed(line) for line in ['(list "a\n', ')b"\n', "#| ( |# 1\n", ")\n"]] == \
            [False, False, False, True]
        counter.reset()
        assert counter.feed("(a))\n")  # a stray bracket is for the reader to report

    def test_auto_indent_in_the_session(self, repl):
        """Continuation lines are indented as they are opened (seen in the history entry)."""
        from prompt_toolkit.history import InMemoryHistory
        history = InMemoryHistory()
        repl("(define (f x)  \r(let ((y 1)\r(z 2))\r(+ x y z)))\r\x04", history=history)
        assert list(history.get_strings()) == ["(define (f x)\n  (let ((y 1)\n        (z 2))\n    (+ x y z)))"]


    def test_ctrl_j_and_tab(self, repl):
        """Ctrl-J adds a line after a complete form; Tab at the start of a line re-indents it."""
        from prompt_toolkit.history import InMemoryHistory
        history = InMemoryHistory()
        code, out, err = repl("(+ 1 2)\n(+ 3 4)\r(list 1\r" + "\x7f" * 6 + "\t2)\r\x04", history=history)
        assert out == "3\n7\n(1 2)\n"
        assert list(history.get_strings()) == ["(+ 1 2)\n(+ 3 4)", "(list 1\n      2)"]


class TestCompleter:
    def test_builtins_with_signature(self):
        """A builtin completes with its call shape as meta."""
        found = completions("(string/pad-l")
        assert found == {"string/pad-left": "(string/pad-left s width [pad])"}

    def test_name_after_the_slash(self):
        """A word matches the part of a name after its slash."""
        assert "string/pad-left" in completions("(pad-le")

    def test_special_forms(self):
        """Special and derived forms complete with their call shape."""
        found = completions("(lamb")
        assert found["lambda"].startswith("(lambda")
        assert "define-record-type" in completions("(define-r")

    def test_user_definitions(self):
        """User functions and variables complete, with call shape or value."""
        interp = Interpreter(llm=False)
        interp.eval_source('(define (my-fun a b) a) (define my-var "v")')
        assert completions("(my-", interp) == {"my-fun": "(my-fun a b)", "my-var": '= "v"'}

    def test_keywords_seen(self):
        """Keywords complete from those seen so far and those in the text being edited."""
        interp = Interpreter(llm=False)
        interp.eval_source("(define m {:zebra-stripes 1})")
        assert ":zebra-stripes" in completions("(:zeb", interp)
        assert ":yak-hair" in completions("{:yak-hair 1} (:yak", interp)

    def test_commands(self):
        """A comma at the start completes REPL commands."""
        assert set(completions(",d")) == {",doc"}

    def test_tab_in_the_session(self, repl):
        """Tab in the session inserts the only candidate (completion runs in the background: keys in steps)."""
        code, out, err = repl(['(string/pad-l\t', ' "7" 3 "0")\r\x04'])
        assert out == '"007"\n'

    def test_nothing_for_an_empty_word(self):
        """No candidates after a delimiter (Tab on nothing does not list 500 names)."""
        assert completions("(") == {} and completions("(car ") == {}


class TestHighlighting:
    def test_token_classes(self):
        """Brackets by depth, strings, keywords, numbers, comments, special forms and builtins get classes."""
        from sema.repl.lexer import highlight
        frags = highlight('(define x [1 "s" :k]) ; c', {"define"}, {"car"})
        styles = {text: style for style, text in frags if text.strip()}
        assert styles["("] == "class:bracket.d0" and styles["["] == "class:bracket.d1"
        assert styles["define"] == "class:special" and styles['"s"'] == "class:string"
        assert styles[":k"] == "class:keyword" and styles["1"] == "class:number"
        assert styles["; c"] == "class:comment" and styles["x"] == ""

    def test_covers_unfinished_text(self):
        """Unfinished strings and stray brackets are highlighted, and the fragments cover the text."""
        from sema.repl.lexer import highlight
        text = '(f "abc\n def) ) #| x'
        frags = highlight(text)
        assert "".join(t for _, t in frags) == text
        assert ("class:string.open", '"abc\n def) ) #| x') in frags

    def test_lexer_lines(self):
        """The lexer answers line by line."""
        from sema.repl.lexer import SemaLexer
        get_line = SemaLexer(lambda: Interpreter(llm=False)).lex_document(doc("(car\n  x)"))
        assert get_line(0) == [("class:bracket.d0", "("), ("class:builtin", "car")]
        assert get_line(1)[-1] == ("class:bracket.d0", ")")

    def test_no_color(self, monkeypatch):
        """With NO_COLOR the session renders in one-bit colour (no colours at all)."""
        from prompt_toolkit.history import InMemoryHistory
        from prompt_toolkit.output import ColorDepth, DummyOutput

        from sema.repl.core import ReplState
        from sema.repl.session import make_session
        monkeypatch.setenv("NO_COLOR", "1")
        session = make_session(ReplState(Interpreter(llm=False)), output=DummyOutput(), history=InMemoryHistory())
        assert session.color_depth == ColorDepth.DEPTH_1_BIT


class TestHistory:
    def test_in_the_user_data_folder(self, tmp_path, monkeypatch):
        """The history file is in the user's data folder (XDG_DATA_HOME on Linux)."""
        if sys.platform != "linux":
            pytest.skip("the XDG data folder is Linux's")
        from sema.repl.history import history_path
        monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
        assert history_path() == str(tmp_path / "sema" / "history")

    def test_persists_across_sessions(self, repl, tmp_path):
        """Inputs are saved to the file and come back with Up in the next session."""
        from sema.repl.history import make_history
        path = str(tmp_path / "data" / "history")
        repl("(+ 20 1)\r\x04", history=make_history(path))
        assert "(+ 20 1)" in Path(path).read_text()
        code, out, err = repl("\x1b[A\r\x04", history=make_history(path))
        assert out == "21\n"

    def test_falls_back_to_memory(self, tmp_path):
        """An unwritable folder gives an in-memory history and one note."""
        from prompt_toolkit.history import InMemoryHistory

        from sema.repl.history import make_history
        blocker = tmp_path / "file"
        blocker.write_text("")
        notes = []
        history = make_history(str(blocker / "sub" / "history"), warn=notes.append)
        assert isinstance(history, InMemoryHistory) and len(notes) == 1


# ---------------------------------------------------------------- no terminal


class TestPlainMode:
    def run(self, stdin: str, tmp_path, *args):
        return subprocess.run([sys.executable, "-m", "sema", *args], input=stdin, capture_output=True, text=True,
                              env=clean_env(SEMA_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(REPO)),
                              timeout=60)

    def test_pipe(self, tmp_path):
        """`echo '(+ 1 2)' | sema` prints 3; forms over several lines, errors on stderr without escape codes,
        commands, an unclosed form at the end reported at its bracket, and exit code 1 after an error."""
        stdin = '(+ 1 2)\n(define (f x)\n  (* x 2))\n(car 1)\n(f 21)\n,type "s"\n(list 1\n'
        proc = self.run(stdin, tmp_path)
        assert proc.stdout == "3\n42\n:string\n"
        assert proc.stderr.startswith("<stdin>:4:1: error: car:") and "\x1b" not in proc.stderr
        assert "<stdin>:7:1: error: unclosed `(`" in proc.stderr
        assert proc.returncode == 1

    def test_plain_mode_needs_no_prompt_toolkit(self, tmp_path):
        """The plain mode and the REPL package import no prompt-toolkit."""
        code = ("import io, sys, sema\nfrom sema.repl import start_repl\nsys.stdin = io.StringIO('(+ 1 2)\\n')\n"
                "rc = start_repl(sema.Interpreter(llm=False))\nprint(rc, 'prompt_toolkit' in sys.modules)")
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                              env=clean_env(SEMA_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(REPO)))
        assert proc.stdout == "3\n0 False\n", proc.stderr


# ---------------------------------------------------------------- a real terminal


class TestTerminal:
    def test_end_to_end_in_tmux(self, tmp_path):
        """In a real terminal: a value is printed, Ctrl-C stops an endless loop and a bulk builtin, keys typed
        ahead or right after Ctrl-C run (issue 13), long values are cut, the toolbar shows call shapes,
        Ctrl-D exits."""
        tmux = shutil.which("tmux")
        if tmux is None:
            pytest.skip("tmux is not installed (apt-get install tmux) so the terminal test cannot run")
        sock = str(tmp_path / "tmux.sock")
        env = clean_env(XDG_DATA_HOME=str(tmp_path / "data"), SEMA_CACHE_DIR=str(tmp_path / "cache"),
                        PYTHONPATH=str(REPO), TERM="xterm-256color")
        env.pop("TMUX", None)

        def tm(*args, check=True):
            return subprocess.run([tmux, "-S", sock, *args], capture_output=True, text=True, env=env,
                                  timeout=10, check=check)

        def screen() -> str:
            return tm("capture-pane", "-p").stdout

        def wait_for(predicate, what: str, timeout: float = 15.0) -> str:
            end = time.monotonic() + timeout
            while time.monotonic() < end:
                text = screen()
                if predicate(text):
                    return text
                time.sleep(0.05)
            raise AssertionError(f"timed out waiting for {what}; the screen:\n{screen()}")

        def lines() -> list[str]:
            """The screen's lines, without the bottom toolbar (always the last line)."""
            return [line.rstrip() for line in screen().splitlines() if line.strip()][:-1]

        def at_prompt() -> bool:
            shown = lines()
            return bool(shown) and shown[-1] == "sema>"

        command = f"cd {REPO} && exec {sys.executable} -m sema --no-llm -q"
        tm("new-session", "-d", "-x", "100", "-y", "30", command)
        try:
            wait_for(lambda s: "sema>" in s, "the prompt")
            tm("send-keys", "(+ 1 2)", "Enter")
            wait_for(lambda s: "3" in s.splitlines()[1:2], "the value 3")
            tm("send-keys", "(define (spin n) (spin (+ n 1)))", "Enter",
               '(begin (println "spinning") (spin 0))', "Enter")
            wait_for(lambda s: "\nspinning" in s, "the loop to start")
            tm("send-keys", "C-c")
            wait_for(lambda s: "interrupted" in s and at_prompt(), "the prompt after Ctrl-C")
            # issue 13: keys typed while an evaluation runs are not lost, and their Enter still runs them
            tm("send-keys", "(begin (sleep 700) :slept)", "Enter")
            tm("send-keys", "(+ 40 2)", "Enter")
            wait_for(lambda s: ":slept" in s and "42" in s.split(":slept", 1)[1] and at_prompt(),
                     "the typed-ahead input to run after the sleep")
            # Ctrl-C stops a bulk builtin at once, and what is typed right after it runs
            tm("send-keys", "(apply + (range 100000000))", "Enter")
            time.sleep(0.5)
            tm("send-keys", "C-c")
            tm("send-keys", "(* 6 7 10)", "Enter")
            wait_for(lambda s: "420" in s and at_prompt(), "the input typed right after Ctrl-C")
            # long values are cut; the toolbar shows the call shape being typed
            tm("send-keys", "(range 100000)", "Enter")
            wait_for(lambda s: "...99,900 more)" in s and at_prompt(), "the cut value")
            tm("send-keys", '(string/pad-left "7" ')
            wait_for(lambda s: s.rstrip().splitlines()[-1].strip() == "(string/pad-left s width [pad])",
                     "the call shape in the toolbar")
            tm("send-keys", "C-c")
            wait_for(lambda s: at_prompt(), "a clean prompt")
            tm("send-keys", "C-d")
            end = time.monotonic() + 15
            while tm("has-session", check=False).returncode == 0 and time.monotonic() < end:
                time.sleep(0.05)
            assert tm("has-session", check=False).returncode != 0, "Ctrl-D did not end the REPL"
        finally:
            tm("kill-server", check=False)
