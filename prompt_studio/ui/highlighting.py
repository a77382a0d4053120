"""Syntax highlighting of prompt templates (Liquid for LangWatch, `${name}` for Orkes) and of JSON.

A pygments lexer finds the tokens and each token type maps to a `QTextCharFormat` built once per colour scheme
(the approach of Spyder's `PygmentsSH`). Lexing happens one line at a time because `QSyntaxHighlighter` only
re-highlights the lines that changed: typing in a 1 MB prompt costs the same as in a short one. The few Liquid
constructs that span lines (`{{`/`{%` left open, `{% comment %}` blocks) are carried to the next line in the
block state.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import ClassVar, Literal

from pygments.lexer import Lexer, RegexLexer
from pygments.lexers.data import JsonLexer
from pygments.lexers.templates import DjangoLexer
from pygments.token import (
    Comment,
    Error,
    Keyword,
    Name,
    Number,
    Operator,
    Other,
    Punctuation,
    String,
    Text,
    _TokenType,
)
from PySide6.QtGui import QColor, QFont, QPalette, QSyntaxHighlighter, QTextCharFormat, QTextDocument

TemplateSyntax = Literal["liquid", "orkes", "json"]


class OrkesTemplateLexer(RegexLexer):
    """Orkes Conductor prompt templates: plain text with `${name}` placeholders."""

    name = "Orkes prompt template"
    aliases: ClassVar[list[str]] = ["orkes-template"]
    tokens: ClassVar[dict[str, list]] = {
        "root": [
            (r"\$\{", Comment.Preproc, "placeholder"),
            (r"[^$]+", Other),
            (r"\$", Other),
        ],
        "placeholder": [
            (r"\}", Comment.Preproc, "#pop"),
            (r"[A-Za-z_]\w*", Name.Variable),
            (r"\.[A-Za-z_]\w*", Name.Attribute),
            (r"[^}]", Text),
        ],
    }


def palette_is_dark(palette: QPalette) -> bool:
    """Whether text sits on a dark base: the one question that picks the highlighter's colours."""
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


# (colour, bold, italic) that read on their base; everything else keeps the palette's text colour.
_SCHEMES: dict[bool, dict[str, tuple[str, bool, bool]]] = {
    False: {
        "delimiter": ("#7c3aad", True, False),
        "keyword": ("#7c3aad", True, False),
        "variable": ("#0b57a4", True, False),
        "attribute": ("#0b57a4", False, False),
        "filter": ("#8a4b00", False, False),
        "string": ("#17773c", False, False),
        "number": ("#a04a00", False, False),
        "operator": ("#5a6270", False, False),
        "comment": ("#6b7280", False, True),
        "key": ("#0b57a4", False, False),
        "error": ("#c0262d", False, False),
    },
    True: {
        "delimiter": ("#c9a2ff", True, False),
        "keyword": ("#c9a2ff", True, False),
        "variable": ("#80c4ff", True, False),
        "attribute": ("#80c4ff", False, False),
        "filter": ("#e8b85a", False, False),
        "string": ("#86de8e", False, False),
        "number": ("#ffae6b", False, False),
        "operator": ("#a0a8b4", False, False),
        "comment": ("#9aa1ab", False, True),
        "key": ("#80c4ff", False, False),
        "error": ("#ff8a80", False, False),
    },
}
_UNDECLARED_UNDERLINE = {False: "#c0262d", True: "#ff8a80"}

# The most specific token type wins: Comment.Preproc (Liquid delimiters) before Comment.
_STYLE_OF_TOKEN: dict[_TokenType, str] = {
    Comment.Preproc: "delimiter",
    Comment: "comment",
    Keyword.Constant: "number",
    Keyword: "keyword",
    Name.Variable: "variable",
    Name.Attribute: "attribute",
    Name.Function: "filter",
    Name.Tag: "key",
    String: "string",
    Number: "number",
    Operator: "operator",
    Punctuation: "",
    Error: "error",
    Text: "",
    Other: "",
}
_resolved_styles: dict[_TokenType, str] = {}
_formats_by_scheme: dict[bool, dict[str, QTextCharFormat]] = {}

_PLAIN, _IN_OUTPUT, _IN_TAG, _IN_COMMENT = 0, 1, 2, 3
_CONTINUATION_PREFIX = {_IN_OUTPUT: "{{ ", _IN_TAG: "{% "}
_OPENING_CHARACTER: dict[str, str] = {"liquid": "{", "orkes": "$", "json": ""}
_END_OF_COMMENT = re.compile(r"\{%-?\s*endcomment\s*-?%\}")


