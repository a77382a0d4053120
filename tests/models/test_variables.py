"""Which variables a template reads: LangWatch's server rule, quirks included, and Orkes's placeholders."""

from __future__ import annotations

import pytest

from prompt_studio.models import Input
from prompt_studio.models.variables import (
    orkes_variables,
    prompt_variables,
    template_variables,
    variables_read,
    with_detected_inputs,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{{name}} and {{ name }}", ["name"]),
        ("{{ name | upcase }} {{other|default: 'x'}}", ["name", "other"]),
        ("{{ user.name }} {{ user.email }}", ["user"]),
        ("{% for item in products %}{{ item.title }}{% endfor %}", ["products"]),
        ("{% for i in (1..5) %}{{ i }}{% endfor %}", []),
        ("{% for item in items limit: 3 %}{{ item.title | upcase }}{% endfor %}", ["items"]),
        ("{% assign greeting = 'hi' %}{{ greeting }} {{ who }}", ["who"]),
        ("{% if tone == 'formal' and vip %}x{% elsif mood != 2 %}y{% endif %}", ["tone", "vip", "mood"]),
        ("{% unless user.banned %}hi{% endunless %}", ["user"]),
        ("{{ true }} {{ forloop.index }} {{ nil }}", []),
        ("no variables {here} and {{}} and {{ | upcase }}", []),
        ("{{ b }} {{ a }} {{ b }}", ["b", "a"]),
        # A name bound anywhere in the text is not an input of it, even where it is read before the binding.
        ("{{ item }} {% for item in list %}{% endfor %}", ["list"]),
    ],
)
def test_what_the_server_detects(text, expected):
    assert template_variables(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An output or tag spread over lines is not seen (the server's `.` stops at a line end, \r and
        # U+2028 included).
        ("{{\nsplit\n}} {{ one_line }}", ["one_line"]),
        ("{{ a\rb }} {{ c\u2028d }} {{ e }}", ["e"]),
        # The text before the first `|` and `.`, whatever it is.
        ("{{ items[0] }} {{ items[1].name }}", ["items[0]", "items[1]"]),
        ("{{ größe }} {{ 名前 }}", ["größe", "名前"]),
        ("{{- name -}}", ["- name -"]),
        ("{{ 'literal' | upcase }} {{ 42 }}", ["'literal'", "42"]),
        # Whitespace control hides a tag's keyword; `{%- if x -%}` reads nothing.
        ("{%- if hidden -%}x{%- endif -%}", []),
        # `assign a=1` binds "a=1" (only a trailing "=" is cut), so `a` stays an input.
        ("{% assign a=1 %}{{ a }}", ["a"]),
        # A quoted word with a space is two words; the half that is not a whole literal counts.
        ("{% if tone == 'very formal' %}x{% endif %}", ["tone", "'very", "formal'"]),
        # Nothing special for raw, capture, case, echo or tablerow.
        ("{% raw %}{{ inside }}{% endraw %}", ["inside"]),
        ("{% capture note %}{{ who }}{% endcapture %}{{ note }}", ["who", "note"]),
        ("{% case tier %}{% when 'gold' %}{{ perk }}{% endcase %}", ["perk"]),
        ("{% echo who %} {% tablerow cell in cells %}{% endtablerow %}", []),
        # JavaScript's white space, not Python's: U+FEFF trims, U+0085 does not.
        ("{{\ufeffname\ufeff}}", ["name"]),
        ("{{\x85name}}", ["\x85name"]),
    ],
)
def test_the_servers_quirks_are_kept(text, expected):
    assert template_variables(text) == expected


def test_each_text_is_judged_alone():
    texts = ["{% for item in items %}{% endfor %}", "{{ item }} {{ first }}", "", "{{ first }}"]
    assert prompt_variables(texts) == ["items", "item", "first"]


def test_detected_inputs_keep_declared_types_with_input_first():
    merged = with_detected_inputs(
        ["{{b}} {{input}}", "{{a}} {{C}}"], [Input(identifier="b", type="float"), Input(identifier="z", type="bool")]
    )
    assert [(item.identifier, item.type) for item in merged] == [
        ("input", "str"), ("a", "str"), ("b", "float"), ("C", "str"), ("z", "bool"),
    ]


def test_orkes_placeholders():
    assert orkes_variables(["${a} ${ b.c } {{ d }} $e", "${a} ${f}"]) == ["a", "b", "f"]
    assert variables_read(["${a} {{ b }}"], "orkes") == ["a"]
    assert variables_read(["${a} {{ b }}"]) == ["b"]


def test_a_long_prompt_is_read_quickly_enough_to_follow_typing():
    """Repeated expressions are read once; this is about correctness of the deduplication, not a timing."""
    text = "Line {{ name }} and {% if vip %}x{% endif %}\n" * 20_000 + "{{ last }}"
    assert template_variables(text) == ["name", "vip", "last"]
