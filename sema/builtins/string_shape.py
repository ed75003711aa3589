"""The ``string/`` family, part one: case, trimming, padding, identifier styles, Unicode and width.

Splitting, searching, replacing and slicing are in :mod:`.string_parts`.
"""

from __future__ import annotations

import re
import unicodedata

from ..errors import LispValueError
from ..printer import write_str
from ..runtime.registry import Callable_, builtin
from ..values import Char, Keyword, ListBase, make_list
from .argcheck import type_error
from .strings import _check_str, _count, _text

# ---------------------------------------------------------------- string/ : case and whitespace


@builtin("string/upper")
def upper(s: str) -> str:
    """S in upper case.

    (string/upper "hello") ; => "HELLO"
    """
    _check_str("string/upper", s)
    return s.upper()


@builtin("string/lower")
def lower(s: str) -> str:
    """S in lower case.

    (string/lower "HeLLo") ; => "hello"
    """
    _check_str("string/lower", s)
    return s.lower()


@builtin("string/foldcase")
def foldcase(s: str) -> str:
    """S case-folded, for caseless comparison.

    (string/foldcase "Straße") ; => "strasse"
    """
    _check_str("string/foldcase", s)
    return s.casefold()


@builtin("string/capitalize")
def capitalize(s: str) -> str:
    """S with its first character in upper case and the rest in lower case.

    (string/capitalize "hELLO world") ; => "Hello world"
    """
    _check_str("string/capitalize", s)
    return s[:1].upper() + s[1:].lower()


_TITLE_WORD = re.compile(r"[\w']+")


@builtin("string/title-case")
def title_case(s: str) -> str:
    """S with every word capitalised.

    (string/title-case "hello big world") ; => "Hello Big World"
    """
    _check_str("string/title-case", s)
    return _TITLE_WORD.sub(lambda m: m.group(0)[:1].upper() + m.group(0)[1:].lower(), s)


@builtin("string/trim")
def trim(s: str, chars: str | None = None) -> str:
    """S without leading and trailing whitespace (or the characters in CHARS).

    (string/trim "  hi  ") ; => "hi"
    (string/trim "--hi--" "-") ; => "hi"
    """
    _check_str("string/trim", s)
    return s.strip(chars)


@builtin("string/trim-left")
def trim_left(s: str, chars: str | None = None) -> str:
    """S without leading whitespace (or the characters in CHARS).

    (string/trim-left "  hi  ") ; => "hi  "
    """
    _check_str("string/trim-left", s)
    return s.lstrip(chars)


@builtin("string/trim-right")
def trim_right(s: str, chars: str | None = None) -> str:
    """S without trailing whitespace (or the characters in CHARS).

    (string/trim-right "  hi  ") ; => "  hi"
    """
    _check_str("string/trim-right", s)
    return s.rstrip(chars)


# ---------------------------------------------------------------- string/ : padding and repeating


