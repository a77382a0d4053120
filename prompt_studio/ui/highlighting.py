"""Syntax highlighting of prompt templates (Liquid for LangWatch, `${name}` for Orkes) and of JSON.

A pygments lexer finds the tokens and each token type maps to a `QTextCharFormat` built once per colour scheme
(the approach of Spyder's `PygmentsSH`). Lexing happens one line at a time because `QSyntaxHighlighter` only
re-highlights the lines that changed: typing in a 1 MB prompt costs the same as in a short one. The few Liquid
constructs that span lines (`{{`/`{%` left open, `{% comment %}` blocks) are carried to the next line in the
block state.

Lexing a whole 1 MB prompt takes most of a second, so a long text is coloured progressively: the first lines at
once, the rest in short slices between events, top to bottom (a line's colours depend on the lines above it).
A cursor marks the first line not lexed yet; the document moves it along with every edit, so typing while the
slices run needs no bookkeeping, and an edit above it never lexes the lines below it.
"""

from __future__ import annotations

import re
import time
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
from PySide6.QtCore import SIGNAL, SLOT, QObject, QTimer
from PySide6.QtGui import (
    QColor,
    QFont,
    QPalette,
    QSyntaxHighlighter,
    QTextBlock,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)

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
# Lines lexed at once when a text arrives or its colours change: more than any editor shows, a few milliseconds.
_LINES_AT_ONCE = 300
# The rest is lexed in slices of this many lines, as many slices per turn of the event loop as fit in its time.
_LINES_PER_SLICE = 50
_SECONDS_PER_TURN = 0.008
# QSyntaxHighlighter lexes every changed line from this connection; it is cut while a long text goes in.
_CONTENTS_CHANGE = SIGNAL("contentsChange(int,int,int)")
_REFORMAT_BLOCKS = SLOT("_q_reformatBlocks(int,int,int)")


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
        self._use_syntax(syntax)
        self._formats = _formats(dark)
        self._dark = dark
        self._undeclared: frozenset[str] = frozenset()
        # While a long text is being coloured: the start of the first line not lexed yet; None when all are.
        self._frontier: QTextCursor | None = None
        # How many lines from the frontier down the running slice may still lex; None outside a slice.
        self._lines_allowed: int | None = None
        self._slice_timer = QTimer(self)
        self._slice_timer.setInterval(0)
        self._slice_timer.timeout.connect(self._on_slice_timer_timeout)

    @property
    def syntax(self) -> TemplateSyntax:
        return self._syntax

    def is_highlighting_complete(self) -> bool:
        """Whether every line is coloured (a long text gets its colours in slices after it is shown)."""
        return self._frontier is None

    def insert_text(self, cursor: QTextCursor, text: str) -> None:
        """Replace the cursor's selection with `text`; a long text is coloured at the top now, the rest in slices.

        Left to itself, Qt lexes every inserted line before `insertText` returns: most of a second for 1 MB.
        """
        if text.count("\n") <= _LINES_AT_ONCE:
            cursor.insertText(text)
            return
        start = cursor.selectionStart()
        document = self.document()
        detached = QObject.disconnect(document, _CONTENTS_CHANGE, self, _REFORMAT_BLOCKS)
        try:
            cursor.insertText(text)
        finally:
            if detached:
                QObject.connect(document, _CONTENTS_CHANGE, self, _REFORMAT_BLOCKS)
        if detached:
            self._relex_from(document.findBlock(start))

    def set_dark(self, dark: bool) -> None:
        """Switch to the colours that read on a dark (or light) base."""
        if dark != self._dark:
            self._dark = dark
            self._formats = _formats(dark)
            self._relex_from(self.document().firstBlock())

    def set_undeclared_variables(self, names: Iterable[str]) -> None:
        """Underline these variable names, redoing only lines that mention a name whose marking changed.

        Lines not lexed yet get the new names when their slice comes; many lines to redo are redone in slices.
        """
        names = frozenset(names)
        changed = names ^ self._undeclared
        self._undeclared = names
        if not changed:
            return
        end = self._frontier.position() if self._frontier is not None else self.document().characterCount()
        mentioning = []
        block = self.document().firstBlock()
        while block.isValid() and block.position() < end:
            text = block.text()
            if any(name in text for name in changed):
                mentioning.append(block)
            block = block.next()
        if len(mentioning) > _LINES_AT_ONCE:
            self._relex_from(mentioning[0])
            return
        for block in mentioning:
            self.rehighlightBlock(block)

    def highlightBlock(self, text: str) -> None:
        if self._frontier is not None and not self._may_lex_current_line():
            # The line keeps its state, and an unchanged state stops Qt from going on to the lines below.
            return
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

    def _use_syntax(self, syntax: TemplateSyntax) -> None:
        self._syntax = syntax
        self._lexer = _lexer_for(syntax)
        # Most lines of a long prompt are prose: a line without this character needs no lexing at all.
        self._opening_character = _OPENING_CHARACTER[syntax]

    def _may_lex_current_line(self) -> bool:
        """Lines above the frontier are lexed whenever Qt asks; the line at it only in a slice, which moves it on."""
        block = self.currentBlock()
        position, frontier = block.position(), self._frontier.position()
        if position < frontier:
            return True
        if not self._lines_allowed:
            return False
        self._lines_allowed -= 1
        following = block.next()
        if following.isValid():
            self._frontier.setPosition(following.position())
        else:
            self._finish_slices()
        return True

    def _relex_from(self, block: QTextBlock) -> None:
        """Colour again from `block` to the end: the first lines now, the others in slices."""
        if self._frontier is None:
            self._frontier = QTextCursor(self.document())
            self._frontier.setPosition(block.position())
        elif block.position() < self._frontier.position():
            self._frontier.setPosition(block.position())
        self._lex_pending_lines(_LINES_AT_ONCE)
        if self._frontier is not None:
            self._slice_timer.start()

    def _lex_pending_lines(self, count: int) -> None:
        """Lex up to `count` lines from the frontier down, in order: each hands its end state to the next."""
        self._lines_allowed = count
        try:
            while self._lines_allowed and (first_pending := self._first_pending_block()) is not None:
                self.rehighlightBlock(first_pending)
        finally:
            self._lines_allowed = None

    def _first_pending_block(self) -> QTextBlock | None:
        if self._frontier is None:
            return None
        frontier = self._frontier.position()
        block = self.document().findBlock(frontier)
        if block.position() < frontier:
            # An edit across the frontier left it inside a line; Qt lexed that line with the edit.
            block = block.next()
            if block.isValid():
                self._frontier.setPosition(block.position())
        if not block.isValid():
            self._finish_slices()
            return None
        return block

    def _finish_slices(self) -> None:
        self._frontier = None
        self._slice_timer.stop()

    def _on_slice_timer_timeout(self) -> None:
        deadline = time.perf_counter() + _SECONDS_PER_TURN
        while self._frontier is not None and time.perf_counter() < deadline:
            self._lex_pending_lines(_LINES_PER_SLICE)

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
