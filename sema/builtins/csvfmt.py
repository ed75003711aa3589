"""CSV: ``csv/parse`` (rows of strings), ``csv/parse-maps`` (maps keyed by the header) and ``csv/encode``.

Loaded on first use.  RFC 4180 quoting: fields with commas, quotes or line
breaks are quoted, quotes doubled; rows end with ``\\n``.  Every parsed field
is a string (no type guessing); blank lines are skipped and rows may have
different lengths.
"""

from __future__ import annotations

import csv
import io

from ..errors import LispValueError
from ..printer import display_str
from ..runtime.registry import builtin
from ..runtime.registry import typing_names as typing
from ..values import Keyword, ListBase, make_list, make_map
from .argcheck import type_error
from .lists import seq_items


def _rows(who: str, text) -> list[list[str]]:
    if text.__class__ is not str:
        raise type_error(who, "a CSV string", text)
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), strict=True) if row]
    except csv.Error as exc:
        raise LispValueError(f"{who}: malformed CSV: {exc}") from None


@builtin("csv/parse")
def parse(text: str) -> ListBase:
    """The rows of the CSV TEXT as a list of lists of strings (the first row too).

    (csv/parse "a,b\\n1,2\\n3,4") ; => (("a" "b") ("1" "2") ("3" "4"))
    (csv/parse "name,bio\\n\\"Ada\\",\\"Mathematician, writer\\"\\n") ; => (("name" "bio") ("Ada" "Mathematician, writer"))
    """
    return make_list([make_list(row) for row in _rows("csv/parse", text)])


@builtin("csv/parse-maps")
def parse_maps(text: str) -> ListBase:
    """The rows of the CSV TEXT after the header, as maps from the header's names (as keywords) to strings.

    A row shorter than the header lacks the missing keys.

    (csv/parse-maps "name,age\\nAda,36\\nBob,25") ; => ({:age "36" :name "Ada"} {:age "25" :name "Bob"})
    """
    rows = _rows("csv/parse-maps", text)
    if not rows:
        return make_list([])
    header = [Keyword(h.strip()) for h in rows[0]]
    return make_list([make_map(zip(header, row)) for row in rows[1:]])


def _field(x) -> str:
    return x if x.__class__ is str else "" if x is None else display_str(x)


@builtin("csv/encode")
def encode(rows: typing.Any) -> str:
    """CSV text for ROWS, a list (or vector) of lists or vectors; values that are not strings are displayed.

    (csv/encode '(("a" "b") ("1" "2"))) ; => "a,b\\n1,2\\n"
    (csv/encode '(("name" "score") ("Ada" 100))) ; => "name,score\\nAda,100\\n"
    (csv/encode [["x, y" "say \\"hi\\""]]) ; => "\\"x, y\\",\\"say \\"\\"hi\\"\\"\\"\\n"
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in seq_items(rows, "csv/encode"):
        writer.writerow([_field(x) for x in seq_items(row, "csv/encode")])
    return out.getvalue()
