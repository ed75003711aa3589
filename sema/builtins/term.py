"""``term/*``: ANSI styles and colours, screen and cursor control, spinners (loaded on first use).

Style functions return the text wrapped in SGR escape codes, reset after it.
When ``NO_COLOR`` is set (to anything, per https://no-color.org) they return
the text unchanged, so output stays plain for logs and for users who ask for
it; Sema itself always adds the codes.  ``term/strip`` removes escape codes.

Screen and cursor functions write their control sequence to standard output
at once and return nil.  Spinners draw on standard error, and only when it
is a terminal (so piped output is never cluttered).
"""

from __future__ import annotations

import os
import re
import threading

from ..errors import LispValueError
from ..runtime import output
from ..runtime.registry import builtin
from ..runtime.registry import typing_names as typing
from ..values import Keyword, Map
from .argcheck import type_error
from .io import skip_doc_examples

Any = typing.Any
CODES = {
    "bold": 1, "dim": 2, "italic": 3, "underline": 4, "inverse": 7, "strikethrough": 9,
    "black": 30, "red": 31, "green": 32, "yellow": 33, "blue": 34, "magenta": 35, "cyan": 36, "white": 37,
    "gray": 90,
}
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")


def _color_off() -> bool:
    return "NO_COLOR" in os.environ


def _text(who: str, s) -> str:
    if s.__class__ is not str:
        raise type_error(who, "a string", s)
    return s


def _sgr(codes: str, s: str) -> str:
    return s if _color_off() else f"\x1b[{codes}m{s}\x1b[0m"


@builtin("term/bold")
def term_bold(s: str) -> str:
    """S in bold (plain when NO_COLOR is set).

    (term/strip (term/bold "text")) ; => "text"
    """
    return _sgr("1", _text("term/bold", s))


@builtin("term/dim")
def term_dim(s: str) -> str:
    """S in dim (plain when NO_COLOR is set).

    (term/strip (term/dim "text")) ; => "text"
    """
    return _sgr("2", _text("term/dim", s))


@builtin("term/italic")
def term_italic(s: str) -> str:
    """S in italic (plain when NO_COLOR is set).

    (term/strip (term/italic "text")) ; => "text"
    """
    return _sgr("3", _text("term/italic", s))


@builtin("term/underline")
def term_underline(s: str) -> str:
    """S in underline (plain when NO_COLOR is set).

    (term/strip (term/underline "text")) ; => "text"
    """
    return _sgr("4", _text("term/underline", s))


@builtin("term/inverse")
def term_inverse(s: str) -> str:
    """S in inverse (plain when NO_COLOR is set).

    (term/strip (term/inverse "text")) ; => "text"
    """
    return _sgr("7", _text("term/inverse", s))


@builtin("term/strikethrough")
def term_strikethrough(s: str) -> str:
    """S in strikethrough (plain when NO_COLOR is set).

    (term/strip (term/strikethrough "text")) ; => "text"
    """
    return _sgr("9", _text("term/strikethrough", s))


@builtin("term/black")
def term_black(s: str) -> str:
    """S in black (plain when NO_COLOR is set).

    (term/strip (term/black "text")) ; => "text"
    """
    return _sgr("30", _text("term/black", s))


@builtin("term/red")
def term_red(s: str) -> str:
    """S in red (plain when NO_COLOR is set).

    (term/strip (term/red "text")) ; => "text"
    """
    return _sgr("31", _text("term/red", s))


@builtin("term/green")
def term_green(s: str) -> str:
    """S in green (plain when NO_COLOR is set).

    (term/strip (term/green "text")) ; => "text"
    """
    return _sgr("32", _text("term/green", s))


@builtin("term/yellow")
def term_yellow(s: str) -> str:
    """S in yellow (plain when NO_COLOR is set).

    (term/strip (term/yellow "text")) ; => "text"
    """
    return _sgr("33", _text("term/yellow", s))


@builtin("term/blue")
def term_blue(s: str) -> str:
    """S in blue (plain when NO_COLOR is set).

    (term/strip (term/blue "text")) ; => "text"
    """
    return _sgr("34", _text("term/blue", s))


@builtin("term/magenta")
def term_magenta(s: str) -> str:
    """S in magenta (plain when NO_COLOR is set).

    (term/strip (term/magenta "text")) ; => "text"
    """
    return _sgr("35", _text("term/magenta", s))


@builtin("term/cyan")
def term_cyan(s: str) -> str:
    """S in cyan (plain when NO_COLOR is set).

    (term/strip (term/cyan "text")) ; => "text"
    """
    return _sgr("36", _text("term/cyan", s))


@builtin("term/white")
def term_white(s: str) -> str:
    """S in white (plain when NO_COLOR is set).

    (term/strip (term/white "text")) ; => "text"
    """
    return _sgr("37", _text("term/white", s))


@builtin("term/gray")
def term_gray(s: str) -> str:
    """S in gray (plain when NO_COLOR is set).

    (term/strip (term/gray "text")) ; => "text"
    """
    return _sgr("90", _text("term/gray", s))