def _style_of(token_type: _TokenType) -> str:
    style = _resolved_styles.get(token_type)
    if style is None:
        walked = token_type
        while walked is not None and walked not in _STYLE_OF_TOKEN:
            walked = walked.parent
        style = _STYLE_OF_TOKEN.get(walked, "")
        _resolved_styles[token_type] = style
    return style


def _formats(dark: bool) -> dict[str, QTextCharFormat]:
    """The char formats of one scheme, built the first time they are needed and shared by every editor."""
    formats = _formats_by_scheme.get(dark)
    if formats is None:
        formats = {}
        for style, (colour, bold, italic) in _SCHEMES[dark].items():
            char_format = QTextCharFormat()
            char_format.setForeground(QColor(colour))
            if bold:
                char_format.setFontWeight(QFont.Weight.DemiBold)
            char_format.setFontItalic(italic)
            formats[style] = char_format
        undeclared = QTextCharFormat(formats["variable"])
        undeclared.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        undeclared.setUnderlineColor(QColor(_UNDECLARED_UNDERLINE[dark]))
        formats["undeclared"] = undeclared
        _formats_by_scheme[dark] = formats
    return formats


def _lexer_for(syntax: TemplateSyntax) -> Lexer:
    if syntax == "liquid":
        return DjangoLexer()
    if syntax == "orkes":
        return OrkesTemplateLexer()
    return JsonLexer()


class PromptHighlighter(QSyntaxHighlighter):
    """Colours the variables, tags and filters of a prompt template, or the parts of a JSON document.

    `syntax` is "liquid" (LangWatch: `{{ variable }}`, `{% tag %}`), "orkes" (`${variable}`) or "json".
    Variables named in `set_undeclared_variables` get a wavy underline: a missing input shows where used.
    """

    def __init__(
        self, document: QTextDocument, syntax: TemplateSyntax = "liquid", *, dark: bool = False
    ) -> None:
        super().__init__(document)
        self._syntax = syntax
        self._lexer = _lexer_for(syntax)
        # Most lines of a long prompt are prose: a line without this character needs no lexing at all.
        self._opening_character = _OPENING_CHARACTER[syntax]
        self._formats = _formats(dark)
        self._dark = dark
        self._undeclared: frozenset[str] = frozenset()

    @property
    def syntax(self) -> TemplateSyntax:
        return self._syntax

    def set_dark(self, dark: bool) -> None:
        """Switch to the colours that read on a dark (or light) base."""
        if dark != self._dark:
            self._dark = dark
            self._formats = _formats(dark)
            self.rehighlight()

    def set_undeclared_variables(self, names: Iterable[str]) -> None:
        """Underline these variable names, redoing only lines that mention a name whose marking changed."""
        names = frozenset(names)
        changed = names ^ self._undeclared
        self._undeclared = names
        if not changed:
            return
        block = self.document().firstBlock()
        while block.isValid():
            text = block.text()
            if any(name in text for name in changed):
                self.rehighlightBlock(block)
            block = block.next()

    def highlightBlock(self, text: str) -> None:
        state = max(self.previousBlockState(), _PLAIN)
        start = 0
        if state == _IN_COMMENT:
            end = _END_OF_COMMENT.search(text)
            if end is None:
                self.setFormat(0, len(text), self._formats["comment"])
                self.setCurrentBlockState(_IN_COMMENT)
                return
            self.setFormat(0, end.start(), self._formats["comment"])
            self.setFormat(end.start(), end.end() - end.start(), self._formats["delimiter"])
            start, state = end.end(), _PLAIN
        if state == _PLAIN and self._opening_character not in text[start:]:
            self.setCurrentBlockState(_PLAIN)
            return
        self.setCurrentBlockState(self._highlight_tokens(text, start, state))

    def _highlight_tokens(self, text: str, start: int, state: int) -> int:
        """Format `text[start:]` lexed from `state`; return the state at the end of the line."""
        prefix = _CONTINUATION_PREFIX.get(state, "")
        shift = start - len(prefix)
        formats = self._formats
        liquid = self._syntax == "liquid"
        first_keyword = ""
        for position, token_type, value in self._lexer.get_tokens_unprocessed(prefix + text[start:]):
            position += shift
            if position < start:
                continue
            style = _style_of(token_type)
            if liquid and style == "delimiter":
                if value in ("{{", "{%"):
                    state, first_keyword = (_IN_OUTPUT if value == "{{" else _IN_TAG), ""
                elif value in ("}}", "%}"):
                    state = _IN_COMMENT if first_keyword == "comment" else _PLAIN
            elif liquid and style == "keyword" and not first_keyword:
                first_keyword = value
            elif liquid and state == _IN_COMMENT:
                style = "comment"
            if style == "variable" and value in self._undeclared:
                style = "undeclared"
            if style:
                self.setFormat(position, len(value), formats[style])
        return state
