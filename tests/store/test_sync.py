"""`sync_prompt`: the four actions, the exact `differences` lines, carry-over, and template inputs."""

from __future__ import annotations

import pytest

from prompt_studio.models import UpdatePromptBody
from prompt_studio.models.errors import ConflictError, ValidationFailedError
from prompt_studio.store.comparison import js_number, js_value
from tests.store.conftest import config_data, create_body, sync_request


def version_count(library, handle: str) -> int:
    return len(library.list_versions(handle))


def test_sync_of_an_unknown_handle_creates_it(library):
    result = library.sync_prompt(
        "team/fresh", sync_request(config_data(), parameters={"stream": True}, commitMessage="Hello")
    )

    assert (result.action, result.conflict_info) == ("created", None)
    prompt = result.prompt
    assert (prompt.handle, prompt.version, prompt.commit_message) == ("team/fresh", 1, "Hello")
    assert prompt.parameters == {"stream": True}
    assert library.sync_prompt("other", sync_request(config_data())).prompt.commit_message == (
        "Synced from local file"
    )
    assert library.get_prompt("team/fresh").version_id == prompt.version_id


def test_sync_refuses_to_create_an_invalid_handle(library):
    with pytest.raises(ValidationFailedError):
        library.sync_prompt("Not A Handle", sync_request(config_data()))
    assert library.list_prompts() == []


def test_template_variables_become_str_inputs_with_input_first(library):
    result = library.sync_prompt(
        "vars",
        sync_request(
            config_data(
                prompt="About {{ topic }} for {{user.name | upcase}}.",
                messages=[{"role": "user", "content": "{{input}} {{zeta}} {{Alpha}}"}],
                inputs=[{"identifier": "topic", "type": "list[str]"}],
            )
        ),
    )

    assert [(item.identifier, item.type) for item in result.prompt.inputs] == [
        ("input", "str"), ("Alpha", "str"), ("topic", "list[str]"), ("user", "str"), ("zeta", "str"),
    ]


def test_same_version_and_same_content_is_up_to_date(library):
    created = library.create_prompt(create_body("pizza", parameters={"a": {"b": 1, "c": 2}}))
    reordered = dict(reversed(list(config_data().items())))
    reordered["response_format"] = {"type": "json_schema", "json_schema": None}

    result = library.sync_prompt(
        "pizza", sync_request(reordered, localVersion=1, parameters={"a": {"c": 2, "b": 1}})
    )
    assert (result.action, result.prompt.version_id) == ("up_to_date", created.version_id)
    assert version_count(library, "pizza") == 1


def test_omitting_a_stored_field_is_a_change_but_the_field_is_carried_over(library):
    """As on LangWatch: equality is judged on what was sent; the new version keeps what was left out."""
    library.create_prompt(create_body("pizza", parameters={"stream": True}))
    library.sync_prompt("pizza", sync_request(config_data(top_k=40), localVersion=1, parameters={"stream": True}))

    same = library.sync_prompt("pizza", sync_request(config_data(top_k=40), localVersion=2))
    assert same.action == "up_to_date"
    omitted = library.sync_prompt("pizza", sync_request(config_data(temperature=None), localVersion=2))
    assert (omitted.action, omitted.prompt.version) == ("updated", 3)
    assert omitted.prompt.commit_message == "Updated from local file (temperature: undefined → 0.7)"
    assert omitted.prompt.temperature == 0.7
    assert omitted.prompt.parameters == {"stream": True}
    conflict = library.sync_prompt("pizza", sync_request(config_data(), localVersion=99))
    assert conflict.conflict_info.remote_config_data.top_k == 40


def test_same_version_with_changes_writes_the_next_version(library):
    library.create_prompt(create_body("pizza"))

    result = library.sync_prompt(
        "pizza", sync_request(config_data(prompt="Warmer about {{topic}}.", temperature=0.2), localVersion=1)
    )
    assert (result.action, result.prompt.version) == ("updated", 2)
    assert result.prompt.commit_message == (
        "Updated from local file (prompt content differs; temperature: 0.2 → 0.7)"
    )
    assert (result.prompt.prompt, result.prompt.temperature) == ("Warmer about {{topic}}.", 0.2)
    assert [tag.name for tag in result.prompt.tags] == ["latest"]


def test_updated_commit_messages_without_lines_or_given_by_the_caller(library):
    library.create_prompt(create_body("pizza"))

    only_parameters = library.sync_prompt("pizza", sync_request(config_data(), localVersion=1, parameters={"x": 1}))
    assert (only_parameters.action, only_parameters.prompt.commit_message) == ("updated", "Updated from local file")
    assert only_parameters.prompt.parameters == {"x": 1}
    named = library.sync_prompt(
        "pizza", sync_request(config_data(model="openai/gpt-5-mini"), localVersion=2, commitMessage="Cheaper")
    )
    assert (named.prompt.version, named.prompt.commit_message) == (3, "Cheaper")


def test_behind_but_unchanged_since_the_base_is_up_to_date_with_the_latest(library):
    library.create_prompt(create_body("pizza"))
    latest = library.update_prompt("pizza", UpdatePromptBody(commit_message="Two", prompt="Two {{topic}}."))

    result = library.sync_prompt("pizza", sync_request(config_data(), localVersion=1))
    assert (result.action, result.prompt.version_id) == ("up_to_date", latest.version_id)
    assert version_count(library, "pizza") == 2


