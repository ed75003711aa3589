"""The reader's lexer: Lark's LALR parser, fed by one compiled regex per lexer mode.

Lark's own lexers spend most of the reading time in Python code per token
(counting lines, checking terminals, building tokens).  This one is a Lark
custom lexer (``lexer=ReaderLexer``): it takes the terminal patterns from the
grammar, joins them into one alternation in the order that decides between
them, and per token does one ``match``, a newline count for the terminals
that can hold newlines, and a bare Token.

It is contextual the way the grammar needs: where the parser accepts a RUN
(a list's or the top level's elements) it offers runs and flat forms; where
the grammar wants exactly one form (after a quote or ``#;``) it offers
single ATOM and STRING tokens instead, so ``'a b`` quotes only ``a``.
"""

from __future__ import annotations

import re

from lark.exceptions import UnexpectedCharacters
from lark.lexer import Lexer, Token
from lark.parsers.lalr_analysis import Reduce, Shift

#: the order in which terminals are tried at a position (the first that matches wins): flat forms
#: before their opening bracket, `#` forms before anything an atom could start with
_COMMON = ("BLOCK_COMMENT", "BVLPAR", "HASHLPAR", "DCOMMENT", "FSTRING", "REGEX", "CHAR",
           "LPAR", "RPAR", "LBRACK", "RBRACK", "LBRACE", "RBRACE", "PREFIX", "SPACE")
_RUN_ORDER = ("FLAT", "RUN") + _COMMON
_SINGLE_ORDER = ("FLAT", "ATOM", "STRING") + _COMMON
#: matched but not given to the parser
_IGNORED = frozenset(("SPACE", "BLOCK_COMMENT"))
#: the terminals that cannot contain a newline (every other one is checked for them)
_ONE_LINE = frozenset(("LPAR", "RPAR", "LBRACK", "RBRACK", "LBRACE", "RBRACE", "HASHLPAR", "BVLPAR",
                       "DCOMMENT", "PREFIX", "ATOM"))

_new_token = str.__new__


class ReaderLexer(Lexer):
    """A Lark lexer (interface 2: it sees the parser state) for grammar.lark."""

    __future_interface__ = 2

    def __init__(self, lexer_conf):
        patterns = {t.name: t.pattern.to_regexp() for t in lexer_conf.terminals}

        def alternation(order):
            return re.compile("|".join(f"(?P<{name}>{patterns[name]})" for name in order))
        self.run_match = alternation(_RUN_ORDER).match
        self.single_match = alternation(_SINGLE_ORDER).match
        self.states = None
        self.run_states = self.reducing = None

    def _learn(self, parse_conf) -> None:
        """Sort the parser's states: those that shift a RUN, and those that reduce on one first."""
        self.states = parse_conf.states
        self.run_states = frozenset(s for s, acts in self.states.items()
                                    if "RUN" in acts and acts["RUN"][0] is Shift)
        self.reducing = frozenset(s for s, acts in self.states.items()
                                  if "RUN" in acts and acts["RUN"][0] is not Shift)

    def _wants_run(self, stack) -> bool:
        """Whether the parser, in a state that reduces on RUN, would shift one after its reductions.

        (LALR states are shared between contexts, so the state after ``#;a`` may list RUN as a
        lookahead while the form the grammar wants there is a single one: follow the reductions.)
        """
        states, stack = self.states, list(stack)
        while True:
            action = states[stack[-1]].get("RUN")
            if action is None:
                return False
            kind, arg = action
            if kind is not Reduce:
                return True
            size = len(arg.expansion)
            if size:
                del stack[-size:]
            stack.append(states[stack[-1]][arg.origin.name][1])

    def lex(self, lexer_state, parser_state):
        source = lexer_state.text
        text, pos, end = source.text, source.start, source.end
        if self.states is None:
            self._learn(parser_state.parse_conf)
        run_states, reducing, wants_run = self.run_states, self.reducing, self._wants_run
        run_match, single_match = self.run_match, self.single_match
        stack = parser_state.state_stack
        line, line_start = 1, 0
        count, rfind = text.count, text.rfind
        while pos < end:
            top = stack[-1]
            runs = top in run_states or (top in reducing and wants_run(stack))
            m = (run_match if runs else single_match)(text, pos, end)
            if m is None:
                raise UnexpectedCharacters(text, pos, line, pos - line_start + 1)
            kind = m.lastgroup
            stop = m.end()
            start_line, column = line, pos - line_start + 1
            if kind not in _ONE_LINE:
                newlines = count("\n", pos, stop)
                if newlines:
                    line += newlines
                    line_start = rfind("\n", pos, stop) + 1
            if kind not in _IGNORED:
                tok = _new_token(Token, m.group())
                tok.type, tok.value = kind, tok.__str__()
                tok.start_pos, tok.end_pos = pos, stop
                tok.line, tok.column = start_line, column
                tok.end_line, tok.end_column = line, stop - line_start + 1
                yield tok
            pos = stop
