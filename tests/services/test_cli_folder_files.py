"""Prompt files written and read back: every text survives the round trip, and the author's comments stay."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from prompt_studio.services.cli_folder import apply_fields, new_prompt_document, parse_prompt_text, prompt_file_text

TEXTS = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=80)


def _fields(system: str, user: str, **parameters) -> dict:
    return {"model": "openai/gpt-5", "messages": [{"role": "system", "content": system},
                                                  {"role": "user", "content": user}],
            "modelParameters": parameters, "response_format": None}


@settings(max_examples=300, deadline=None)
@given(system=TEXTS, user=TEXTS)
def test_any_message_text_reads_back_exactly(system, user):
    text = prompt_file_text(new_prompt_document(_fields(system, user)))
    back = parse_prompt_text(text, "x.prompt.yaml")
    assert [message["content"] for message in back["messages"]] == [system, user]


def test_an_edit_keeps_the_comments_and_the_keys_the_app_does_not_know():
    original = ("# Owned by the support team\nmodel: openai/gpt-5  # reviewed\nmodelParameters:\n  temperature: 0.7\n"
                "  top_p: 0.9  # not pushed by the CLI\nmessages:\n  - role: system\n    content: Be kind.\n"
                "  - role: user\n    content: '{{input}}'\nx-owner: support\n")
    document = parse_prompt_text(original, "x.prompt.yaml")

    apply_fields(document, _fields("Be kind and brief.", "{{input}}", temperature=0.7, max_tokens=200))

    assert prompt_file_text(document) == (
        "# Owned by the support team\nmodel: openai/gpt-5  # reviewed\nmodelParameters:\n  temperature: 0.7\n"
        "  max_tokens: 200\n  top_p: 0.9  # not pushed by the CLI\nmessages:\n  - role: system\n"
        "    content: Be kind and brief.\n  - role: user\n    content: '{{input}}'\nx-owner: support\n")