def _pad(who: str, s, width, pad) -> tuple[str, int]:
    """The padding text needed to bring S to WIDTH display columns, cycling PAD."""
    _check_str(who, s)
    if width.__class__ is not int:
        raise type_error(who, "an integer width", width)
    pad = _text(who, pad)
    if not pad:
        raise LispValueError(f"{who}: padding must not be empty")
    need = width - _display_width(s)
    if need <= 0:
        return "", 0
    if pad.isascii():
        return (pad * (need // len(pad) + 1))[:need], need
    out, used, i = [], 0, 0
    while True:  # a wide padding character that would overshoot is left out
        c = pad[i % len(pad)]
        w = _char_width(c)
        if used + w > need or (w == 0 and i >= len(pad)):
            return "".join(out), used
        out.append(c)
        used += w
        i += 1


@builtin("string/pad-left")
def pad_left(s: str, width: int, pad: str | Char = " ") -> str:
    """S padded on the left with PAD to WIDTH display columns (wide CJK and emoji count 2).

    (string/pad-left "7" 3 "0") ; => "007"
    (string/pad-left "hello" 3) ; => "hello"
    (string/pad-left "日本" 6) ; => "  日本"
    """
    fill, _ = _pad("string/pad-left", s, width, pad)
    return fill + s


@builtin("string/pad-right")
def pad_right(s: str, width: int, pad: str | Char = " ") -> str:
    """S padded on the right with PAD to WIDTH display columns (wide CJK and emoji count 2).

    (string/pad-right "ab" 4 ".") ; => "ab.."
    (string/pad-right "日本" 6 ".") ; => "日本.."
    """
    fill, _ = _pad("string/pad-right", s, width, pad)
    return s + fill


@builtin("string/repeat")
def repeat(s: str, n: int) -> str:
    """S repeated N times.

    (string/repeat "ab" 3) ; => "ababab"
    (string/repeat "x" 0) ; => ""
    """
    _check_str("string/repeat", s)
    return s * _count("string/repeat", n)


@builtin("string/reverse")
def reverse(s: str) -> str:
    """S with its characters in reverse order.

    (string/reverse "abc") ; => "cba"
    """
    _check_str("string/reverse", s)
    return s[::-1]


@builtin("string/map")
def map_(f: Callable_, s: str) -> str:
    """The string of (F c) for each character c of S; F returns a character or string.

    (string/map char-upcase "abc") ; => "ABC"
    """
    _check_str("string/map", s)
    out = []
    for c in s:
        r = f(Char(c))
        out.append(r.ch if r.__class__ is Char else _text("string/map", r))
    return "".join(out)


# ---------------------------------------------------------------- string/ : identifiers


def _split_words(s: str) -> list[str]:
    """Words of an identifier-like string: split at non-alphanumerics and case changes."""
    out = []
    for chunk in re.split(r"[\W_]+", s):
        start = 0
        n = len(chunk)
        for i in range(1, n):
            p, c = chunk[i - 1], chunk[i]
            if c.isupper() and (p.islower() or p.isdigit() or (p.isupper() and i + 1 < n and chunk[i + 1].islower())):
                out.append(chunk[start:i])
                start = i
        if chunk:
            out.append(chunk[start:])
    return out


def _cap(w: str) -> str:
    return w[:1].upper() + w[1:].lower()


@builtin("string/snake-case")
def snake_case(s: str) -> str:
    """S as snake_case.

    (string/snake-case "helloWorld FooBar") ; => "hello_world_foo_bar"
    """
    _check_str("string/snake-case", s)
    return "_".join(w.lower() for w in _split_words(s))


@builtin("string/kebab-case")
def kebab_case(s: str) -> str:
    """S as kebab-case.

    (string/kebab-case "HelloWorld") ; => "hello-world"
    """
    _check_str("string/kebab-case", s)
    return "-".join(w.lower() for w in _split_words(s))


@builtin("string/camel-case")
def camel_case(s: str) -> str:
    """S as camelCase.

    (string/camel-case "hello_world-foo") ; => "helloWorldFoo"
    """
    _check_str("string/camel-case", s)
    ws = _split_words(s)
    return "".join([ws[0].lower()] + [_cap(w) for w in ws[1:]]) if ws else ""


@builtin("string/pascal-case")
def pascal_case(s: str) -> str:
    """S as PascalCase.

    (string/pascal-case "hello world") ; => "HelloWorld"
    """
    _check_str("string/pascal-case", s)
    return "".join(_cap(w) for w in _split_words(s))


@builtin("string/headline")
def headline(s: str) -> str:
    """S as a headline: words split at case changes and separators, capitalised, joined by spaces.

    (string/headline "email_notification-sent") ; => "Email Notification Sent"
    (string/headline "EmailNotificationSent") ; => "Email Notification Sent"
    """
    _check_str("string/headline", s)
    return " ".join(_cap(w) for w in _split_words(s))


# ---------------------------------------------------------------- string/ : Unicode and width


@builtin("string/normalize")
def normalize(s: str, form: Keyword | str = Keyword("nfc")) -> str:
    """S in Unicode normal form FORM (:nfc, :nfd, :nfkc or :nfkd; default :nfc).

    (string/length (string/normalize "e\\u0301")) ; => 1
    """
    _check_str("string/normalize", s)
    name = (form.name if form.__class__ is Keyword else form).upper()
    if name not in ("NFC", "NFD", "NFKC", "NFKD"):
        raise LispValueError(f"string/normalize: unknown form {write_str(form)}, expected :nfc :nfd :nfkc or :nfkd")
    return unicodedata.normalize(name, s)


@builtin("string/byte-length")
def byte_length(s: str) -> int:
    """Length of S in UTF-8 bytes.

    (string/byte-length "héllo") ; => 6
    """
    _check_str("string/byte-length", s)
    return len(s.encode("utf-8", "surrogatepass"))


def _char_width(c: str) -> int:
    if unicodedata.combining(c) or c in "\u200b\u200d\ufe0f\ufe0e":
        return 0
    return 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1


_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


def _display_width(s: str) -> int:
    if "\x1b" in s:
        s = _ANSI.sub("", s)
    if s.isascii():
        return len(s)
    return sum(map(_char_width, s))


@builtin("string/width")
def width(s: str) -> int:
    """Display width of S in terminal columns: wide CJK and emoji count 2, combining marks and ANSI escapes 0.

    (string/width "abc") ; => 3
    (string/width "日本") ; => 4
    (string/width "\\x1b;[1mhi\\x1b;[0m") ; => 2
    """
    _check_str("string/width", s)
    return _display_width(s)


@builtin("string/truncate-width")
def truncate_width(s: str, max_width: int, ellipsis: str = "…") -> str:
    """S cut to at most MAX-WIDTH display columns, ending in ELLIPSIS when cut.

    (string/truncate-width "hello world" 8) ; => "hello w…"
    (string/truncate-width "hi" 8) ; => "hi"
    (string/truncate-width "hello world" 8 "...") ; => "hello..."
    """
    _check_str("string/truncate-width", s, ellipsis)
    if max_width.__class__ is not int or max_width < 0:
        raise type_error("string/truncate-width", "a non-negative integer", max_width)
    if width(s) <= max_width:
        return s
    room = max_width - width(ellipsis)
    if room < 0:
        return ""
    out, used = [], 0
    for c in s:
        w = _char_width(c)
        if used + w > room:
            break
        out.append(c)
        used += w
    return "".join(out) + ellipsis


@builtin("string/word-wrap")
def word_wrap(s: str, max_width: int) -> ListBase:
    """The lines of S wrapped to at most MAX-WIDTH display columns, as a list of strings.

    Wraps on spaces (runs of spaces collapse), keeps explicit newlines as line
    breaks, and breaks a word wider than MAX-WIDTH into pieces; widths are
    display widths (``string/width``).

    (string/word-wrap "the quick brown fox" 10) ; => ("the quick" "brown fox")
    (string/word-wrap "日本語 の テスト" 8) ; => ("日本語" "の" "テスト")
    (string/word-wrap "abcdefgh" 3) ; => ("abc" "def" "gh")
    """
    _check_str("string/word-wrap", s)
    if max_width.__class__ is not int or max_width < 1:
        raise type_error("string/word-wrap", "a positive integer", max_width)
    lines: list[str] = []
    for paragraph in s.split("\n"):
        line, used = [], 0
        for word in paragraph.split():
            for piece in _pieces(word, max_width):
                w = _display_width(piece)
                if line and used + 1 + w > max_width:
                    lines.append(" ".join(line))
                    line, used = [], 0
                used += w + (1 if line else 0)
                line.append(piece)
        lines.append(" ".join(line))
    return make_list(lines)


def _pieces(word: str, max_width: int) -> list[str]:
    """WORD, broken into pieces of at most MAX-WIDTH columns when it is wider (combining marks stay attached)."""
    if _display_width(word) <= max_width:
        return [word]
    out, piece, used = [], "", 0
    for c in word:
        w = _char_width(c)
        if piece and w and used + w > max_width:
            out.append(piece)
            piece, used = "", 0
        piece += c
        used += w
    return out + [piece] if piece else out


@builtin("string/to-char")
def to_char(s: str) -> Char:
    """The single character of the one-character string S.

    (string/to-char "a") ; => #\\a
    """
    _check_str("string/to-char", s)
    if len(s) != 1:
        raise LispValueError(f"string/to-char: expected a one-character string, got {write_str(s)}")
    return Char(s)


@builtin("string/intern")
def intern(s: str) -> str:
    """S itself (strings need no interning here; kept for Sema compatibility).

    (string/intern "abc") ; => "abc"
    """
    _check_str("string/intern", s)
    return s

