"""Key bindings of the terminal REPL (on top of prompt-toolkit's Emacs bindings).

- Enter: run the input if the reader says it is complete (or it is a
  command), otherwise add a line indented for the open form; with the
  completion menu open, Enter only closes it.
- Alt-Enter: run the input as it is (an unfinished form gets its error).
- Ctrl-J: always add an indented line.
- Tab: at the start of a line, indent it; elsewhere complete.
- Ctrl-R (history search), Ctrl-C (clear the line, raising KeyboardInterrupt
  out of the prompt) and Ctrl-D (exit on an empty line) are prompt-toolkit's.
"""

from __future__ import annotations

from prompt_toolkit.enums import DEFAULT_BUFFER
from prompt_toolkit.filters import has_focus
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.key_binding.bindings.named_commands import get_by_name

from .multiline import in_string, indent_for, should_submit


def newline_with_indent(buffer) -> None:
    """Insert a newline and the indentation the open form calls for.

    Blanks around the cursor would end up as trailing spaces on the old line
    or in front of the new indentation: they are dropped (not inside a string).
    """
    doc = buffer.document
    if not in_string(doc.text_before_cursor):
        after = doc.text_after_cursor
        buffer.delete(len(after) - len(after.lstrip(" ")))
        before = doc.current_line_before_cursor
        if before.strip():
            buffer.delete_before_cursor(len(before) - len(before.rstrip(" ")))
    indent = indent_for(buffer.document.text_before_cursor)
    buffer.insert_text("\n" + " " * indent)


def repl_key_bindings() -> KeyBindings:
    """The REPL's own key bindings (they take precedence over the defaults)."""
    kb = KeyBindings()
    focused = has_focus(DEFAULT_BUFFER)

    @kb.add("enter", filter=focused)
    def _enter(event):
        buffer = event.current_buffer
        if buffer.complete_state is not None:
            buffer.complete_state = None  # keep the chosen completion, close the menu
            return
        doc = buffer.document
        if should_submit(doc.text, doc.cursor_position):
            buffer.validate_and_handle()
        else:
            newline_with_indent(buffer)

    @kb.add("escape", "enter", filter=focused)
    def _submit(event):
        event.current_buffer.validate_and_handle()

    @kb.add("c-j", filter=focused)
    def _newline(event):
        newline_with_indent(event.current_buffer)

    @kb.add("tab", filter=focused)
    def _tab(event):
        buffer = event.current_buffer
        doc = buffer.document
        if buffer.complete_state is None and not doc.current_line_before_cursor.strip() and doc.cursor_position_row > 0:
            want = indent_for(doc.text[: doc.cursor_position - len(doc.current_line_before_cursor)].rstrip("\n"))
            have = len(doc.current_line) - len(doc.current_line.lstrip(" "))
            buffer.cursor_position -= len(doc.current_line_before_cursor)
            buffer.delete(have)
            buffer.insert_text(" " * want)
            return
        get_by_name("menu-complete").call(event)

    return kb
