"""Prompts and versions in the library: the response shape, lookups, writes, soft delete, persistence."""

from __future__ import annotations

import re
import sqlite3

import pytest

from prompt_studio.models import CreatePromptBody, UpdatePromptBody
from prompt_studio.models.errors import ConflictError, NotFoundError, ValidationFailedError
from prompt_studio.store import PromptLibrary
from tests.store.conftest import config_data, create_body, sync_request

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def update(library: PromptLibrary, reference: str, **fields):
    return library.update_prompt(
        reference, UpdatePromptBody.model_validate({"commitMessage": "Change", **fields})
    )


def test_created_prompt_has_the_langwatch_response_shape(library):
    created = library.create_prompt(create_body("support/triage", parameters={"reasoning": {"effort": "low"}}))

    assert re.fullmatch(r"prompt_[A-Za-z0-9]{21}", created.id)
    assert re.fullmatch(r"prompt_version_[A-Za-z0-9]{21}", created.version_id)
    assert (created.handle, created.name, created.scope, created.version) == (
        "support/triage", "support/triage", "PROJECT", 1,
    )
    assert (created.project_id, created.organization_id) == ("project_local", "organization_local")
    assert TIMESTAMP.match(created.created_at) and TIMESTAMP.match(created.updated_at)
    assert created.commit_message == "First version"
    assert [message.to_wire() for message in created.messages] == [
        {"role": "system", "content": "You answer questions about {{topic}}."},
        {"role": "user", "content": "{{question}}"},
    ]
    assert (created.temperature, created.max_tokens) == (0.7, 256)
    assert [(tag.name, tag.version_id) for tag in created.tags] == [("latest", created.version_id)]
    assert created.parameters == {"reasoning": {"effort": "low"}}
    assert created.response_format is None


def test_create_fills_langwatch_defaults_and_keeps_extra_config_fields(library):
    created = library.create_prompt(
        CreatePromptBody.model_validate(
            {
                "handle": "minimal",
                "topP": 0.9,
                "promptingTechnique": {"type": "chain_of_thought"},
                "demonstrations": {"inline": {"records": {"q": ["hi"]}, "columnTypes": []}},
            }
        )
    )

    assert (created.prompt, created.model) == ("", "openai/gpt-5")
    assert [item.to_wire() for item in created.inputs] == [{"identifier": "input", "type": "str"}]
    assert [item.to_wire() for item in created.outputs] == [{"identifier": "output", "type": "str"}]
    assert created.commit_message == "Initial version"
    assert created.parameters == {}
    assert created.prompting_technique.type == "chain_of_thought"
    assert created.demonstrations.inline.records == {"q": ["hi"]}
    stored = library.sync_prompt("minimal", sync_request(config_data(), localVersion=5))
    assert stored.conflict_info.remote_config_data.top_p == 0.9


def test_response_format_comes_from_the_first_json_schema_output(library):
    outputs = [
        {"identifier": "label", "type": "str"},
        {"identifier": "verdict", "type": "json_schema", "json_schema": {"type": "object"}},
        {"identifier": "other", "type": "json_schema", "json_schema": {"type": "array"}},
    ]
    created = library.create_prompt(create_body("judge", outputs=outputs))

    assert created.response_format.to_wire() == {
        "type": "json_schema",
        "json_schema": {"name": "verdict", "schema": {"type": "object"}},
    }


def test_a_system_message_becomes_the_prompt_and_clashes_with_an_explicit_one(library):
    hoisted = library.create_prompt(
        create_body("hoisted", prompt=None, messages=[
            {"role": "system", "content": "Be brief."}, {"role": "user", "content": "{{input}}"},
        ])
    )
    assert hoisted.prompt == "Be brief."
    assert [message.role for message in hoisted.messages] == ["system", "user"]

    with pytest.raises(ConflictError) as clash:
        library.create_prompt(
            create_body("clash", messages=[{"role": "system", "content": "Other."}])
        )
    assert (clash.value.error, clash.value.status) == ("system_prompt_conflict", 409)
    with pytest.raises(ConflictError):
        update(library, "hoisted", prompt="New.", messages=[{"role": "system", "content": "Old."}])


