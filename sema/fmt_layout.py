"""The layout pass of ``sema fmt``: a concrete tree (see :mod:`sema.fmt`) back to text.

Rules, in order of precedence:

- comments are never moved across code: an end-of-line comment stays after its
  form, a comment on its own line stays on its own line; a form holding a line
  comment cannot be put on one line;
- a form that fits in the width goes on one line (so does a very short one
  that does not), unless its author broke it over several lines and it is a
  body-style form (``define``, ``let``, ``when`` ...), an ``if`` or ``cond``,
  a list whose head is not a symbol (``let`` bindings, ``cond`` clauses), a
  vector of compound forms or a map of two entries or more: formatting keeps
  that choice (the broken layout always breaks a gap again, so the choice
  stays stable);
- otherwise the head stays on the first line: body-style forms indent their
  body by 2 after their distinguished arguments (``define``'s name, ``let``'s
  bindings); other calls align their arguments under the first one, or put
  them all under the head when that fits better; lists whose head is not a
  symbol (and quoted lists) put their elements under the head; vectors and
  maps align their elements, maps keeping each key with its value; lists and
  vectors of atoms are filled line by line;
- blank lines between forms are kept (a run of them becomes one), except
  inside a form laid out on one line.

Between alternatives (arguments aligned or under the head, a map value
after or below its key) the one that stays within the width wins, then the
one with fewer lines; the conventional one on a tie.

Every layout function takes the column where the form starts and the
``tail``, the width of what must follow on its last line (closing brackets),
and returns the text with absolute indentation after its first line.  Results
are memoised per (form, column, context), which keeps the choice between two
layouts from going exponential.
"""

from __future__ import annotations

import re

from .fmt import Atom, Comment, Prefix, Seq, Tree

#: body-style heads -> number of distinguished arguments kept on the first line
BODY_FORMS = {
    "begin": 0, "progn": 0, "try": 0, "finally": 0, "async": 0,
    "define": 1, "def": 1, "lambda": 1, "fn": 1, "let": 1, "let*": 1, "letrec": 1, "letrec*": 1,
    "let-values": 1, "let*-values": 1, "define-values": 1, "define-syntax": 1, "syntax-rules": 1,
    "when": 1, "unless": 1, "while": 1, "catch": 1, "match": 1, "match*": 1, "module": 1,
    "deftest": 1, "case": 1, "dotimes": 1, "for-range": 1, "parameterize": 1, "when-let": 1,
    "with-open": 1, "with-stream": 1, "guard": 1,
    "defn": 2, "defun": 2, "defmacro": 2, "do": 2, "defmethod": 2,
}
#: a form this short stays on one line even past the width: breaking it gains nothing
TINY = 20

#: forms nesting deeper than this get their preferred layout only (see Layout._too_deep)
MAX_SEARCH_DEPTH = 40

#: other body-style heads: define-record-type, deftool, llm/define-provider ... (not default...)
_DEF_RE = re.compile(r"def(?!ault)")


def _end_col(col: int, s: str) -> int:
    """The column after writing ``s`` starting at ``col``."""
    k = s.rfind("\n")
    return col + len(s) if k < 0 else len(s) - k - 1


def _lines(s: str) -> int:
    """Line breaks in ``s`` not counting blank lines (kept from the source in some layouts only)."""
    return s.count("\n") - s.count("\n\n")


def _is_symbolic(node) -> bool:
    """A symbol or keyword (something that can head a call)."""
    if node.__class__ is not Atom or node.kind != "atom":
        return False
    t = node.text
    c = t[0]
    if c.isdigit() or c == "#":
        return False
    return not (c in "+-." and len(t) > 1 and t[1].isdigit())


def _needs_space(node: Prefix) -> bool:
    """`, @x` must keep its space: `,@x` would read as unquote-splicing."""
    return node.text == "," and not node.trivia and node.child.__class__ is Prefix and node.child.text == "@"


def _is_atomic(node) -> bool:
    """A one-line atom, possibly quoted: something a filled line can hold."""
    while node.__class__ is Prefix and not node.trivia:
        node = node.child
    return node.__class__ is Atom and "\n" not in node.text


