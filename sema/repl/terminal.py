"""The terminal between prompts: keys typed while an evaluation runs wait for the next prompt, intact.

prompt-toolkit puts the terminal in raw mode only while it reads a line.
In between (while Lisp runs, and while Ctrl-C is being handled) the terminal
would be in its ordinary "cooked" mode: it echoes what is typed into the
program's output, turns Enter (``\\r``) into ``\\n`` (which the prompt reads
as Ctrl-J, "add a line", so the typed-ahead input never runs), and throws
typed-ahead keys away on Ctrl-C.  :func:`between_prompts` sets the mode the
REPL wants instead: no echo, no line editing, Enter kept as ``\\r``, Ctrl-C
still a signal, and no flush on it.  Lisp code that reads the terminal
(``read-line``, ``proc/run`` of an editor) gets the cooked mode back for
the time it reads, through :func:`sema.runtime.output.terminal_input`.
"""

from __future__ import annotations

from contextlib import contextmanager


def _attrs(fd):
    import termios
    try:
        return termios.tcgetattr(fd)
    except termios.error:
        return None


def typeahead_mode(attrs: list) -> list:
    """``attrs`` (a termios list) changed as described in the module docstring."""
    import termios
    new = [list(a) if isinstance(a, list) else a for a in attrs]
    new[0] &= ~termios.ICRNL                                  # iflag: Enter stays \r
    new[3] &= ~(termios.ICANON | termios.ECHO)                # lflag: no line editing, no echo
    new[3] |= termios.ISIG | termios.NOFLSH                   # Ctrl-C still interrupts, keeps type-ahead
    new[6][termios.VMIN] = 1
    new[6][termios.VTIME] = 0
    return new


@contextmanager
def between_prompts(stream):
    """Keep ``stream`` (the REPL's terminal) in type-ahead mode for the session; restore it at the end."""
    try:
        import termios
        fd = stream.fileno()
    except (ImportError, AttributeError, OSError, ValueError):
        yield
        return
    saved = _attrs(fd)
    if saved is None:
        yield
        return
    from ..runtime import output

    @contextmanager
    def cooked():
        mine = _attrs(fd)
        termios.tcsetattr(fd, termios.TCSANOW, saved)
        try:
            yield
        finally:
            if mine is not None:
                termios.tcsetattr(fd, termios.TCSANOW, mine)

    termios.tcsetattr(fd, termios.TCSANOW, typeahead_mode(saved))
    previous = output.set_terminal_input(cooked)
    try:
        yield
    finally:
        output.set_terminal_input(previous)
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
