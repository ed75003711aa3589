"""The reader: source text to Lisp forms (see reader.py, grammar.lark and lexemes.py)."""

from .reader import is_complete, parse_number, read_all, read_one, unescape

__all__ = ["read_all", "read_one", "is_complete", "parse_number", "unescape"]
