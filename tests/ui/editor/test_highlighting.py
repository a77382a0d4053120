"""The template highlighter (Liquid, Orkes `${}`, JSON) and the search for variables that are not inputs."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from PySide6.QtGui import QColor, QTextDocument
from PySide6.QtWidgets import QPlainTextEdit

from prompt_studio.ui.editor.template_variables import template_variables
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


# -- variables the template reads -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["Hi {{ name }} and {{name}} again, {{- other -}}"], ["name", "other"]),
        (["{{ a | default: b }} {% if vip and tier == 'gold' %}{% elsif c contains 'x' %}{% endif %}"],
         ["a", "b", "vip", "tier", "c"]),
        (["{% for item in items limit: 3 %}{{ item.title | upcase }}{% endfor %}"], ["items"]),
        (["{% assign total = price | times: quantity %}{{ total }}"], ["price", "quantity"]),
        (["{% capture note %}{{ who }}{% endcapture %}{{ note }}"], ["who"]),
        (["{% comment %}{{ hidden }}{% endcomment %}{% raw %}{{ raw }}{% endraw %}{{ shown }}"], ["shown"]),
        (["{{ true }} {{ 'text' }} {{ 3 }} {{ forloop.index }}"], []),
        (["{{ first }}", "{{ second }} {{ first }}"], ["first", "second"]),
    ],
)
def test_liquid_variables(texts, expected):
    assert template_variables(texts, "liquid") == expected


def test_orkes_variables():
    assert template_variables(["${a} ${ b.c } {{ d }} $e"], "orkes") == ["a", "b"]