@builtin("term/style")
def style(s: str, *styles: Keyword) -> str:
    """S with several styles at once, in one escape sequence: ``(term/style "x" :bold :red)``.

    With no style keywords the text comes back unstyled; an unknown keyword is an error.

    (term/style "plain text") ; => "plain text"
    (term/strip (term/style "danger" :bold :red)) ; => "danger"
    """
    _text("term/style", s)
    codes = []
    for k in styles:
        if k.__class__ is not Keyword or k.name not in CODES:
            raise LispValueError(f"term/style: unknown style keyword {k}; known: "
                                 + " ".join(":" + n for n in CODES))
        codes.append(str(CODES[k.name]))
    return _sgr(";".join(codes), s) if codes else s


@builtin("term/rgb")
def rgb(s: str, r: int, g: int, b: int) -> str:
    """S in the 24-bit colour R G B (integers 0 to 255).

    (term/strip (term/rgb "orange" 255 165 0)) ; => "orange"
    """
    for c in (r, g, b):
        if c.__class__ is not int or not 0 <= c <= 255:
            raise type_error("term/rgb", "a colour component from 0 to 255", c)
    return _sgr(f"38;2;{r};{g};{b}", _text("term/rgb", s))


@builtin("term/strip")
def strip(s: str) -> str:
    """S without its ANSI escape sequences.

    (term/strip "\\x1b;[1mhello\\x1b;[0m") ; => "hello"
    (term/strip "no codes here") ; => "no codes here"
    """
    return _ANSI.sub("", _text("term/strip", s))


# ---------------------------------------------------------------- screen and cursor


def _emit(seq: str) -> None:
    output.stdout().write(seq)
    output.stdout().flush()


@skip_doc_examples
@builtin("term/clear")
def term_clear() -> None:
    """Clear the screen and put the cursor at the top left.

    (term/clear) ; => nil
    """
    _emit("\x1b[2J\x1b[H")


@skip_doc_examples
@builtin("term/clear-line")
def term_clear_line() -> None:
    """Clear the cursor's line.

    (term/clear-line) ; => nil
    """
    _emit("\x1b[2K\r")


@skip_doc_examples
@builtin("term/clear-below")
def term_clear_below() -> None:
    """Clear from the cursor to the end of the screen.

    (term/clear-below) ; => nil
    """
    _emit("\x1b[J")


@skip_doc_examples
@builtin("term/cursor-home")
def term_cursor_home() -> None:
    """Put the cursor at the top left.

    (term/cursor-home) ; => nil
    """
    _emit("\x1b[H")


@skip_doc_examples
@builtin("term/save-cursor")
def term_save_cursor() -> None:
    """Remember the cursor position.

    (term/save-cursor) ; => nil
    """
    _emit("\x1b7")


@skip_doc_examples
@builtin("term/restore-cursor")
def term_restore_cursor() -> None:
    """Go back to the remembered cursor position.

    (term/restore-cursor) ; => nil
    """
    _emit("\x1b8")


@skip_doc_examples
@builtin("term/hide-cursor")
def term_hide_cursor() -> None:
    """Hide the cursor.

    (term/hide-cursor) ; => nil
    """
    _emit("\x1b[?25l")


@skip_doc_examples
@builtin("term/show-cursor")
def term_show_cursor() -> None:
    """Show the cursor.

    (term/show-cursor) ; => nil
    """
    _emit("\x1b[?25h")


@skip_doc_examples
@builtin("term/enter-alt-screen")
def term_enter_alt_screen() -> None:
    """Switch to the alternate screen.

    (term/enter-alt-screen) ; => nil
    """
    _emit("\x1b[?1049h")


@skip_doc_examples
@builtin("term/leave-alt-screen")
def term_leave_alt_screen() -> None:
    """Go back from the alternate screen.

    (term/leave-alt-screen) ; => nil
    """
    _emit("\x1b[?1049l")


@skip_doc_examples
@builtin("term/bell")
def term_bell() -> None:
    """Ring the terminal bell.

    (term/bell) ; => nil
    """
    _emit("\x07")


@skip_doc_examples
@builtin("term/enable-mouse")
def term_enable_mouse() -> None:
    """Turn on mouse reports (SGR encoding).

    (term/enable-mouse) ; => nil
    """
    _emit("\x1b[?1000h\x1b[?1006h")


@skip_doc_examples
@builtin("term/disable-mouse")
def term_disable_mouse() -> None:
    """Turn off mouse reports.

    (term/disable-mouse) ; => nil
    """
    _emit("\x1b[?1006l\x1b[?1000l")


@skip_doc_examples
@builtin("term/enable-bracketed-paste")
def term_enable_bracketed_paste() -> None:
    """Turn on bracketed paste.

    (term/enable-bracketed-paste) ; => nil
    """
    _emit("\x1b[?2004h")


@skip_doc_examples
@builtin("term/disable-bracketed-paste")
def term_disable_bracketed_paste() -> None:
    """Turn off bracketed paste.

    (term/disable-bracketed-paste) ; => nil
    """
    _emit("\x1b[?2004l")