def test_invalid_or_taken_handles_are_refused(library):
    library.create_prompt(create_body("pizza"))

    with pytest.raises(ConflictError) as taken:
        library.create_prompt(create_body("pizza"))
    assert taken.value.status == 409
    for bad in ("Pizza", "a/b/c", "with space", ""):
        with pytest.raises(ValidationFailedError) as invalid:
            library.create_prompt(create_body(bad))
        assert (invalid.value.error, invalid.value.status) == ("validation_error", 422)


def test_invalid_config_in_a_body_is_a_validation_error_naming_the_field(library):
    with pytest.raises(ValidationFailedError) as invalid:
        library.create_prompt(create_body("hot", temperature=5))
    assert "temperature" in invalid.value.message


def test_get_by_id_handle_version_tag_and_shorthand(library):
    first = library.create_prompt(create_body("pizza"))
    second = update(library, "pizza", prompt="Second about {{topic}}.")
    library.assign_tag("pizza", "production", first.version_id)

    assert library.get_prompt(first.id).version == 2
    assert library.get_prompt("pizza").version_id == second.version_id
    assert library.get_prompt("pizza", version=1).version_id == first.version_id
    assert library.get_prompt("pizza", tag="production").version == 1
    assert library.get_prompt("pizza", tag="latest").version == 2
    assert library.get_prompt("pizza:1").version == 1
    assert library.get_prompt("pizza:latest").version == 2
    assert library.get_prompt("pizza:production").version == 1
    assert library.get_prompt(f"{first.id}:1").version == 1


def test_shorthand_keeps_folder_handles_and_splits_on_the_last_colon(library):
    library.create_prompt(create_body("team/pizza"))
    update(library, "team/pizza", prompt="Two {{topic}}.")

    assert library.get_prompt("team/pizza:1").prompt == "You answer questions about {{topic}}."
    assert library.get_prompt("team/pizza").version == 2


def test_lookup_failures_carry_the_contract_error_strings(library):
    library.create_prompt(create_body("pizza"))

    with pytest.raises(NotFoundError) as unknown:
        library.get_prompt("no-such-prompt")
    assert (unknown.value.error, unknown.value.status) == ("Prompt not found", 404)
    for reference, kwargs in (("pizza", {"version": 9}), ("pizza:9", {}), ("pizza", {"version": 0}),
                              ("pizza", {"tag": "production"}), ("pizza:staging", {}), ("pizza:nope", {})):
        with pytest.raises(NotFoundError) as missing:
            library.get_prompt(reference, **kwargs)
        assert missing.value.error == "prompt_not_found", reference
    with pytest.raises(NotFoundError) as unknown_with_version:
        library.get_prompt("nothing:2")
    assert unknown_with_version.value.error == "Prompt not found"


@pytest.mark.parametrize(
    ("reference", "kwargs"),
    [("pizza:1", {"version": 1}), ("pizza:production", {"tag": "production"}), ("pizza:latest", {"version": 1}),
     ("pizza", {"version": 1, "tag": "production"}), (":1", {}), ("pizza:", {})],
)
def test_ambiguous_or_empty_references_are_validation_errors(library, reference, kwargs):
    library.create_prompt(create_body("pizza"))

    with pytest.raises(ValidationFailedError) as refused:
        library.get_prompt(reference, **kwargs)
    assert refused.value.status == 422


def test_update_writes_the_next_version_and_keeps_what_the_body_leaves_out(library):
    created = library.create_prompt(create_body("pizza", parameters={"stream": True}))
    updated = update(library, "pizza", temperature=0.2, authorId="user_1")

    assert (updated.version, updated.commit_message, updated.author_id) == (2, "Change", "user_1")
    assert (updated.temperature, updated.max_tokens, updated.prompt) == (0.2, 256, created.prompt)
    assert updated.parameters == {"stream": True}
    assert update(library, "pizza", parameters={}).parameters == {}
    assert [tag.name for tag in library.get_prompt("pizza", version=1).tags] == []
    assert [tag.name for tag in updated.tags] == ["latest"]
    assert library.get_prompt("pizza", version=1).temperature == 0.7


