"""The reader: source text to Lisp forms (see reader.py and grammar.lark)."""

from .reader import is_complete, parse_number, read_all, read_one, unescape

__all__ = ["read_all", "read_one", "is_complete", "parse_number", "unescape"]