@skip_doc_examples
@builtin("term/enable-focus-events")
def term_enable_focus_events() -> None:
    """Turn on focus in/out reports.

    (term/enable-focus-events) ; => nil
    """
    _emit("\x1b[?1004h")


@skip_doc_examples
@builtin("term/disable-focus-events")
def term_disable_focus_events() -> None:
    """Turn off focus in/out reports.

    (term/disable-focus-events) ; => nil
    """
    _emit("\x1b[?1004l")


@skip_doc_examples
@builtin("term/enable-kitty-keys!")
def term_enable_kitty_keys() -> None:
    """Ask the terminal for the kitty keyboard protocol (richer key reports).

    (term/enable-kitty-keys!) ; => nil
    """
    _emit("\x1b[>1u")


@skip_doc_examples
@builtin("term/disable-kitty-keys!")
def term_disable_kitty_keys() -> None:
    """Turn the kitty keyboard protocol off again.

    (term/disable-kitty-keys!) ; => nil
    """
    _emit("\x1b[<u")


@skip_doc_examples
@builtin("term/flush")
def flush() -> None:
    """Flush standard output.

    (term/flush) ; => nil
    """
    output.stdout().flush()


def _position(who: str, row, col) -> None:
    for x in (row, col):
        if x.__class__ is not int or x < 1:
            raise type_error(who, "a position counted from 1", x)


@skip_doc_examples
@builtin("term/move-to", "term/cursor-position")
def move_to(row: int, col: int) -> None:
    """Put the cursor at ROW and COL (counting from 1).

    (term/move-to 1 1) ; => nil
    """
    _position("term/move-to", row, col)
    _emit(f"\x1b[{row};{col}H")


@skip_doc_examples
@builtin("term/write-at")
def write_at(row: int, col: int, text: str) -> None:
    """Write TEXT with its first character at ROW and COL, keeping the cursor where it was.

    (term/write-at 3 5 "status: ok") ; => nil
    """
    _position("term/write-at", row, col)
    _emit(f"\x1b7\x1b[{row};{col}H{_text('term/write-at', text)}\x1b8")


@skip_doc_examples
@builtin("term/set-title")
def set_title(title: str) -> None:
    """Set the terminal window's title.

    (term/set-title "my app") ; => nil
    """
    _emit(f"\x1b]0;{_text('term/set-title', title)}\x07")


# ---------------------------------------------------------------- spinners

_FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
_spinners: dict[int, "_Spinner"] = {}
_next_id = [0]
_spin_lock = threading.Lock()


class _Spinner:
    def __init__(self, message: str):
        self.message = message
        self.stop_event = threading.Event()
        self.stream = output.stderr()  # the spinner's thread has no evaluation context of its own
        self.live = self.stream.isatty()
        self.thread = threading.Thread(target=self._run, name="sema-spinner", daemon=True)
        if self.live:
            self.thread.start()

    def _run(self) -> None:
        i = 0
        while not self.stop_event.wait(0.08):
            self.stream.write(f"\r\x1b[2K{_FRAMES[i % len(_FRAMES)]} {self.message}")
            self.stream.flush()
            i += 1

    def stop(self) -> None:
        self.stop_event.set()
        if self.live:
            self.thread.join()
            output.stderr().write("\r\x1b[2K")
            output.stderr().flush()


@skip_doc_examples
@builtin("term/spinner-start")
def spinner_start(message: str) -> int:
    """Start a spinner (on standard error, when it is a terminal) showing MESSAGE; returns its id.

    (term/spinner-start "Loading data...") ; => 1
    """
    s = _Spinner(_text("term/spinner-start", message))
    with _spin_lock:
        _next_id[0] += 1
        _spinners[_next_id[0]] = s
        return _next_id[0]


def _spinner(who: str, sid) -> _Spinner:
    s = _spinners.get(sid)
    if s is None:
        raise LispValueError(f"{who}: no running spinner {sid}")
    return s


@skip_doc_examples
@builtin("term/spinner-update")
def spinner_update(sid: int, message: str) -> None:
    """Change the message of spinner SID.

    (term/spinner-update id "Almost done...") ; => nil
    """
    _spinner("term/spinner-update", sid).message = _text("term/spinner-update", message)


@skip_doc_examples
@builtin("term/spinner-stop")
def spinner_stop(sid: int, opts: Map | None = None) -> None:
    """Stop spinner SID, clearing its line; with ``{:symbol :text}`` print a final status line.

    (term/spinner-stop id {:symbol "✔" :text "Done"}) ; => nil
    """
    s = _spinner("term/spinner-stop", sid)
    s.stop()
    with _spin_lock:
        _spinners.pop(sid, None)
    if opts is not None:
        symbol, text = opts.get(Keyword("symbol")), opts.get(Keyword("text"))
        line = " ".join(x for x in (symbol, text) if x.__class__ is str)
        if line:
            output.stderr().write(line + "\n")
            output.stderr().flush()
