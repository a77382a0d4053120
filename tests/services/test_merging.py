"""The merge session without Qt: plain labels, states and counts, choices and typed results, the draft to save,
and a whole merge against a real conflict from the embedded library (SQLite in tmp_path)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from prompt_studio.merge import NOT_SET
from prompt_studio.models import ConfigData, ConflictInfo, CreatePromptBody, SyncRequest
from prompt_studio.models.draft import Draft
from prompt_studio.services.backends import LocalLibraryBackend
from prompt_studio.services.merging import MergeSession, ResultProblem
from prompt_studio.services.prompts import PromptService
from prompt_studio.store import PromptLibrary

SCHEMA = {"type": "object", "properties": {"category": {"type": "string"}}, "required": ["category"]}
BASE: dict[str, Any] = {
    "prompt": "You sort support tickets for {{product}}.\nAnswer with exactly one category.\nKeep it short.\n",
    "model": "openai/gpt-5",
    "messages": [{"role": "user", "content": "Here is a ticket:\n{{input}}"}, {"role": "assistant", "content": "bug"}],
    "inputs": [{"identifier": "input", "type": "str"}, {"identifier": "product", "type": "str"}],
    "outputs": [{"identifier": "answer", "type": "json_schema", "json_schema": SCHEMA}],
    "temperature": 0.2,
    "max_tokens": 50,
}
BASE_PARAMETERS = {"retries": 1}


def edited(**changes: Any) -> dict[str, Any]:
    config = copy.deepcopy(BASE)
    config.update(copy.deepcopy(changes))
    return config


def with_description(config: dict[str, Any], description: str, **extra_properties: Any) -> dict[str, Any]:
    schema = config["outputs"][0]["json_schema"]
    schema["properties"]["category"]["description"] = description
    schema["properties"].update(extra_properties)
    return config


OURS = with_description(edited(
    prompt="You sort support tickets for {{product}}.\nAnswer with exactly one category, in French.\nKeep it short.\n",
    model="openai/gpt-5-mini",
    messages=[{"role": "user", "content": "Here is a new ticket:\n{{input}}"}, {"role": "assistant", "content": "bug"}],
    temperature=0.7,
), "One word", confidence={"type": "number"})
OURS_PARAMETERS = {"retries": 1, "timeout": 30}

THEIRS = with_description(edited(
    prompt="You sort support tickets for {{product}}.\nAnswer with exactly one category, in German.\nKeep it short.\n",
    messages=[{"role": "user", "content": "Here is the ticket text:\n{{input}}"},
              {"role": "assistant", "content": "bug"}, {"role": "user", "content": "Reply with the category only."}],
    temperature=0.0,
    max_tokens=80,
), "The category name")
THEIRS_PARAMETERS = {"retries": 3}

SYSTEM = ("prompt",)
FIRST_MESSAGE = ("messages", 0, "content")
TEMPERATURE = ("temperature",)
DESCRIPTION = ("outputs", "answer", "json_schema", "properties", "category", "description")


def make_session(remote_parameters: dict[str, Any] | None = THEIRS_PARAMETERS) -> MergeSession:
    draft = Draft(handle="support/sorter", prompt_id="prompt_1", base_version=2, base_config=BASE,
                  base_parameters=BASE_PARAMETERS, config=OURS, parameters=OURS_PARAMETERS)
    conflict = ConflictInfo(local_version=2, remote_version=3, remote_config_data=ConfigData.model_validate(THEIRS),
                            remote_parameters=remote_parameters)
    return MergeSession.start(draft, conflict)


def test_every_field_has_a_plain_label_and_a_state_in_reading_order():
    session = make_session()

    rows = [(field.label, field.state, field.how) for field in session.fields()]

    assert rows == [
        ("Model", "merged", "changed by you"),
        ("System prompt", "conflict", "needs your choice"),
        ("Message 1 (user)", "conflict", "needs your choice"),
        ("Message 3 (user)", "merged", "added on the server"),
        ("Temperature", "conflict", "needs your choice"),
        ("Max tokens", "merged", "changed on the server"),
        ("Output 'answer' schema (category › description)", "conflict", "needs your choice"),
        ("Output 'answer' schema (confidence)", "merged", "added by you"),
        ("Runtime parameter 'retries'", "merged", "changed on the server"),
        ("Runtime parameter 'timeout'", "merged", "added by you"),
    ]
    assert session.headline == "Someone saved v3 while you were editing v2. 6 changes merged automatically."
    assert session.remaining_text == "4 conflicts remaining"
    assert not session.can_complete


def test_what_merged_by_itself_is_already_in_the_result():
    merged = make_session().merged_config

    assert merged["model"] == "openai/gpt-5-mini"
    assert merged["max_tokens"] == 80
    assert merged["messages"][2] == {"role": "user", "content": "Reply with the category only."}
    assert merged["outputs"][0]["json_schema"]["properties"]["confidence"] == {"type": "number"}
    assert make_session().merged_parameters == {"retries": 3, "timeout": 30}


def test_a_text_conflict_shows_only_the_lines_that_differ():
    view = make_session().view(SYSTEM)

    assert view.heading == "System prompt, line 2"
    [place] = view.places
    assert (place.original, place.yours, place.server) == (
        "Answer with exactly one category.\n", "Answer with exactly one category, in French.\n",
        "Answer with exactly one category, in German.\n")
    assert view.editor == "text" and view.choices == ("ours", "theirs", "both")
    assert view.result_text == OURS["prompt"]


def test_a_value_conflict_shows_the_three_values_and_a_one_line_result():
    view = make_session().view(TEMPERATURE)

    assert view.heading == "Temperature"
    assert [(place.original, place.yours, place.server) for place in view.places] == [("0.2", "0.7", "0.0")]
    assert (view.editor, view.result_text, view.choices) == ("line", "", ("ours", "theirs")), "undecided"
    assert make_session().view(DESCRIPTION).places[0].original == "(not set)"


def test_choices_settle_conflicts_and_the_counts_follow():
    session = make_session()
    session = session.resolve(SYSTEM, "both").resolve(FIRST_MESSAGE, "theirs").resolve(TEMPERATURE, "ours")

    assert session.remaining_text == "1 conflict remaining"
    states = {field.label: (field.state, field.how) for field in session.fields()}
    assert states["System prompt"] == ("resolved", "kept both")
    assert states["Message 1 (user)"] == ("resolved", "using the server's")
    assert states["Temperature"] == ("resolved", "kept yours")
    assert session.merged_config["prompt"] == (
        "You sort support tickets for {{product}}.\nAnswer with exactly one category, in French.\n"
        "Answer with exactly one category, in German.\nKeep it short.\n")

    session = session.resolve_typed(DESCRIPTION, "The category, in one word")
    assert session.remaining_text == "No conflicts remaining"
    assert session.can_complete
    assert {field.label: field.how for field in session.fields()}[
        "Output 'answer' schema (category › description)"] == "edited by hand"
    assert session.merged_config["outputs"][0]["json_schema"]["properties"]["category"] == {
        "type": "string", "description": "The category, in one word"}


def test_a_typed_result_is_read_as_the_field_needs_it():
    session = make_session()

    assert session.resolve_typed(TEMPERATURE, " 1.5 ").merged_config["temperature"] == 1.5
    assert "temperature" not in session.resolve_typed(TEMPERATURE, "").merged_config
    with pytest.raises(ResultProblem, match=r"Temperature needs a number, such as 0\.7"):
        session.resolve_typed(TEMPERATURE, "warm")
    hand_written = "You sort tickets.\nAnswer in Dutch.\n"
    assert session.resolve_typed(SYSTEM, hand_written).merged_config["prompt"] == hand_written


def test_a_result_the_model_refuses_is_named_in_plain_words():
    session = make_session()
    for path in (SYSTEM, FIRST_MESSAGE, DESCRIPTION):
        session = session.resolve(path, "ours")

    too_hot = session.resolve_typed(TEMPERATURE, "3")

    assert too_hot.result.clean and not too_hot.can_complete
    assert too_hot.problems() == ["Temperature must be at most 2"]


def test_json_results_must_be_readable():
    base = {**BASE, "response_format": {"type": "json_schema", "json_schema": {"name": "a", "schema": SCHEMA}}}
    ours = {**OURS, "response_format": {"type": "json_schema", "json_schema": {"name": "b", "schema": SCHEMA}}}
    theirs = {**THEIRS, "response_format": {"type": "json_schema", "json_schema": None}}
    draft = Draft(handle="h", base_version=1, base_config=base, config=ours)
    session = MergeSession.start(draft, ConflictInfo(local_version=1, remote_version=2,
                                                     remote_config_data=ConfigData.model_validate(theirs)))
    path = ("response_format", "json_schema")
    assert session.view(path).editor == "json"
    assert session.label(path) == "Response format (json_schema)"

    with pytest.raises(ResultProblem, match=r"not readable yet: Expecting property name .* on line 1"):
        session.resolve_typed(path, "{'name': 'c'}")
    typed = session.resolve_typed(path, '{"name": "c", "schema": {"type": "object"}}')
    assert typed.merged_config["response_format"]["json_schema"] == {"name": "c", "schema": {"type": "object"}}
    assert session.resolve_typed(path, "").result.value_at(path) is NOT_SET


def test_the_draft_to_save_has_the_server_version_as_its_base():
    session = make_session()
    for path in (SYSTEM, FIRST_MESSAGE, TEMPERATURE, DESCRIPTION):
        session = session.resolve(path, "theirs")

    draft = session.merged_draft()

    assert (draft.handle, draft.prompt_id, draft.base_version) == ("support/sorter", "prompt_1", 3)
    assert draft.base_config == ConfigData.model_validate(THEIRS).to_wire()
    assert draft.base_parameters == THEIRS_PARAMETERS
    assert draft.config == session.merged_config and draft.parameters == {"retries": 3, "timeout": 30}
    assert draft.pending_conflict is None
    assert session.commit_message == "Merge my edits with v3"
    assert session.summary_of_server_changes() == ["Model", "Outputs", "Runtime parameters"]
    assert session.summary_text == "This will save v4 on the server: model, outputs, runtime parameters change."


def test_taking_the_server_side_everywhere_changes_nothing_on_the_server():
    draft = Draft(handle="h", base_version=2, base_config=BASE, base_parameters=BASE_PARAMETERS,
                  config=edited(temperature=0.7), parameters=BASE_PARAMETERS)
    session = MergeSession.start(draft, ConflictInfo(local_version=2, remote_version=3,
                                                     remote_config_data=ConfigData.model_validate(THEIRS)))
    session = session.resolve(TEMPERATURE, "theirs")

    assert session.summary_of_server_changes() == []
    assert session.summary_text.startswith("The merge is exactly the server's v3")


def test_a_server_without_parameters_keeps_the_original_ones():
    session = make_session(remote_parameters=None)

    assert session.server_content()["parameters"] == BASE_PARAMETERS
    assert session.merged_parameters == OURS_PARAMETERS


def test_from_pending_needs_a_conflict():
    with pytest.raises(ValueError, match="no conflict"):
        MergeSession.from_pending(Draft(handle="h", config=BASE))


async def test_a_real_conflict_merges_and_saves_and_a_second_one_starts_from_the_server_side(tmp_path):
    backend = LocalLibraryBackend(PromptLibrary(tmp_path / "library.sqlite3", seed_examples=False))
    service = PromptService(backend)
    colleague = backend
    try:
        await backend.create_prompt(CreatePromptBody(handle="support/sorter", model="openai/gpt-5", prompt="-",
                                                     outputs=[{"identifier": "answer", "type": "str"}]))
        await backend.sync_prompt("support/sorter", SyncRequest(config_data=ConfigData.model_validate(BASE),
                                                                parameters=BASE_PARAMETERS, local_version=1))
        draft = (await service.open_prompt("support/sorter")).start_draft()
        await colleague.sync_prompt("support/sorter", SyncRequest(
            config_data=ConfigData.model_validate(THEIRS), parameters=THEIRS_PARAMETERS, local_version=2))

        outcome = await service.save(draft.model_copy(update={"config": OURS, "parameters": OURS_PARAMETERS}), "x")
        assert outcome.action == "conflict"
        session = MergeSession.from_pending(outcome.draft)
        assert (session.local_version, session.remote_version) == (2, 3)
        for path in (SYSTEM, FIRST_MESSAGE, TEMPERATURE, DESCRIPTION):
            session = session.resolve(path, "ours")

        await colleague.sync_prompt("support/sorter", SyncRequest(
            config_data=ConfigData.model_validate({**THEIRS, "temperature": 0.3}), parameters=THEIRS_PARAMETERS,
            local_version=3))
        again = await service.save(session.merged_draft(), session.commit_message)
        assert again.action == "conflict"
        second = MergeSession.from_pending(again.draft)
        assert (second.local_version, second.remote_version) == (3, 4)
        assert [conflict.path for conflict in second.result.conflicts] == [TEMPERATURE]
        assert [(place.original, place.yours, place.server) for place in second.view(TEMPERATURE).places] == [
            ("0.0", "0.7", "0.3")]

        saved = await service.save(second.resolve(TEMPERATURE, "ours").merged_draft(), second.commit_message)
        assert saved.action == "updated"
        assert saved.opened.prompt.version == 5
        assert saved.opened.prompt.commit_message == "Merge my edits with v4"
        assert saved.opened.config == {**session.merged_config, "temperature": 0.7}
        assert saved.opened.parameters == {"retries": 3, "timeout": 30}
    finally:
        await backend.aclose()


def test_labels_name_fields_the_way_the_editor_does():
    session = make_session()

    assert session.label(("inputs", "product", "type")) == "Input 'product' type"
    assert session.label(("outputs", "answer")) == "Output 'answer'"
    assert session.label(("parameters", "retries")) == "Runtime parameter 'retries'"
    assert session.label(("demonstrations", "inline", "records", "question", 1)) == (
        "Demonstrations, column 'question', row 2")
    assert session.label(("demonstrations", "inline", "columnTypes", "question", "type")) == (
        "Demonstrations, column 'question'")
    assert session.label(("top_p",)) == "Top P"
    assert session.label(("thinkingLevel",)) == "Thinking level"
    assert session.label(("custom_field",)) == "Custom field"
    assert session.label(("messages", 1, "content")) == "Message 2 (assistant)"


def test_both_sides_inserting_messages_at_one_place_is_one_conflict_with_a_plain_label():
    ours = edited(messages=[*BASE["messages"], {"role": "user", "content": "Mine"}])
    theirs = edited(messages=[*BASE["messages"], {"role": "user", "content": "Theirs"}])
    draft = Draft(handle="h", base_version=1, base_config=BASE, config=ours)
    session = MergeSession.start(draft, ConflictInfo(local_version=1, remote_version=2,
                                                     remote_config_data=ConfigData.model_validate(theirs)))

    [field] = [field for field in session.fields() if field.state == "conflict"]
    assert field.label == "New messages at position 3"
    view = session.view(field.path)
    assert (view.editor, view.places[0].yours, view.places[0].server) == ("json", "User: Mine", "User: Theirs")
    with pytest.raises(ResultProblem, match="needs a list of messages"):
        session.resolve_typed(field.path, '{"role": "user", "content": "x"}')
    kept = session.resolve(field.path, "both")
    assert [message["content"] for message in kept.merged_config["messages"][2:]] == ["Mine", "Theirs"]


def test_a_text_with_two_conflicting_places_lists_each_by_line():
    lines = [f"Rule {number}.\n" for number in range(1, 9)]
    base = edited(prompt="".join(lines))
    ours = edited(prompt="".join(["Rule one.\n", *lines[1:7], "Rule eight.\n"]))
    theirs = edited(prompt="".join(["Rule I.\n", *lines[1:7], "Rule VIII.\n"]))
    draft = Draft(handle="h", base_version=1, base_config=base, config=ours)
    session = MergeSession.start(draft, ConflictInfo(local_version=1, remote_version=2,
                                                     remote_config_data=ConfigData.model_validate(theirs)))

    view = session.view(SYSTEM)

    assert view.heading == "System prompt"
    assert [(place.where, place.yours, place.server) for place in view.places] == [
        ("Line 1", "Rule one.\n", "Rule I.\n"), ("Line 8", "Rule eight.\n", "Rule VIII.\n")]
