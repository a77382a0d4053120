"""What the model receives: system first, every message rendered; strict errors that name the variable and its
line; a preview that never raises and marks each missing variable at its place; Orkes's `${name}`."""

from __future__ import annotations

import pytest

from prompt_studio.models.config import ConfigData
from prompt_studio.models.prompt import Prompt
from prompt_studio.rendering import (
    MessageTemplate,
    MissingVariableError,
    Span,
    TemplateError,
    preview_messages,
    render_messages,
    render_prompt,
    templates_of_config,
    templates_of_prompt,
    what_the_model_receives,
)
from prompt_studio.rendering.orkes_engine import fill, java_double, value_text

PROMPT = what_the_model_receives(
    "You are a {{ persona }} assistant.",
    [{"role": "user", "content": "Order {{ order_id }}:\n{{ question }}"}, {"role": "assistant", "content": "Ok."}],
)


def answer(prompt: str, messages: list[dict[str, str]]) -> Prompt:
    return Prompt.model_validate({
        "id": "p1", "handle": "p", "scope": "PROJECT", "name": "p", "updatedAt": "2026-01-01T00:00:00Z",
        "projectId": "x", "organizationId": "y", "versionId": "v1", "version": 1, "createdAt": "2026-01-01T00:00:00Z",
        "prompt": prompt, "messages": messages, "inputs": [], "outputs": [{"identifier": "o", "type": "str"}],
        "model": "openai/gpt-5",
    })


def test_the_system_prompt_comes_first_then_every_message_rendered():
    rendering = render_messages(PROMPT, {"persona": "pirate", "order_id": 7, "question": "Where?"})
    assert rendering.to_wire() == {"messages": [
        {"role": "system", "content": "You are a pirate assistant."},
        {"role": "user", "content": "Order 7:\nWhere?"},
        {"role": "assistant", "content": "Ok."},
    ]}


def test_an_empty_system_prompt_is_still_sent_first_as_langwatch_answers_it():
    assert what_the_model_receives("", [{"role": "user", "content": "Hi"}]) == (
        MessageTemplate("system", ""), MessageTemplate("user", "Hi"))
    config = ConfigData.model_validate({"prompt": "", "model": "openai/gpt-5", "messages": [
        {"role": "user", "content": "{{ q }}"}], "outputs": [{"identifier": "o", "type": "str"}]})
    assert render_messages(templates_of_config(config), {"q": "x"}).to_wire()["messages"] == [
        {"role": "system", "content": ""}, {"role": "user", "content": "x"}]


def test_a_prompt_answer_renders_its_messages_as_they_came_as_the_sdk_does():
    prompt = answer("Be {{ tone }}.", [{"role": "system", "content": "Be {{ tone }}."},
                                       {"role": "user", "content": "{{ q }}"}])
    assert templates_of_prompt(prompt) == (
        MessageTemplate("system", "Be {{ tone }}."), MessageTemplate("user", "{{ q }}"))
    assert render_prompt(prompt, {"tone": "brief", "q": "?"}).to_wire()["messages"][0]["content"] == "Be brief."
    odd = answer("{{ only_in_prompt }}", [{"role": "user", "content": "{{ q }}"}])
    with pytest.raises(MissingVariableError, match="only_in_prompt"):  # the SDK renders `prompt` too
        render_prompt(odd, {"q": "?"}, strict=True)


def test_lenient_mode_renders_a_missing_variable_empty():
    rendering = render_messages(PROMPT, {"persona": "pirate"})
    assert [message.content for message in rendering.messages] == ["You are a pirate assistant.", "Order :\n", "Ok."]


def test_strict_mode_names_the_first_missing_variable_and_its_line():
    with pytest.raises(MissingVariableError) as raised:
        render_messages(PROMPT, {"persona": "pirate", "order_id": 1}, strict=True)
    error = raised.value
    assert str(error) == "{{ question }} has no value (message 1 (user), line 2)"
    assert (error.variable.name, error.variable.root, error.message, error.span) == (
        "question", "question", 1, Span(25, 33, 2, 4))
    with pytest.raises(MissingVariableError, match=r"\{\{ persona \}\} has no value \(the system prompt, line 1\)"):
        render_messages(PROMPT, {}, strict=True)
    nested = what_the_model_receives("a\nb\n  {{ user.address.city }}", [])
    with pytest.raises(MissingVariableError) as raised:
        render_messages(nested, {"user": {"address": {}}}, strict=True)
    assert (raised.value.variable.name, raised.value.variable.root, raised.value.span.line) == (
        "user.address.city", "user", 3)
    assert raised.value.reason == "user.address.city is undefined"