class FormCell:
    """A form with the inline comments before it and the comments after it on its line."""

    __slots__ = ("node", "pre", "post", "blank")

    def __init__(self, node, pre: list, blank: bool):
        self.node = node
        self.pre = pre
        self.post: list[str] = []
        self.blank = blank

    @property
    def breaks(self) -> bool:
        """Whatever follows must start a new line."""
        return bool(self.post)

    @property
    def line_comment_last(self) -> bool:
        return bool(self.post) and self.post[-1].startswith(";")


class CommentCell:
    """Comments on a line of their own."""

    __slots__ = ("parts", "blank")

    def __init__(self, parts: list, blank: bool):
        self.parts = parts
        self.blank = blank

    node = None
    pre = ()
    breaks = True

    @property
    def post(self):
        return self.parts

    @property
    def line_comment_last(self) -> bool:
        return self.parts[-1].startswith(";")


def make_cells(items: list) -> list:
    """Group the items of a form into cells: forms with their same-line comments, and comment lines.

    A block or datum comment followed on the same line by a form is written
    before that form; one ending a line that holds a form goes after it.
    """
    cells: list = []
    pre: list = []
    pre_attach = pre_blank = False
    n = len(items)
    for i, it in enumerate(items):
        if it.__class__ is not Comment:
            cells.append(FormCell(it, pre, pre_blank if pre else it.nl >= 2))
            pre = []
            continue
        attach = it.nl == 0 and i > 0 and bool(cells) and not cells[-1].line_comment_last
        if it.kind != "line":
            nxt = items[i + 1] if i + 1 < n else None
            if nxt is not None and nxt.nl == 0 and not (nxt.__class__ is Comment and nxt.kind == "line"):
                if not pre:
                    pre_attach, pre_blank = attach, it.nl >= 2
                pre.append(it.text)
                continue
        parts, blank = [it.text], it.nl >= 2
        if pre:  # inline comments on this same line before it
            parts = pre + parts
            attach, blank = pre_attach, pre_blank
            pre = []
        if attach:
            cells[-1].post.extend(parts)
        else:
            cells.append(CommentCell(parts, blank))
    return cells


def body_specials(name: str, forms: list):
    """How many arguments of body-style form ``name`` stay on its first line, or None if not body-style.

    ``forms`` are the cells holding forms (the head first).  Heads named
    ``def...`` (also after a ``prefix/``) are body-style with one argument.
    """
    n = BODY_FORMS.get(name)
    if n is None:
        base = name.rsplit("/", 1)[-1]
        if not _DEF_RE.match(base):
            return None
        n = 1
    if name == "let" and len(forms) > 1 and _is_symbolic(forms[1].node):
        return 2  # named let
    if n == 2 and name != "do" and len(forms) > 2:
        first, second = forms[1].node, forms[2].node
        if first.__class__ is Seq:
            return 1  # (defun (name args) body)
        if second.__class__ is Atom and second.kind == "str" and len(forms) > 3:
            return 1  # a docstring goes with the body
    return n


def _keep_broken(node: Seq, cells: list) -> bool:
    """Whether the author's line breaks in ``node`` are kept although it would fit on one line.

    They are in body-style forms, ``if`` and ``cond``, binding and clause lists
    (lists whose head is not a symbol), vectors of compound forms and maps of
    two entries or more.  Each of their broken layouts breaks a gap between
    elements again, so that formatting stays idempotent.
    """
    if not any(it.nl > 0 for it in node.items[1:]):
        return False
    forms = [c for c in cells if c.node is not None]
    if node.open == "{":
        return len(forms) >= 4
    head = forms[0].node if forms else None
    if node.open in ("(", "#(") and head is not None and _is_symbolic(head) and cells[0].node is head:
        n = body_specials(head.text, forms)
        if n is not None:
            return len(forms) > 1 + n  # it has a body
        return head.text in ("if", "cond") and len(forms) >= 3
    return len(forms) >= 2 and not all(_is_atomic(c.node) for c in forms)


def _line_comments(items: list) -> set:
    """The text of every line comment in ``items``, at any depth."""
    out = set()
    stack = list(items)
    while stack:
        it = stack.pop()
        cls = it.__class__
        if cls is Comment:
            if it.kind == "line":
                out.add(it.text)
        elif cls is Seq:
            stack.extend(it.items)
        elif cls is Prefix:
            stack.extend(it.trivia)
            stack.append(it.child)
    return out


