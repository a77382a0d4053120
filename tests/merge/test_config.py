"""Field-by-field merge of prompt configs: one example per rule, resolution, then generated properties."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings

from prompt_studio.merge import NOT_SET, ConfigMergeResult, FieldChange, merge_config, resolve
from prompt_studio.models import ConfigData
from tests.merge.strategies import base_configs, config_triples, edited_configs

BASE: dict[str, Any] = {
    "prompt": "You are a support agent.\nAnswer politely.\nNever promise refunds.\n",
    "model": "openai/gpt-4o",
    "messages": [
        {"role": "user", "content": "My order {{order_id}} is late."},
        {"role": "assistant", "content": "Sorry to hear that.\nLet me check.\nOne moment."},
        {"role": "user", "content": "Thanks."},
    ],
    "inputs": [{"identifier": "order_id", "type": "str"}],
    "outputs": [{"identifier": "output", "type": "str"}],
    "temperature": 0.5,
}


def edit(**changes: Any) -> dict[str, Any]:
    config = copy.deepcopy(BASE)
    config.update(copy.deepcopy(changes))
    return config


def without(config: dict[str, Any], key: str) -> dict[str, Any]:
    return {name: value for name, value in config.items() if name != key}


def assert_valid(result: ConfigMergeResult) -> None:
    ConfigData.model_validate(without(result.merged, "parameters"))


def test_a_scalar_changed_on_one_side_is_taken() -> None:
    result = merge_config(BASE, edit(model="openai/gpt-4o-mini"), edit(temperature=0.9))

    assert result.clean
    assert result.merged == edit(model="openai/gpt-4o-mini", temperature=0.9)
    assert result.changes == [
        FieldChange(("model",), "ours", "changed"),
        FieldChange(("temperature",), "theirs", "changed"),
    ]


def test_the_same_change_on_both_sides_is_taken_once() -> None:
    result = merge_config(BASE, edit(temperature=0.9), edit(temperature=0.9))

    assert result.clean
    assert result.merged["temperature"] == 0.9
    assert result.changes == [FieldChange(("temperature",), "both", "changed")]


def test_different_scalar_changes_conflict_and_merged_holds_ours_meanwhile() -> None:
    result = merge_config(BASE, edit(temperature=0.9), edit(temperature=0.1))

    [conflict] = result.conflicts
    assert (conflict.path, conflict.kind) == (("temperature",), "value")
    assert (conflict.base, conflict.ours, conflict.theirs) == (0.5, 0.9, 0.1)
    assert conflict.placeholder == "ours"
    assert result.merged["temperature"] == 0.9


def test_not_set_is_a_value_too() -> None:
    removed = without(BASE, "temperature")

    assert merge_config(BASE, removed, BASE).merged == removed
    assert merge_config(BASE, removed, removed).clean
    both_add = merge_config(BASE, edit(max_tokens=512), edit(max_tokens=512))
    assert both_add.changes == [FieldChange(("max_tokens",), "both", "added")]

    removed_and_changed = merge_config(BASE, removed, edit(temperature=1.0))
    [conflict] = removed_and_changed.conflicts
    assert (conflict.kind, conflict.ours, conflict.theirs) == ("presence", NOT_SET, 1.0)
    assert conflict.placeholder == "theirs", "until resolved, nothing is dropped"
    assert removed_and_changed.merged["temperature"] == 1.0
    assert "temperature" not in resolve(removed_and_changed, ("temperature",), "ours").merged


def test_none_differs_from_not_set() -> None:
    base = edit(response_format={"type": "json_schema", "json_schema": None})
    result = merge_config(base, without(base, "response_format"), base)
    assert "response_format" not in result.merged


def test_the_prompt_merges_by_line() -> None:
    ours = edit(prompt=BASE["prompt"].replace("support agent", "friendly support agent"))
    theirs = edit(prompt=BASE["prompt"] + "Reply in the customer's language.\n")

    result = merge_config(BASE, ours, theirs)

    assert result.clean
    assert result.merged["prompt"] == (
        "You are a friendly support agent.\nAnswer politely.\nNever promise refunds.\n"
        "Reply in the customer's language.\n"
    )
    assert FieldChange(("prompt",), "both", "changed") in result.changes


def test_a_prompt_text_conflict_carries_its_hunks_and_keeps_clean_edits() -> None:
    ours = edit(prompt="You are a support agent!\nAnswer politely.\nNever promise refunds, ever.\n")
    theirs = edit(prompt="You are a support agent.\nAnswer politely.\nNever promise discounts.\n")

    result = merge_config(BASE, ours, theirs)

    [conflict] = result.conflicts
    assert conflict.kind == "text"
    assert conflict.text is not None
    [hunk] = conflict.text.conflicts
    assert (hunk.base, hunk.ours, hunk.theirs) == (
        "Never promise refunds.\n", "Never promise refunds, ever.\n", "Never promise discounts.\n")
    assert result.merged["prompt"] == ours["prompt"]
    both = resolve(result, ("prompt",), "both")
    assert both.merged["prompt"] == (
        "You are a support agent!\nAnswer politely.\n"
        "Never promise refunds, ever.\nNever promise discounts.\n"
    )
    assert resolve(result, ("prompt",), "theirs").merged["prompt"] == (
        "You are a support agent!\nAnswer politely.\nNever promise discounts.\n")
    assert resolve(result, ("prompt",), ("value", "Be kind.\n")).merged["prompt"] == "Be kind.\n"


def test_a_message_inserted_on_one_side_does_not_disturb_later_messages() -> None:
    ours = edit(messages=[{"role": "system", "content": "Context first."}, *BASE["messages"]])
    theirs = copy.deepcopy(BASE)
    theirs["messages"][2]["content"] = "Thanks a lot."

    result = merge_config(BASE, ours, theirs)

    assert result.clean
    assert result.merged["messages"] == [
        {"role": "system", "content": "Context first."},
        *BASE["messages"][:2],
        {"role": "user", "content": "Thanks a lot."},
    ]
    assert result.changes == [
        FieldChange(("messages", 0), "ours", "added"),
        FieldChange(("messages", 3), "theirs", "changed"),
    ]


def test_edits_to_one_message_merge_by_line() -> None:
    ours, theirs = copy.deepcopy(BASE), copy.deepcopy(BASE)
    ours["messages"][1]["content"] = "So sorry to hear that.\nLet me check.\nOne moment."
    theirs["messages"][1]["content"] = "Sorry to hear that.\nLet me check.\nOne moment, please."

    result = merge_config(BASE, ours, theirs)

    assert result.clean
    expected = "So sorry to hear that.\nLet me check.\nOne moment, please."
    assert result.merged["messages"][1]["content"] == expected


def test_different_edits_of_one_message_line_conflict_at_its_content() -> None:
    ours, theirs = copy.deepcopy(BASE), copy.deepcopy(BASE)
    ours["messages"][2]["content"] = "Thank you."
    theirs["messages"][2]["content"] = "Cheers."

    result = merge_config(BASE, ours, theirs)

    assert [conflict.path for conflict in result.conflicts] == [("messages", 2, "content")]
    assert result.value_at(("messages", 2, "content")) == "Thank you."
    assert resolve(result, ("messages", 2, "content"), "theirs").merged["messages"][2]["content"] == "Cheers."


def test_messages_inserted_at_the_same_place_conflict_and_both_keeps_both() -> None:
    ours = edit(messages=[*BASE["messages"], {"role": "assistant", "content": "Found it."}])
    theirs = edit(messages=[*BASE["messages"], {"role": "assistant", "content": "It ships today."}])

    result = merge_config(BASE, ours, theirs)

    [conflict] = result.conflicts
    assert (conflict.path, conflict.kind, conflict.placeholder) == (("messages", 3), "insertion", "both")
    def added(merged: dict[str, Any]) -> list[str]:
        return [message["content"] for message in merged["messages"][3:]]

    assert added(result.merged) == ["Found it.", "It ships today."]
    assert added(resolve(result, ("messages", 3), "theirs").merged) == ["It ships today."]
    assert merge_config(BASE, ours, ours).clean


def test_a_message_deleted_on_one_side_and_edited_on_the_other_conflicts() -> None:
    ours = edit(messages=BASE["messages"][:2])
    theirs = copy.deepcopy(BASE)
    theirs["messages"][2]["content"] = "Thanks, bye."

    result = merge_config(BASE, ours, theirs)

    [conflict] = result.conflicts
    assert (conflict.path, conflict.kind, conflict.ours) == (("messages", 2), "presence", NOT_SET)
    assert len(result.merged["messages"]) == 3
    assert resolve(result, ("messages", 2), "ours").merged["messages"] == BASE["messages"][:2]


def test_a_message_deleted_on_one_side_only_is_deleted() -> None:
    result = merge_config(BASE, edit(messages=BASE["messages"][1:]), BASE)
    assert result.merged["messages"] == BASE["messages"][1:]


def test_two_hundred_messages_merge_item_by_item() -> None:
    roles = ["user", "assistant"]
    base = edit(messages=[{"role": roles[index % 2], "content": f"Turn {index}.\nMore."}
                          for index in range(200)])
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["messages"].insert(0, {"role": "system", "content": "Be terse."})
    for index in range(0, 200, 10):
        ours["messages"][index + 1]["content"] = f"Turn {index} (ours).\nMore."
        theirs["messages"][index + 5]["content"] = f"Turn {index + 5}.\nMore (theirs)."
    del theirs["messages"][199]

    result = merge_config(base, ours, theirs)

    assert result.clean, result.conflicts
    assert len(result.merged["messages"]) == 200
    assert result.merged["messages"][1]["content"] == "Turn 0 (ours).\nMore."
    assert result.merged["messages"][6]["content"] == "Turn 5.\nMore (theirs)."


def test_inputs_merge_by_identifier() -> None:
    ours = edit(inputs=[*BASE["inputs"], {"identifier": "customer", "type": "str"}])
    theirs = edit(inputs=[{"identifier": "locale", "type": "str"}, *BASE["inputs"]])

    result = merge_config(BASE, ours, theirs)

    assert result.clean
    assert [item["identifier"] for item in result.merged["inputs"]] == ["locale", "order_id", "customer"]


def test_one_input_retyped_differently_conflicts_at_its_type() -> None:
    ours = edit(inputs=[{"identifier": "order_id", "type": "float"}])
    theirs = edit(inputs=[{"identifier": "order_id", "type": "dict"}])

    [conflict] = merge_config(BASE, ours, theirs).conflicts

    assert conflict.path == ("inputs", "order_id", "type")
    assert (conflict.ours, conflict.theirs) == ("float", "dict")


def test_an_input_removed_on_one_side_and_retyped_on_the_other_conflicts() -> None:
    ours = edit(inputs=[])
    theirs = edit(inputs=[{"identifier": "order_id", "type": "float"}])

    [conflict] = merge_config(BASE, ours, theirs).conflicts

    assert (conflict.path, conflict.kind) == (("inputs", "order_id"), "presence")


def test_output_schemas_merge_key_by_key() -> None:
    schema = {"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]}
    base = edit(outputs=[{"identifier": "result", "type": "json_schema", "json_schema": schema}])
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["outputs"][0]["json_schema"]["properties"]["confidence"] = {"type": "number"}
    theirs["outputs"][0]["json_schema"]["properties"]["sources"] = {
        "type": "array", "items": {"type": "string"}}
    theirs["outputs"][0]["json_schema"]["properties"]["answer"]["description"] = "The reply"

    result = merge_config(base, ours, theirs)

    assert result.clean
    assert result.merged["outputs"][0]["json_schema"]["properties"] == {
        "answer": {"type": "string", "description": "The reply"},
        "confidence": {"type": "number"},
        "sources": {"type": "array", "items": {"type": "string"}},
    }
    assert_valid(result)


def test_outputs_removed_differently_on_each_side_do_not_leave_none() -> None:
    base = edit(outputs=[{"identifier": "a", "type": "str"}, {"identifier": "b", "type": "str"}])
    ours = edit(outputs=[{"identifier": "a", "type": "str"}])
    theirs = edit(outputs=[{"identifier": "b", "type": "str"}])

    result = merge_config(base, ours, theirs)

    [conflict] = result.conflicts
    assert conflict.path == ("outputs",)
    assert_valid(resolve(result, ("outputs",), "both"))


def test_parameters_and_response_format_merge_recursively() -> None:
    base = edit(
        parameters={"retries": 1, "tools": {"search": True, "browse": False}},
        response_format={"type": "json_schema", "json_schema": {"name": "out", "schema": {"type": "object"}}},
    )
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["parameters"]["tools"]["search"] = False
    theirs["parameters"]["tools"]["browse"] = True
    theirs["parameters"]["region"] = "eu"
    ours["response_format"]["json_schema"]["name"] = "answer"
    theirs["response_format"]["json_schema"]["schema"]["additionalProperties"] = False

    result = merge_config(base, ours, theirs)

    assert result.clean
    assert result.merged["parameters"] == {
        "retries": 1, "tools": {"search": False, "browse": True}, "region": "eu"}
    assert result.merged["response_format"]["json_schema"] == {
        "name": "answer", "schema": {"type": "object", "additionalProperties": False}}
    assert_valid(result)


def test_demonstrations_merge_columns_by_name_and_rows_by_position() -> None:
    base = edit(demonstrations={"inline": {
        "records": {"question": ["a", "b"], "answer": ["A", "B"]},
        "columnTypes": [{"name": "question", "type": "string"}, {"name": "answer", "type": "string"}],
    }})
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours_inline, theirs_inline = ours["demonstrations"]["inline"], theirs["demonstrations"]["inline"]
    ours_inline["records"]["question"][0] = "a?"
    theirs_inline["records"]["question"][1] = "b?"
    theirs_inline["records"]["score"] = [1, 2]
    theirs_inline["columnTypes"].append({"name": "score", "type": "number"})
    ours_inline["columnTypes"][1]["type"] = "json"

    result = merge_config(base, ours, theirs)

    assert result.clean
    merged_inline = result.merged["demonstrations"]["inline"]
    assert merged_inline["records"] == {"question": ["a?", "b?"], "answer": ["A", "B"], "score": [1, 2]}
    assert merged_inline["columnTypes"] == [
        {"name": "question", "type": "string"}, {"name": "answer", "type": "json"},
        {"name": "score", "type": "number"}]
    assert_valid(result)


def test_unknown_keys_merge_too() -> None:
    result = merge_config(edit(x_extra={"a": 1}), edit(x_extra={"a": 2}), edit(x_extra={"a": 1, "b": 3}))
    assert result.merged["x_extra"] == {"a": 2, "b": 3}


def test_resolving_returns_a_new_result_and_can_be_changed() -> None:
    result = merge_config(BASE, edit(temperature=0.9, model="a/b"), edit(temperature=0.1, model="c/d"))
    assert len(result.conflicts) == 2

    first = resolve(result, ("temperature",), "theirs")
    changed_mind = resolve(first, ("temperature",), ("value", 0.3))
    done = resolve(changed_mind, ("model",), "ours")

    assert len(result.conflicts) == 2 and result.merged["temperature"] == 0.9
    assert first.merged["temperature"] == 0.1 and len(first.conflicts) == 1
    assert changed_mind.merged["temperature"] == 0.3
    assert done.clean
    assert [(resolution.conflict.path, resolution.choice) for resolution in done.resolutions] == [
        (("model",), "ours"), (("temperature",), ("value", 0.3))]
    assert_valid(done)


def test_resolution_rejects_unknown_paths_and_choices() -> None:
    result = merge_config(BASE, edit(temperature=0.9), edit(temperature=0.1))
    with pytest.raises(KeyError):
        resolve(result, ("model",), "ours")
    with pytest.raises(ValueError, match="does not settle"):
        resolve(result, ("temperature",), "both")
    with pytest.raises(ValueError, match="does not settle"):
        resolve(result, ("temperature",), "mine")  # type: ignore[arg-type]


def test_merging_does_not_touch_its_inputs() -> None:
    base, ours, theirs = copy.deepcopy(BASE), edit(temperature=0.9), edit(temperature=0.1)
    snapshot = copy.deepcopy((base, ours, theirs))
    result = merge_config(base, ours, theirs)
    result.merged["messages"][0]["content"] = "changed by the caller"
    assert (base, ours, theirs) == snapshot


@given(config_triples())
def test_one_sided_edits_are_taken_whole(triple: tuple[dict, dict, dict]) -> None:
    base, changed, _ = triple
    for ours, theirs in ((base, changed), (changed, base), (changed, changed)):
        result = merge_config(base, ours, theirs)
        assert result.clean
        assert result.merged == changed


@settings(max_examples=150)
@given(config_triples())
def test_every_conflict_keeps_both_sides_and_resolutions_validate(triple: tuple[dict, dict, dict]) -> None:
    base, ours, theirs = triple

    result = merge_config(base, ours, theirs)

    assert merge_config(base, ours, theirs) == result, "deterministic"
    for side in ("ours", "theirs"):
        settled = result
        for conflict in result.conflicts:
            settled = resolve(settled, conflict.path, side)
            chosen = getattr(conflict, side)
            if conflict.kind == "text":
                assert conflict.text is not None
                for hunk in conflict.text.conflicts:
                    assert getattr(hunk, side) in settled.value_at(conflict.path)
            elif conflict.kind != "insertion":
                assert settled.value_at(conflict.path) == chosen
        assert settled.clean
        ConfigData.model_validate(without(settled.merged, "parameters"))
    if result.clean:
        ConfigData.model_validate(without(result.merged, "parameters"))


@settings(max_examples=50)
@given(base_configs().flatmap(lambda base: edited_configs(base).map(lambda ours: (base, ours))))
def test_a_change_list_names_every_automatic_edit(pair: tuple[dict, dict]) -> None:
    base, ours = pair
    result = merge_config(base, ours, base)
    assert bool(result.changes) == (ours != base)
    assert all(change.source == "ours" for change in result.changes)