def test_update_can_rename_the_handle_and_refuses_a_taken_one(library):
    library.create_prompt(create_body("pizza"))
    library.create_prompt(create_body("pasta"))

    renamed = update(library, "pizza", handle="food/pizza", scope="ORGANIZATION")
    assert (renamed.handle, renamed.name, renamed.scope) == ("food/pizza", "food/pizza", "ORGANIZATION")
    with pytest.raises(NotFoundError):
        library.get_prompt("pizza")
    with pytest.raises(ConflictError):
        update(library, "food/pizza", handle="pasta")
    assert library.get_prompt("food/pizza").version == 2


def test_write_bodies_can_point_tags_at_the_new_version(library):
    created = library.create_prompt(create_body("pizza", tags=["staging"]))
    assert [tag.name for tag in created.tags] == ["latest", "staging"]
    updated = update(library, "pizza", prompt="New {{topic}}.", tags=["production", "staging"])
    assert [tag.name for tag in updated.tags] == ["latest", "production", "staging"]
    assert [tag.name for tag in library.get_prompt("pizza:1").tags] == []

    with pytest.raises(ValidationFailedError):
        update(library, "pizza", tags=["no-such-tag"])
    with pytest.raises(ValidationFailedError):
        library.create_prompt(create_body("other", tags=["latest"]))
    assert library.get_prompt("pizza").version == 2
    with pytest.raises(NotFoundError):
        library.get_prompt("other")


def test_update_of_an_unknown_prompt_is_not_found(library):
    with pytest.raises(NotFoundError) as missing:
        update(library, "ghost", prompt="x")
    assert missing.value.error == "Prompt not found"


def test_list_prompts_gives_latest_versions_newest_change_first(library):
    library.create_prompt(create_body("first"))
    library.create_prompt(create_body("second"))
    library.create_prompt(create_body("third"))
    update(library, "first", prompt="Changed {{topic}}.")
    library.delete_prompt("second")

    listed = library.list_prompts()
    assert [(prompt.handle, prompt.version) for prompt in listed] == [("first", 2), ("third", 1)]
    assert all(prompt.tag_names[0] == "latest" for prompt in listed)


def test_list_versions_newest_first_with_their_tags(library):
    first = library.create_prompt(create_body("pizza"))
    update(library, "pizza", prompt="Two {{topic}}.")
    update(library, "pizza", prompt="Three {{topic}}.")
    library.assign_tag("pizza", "production", first.version_id)

    versions = library.list_versions("pizza")
    assert [version.version for version in versions] == [3, 2, 1]
    assert [version.tag_names for version in versions] == [["latest"], [], ["production"]]
    assert {version.id for version in versions} == {first.id}
    with pytest.raises(NotFoundError):
        library.list_versions("ghost")


def test_restore_copies_an_old_version_into_a_new_one(library):
    first = library.create_prompt(create_body("pizza", parameters={"a": 1}))
    update(library, "pizza", prompt="Two {{topic}}.", temperature=1.5, parameters={"a": 2})

    restored = library.restore_version("pizza", first.version_id, author_id="user_9")
    assert (restored.version, restored.commit_message, restored.author_id) == (3, "Restore from version 1", "user_9")
    assert (restored.prompt, restored.temperature, restored.parameters) == (first.prompt, 0.7, {"a": 1})
    assert [version.version for version in library.list_versions("pizza")] == [3, 2, 1]
    with pytest.raises(NotFoundError) as unknown:
        library.restore_version("pizza", "prompt_version_nope")
    assert unknown.value.error == "prompt_not_found"


def test_soft_delete_hides_the_prompt_and_frees_its_handle(library):
    old = library.create_prompt(create_body("pizza"))
    library.delete_prompt("pizza")

    with pytest.raises(NotFoundError):
        library.get_prompt("pizza")
    with pytest.raises(NotFoundError):
        library.get_prompt(old.id)
    with pytest.raises(NotFoundError):
        library.delete_prompt("pizza")
    reborn = library.create_prompt(create_body("pizza", prompt="Fresh {{topic}}."))
    assert (reborn.version, reborn.prompt) == (1, "Fresh {{topic}}.")
    assert reborn.id != old.id
    rows = sqlite3.connect(library.path).execute("SELECT COUNT(*) FROM prompt_versions").fetchone()
    assert rows == (2,)


