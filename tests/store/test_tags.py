"""Organisation tags: built-ins, custom names, rename, delete with its assignments, and the virtual `latest`."""

from __future__ import annotations

import re

import pytest

from prompt_studio.models import UpdatePromptBody
from prompt_studio.models.errors import ConflictError, NotFoundError, ValidationFailedError
from tests.store.conftest import create_body


def test_a_new_library_has_production_and_staging(library):
    tags = library.list_tags()
    assert [tag.name for tag in tags] == ["production", "staging"]
    assert all(re.fullmatch(r"ptag_[A-Za-z0-9]{21}", tag.id) for tag in tags)


def test_custom_tags_follow_the_naming_rules(library):
    created = library.create_tag("canary-2")
    assert [tag.name for tag in library.list_tags()] == ["production", "staging", "canary-2"]
    assert library.list_tags()[-1] == created

    for bad in ("latest", "Canary", "2024", "9lives", "with space", ""):
        with pytest.raises(ValidationFailedError) as refused:
            library.create_tag(bad)
        assert refused.value.status == 422
    with pytest.raises(ConflictError):
        library.create_tag("canary-2")


def test_assign_moves_a_tag_between_versions(library):
    first = library.create_prompt(create_body("pizza"))
    second = library.update_prompt("pizza", UpdatePromptBody(commit_message="Two", prompt="Two {{topic}}."))

    assignment = library.assign_tag("pizza", "production", first.version_id)
    assert (assignment.config_id, assignment.version_id, assignment.tag) == (first.id, first.version_id, "production")
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", assignment.updated_at)
    assert library.get_prompt("pizza:production").version == 1

    library.assign_tag(first.id, "production", second.version_id)
    assert library.get_prompt("pizza:production").version == 2
    assert [tag.name for tag in library.get_prompt("pizza").tags] == ["latest", "production"]
    assert [tag.name for tag in library.get_prompt("pizza:1").tags] == []


def test_tags_are_per_prompt_assignments_of_shared_names(library):
    pizza = library.create_prompt(create_body("pizza"))
    pasta = library.create_prompt(create_body("pasta"))
    library.assign_tag("pizza", "staging", pizza.version_id)

    assert library.get_prompt("pizza:staging").id == pizza.id
    with pytest.raises(NotFoundError):
        library.get_prompt("pasta:staging")
    library.assign_tag("pasta", "staging", pasta.version_id)
    assert library.get_prompt("pizza:staging").version_id == pizza.version_id


def test_assign_refuses_latest_unknown_tags_prompts_and_foreign_versions(library):
    pizza = library.create_prompt(create_body("pizza"))
    pasta = library.create_prompt(create_body("pasta"))

    with pytest.raises(ValidationFailedError):
        library.assign_tag("pizza", "latest", pizza.version_id)
    with pytest.raises(NotFoundError) as unknown_tag:
        library.assign_tag("pizza", "nope", pizza.version_id)
    assert unknown_tag.value.status == 404
    with pytest.raises(NotFoundError) as unknown_prompt:
        library.assign_tag("ghost", "production", pizza.version_id)
    assert unknown_prompt.value.error == "Prompt not found"
    with pytest.raises(NotFoundError) as foreign:
        library.assign_tag("pizza", "production", pasta.version_id)
    assert foreign.value.error == "prompt_not_found"


def test_rename_keeps_the_assignments(library):
    pizza = library.create_prompt(create_body("pizza"))
    canary = library.create_tag("canary")
    library.assign_tag("pizza", "canary", pizza.version_id)

    renamed = library.rename_tag("canary", "beta")
    assert (renamed.id, renamed.name, renamed.created_at) == (canary.id, "beta", canary.created_at)
    assert library.get_prompt("pizza:beta").version_id == pizza.version_id
    with pytest.raises(NotFoundError):
        library.get_prompt("pizza:canary")
    assert "canary" not in [tag.name for tag in library.list_tags()]


def test_rename_refusals(library):
    library.create_tag("canary")

    with pytest.raises(NotFoundError):
        library.rename_tag("ghost", "other")
    with pytest.raises(ConflictError):
        library.rename_tag("canary", "staging")
    for old, new in (("latest", "other"), ("canary", "latest"), ("canary", "Bad Name")):
        with pytest.raises(ValidationFailedError):
            library.rename_tag(old, new)
    assert library.rename_tag("canary", "canary").name == "canary"


def test_built_in_tags_can_be_renamed_and_deleted_as_on_langwatch(library):
    assert library.rename_tag("staging", "preprod").name == "preprod"
    library.delete_tag("production")
    assert [tag.name for tag in library.list_tags()] == ["preprod"]


def test_delete_removes_the_tag_and_its_assignments(library):
    pizza = library.create_prompt(create_body("pizza"))
    library.create_tag("canary")
    library.assign_tag("pizza", "canary", pizza.version_id)

    library.delete_tag("canary")
    assert "canary" not in [tag.name for tag in library.list_tags()]
    assert [tag.name for tag in library.get_prompt("pizza").tags] == ["latest"]
    with pytest.raises(NotFoundError):
        library.get_prompt("pizza:canary")
    library.create_tag("canary")
    with pytest.raises(NotFoundError):
        library.get_prompt("pizza:canary")
    with pytest.raises(NotFoundError):
        library.delete_tag("ghost")
    with pytest.raises(ValidationFailedError):
        library.delete_tag("latest")
