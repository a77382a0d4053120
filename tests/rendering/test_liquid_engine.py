"""The Liquid engine against python-liquid used as the SDK uses it, in process (no server): long texts cut into
pieces render as the whole does, the preview's text is the lenient text, and it notes what strict mode refuses."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from liquid import Environment, StrictUndefined, Undefined

from prompt_studio.rendering import liquid_engine
from prompt_studio.rendering.liquid_engine import LiquidFailure, parse, preview, render
from tests.rendering.templates import FIXED_CASES, GIVEN, TEMPLATES, VARIABLES

SDK_LENIENT = Environment(undefined=Undefined)
SDK_STRICT = Environment(undefined=StrictUndefined)


def sdk(text: str, variables: dict[str, Any], *, strict: bool) -> tuple[bool, str]:
    """What `Prompt.compile` / `compile_strict` do with one text: (rendered?, text or python-liquid's words)."""
    env = SDK_STRICT if strict else SDK_LENIENT
    try:
        return True, env.from_string(text).render(**variables)
    except Exception as error:
        return False, str(getattr(error, "message", None) or error)


def ours(text: str, variables: dict[str, Any], *, strict: bool, **cutting: int) -> tuple[bool, str]:
    try:
        return True, render(parse(text, **cutting), variables, strict=strict)
    except LiquidFailure as failure:
        return False, failure.reason


def repeated(parts: list[str]) -> str:
    return "\n".join(parts)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(TEMPLATES, min_size=1, max_size=6), variables=GIVEN, size=st.integers(1, 40))
def test_a_text_cut_into_pieces_renders_as_the_whole(parts, variables, size):
    text = repeated(parts)
    for strict in (False, True):
        expected = sdk(text, variables, strict=strict)
        assert ours(text, variables, strict=strict, pieces_from=0, piece_size=size) == expected
        assert ours(text, variables, strict=strict) == expected


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(TEMPLATES, min_size=2, max_size=6), variables=GIVEN, size=st.integers(1, 40),
       at=st.integers(0, 10_000), removed=st.integers(0, 30), inserted=TEMPLATES)
def test_an_edited_text_cut_where_its_original_was_cut_renders_as_the_whole(parts, variables, size, at, removed,
                                                                            inserted):
    """After an edit the pieces follow the cuts of the text before it (`_hints_for`), where they still qualify."""
    text = repeated(parts)
    parse(text, pieces_from=0, piece_size=size)
    at %= len(text) + 1
    edited = text[:at] + inserted + text[at + removed:]
    for strict in (False, True):
        assert ours(edited, variables, strict=strict, pieces_from=0, piece_size=size) == sdk(
            edited, variables, strict=strict)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEMPLATES, variables=GIVEN)
def test_the_preview_is_the_lenient_text_and_notes_exactly_what_strict_mode_refuses(text, variables):
    lenient_ok, lenient = sdk(text, variables, strict=False)
    strict_ok, _ = sdk(text, variables, strict=True)
    shown = preview(parse(text), variables)
    if not lenient_ok:
        assert shown.failure is not None and shown.text == ""
        return
    assert shown.failure is None
    assert shown.text == lenient
    assert bool(shown.noted) == (not strict_ok)


@pytest.mark.parametrize(("text", "variables"), [(case[0], case[2]) for case in FIXED_CASES])
def test_the_fixed_cases_render_as_the_sdk_renders_them_whole_and_in_pieces(text, variables):
    for strict in (False, True):
        expected = sdk(text, variables, strict=strict)
        assert ours(text, variables, strict=strict) == expected
        assert ours(text, variables, strict=strict, pieces_from=0, piece_size=3) == expected


def test_the_places_of_missing_variables_are_python_liquids_own():
    text = "Dear {{ name }},\n{% if flag %}{{ user.nick }}{% endif %} {{ items[7] }} {{ ghost | default: 'x' }}"
    shown = preview(parse(text), {"name": "Ada", "flag": True, "user": {}, "items": []})
    assert [(noted.name, noted.offset, noted.reason) for noted in shown.noted] == [
        ("user", text.index("user.nick"), "user.nick is undefined"),
        ("items", text.index("items[7]"), "index out of range"),
        ("ghost", text.index("ghost"), "'ghost' is undefined"),
    ]