def test_unknown_config_keys_and_parameters_survive_every_write(library):
    parameters = {"reasoning": {"effort": "low"}, "note": None, "list": [1, 2.5, "x"]}
    created = library.sync_prompt(
        "lossless",
        sync_request(config_data(future_field={"nested": [1, None]}, top_k=40, seed=7), parameters=parameters),
    ).prompt
    restored = library.restore_version("lossless", created.version_id)
    renamed = update(library, "lossless", handle="lossless2")

    for version in (1, 2, 3):
        conflict = library.sync_prompt("lossless2", sync_request(config_data(), localVersion=99))
        remote = conflict.conflict_info.remote_config_data
        assert conflict.conflict_info.remote_version == 3
        assert remote.model_extra == {"future_field": {"nested": [1, None]}}
        assert (remote.top_k, remote.seed) == (40, 7)
        assert library.get_prompt("lossless2", version=version).parameters == parameters
    assert restored.parameters == renamed.parameters == parameters


def test_history_rows_cannot_be_rewritten_or_skipped(library):
    library.create_prompt(create_body("pizza"))
    raw = sqlite3.connect(library.path)

    with pytest.raises(sqlite3.IntegrityError, match="history is never rewritten"):
        raw.execute("UPDATE prompt_versions SET commit_message = 'forged'")
    with pytest.raises(sqlite3.IntegrityError, match="history is never rewritten"):
        raw.execute("DELETE FROM prompt_versions")
    with pytest.raises(sqlite3.IntegrityError, match="follow the latest"):
        raw.execute(
            "INSERT INTO prompt_versions (id, prompt_id, version, config_data, parameters, created_at) "
            "SELECT 'x', prompt_id, 3, config_data, parameters, created_at FROM prompt_versions"
        )
    raw.close()


def test_everything_persists_across_close_and_reopen(tmp_path):
    path = tmp_path / "library.sqlite3"
    first = PromptLibrary(path, seed_examples=False)
    created = first.create_prompt(create_body("pizza"))
    first.create_tag("canary")
    first.assign_tag("pizza", "canary", created.version_id)
    update(first, "pizza", prompt="Two {{topic}}.")
    first.close()
    with pytest.raises(RuntimeError):
        first.list_prompts()

    reopened = PromptLibrary(path, seed_examples=True)
    assert [prompt.handle for prompt in reopened.list_prompts()] == ["pizza"]
    assert reopened.get_prompt("pizza:canary").version_id == created.version_id
    assert reopened.get_prompt("pizza").version == 2
    assert [tag.name for tag in reopened.list_tags()] == ["production", "staging", "canary"]
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone() == (1,)
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone() == ("wal",)
    reopened.close()


def test_examples_are_seeded_only_when_the_file_is_created(tmp_path):
    path = tmp_path / "library.sqlite3"
    seeded = PromptLibrary(path)
    handles = {prompt.handle for prompt in seeded.list_prompts()}
    assert len(handles) >= 3
    triage = seeded.list_versions("support/triage")
    assert len(triage) >= 2
    assert any("production" in version.tag_names for version in triage)
    assert any(prompt.response_format is not None for prompt in seeded.list_prompts())
    for handle in handles:
        seeded.delete_prompt(handle)
    seeded.close()

    reopened = PromptLibrary(path)
    assert reopened.list_prompts() == []
    reopened.close()
    assert PromptLibrary(tmp_path / "empty.sqlite3", seed_examples=False).list_prompts() == []


def test_a_file_from_a_newer_app_is_refused(tmp_path):
    path = tmp_path / "library.sqlite3"
    PromptLibrary(path, seed_examples=False).close()
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 99")
    raw.close()

    with pytest.raises(RuntimeError, match="newer Prompt Studio"):
        PromptLibrary(path)