class _Out:
    """Text being built, tracking the current column."""

    __slots__ = ("parts", "col")

    def __init__(self, col: int):
        self.parts: list[str] = []
        self.col = col

    def text(self, s: str) -> None:
        self.parts.append(s)
        self.col = _end_col(self.col, s)

    def newline(self, indent: int, blank: bool = False) -> None:
        self.parts.append("\n\n" if blank else "\n")
        self.parts.append(" " * indent)
        self.col = indent

    def result(self) -> str:
        return "".join(self.parts)


class Layout:
    """Lays out concrete trees in a given width."""

    def __init__(self, width: int = 80):
        self.width = width
        self.memo: dict = {}
        self.heights: dict = {}
        self.comments: set[str] = set()  # the text of every line comment, see overflow()

    # -- measuring

    def overflow(self, s: str, col: int, tail: int = 0) -> int:
        """How many columns ``s`` (starting at ``col``, followed by ``tail`` columns) goes past the width.

        Line comments do not count: they cannot be broken, and a long one must
        not push the code around it into another layout.
        """
        w = self.width
        if "\n" not in s:
            if ";" in s:
                s = self._code_part(s)
            return max(0, col + len(s) + tail - w)
        lines = s.split("\n")
        last = len(lines) - 1
        total = 0
        for i, line in enumerate(lines):
            if ";" in line:
                line = self._code_part(line)
            n = len(line) + (col if i == 0 else 0) + (tail if i == last else 0)
            if n > w:
                total += n - w
        return total

    def _code_part(self, line: str) -> str:
        """``line`` without the line comment that ends it."""
        p = line.find(";")
        while p >= 0:
            if line[p:] in self.comments:
                return line[:p].rstrip()
            p = line.find(";", p + 1)
        return line

    def _better(self, a: str, b: str, col: int, tail: int, b_extra_lines: int = 0,
                b_col: int | None = None) -> bool:
        """Whether layout ``b`` beats the preferred layout ``a``.

        It does when it fits where ``a`` does not, when it goes less far past
        the width in as few lines, or when it saves a line and goes as far.
        ``b_extra_lines`` are lines ``b`` adds outside its text.

        (Only removing all the overflow counts: in a form too wide anyway,
        moving it around to save a few columns makes it harder to read.)
        """
        ova, ovb = self.overflow(a, col, tail), self.overflow(b, col if b_col is None else b_col, tail)
        if ovb != ova:
            return ovb == 0 or (ovb < ova and _lines(b) + b_extra_lines <= _lines(a))
        return _lines(b) + b_extra_lines + 1 <= _lines(a)

    def cells(self, node) -> list:
        if node.cells is None:
            node.cells = make_cells(node.items)
        return node.cells

    def flat(self, node):
        """The one-line text of ``node``, or None when it cannot be on one line."""
        cls = node.__class__
        if cls is Atom:
            return node.text
        if cls is Prefix:
            if any(t.kind == "line" for t in node.trivia):
                return None
            child = self.flat(node.child)
            if child is None:
                return None
            sep = " " if _needs_space(node) else ""
            return node.text + "".join(t.text + " " for t in node.trivia) + sep + child
        if node.flat is False:
            node.flat = self._flat_seq(node)
        return node.flat

    def _flat_seq(self, node: Seq):
        cells = self.cells(node)
        if _keep_broken(node, cells):
            return None
        parts = []
        for cell in cells:
            if cell.node is None or cell.post:
                return None
            f = self.flat(cell.node)
            if f is None:
                return None
            parts.append("".join(p + " " for p in cell.pre) + f)
        return node.open + " ".join(parts) + node.close

    def _too_deep(self, node: Seq) -> bool:
        """Whether ``node`` nests so deeply that trying two layouts would take too long.

        Every layout is memoised per column, and each alternative moves the
        forms inside to other columns: past this depth (never reached by
        ordinary code) only the preferred layout is tried.
        """
        h = self.heights.get(id(node))
        if h is None:
            h = 0
            for it in node.items:
                while it.__class__ is Prefix:
                    it = it.child
                if it.__class__ is Seq:
                    h = max(h, self._height(it))
            self.heights[id(node)] = h = h + 1
        return h > MAX_SEARCH_DEPTH

    def _height(self, node: Seq) -> int:
        self._too_deep(node)
        return self.heights[id(node)]

    # -- the entry points

    def format_tree(self, tree: Tree) -> str:
        """The formatted text of a whole file (ending in exactly one newline, or empty)."""
        self.comments = _line_comments(tree.items)
        out = _Out(0)
        for i, cell in enumerate(make_cells(tree.items)):
            if i:
                out.newline(0, cell.blank)
            out.text(self.cell_text(cell, 0, False, 0))
        body = out.result()
        if tree.shebang is not None:
            first = tree.items[0] if tree.items else None
            sep = "" if not body else ("\n\n" if first is not None and first.nl >= 2 else "\n")
            body = tree.shebang.text + sep + body
        return body + "\n" if body else ""

    def cell_text(self, cell, col: int, data: bool, tail: int) -> str:
        """A cell laid out at ``col``: inline comments, the form, end-of-line comments."""
        if cell.node is None:
            return " ".join(cell.parts)
        out = _Out(col)
        for p in cell.pre:
            out.text(p + " ")
        post = "".join(" " + p for p in cell.post)
        inner_tail = 0 if cell.line_comment_last else len(post) + tail
        out.text(self.layout(cell.node, out.col, data, inner_tail))
        if post:
            out.text(post)
        return out.result()

    def layout(self, node, col: int, data: bool, tail: int) -> str:
        """``node`` laid out starting at ``col``; ``data`` is true inside a quoted form."""
        cls = node.__class__
        if cls is Atom:
            return node.text
        key = (id(node), col, data, tail)
        r = self.memo.get(key)
        if r is None:
            r = self._prefix(node, col, data, tail) if cls is Prefix else self._seq(node, col, data, tail)
            self.memo[key] = r
        return r

    def _prefix(self, node: Prefix, col: int, data: bool, tail: int) -> str:
        out = _Out(col)
        out.text(node.text)
        for t in node.trivia:
            out.text(t.text)
            if t.kind == "line":
                out.newline(col)
            else:
                out.text(" ")
        if _needs_space(node):
            out.text(" ")
        if node.text == "'":
            data = True
        elif node.text != "@":
            data = False  # a quasiquote template, or code unquoted inside one
        out.text(self.layout(node.child, out.col, data, tail))
        return out.result()

    def _seq(self, node: Seq, col: int, data: bool, tail: int) -> str:
        f = self.flat(node)
        if f is not None and (self.overflow(f, col, tail) == 0 or (len(f) <= TINY and "\n" not in f)):
            return f
        cells = self.cells(node)
        if node.open == "{":
            return self._map(node, cells, col, data, tail)
        head = cells[0] if cells else None
        if node.open in ("(", "#(") and not data and head is not None and head.node is not None \
                and _is_symbolic(head.node):
            n = body_specials(head.node.text, [c for c in cells if c.node is not None])
            if n is not None:
                return self._body(node, cells, col, data, tail, n)
            return self._call(node, cells, col, data, tail)
        if cells and all(c.node is not None and not c.post and not c.pre and _is_atomic(c.node) for c in cells):
            return self._fill(node, cells, col, tail)
        return self._under(node, cells, col, data, tail, col + len(node.open))

    # -- the layouts

    def _finish(self, out: _Out, node: Seq, cells: list, indent: int) -> str:
        if cells and cells[-1].line_comment_last:
            out.newline(indent)
        out.text(node.close)
        return out.result()

    def _tail_for(self, cells: list, i: int, node: Seq, tail: int) -> int:
        return tail + len(node.close) if i == len(cells) - 1 else 0

    def _under(self, node: Seq, cells: list, col: int, data: bool, tail: int, indent: int) -> str:
        """Elements one per line at ``indent``; the first one right after the bracket."""
        out = _Out(col)
        out.text(node.open)
        for i, cell in enumerate(cells):
            if i:
                out.newline(indent, cell.blank)
            out.text(self.cell_text(cell, out.col, data, self._tail_for(cells, i, node, tail)))
        return self._finish(out, node, cells, indent)

    def _fill(self, node: Seq, cells: list, col: int, tail: int) -> str:
        """Atoms packed on as few lines as the width allows, aligned after the bracket."""
        indent = col + len(node.open)
        out = _Out(col)
        out.text(node.open)
        last = len(cells) - 1
        for i, cell in enumerate(cells):
            t = self.cell_text(cell, 0, True, 0)
            extra = tail + len(node.close) if i == last else 0
            if i and out.col + 1 + len(t) + extra > self.width:
                out.newline(indent)
            elif i:
                out.text(" ")
            out.text(t)
        out.text(node.close)
        return out.result()

    def _call(self, node: Seq, cells: list, col: int, data: bool, tail: int) -> str:
        """Arguments aligned under the first one, or all under the head, whichever fits better."""
        aligned = self._aligned(node, cells, col, data, tail)
        if len(cells) < 2 or self._too_deep(node):
            return aligned
        if _lines(aligned) < len(cells) and self.overflow(aligned, col, tail) == 0:
            return aligned  # under-the-head takes a line per argument: it cannot save a line
        under = self._under(node, cells, col, data, tail, col + len(node.open))
        return under if self._better(aligned, under, col, tail) else aligned

    def _aligned(self, node: Seq, cells: list, col: int, data: bool, tail: int) -> str:
        out = _Out(col)
        out.text(node.open)
        out.text(self.cell_text(cells[0], out.col, data, self._tail_for(cells, 0, node, tail)))
        indent = out.col + 1
        if cells[0].breaks or "\n" in out.result():
            indent = col + len(node.open)
        for i, cell in enumerate(cells[1:], 1):
            if i == 1 and not cells[0].breaks and cell.node is not None:
                out.text(" ")
            else:
                out.newline(indent, cell.blank)
            out.text(self.cell_text(cell, out.col, data, self._tail_for(cells, i, node, tail)))
        return self._finish(out, node, cells, indent)

    def _body(self, node: Seq, cells: list, col: int, data: bool, tail: int, specials: int) -> str:
        """Head and distinguished arguments on the first line, the body indented by 2."""
        out = _Out(col)
        out.text(node.open)
        out.text(self.cell_text(cells[0], out.col, data, self._tail_for(cells, 0, node, tail)))
        arg_col = out.col + 1
        body_col = col + len(node.open) + 1
        if cells[0].breaks:
            arg_col = body_col + 2
        seen = 0
        prev = cells[0]
        prev_multiline = False
        for i, cell in enumerate(cells[1:], 1):
            t = self._tail_for(cells, i, node, tail)
            if seen < specials:
                if cell.node is None:
                    out.newline(arg_col)
                    out.text(self.cell_text(cell, arg_col, data, t))
                    prev = cell
                    continue
                seen += 1
                if prev.breaks or prev_multiline:
                    out.newline(arg_col)
                    text = self.cell_text(cell, arg_col, data, t)
                elif seen == 1:
                    out.text(" ")
                    text = self.cell_text(cell, out.col, data, t)
                else:
                    text = self.cell_text(cell, out.col + 1, data, t)
                    if self.overflow(text, out.col + 1, t) == 0:
                        out.text(" ")
                    else:
                        out.newline(arg_col)
                        text = self.cell_text(cell, arg_col, data, t)
                out.text(text)
                prev_multiline = "\n" in text
            else:
                out.newline(body_col, cell.blank)
                out.text(self.cell_text(cell, body_col, data, t))
            prev = cell
        return self._finish(out, node, cells, body_col)

    def _map(self, node: Seq, cells: list, col: int, data: bool, tail: int) -> str:
        """One entry per line, each value after its key (or under it, indented, when that fits better)."""
        indent = col + len(node.open)
        out = _Out(col)
        out.text(node.open)
        want_key = True
        prev = None
        for i, cell in enumerate(cells):
            t = self._tail_for(cells, i, node, tail)
            if cell.node is None or want_key:
                if prev is not None:
                    out.newline(indent, cell.blank)
                out.text(self.cell_text(cell, out.col, data, t))
                if cell.node is not None:
                    want_key = False
            else:
                want_key = True
                if prev.breaks:
                    out.newline(indent + 2)
                    out.text(self.cell_text(cell, indent + 2, data, t))
                else:
                    same_col = out.col + 1
                    same = self.cell_text(cell, same_col, data, t)
                    if ("\n" in same or self.overflow(same, same_col, t)) and not self._too_deep(node):
                        below = self.cell_text(cell, indent + 2, data, t)
                        if self._better(same, below, same_col, t, 1, indent + 2):
                            out.newline(indent + 2)
                            out.text(below)
                            prev = cell
                            continue
                    out.text(" ")
                    out.text(same)
            prev = cell
        return self._finish(out, node, cells, indent)