def test_behind_with_changes_is_a_conflict_that_writes_nothing(library):
    library.create_prompt(create_body("pizza", parameters={"p": 1}))
    library.update_prompt("pizza", UpdatePromptBody(commit_message="Two", prompt="Two {{topic}}.", temperature=1))

    result = library.sync_prompt("pizza", sync_request(config_data(prompt="Mine {{topic}}."), localVersion=1))
    assert (result.action, result.prompt) == ("conflict", None)
    info = result.conflict_info
    assert (info.local_version, info.remote_version) == (1, 2)
    assert info.differences == ["prompt content differs", "temperature: 0.7 → 1"]
    assert info.remote_config_data.prompt == "Two {{topic}}."
    assert info.remote_config_data.temperature == 1
    assert info.remote_parameters == {"p": 1}
    assert version_count(library, "pizza") == 2


@pytest.mark.parametrize("local_version", [None, 0, 5, -1])
def test_missing_zero_or_future_local_version_is_a_conflict(library, local_version):
    library.create_prompt(create_body("pizza"))

    result = library.sync_prompt("pizza", sync_request(config_data(), localVersion=local_version))
    assert result.action == "conflict"
    assert result.conflict_info.local_version == (local_version or 0)
    assert result.conflict_info.differences == []
    assert version_count(library, "pizza") == 1


def test_remote_config_data_orders_inputs_and_keeps_system_message_out(library):
    library.create_prompt(create_body("pizza", inputs=[
        {"identifier": "zeta", "type": "str"}, {"identifier": "input", "type": "str"},
        {"identifier": "beta", "type": "float"},
    ]))

    remote = library.sync_prompt("pizza", sync_request(config_data())).conflict_info.remote_config_data
    assert [item.identifier for item in remote.inputs] == ["input", "beta", "zeta"]
    assert [message.role for message in remote.messages] == ["user"]
    assert (remote.temperature, remote.max_tokens) == (0.7, 256)


@pytest.mark.parametrize(
    ("local_changes", "expected"),
    [
        ({"model": "openai/gpt-4o"}, ["model: openai/gpt-4o → openai/gpt-5"]),
        ({"prompt": "Other {{topic}}."}, ["prompt content differs"]),
        ({"messages": [{"role": "user", "content": "{{question}}?"}]}, ["messages differ"]),
        ({"inputs": [{"identifier": "question", "type": "dict"}, {"identifier": "topic", "type": "str"}]},
         ["inputs differ"]),
        ({"outputs": [{"identifier": "reply", "type": "str"}]}, ["outputs differ"]),
        ({"temperature": 0.25}, ["temperature: 0.25 → 0.7"]),
        ({"temperature": 1.0}, ["temperature: 1 → 0.7"]),
        ({"max_tokens": 1000}, ["max_tokens: 1000 → 256"]),
        ({"top_p": 0.5}, []),
        ({"model": "m", "prompt": "p", "max_tokens": 9},
         ["model: m → openai/gpt-5", "prompt content differs", "max_tokens: 9 → 256"]),
    ],
)
def test_every_differences_line(library, local_changes, expected):
    library.create_prompt(create_body("pizza"))

    result = library.sync_prompt("pizza", sync_request(config_data(**local_changes), localVersion=7))
    assert result.conflict_info.differences == expected


def test_a_value_missing_on_the_remote_side_reads_undefined(library):
    library.create_prompt(create_body("pizza", temperature=None, maxTokens=None))

    result = library.sync_prompt("pizza", sync_request(config_data(), localVersion=3))
    assert result.conflict_info.differences == ["temperature: 0.7 → undefined", "max_tokens: 256 → undefined"]


def test_sync_hoists_a_system_message_and_refuses_it_next_to_a_prompt(library):
    hoisted = library.sync_prompt(
        "hoisted",
        sync_request(config_data(prompt="", messages=[
            {"role": "system", "content": "Be brief about {{topic}}."}, {"role": "user", "content": "{{question}}"},
        ])),
    )
    assert hoisted.prompt.prompt == "Be brief about {{topic}}."
    assert [message.role for message in hoisted.prompt.messages] == ["system", "user"]
    same = library.sync_prompt("hoisted", sync_request(
        config_data(prompt="Be brief about {{topic}}."), localVersion=1,
    ))
    assert same.action == "up_to_date"

    with pytest.raises(ConflictError) as clash:
        library.sync_prompt("hoisted", sync_request(
            config_data(messages=[{"role": "system", "content": "Other."}]), localVersion=1,
        ))
    assert clash.value.error == "system_prompt_conflict"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.7, "0.7"), (1.0, "1"), (0.0, "0"), (2, "2"), (256, "256"), (-0.5, "-0.5"),
     (0.1 + 0.2, "0.30000000000000004"), (1e-7, "1e-7"), (0.000001, "0.000001"), (1.5e-8, "1.5e-8"),
     (1e21, "1e+21"), (123456789012345680000.0, "123456789012345680000")],
)
def test_numbers_render_as_javascript_would(value, expected):
    assert js_number(value) == expected


def test_missing_values_render_as_undefined():
    assert (js_value(None), js_value("gpt"), js_value(0.5)) == ("undefined", "gpt", "0.5")
