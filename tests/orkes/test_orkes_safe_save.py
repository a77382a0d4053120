"""`save_safely` against the fake Orkes: the doc's check-write-check recipe, with a colleague writing at the worst
moments (before the check, between the check and the save, or deleting the prompt)."""

from __future__ import annotations

from urllib.parse import parse_qs

from prompt_studio.api.orkes import OrkesSaveVerdict, save_safely


def base_of(orkes, name: str) -> dict:
    """The version the user opened: the newest one, as the fake holds it now."""
    return max(orkes.fake.versions_of(name), key=lambda version: version["version"])


async def save(client, name: str, text: str, base: dict | None):
    return await save_safely(
        client,
        name,
        text,
        description="my description",
        models=["openai:gpt-4o"],
        base_version=base["version"] if base else None,
        base_update_time=base["updateTime"] if base else None,
    )


def texts(orkes, name: str) -> list[tuple[int, str]]:
    return [(version["version"], version["template"]) for version in orkes.fake.versions_of(name)]


async def test_a_clean_save_becomes_the_version_after_the_base(orkes, client):
    orkes.fake.post_template("p", "one")
    orkes.fake.post_template("p", "two", auto_increment=True)
    result = await save(client, "p", "mine", base_of(orkes, "p"))
    assert (result.outcome, result.our_version, result.latest.template) == (OrkesSaveVerdict.SAVED, 3, "mine")
    assert (result.latest.description, result.latest.integrations) == ("my description", ["openai:gpt-4o"])
    assert texts(orkes, "p") == [(1, "one"), (2, "two"), (3, "mine")]
    assert [parse_qs(a.query)["autoIncrement"] for a in orkes.fake.requests_to("POST", "/api/prompts/{name}")] == [
        ["true"]
    ]


async def test_a_new_prompt_is_saved_as_version_one(orkes, client):
    result = await save(client, "fresh", "first text", None)
    assert (result.outcome, result.our_version) == (OrkesSaveVerdict.SAVED, 1)
    assert texts(orkes, "fresh") == [(1, "first text")]


async def test_a_quoted_template_is_still_recognised_as_ours(orkes, client):
    orkes.fake.post_template("p", "one")
    result = await save(client, "p", '"quoted"', base_of(orkes, "p"))
    assert (result.outcome, result.latest.template) == (OrkesSaveVerdict.SAVED, "quoted")


async def test_a_colleagues_new_version_before_the_check_is_a_conflict_and_nothing_is_written(orkes, client):
    orkes.fake.post_template("p", "one")
    base = base_of(orkes, "p")
    orkes.fake.post_template("p", "colleague's text", auto_increment=True, user="ann")
    result = await save(client, "p", "mine", base)
    assert result.outcome is OrkesSaveVerdict.CONFLICT
    assert (result.latest.version, result.latest.template, result.latest.updated_by) == (2, "colleague's text", "ann")
    assert texts(orkes, "p") == [(1, "one"), (2, "colleague's text")]
    assert orkes.fake.requests_to("POST", "/api/prompts/{name}") == []


async def test_a_colleagues_rewrite_in_place_is_a_conflict_too(orkes, client):
    orkes.fake.post_template("p", "one")
    base = base_of(orkes, "p")
    orkes.fake.put_template("p", "rewritten in place", user="ann")
    result = await save(client, "p", "mine", base)
    assert result.outcome is OrkesSaveVerdict.CONFLICT
    assert (result.latest.version, result.latest.template) == (1, "rewritten in place")
    assert texts(orkes, "p") == [(1, "rewritten in place")]


async def test_a_prompt_created_by_someone_else_meanwhile_is_a_conflict(orkes, client):
    orkes.fake.post_template("p", "theirs")
    result = await save(client, "p", "mine", None)
    assert (result.outcome, result.latest.template) == (OrkesSaveVerdict.CONFLICT, "theirs")
    assert texts(orkes, "p") == [(1, "theirs")]


async def test_a_save_that_crosses_a_colleagues_is_reported_and_both_texts_survive(orkes, client):
    orkes.fake.post_template("p", "one")
    base = base_of(orkes, "p")
    orkes.fake.after_next_versions_read(
        lambda: orkes.fake.post_template("p", "colleague's text", auto_increment=True, user="ann")
    )
    result = await save(client, "p", "mine", base)
    assert result.outcome is OrkesSaveVerdict.CROSSED
    assert (result.our_version, result.new_versions) == (3, (2, 3))
    assert (result.latest.version, result.latest.template) == (3, "mine")
    assert texts(orkes, "p") == [(1, "one"), (2, "colleague's text"), (3, "mine")]


async def test_a_rewrite_in_place_of_the_base_between_check_and_save_is_crossed(orkes, client):
    orkes.fake.post_template("p", "one")
    base = base_of(orkes, "p")
    orkes.fake.after_next_versions_read(lambda: orkes.fake.put_template("p", "one, rewritten", user="ann"))
    result = await save(client, "p", "mine", base)
    assert result.outcome is OrkesSaveVerdict.CROSSED
    assert (result.our_version, result.new_versions, result.latest.template) == (2, (1, 2), "mine")
    assert texts(orkes, "p") == [(1, "one, rewritten"), (2, "mine")]


async def test_a_prompt_deleted_remotely_is_reported_and_not_recreated(orkes, client):
    orkes.fake.post_template("p", "one")
    base = base_of(orkes, "p")
    orkes.fake.delete_name("p")
    result = await save(client, "p", "mine", base)
    assert (result.outcome, result.latest, result.our_version) == (OrkesSaveVerdict.DELETED, None, None)
    assert orkes.fake.versions_of("p") == []
    assert orkes.fake.requests_to("POST", "/api/prompts/{name}") == []


async def test_a_prompt_deleted_between_check_and_save_comes_back_as_a_crossed_version_one(orkes, client):
    orkes.fake.post_template("p", "one")
    orkes.fake.post_template("p", "two", auto_increment=True)
    base = base_of(orkes, "p")
    orkes.fake.after_next_versions_read(lambda: orkes.fake.delete_name("p"))
    result = await save(client, "p", "mine", base)
    assert (result.outcome, result.our_version, result.new_versions) == (OrkesSaveVerdict.CROSSED, 1, (1,))
    assert texts(orkes, "p") == [(1, "mine")]