def test_a_missing_variable_in_a_long_text_is_placed_in_the_whole_text():
    filler = "Some words that are not markup at all.\n" * 2000
    text = f"{filler}{{{{ known }}}}\n{filler}Look: {{{{ missing_here }}}}\n{filler}{{{{ known }}}}"
    parsed = parse(text)
    assert len(parsed.pieces) > 10
    shown = preview(parsed, {"known": "k"})
    assert [(noted.name, noted.offset) for noted in shown.noted] == [("missing_here", text.index("missing_here"))]
    with pytest.raises(LiquidFailure) as raised:
        render(parsed, {"known": "k"}, strict=True)
    assert (raised.value.undefined, raised.value.name, raised.value.offset) == (
        True, "missing_here", text.index("missing_here"))


def test_a_value_assigned_in_one_piece_is_read_in_a_later_one():
    filler = "plain text line\n" * 100
    text = (f"{{% assign a = ghost %}}{{% assign b = 'set early' %}}{filler}{{{{ b }}}} {{{{ a }}}}{filler}"
            "{% increment c %}")
    parsed = parse(text, pieces_from=0, piece_size=64)
    assert len(parsed.pieces) > 5
    assert render(parsed, {}) == SDK_LENIENT.from_string(text).render()
    shown = preview(parsed, {})
    assert [(noted.name, noted.offset) for noted in shown.noted] == [("ghost", text.index("ghost"))]


@pytest.mark.parametrize("text", [
    "{%- if flag -%} x {%- endif -%}" + "  words words\n" * 50 + "{{- name -}}" + "\n tail \n",
    "{{- name -}}" + "\n" * 30 + "words" + " " * 30 + "{%- if flag %}x{% endif %}",
    "{{ name -}}" + " lots of text " * 40 + "\n",
    "{{ name -}}\n   \n",
    "{% comment %}" + "hidden " * 50 + "{% comment %}nested{% endcomment %}" + "still " * 50 + "{% endcomment %}after",
    "{% raw %}" + "{{ raw }} " * 50 + "{% endraw %}" + "after " * 50 + "{{ name }}",
    "{% for i in items %}" + "inside a loop " * 50 + "{% endfor %}" + "outside " * 50 + "{{ n }}",
])
def test_cutting_never_changes_white_space_control_comments_raw_or_blocks(text):
    for size in (1, 5, 17, 64):
        assert ours(text, VARIABLES, strict=False, pieces_from=0, piece_size=size) == sdk(text, VARIABLES, strict=False)


def test_a_long_text_that_does_not_parse_fails_with_python_liquids_own_words():
    text = "ok text\n" * 10_000 + "{% if flag %}never closed"
    assert ours(text, VARIABLES, strict=False) == sdk(text, VARIABLES, strict=False)
    text = "ok text\n" * 10_000 + "{% endif %}" + "more\n" * 10_000 + "{{ n }}"
    assert ours(text, VARIABLES, strict=False) == sdk(text, VARIABLES, strict=False)


def test_parsed_templates_are_cached_by_their_text():
    text = "Cached {{ name }} " + "x" * 10
    assert parse(text) is parse("Cached {{ name }} " + "x" * 10)
    long_text = "line of text\n" * 10_000 + "{{ name }}"
    first = parse(long_text)
    edited = parse(long_text + "!")
    assert first.pieces[0][0] is edited.pieces[0][0]  # the unchanged pieces are reused, not parsed again
    liquid_engine.clear_caches()
    assert parse(text) is not None


@pytest.mark.parametrize("text", [
    "".join(f"{{{{ name }}}} w{number % 10} " for number in range(5_000)),  # markup every few characters
    " ".join(f"word{number}" for number in range(20_000)) + "{{ name }}",  # one long line
    ("line of text\n" * 5_000) + "{{ name }}",
])
def test_an_edit_in_the_middle_of_a_long_text_parses_one_piece_again(text):
    before = parse(text)
    middle = len(text) // 2
    after = parse(text[:middle] + "typed" + text[middle:])
    assert len(before.pieces) > 4
    old = {id(source) for source, _ in before.pieces}
    new = [source for source, _ in after.pieces]
    assert sum(id(source) not in old for source in new) <= 2
    assert render(after, VARIABLES) == SDK_LENIENT.from_string(after.source).render(**VARIABLES)