def test_a_broken_template_fails_in_both_modes_with_its_place():
    broken = what_the_model_receives("fine", [{"role": "user", "content": "x\n{{ name | nosuch }}"}])
    for strict in (False, True):
        with pytest.raises(TemplateError) as raised:
            render_messages(broken, {"name": "Ada"}, strict=strict)
        assert str(raised.value) == "unknown filter 'nosuch' (message 1 (user), line 2)"
        assert raised.value.span == Span(12, 12, 2, 11)


def test_the_preview_marks_every_missing_variable_at_its_place_and_never_raises():
    templates = what_the_model_receives(
        "Hi {{ name }}.\n{% for u in users %}{{ u.nick }}{% endfor %}",
        [{"role": "user", "content": "{{ order_id }} {{ order_id }}\n{% if vip %}VIP{% endif %}"},
         {"role": "assistant", "content": "{% if %}"}],
    )
    rendering = preview_messages(templates, {"users": [{"name": "a"}, {"name": "b"}]})
    assert [message.content for message in rendering.messages] == ["Hi .\n", " \n", ""]
    assert [(item.name, item.message, item.span.line, item.span.column, item.description)
            for item in rendering.missing] == [
        ("name", 0, 1, 7, "{{ name }} has no value"),
        ("u.nick", 0, 2, 24, "{{ u.nick }} has no value"),
        ("order_id", 1, 1, 4, "{{ order_id }} has no value"),
        ("order_id", 1, 1, 19, "{{ order_id }} has no value"),
        ("vip", 1, 2, 7, "{{ vip }} has no value"),
    ]
    assert [(problem.message, problem.role) for problem in rendering.problems] == [(2, "assistant")]
    assert not rendering.strict_ok
    assert preview_messages(PROMPT, {"persona": "p", "order_id": 1, "question": "q"}).strict_ok


def test_a_typed_value_keeps_its_type_in_loops_and_filters():
    templates = what_the_model_receives("{% for i in items %}{{ i.n | plus: 1 }}{% endfor %} {{ flag }} {{ x }}", [])
    rendering = render_messages(templates, {"items": [{"n": 1}, {"n": 2}], "flag": True, "x": 1.5})
    assert rendering.messages[0].content == "23 true 1.5"


def test_orkes_fills_placeholders_as_conductor_does():
    template = "Hi ${name}, ${ name }, ${user.id}, ${n}/${x}/${big}, ${flag} ${list} ${obj} ${none} ${name}"
    text, unfilled = fill(template, {"name": "Ada", "user.id": 7, "n": 3, "x": 0.5, "big": 1.5e10, "flag": True,
                                     "list": ["a", 1.0], "obj": {"k": None, "é": [True]}, "none": None})
    assert text == 'Hi Ada, ${ name }, 7, 3/0.5/1.5E10, true ["a",1.0] {"k":null,"é":[true]} ${none} Ada'
    assert [(item.name, item.start) for item in unfilled] == [
        (" name ", template.index("${ name }")), ("none", template.index("${none}"))]


def test_orkes_replaces_in_order_so_a_value_can_hold_a_later_placeholder():
    assert fill("${a} ${b}", {"a": "${b}", "b": "B"})[0] == "B B"
    assert fill("${a\n}", {"a\n": 1})[0] == "${a\n}"  # a placeholder stays on one line


@pytest.mark.parametrize(("number", "java"), [
    (1.0, "1.0"), (0.001, "0.001"), (1234567.0, "1234567.0"), (1e7, "1.0E7"), (1.5e-5, "1.5E-5"), (-2.5e-4, "-2.5E-4"),
    (123456789.125, "1.23456789125E8"), (0.0, "0.0"), (-0.0, "-0.0"), (1e21, "1.0E21"),
])
def test_orkes_writes_numbers_with_javas_double_to_string(number, java):
    assert java_double(number) == java
    assert value_text(number) == java


def test_orkes_preview_and_strict_mode():
    templates = templates_of_config({"prompt": "Dear ${name},\nabout ${topic}."}, "orkes")
    rendering = preview_messages(templates, {"name": "Ada"}, syntax="orkes")
    assert rendering.to_wire() == {"messages": [{"role": "system", "content": "Dear Ada,\nabout ${topic}."}]}
    assert [(item.name, item.span, item.description) for item in rendering.missing] == [
        ("topic", Span(20, 28, 2, 7), "${topic} has no value")]
    with pytest.raises(MissingVariableError, match=r"\$\{topic\} has no value \(the system prompt, line 2\)"):
        render_messages(templates, {"name": "Ada"}, syntax="orkes", strict=True)
