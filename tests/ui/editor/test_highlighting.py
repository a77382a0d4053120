"""The template highlighter (Liquid, Orkes `${}`, JSON; long texts in slices) and the search for variables."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from PySide6.QtGui import QColor, QTextCursor, QTextDocument
from PySide6.QtWidgets import QPlainTextEdit

from prompt_studio.ui.highlighting import PromptHighlighter


def coloured_words(document: QTextDocument, line: int) -> dict[str, str]:
    """Each coloured piece of one line, with its colour name (underlined pieces marked with a `~`)."""
    block = document.findBlockByNumber(line)
    pieces = {}
    for format_range in block.layout().formats():
        text = block.text()[format_range.start : format_range.start + format_range.length]
        underline = "~" if format_range.format.fontUnderline() or format_range.format.underlineStyle().value else ""
        pieces[text] = format_range.format.foreground().color().name() + underline
    return pieces


def every_format(document: QTextDocument) -> list[list[tuple]]:
    """Each line's coloured ranges (start, length, colour, underline): the whole result of highlighting."""
    lines = []
    block = document.firstBlock()
    while block.isValid():
        lines.append([
            (piece.start, piece.length, piece.format.foreground().color().name(),
             piece.format.underlineStyle().value)
            for piece in block.layout().formats()
        ])
        block = block.next()
    return lines


def coloured_at_once(qtbot, text: str, syntax: str = "liquid", undeclared: tuple[str, ...] = ()) -> list[list]:
    """What the highlighter makes of `text` when Qt lexes every line before returning, as it does for typing."""
    text_edit = QPlainTextEdit()
    qtbot.addWidget(text_edit)
    highlighter = PromptHighlighter(text_edit.document(), syntax)
    highlighter.set_undeclared_variables(undeclared)
    text_edit.document().setPlainText(text)
    assert highlighter.is_highlighting_complete()
    return every_format(text_edit.document())


def insert_at_end(document: QTextDocument, highlighter: PromptHighlighter, text: str) -> None:
    cursor = QTextCursor(document)
    cursor.movePosition(QTextCursor.MoveOperation.End)
    highlighter.insert_text(cursor, text)


# A long template whose Liquid spans lines here and there: each line's colours depend on the lines above it.
LONG_TEMPLATE = "\n".join(
    f"{number}: {{% comment %}} a note\nover two lines {{{{ hidden }}}} {{% endcomment %}} then {{{{ shown }}}}"
    if number % 97 == 0 else
    f"{number}: Dear {{{{ customer | upcase }}}}, {{% if vip %}}thanks{{% endif %}} about {{{{ topic }}}}"
    for number in range(3000)
)


@pytest.fixture
def document(qtbot) -> Iterator[QTextDocument]:
    """The document of a plain text editor: that is where the highlighter works in the form."""
    text_edit = QPlainTextEdit()
    qtbot.addWidget(text_edit)
    yield text_edit.document()


def test_liquid_variables_tags_and_filters_are_coloured(document):
    highlighter = PromptHighlighter(document, "liquid")
    document.setPlainText("Hi {{ name | upcase }}, {% if vip %}welcome{% endif %}. Plain { braces }.")

    pieces = coloured_words(document, 0)

    assert set(pieces) == {"{{", "name", "|", "upcase", "}}", "{%", "if", "vip", "%}", "endif"}
    assert pieces["name"] == pieces["vip"], "variables share one colour"
    assert pieces["{{"] != pieces["name"] != pieces["upcase"]
    assert highlighter.syntax == "liquid"


def test_liquid_constructs_that_span_lines_carry_over(document):
    PromptHighlighter(document, "liquid")
    document.setPlainText(
        "{% comment %} notes\nstill {{ hidden }} notes\n{% endcomment %} {{ shown }}\n{{ open\n name }}"
    )

    assert set(coloured_words(document, 1)) == {"still {{ hidden }} notes"}, "a comment line is one comment"
    assert "shown" in coloured_words(document, 2)
    assert "name" in coloured_words(document, 4), "a variable after an unclosed {{ on the line above"


def test_orkes_placeholders(document):
    PromptHighlighter(document, "orkes")
    document.setPlainText("Hello ${customer.name}, not {{ liquid }} nor $5")

    assert set(coloured_words(document, 0)) == {"${", "customer", ".name", "}"}


def test_json(document):
    PromptHighlighter(document, "json")
    document.setPlainText('{"type": "object", "count": 3, "strict": true}')

    pieces = coloured_words(document, 0)
    assert {'"type"', '"object"', "3", "true"} <= set(pieces)
    assert pieces['"type"'] != pieces['"object"']


def test_undeclared_variables_are_underlined_and_only_their_lines_redone(document):
    highlighter = PromptHighlighter(document, "liquid")
    document.setPlainText("{{ known }} and {{ missing }}\nno variables here")

    highlighter.set_undeclared_variables(["missing"])
    pieces = coloured_words(document, 0)
    assert pieces["missing"].endswith("~")
    assert not pieces["known"].endswith("~")

    highlighter.set_undeclared_variables([])
    assert not coloured_words(document, 0)["missing"].endswith("~")


def test_dark_bases_get_lighter_colours(document):
    light = PromptHighlighter(document, "liquid", dark=False)
    document.setPlainText("{{ name }}")
    light_colour = coloured_words(document, 0)["name"]

    light.set_dark(True)
    dark_colour = coloured_words(document, 0)["name"]

    assert QColor(dark_colour).lightness() > QColor(light_colour).lightness()


def test_one_megabyte_is_highlighted_line_by_line(document, capsys):
    PromptHighlighter(document, "liquid")
    line = "Dear {{ customer_name }}, {% if vip %}thank you for your loyalty{% endif %}. Regards, {{ agent }}"
    text = "\n".join(f"{position} {line}" for position in range(1_000_000 // (len(line) + 6)))
    prose = "\n".join(f"{position} An ordinary sentence of prose with no template syntax in it at all, just words."
                      for position in range(1_000_000 // 90))

    started = time.perf_counter()
    document.setPlainText(text)
    dense = time.perf_counter() - started
    started = time.perf_counter()
    document.setPlainText(prose)
    plain = time.perf_counter() - started
    document.setPlainText(text)
    with capsys.disabled():
        print(f"\nhighlighting 1 MB: every line templated {dense * 1000:.0f} ms, plain prose {plain * 1000:.0f} ms")

    assert "customer_name" in coloured_words(document, document.blockCount() - 1)


# -- long texts: coloured at the top at once, to the end in slices ----------------------------------------------


def test_a_long_text_shows_coloured_at_the_top_at_once_and_ends_coloured_like_at_once(qtbot, document):
    highlighter = PromptHighlighter(document, "liquid")
    insert_at_end(document, highlighter, LONG_TEMPLATE)

    assert "customer" in coloured_words(document, 2), "the lines on screen are coloured before insert_text returns"
    assert not highlighter.is_highlighting_complete()
    assert coloured_words(document, 2900) == {}, "the lines far below come later"

    qtbot.waitUntil(highlighter.is_highlighting_complete, timeout=20_000)
    assert every_format(document) == coloured_at_once(qtbot, LONG_TEMPLATE)
    assert coloured_words(document, document.blockCount() - 1)["topic"] == coloured_words(document, 2)["topic"]


def test_a_short_text_is_coloured_completely_before_insert_text_returns(document):
    highlighter = PromptHighlighter(document, "liquid")
    insert_at_end(document, highlighter, "\n".join(f"line {number} of {{{{ topic }}}}" for number in range(200)))

    assert highlighter.is_highlighting_complete()
    assert "topic" in coloured_words(document, 199)


def test_edits_while_the_slices_run_end_coloured_like_the_text_coloured_at_once(qtbot, document):
    highlighter = PromptHighlighter(document, "liquid")
    insert_at_end(document, highlighter, LONG_TEMPLATE)
    cursor = QTextCursor(document)

    cursor.setPosition(document.findBlockByNumber(5).position())
    cursor.insertText("{% comment %} opened above, closed far below\nstill a comment\n")  # lexed lines change
    cursor.setPosition(document.findBlockByNumber(2500).position())
    cursor.insertText("typed below {{ late }}\nand a new line\n")  # lines not lexed yet
    cursor.setPosition(document.findBlockByNumber(290).position() + 3)
    cursor.setPosition(document.findBlockByNumber(320).position() + 5, QTextCursor.MoveMode.KeepAnchor)
    cursor.removeSelectedText()  # across the first line not lexed yet
    cursor.setPosition(document.findBlockByNumber(2990).position())
    cursor.insertText("{% endcomment %} closed here, {{ after }}\n")
    assert not highlighter.is_highlighting_complete()

    qtbot.waitUntil(highlighter.is_highlighting_complete, timeout=20_000)
    final_text = document.toPlainText()
    assert every_format(document) == coloured_at_once(qtbot, final_text)
    assert "after" in coloured_words(document, document.findBlock(final_text.index("closed here")).blockNumber())


def test_new_colours_and_underlines_reach_every_line_of_a_long_text(qtbot, document):
    highlighter = PromptHighlighter(document, "liquid", dark=False)
    insert_at_end(document, highlighter, LONG_TEMPLATE)
    qtbot.waitUntil(highlighter.is_highlighting_complete, timeout=20_000)
    last_line = document.blockCount() - 1
    light_colour = coloured_words(document, last_line)["topic"]

    highlighter.set_undeclared_variables(["topic"])  # on every line: redone in slices
    highlighter.set_dark(True)  # while those slices run: starts again from the top

    top = coloured_words(document, 2)["topic"]
    assert top.endswith("~") and top != light_colour + "~", "the lines on screen follow at once"
    assert not highlighter.is_highlighting_complete()
    qtbot.waitUntil(highlighter.is_highlighting_complete, timeout=20_000)
    assert coloured_words(document, last_line)["topic"] == top, "the top follows at once"
    qtbot.waitUntil(highlighter.is_highlighting_complete, timeout=20_000)
    assert coloured_words(document, last_line)["topic"] == coloured_words(document, 2)["topic"]
    assert coloured_words(document, last_line)["topic"] == QColor(coloured_words(document, 2)["topic"][:7]).name() + "~"


@pytest.mark.parametrize(("syntax", "coloured"), [("liquid", {"{{", "liquid", "}}"}), ("orkes", {"${", "orkes", "}"})])
def test_each_template_language_colours_only_its_own_variables(qtbot, document, syntax, coloured):
    highlighter = PromptHighlighter(document, syntax)
    document.setPlainText("Hello {{ liquid }} and ${orkes}")
    assert highlighter.syntax == syntax
    assert coloured <= set(coloured_words(document, 0))
    assert not ({"liquid", "orkes"} - coloured) & set(coloured_words(document, 0))
