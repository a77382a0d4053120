"""`OrkesBackend` against the fake Orkes over HTTP: templates as LangWatch-shaped prompts, and the safe save."""

from __future__ import annotations

import pytest

from prompt_studio.models import ConfigData, SyncRequest, config_from_prompt
from prompt_studio.models.draft import Draft
from prompt_studio.models.errors import NotFoundError, ValidationFailedError
from prompt_studio.models.orkes import NO_MODEL
from prompt_studio.services.compare import compare_contents
from prompt_studio.services.drafts import DraftStore
from prompt_studio.services.merging import MergeSession
from prompt_studio.services.orkes_backend import OrkesBackend, version_id_of
from prompt_studio.services.prompts import PromptService

MODELS = ["openai:gpt-4o", "anthropic:claude-sonnet-4"]
VERSIONS, ONE_PROMPT = "/api/prompts/{name}/versions", "/api/prompts/{name}"


def seed(orkes, name: str = "greeter", text: str = "Hello ${user}, you asked about ${topic}.") -> None:
    orkes.fake.post_template(name, text, description="Greets people", models=MODELS, user="ann@example.com")


def request_for(config: dict, base: int | None) -> SyncRequest:
    return SyncRequest(config_data=ConfigData.model_validate(config), local_version=base)


def stored(orkes, name: str = "greeter") -> list[tuple[int, str]]:
    return [(version["version"], version["template"]) for version in orkes.fake.versions_of(name)]


async def test_templates_are_listed_and_opened_as_prompts_with_everything_orkes_keeps(orkes, backend):
    seed(orkes)
    orkes.fake.post_template("greeter", "v2 ${user}", description="Greets", models=MODELS, auto_increment=True)
    orkes.fake.tags["greeter"] = {("team", "support"): None}
    listed = await backend.list_prompts()
    assert [(prompt.handle, prompt.version, prompt.model) for prompt in listed] == [
        ("greeter", 2, "openai:gpt-4o")
    ]
    assert [tag.name for tag in listed[0].tags] == ["team:support"]

    opened = await PromptService(backend, backend.capabilities).open_prompt("greeter")
    assert opened.config["prompt"] == "v2 ${user}"
    assert opened.config["model"] == "openai:gpt-4o"
    assert opened.config["integrations"] == MODELS
    assert opened.config["description"] == "Greets"
    assert opened.prompt.author_id == "colleague@example.com"
    assert opened.prompt.version_id == version_id_of("greeter", 2)


async def test_newer_fields_come_through_as_config_keys(orkes, backend):
    seed(orkes)
    orkes.fake.prompts["greeter"][0].update(temperature=0.3, topP=0.9, responseFormat="json", stopWords=["END"])
    opened = await PromptService(backend, backend.capabilities).open_prompt("greeter")
    assert (opened.config["temperature"], opened.config["top_p"]) == (0.3, 0.9)
    assert (opened.config["orkes_response_format"], opened.config["stop_words"]) == ("json", ["END"])


async def test_history_is_newest_first(orkes, backend):
    seed(orkes)
    orkes.fake.post_template("greeter", "second", models=MODELS, auto_increment=True)
    history = await backend.list_versions("greeter")
    assert [(prompt.version, prompt.prompt) for prompt in history] == [
        (2, "second"), (1, "Hello ${user}, you asked about ${topic}.")
    ]


async def test_a_save_adds_a_version_with_the_full_description_and_models(orkes, backend):
    seed(orkes)
    service = PromptService(backend, backend.capabilities)
    draft = (await service.open_prompt("greeter")).start_draft()
    edited = draft.model_copy(update={"config": {**draft.config, "prompt": "Hi ${user}", "description": "New"}})
    outcome = await service.save(edited, "")
    assert outcome.action == "updated"
    assert outcome.draft.base_version == 2
    assert stored(orkes) == [(1, "Hello ${user}, you asked about ${topic}."), (2, "Hi ${user}")]
    newest = orkes.fake.versions_of("greeter")[-1]
    assert (newest["description"], newest["integrations"]) == ("New", MODELS)
    assert orkes.fake.requests_to("PUT", "/api/prompts/{name}") == []


async def test_saving_unchanged_content_writes_nothing(orkes, backend):
    seed(orkes)
    service = PromptService(backend, backend.capabilities)
    draft = (await service.open_prompt("greeter")).start_draft()
    outcome = await service.save(draft, "")
    assert outcome.action == "up_to_date"
    assert orkes.fake.requests_to("POST", "/api/prompts/{name}") == []
    assert len(stored(orkes)) == 1


def requests_since(orkes, start: int) -> list[tuple[str, str]]:
    """(method, route) of every request the fake answered after the first `start` ones."""
    with orkes.fake.lock:
        return [(answer.method, answer.route) for answer in orkes.fake.answers[start:]]


async def test_one_save_lists_the_versions_once_before_and_once_after_its_one_post(orkes, backend):
    seed(orkes)
    prompt = await backend.get_prompt("greeter")
    start = len(orkes.fake.answers)
    config = {"prompt": "my text", "model": "openai:gpt-4o", "outputs": [{"identifier": "output", "type": "str"}],
              "integrations": MODELS, "description": "Greets people"}

    result = await backend.sync_prompt("greeter", request_for(config, prompt.version))

    assert result.action == "updated"
    assert requests_since(orkes, start) == [("GET", VERSIONS), ("POST", ONE_PROMPT), ("GET", VERSIONS)]


async def test_opening_and_saving_in_the_app_read_nothing_twice(orkes, backend):
    """Through the service the window uses: an open is one read, a save is the safe recipe and no more."""
    seed(orkes)
    service = PromptService(backend, backend.capabilities)
    await backend.list_prompts()  # the key is exchanged for a token first
    start = len(orkes.fake.answers)
    opened = await service.open_prompt("greeter")
    assert requests_since(orkes, start) == [("GET", ONE_PROMPT)]
    assert opened.config["description"] == "Greets people" and opened.config["integrations"] == MODELS

    draft = opened.start_draft()
    draft = draft.model_copy(update={"config": {**draft.config, "prompt": "Hello ${name}, again."}})
    start = len(orkes.fake.answers)
    outcome = await service.save(draft, "again")
    assert outcome.action == "updated"
    assert requests_since(orkes, start) == [("GET", VERSIONS), ("POST", ONE_PROMPT), ("GET", VERSIONS)]
    assert outcome.draft.base_config == (await service.open_prompt("greeter")).config


async def test_a_restore_lists_the_versions_once_before_and_once_after_its_one_post(orkes, backend):
    seed(orkes)
    orkes.fake.post_template("greeter", "second", models=MODELS, auto_increment=True)
    await backend.get_prompt("greeter")
    start = len(orkes.fake.answers)

    await backend.restore_version("greeter", version_id_of("greeter", 1))

    assert requests_since(orkes, start) == [
        ("GET", ONE_PROMPT), ("GET", VERSIONS), ("POST", ONE_PROMPT), ("GET", VERSIONS), ("GET", ONE_PROMPT),
    ]


async def test_a_colleagues_save_before_ours_is_a_conflict_with_both_texts_intact(orkes, backend):
    seed(orkes)
    prompt = await backend.get_prompt("greeter")
    orkes.fake.post_template("greeter", "colleague's text", description="Greets people", models=MODELS,
                             auto_increment=True)
    config = {"prompt": "my text", "model": "openai:gpt-4o", "outputs": [{"identifier": "output", "type": "str"}],
              "integrations": MODELS, "description": "Greets people"}
    result = await backend.sync_prompt("greeter", request_for(config, prompt.version))
    assert result.action == "conflict"
    info = result.conflict_info
    assert (info.local_version, info.remote_version) == (1, 2)
    assert info.remote_config_data.prompt == "colleague's text"
    assert info.remote_config_data.model_extra["integrations"] == MODELS
    assert stored(orkes) == [(1, "Hello ${user}, you asked about ${topic}."), (2, "colleague's text")]


async def test_a_colleagues_rewrite_in_place_of_the_base_is_a_conflict(orkes, backend):
    seed(orkes)
    prompt = await backend.get_prompt("greeter")
    orkes.fake.put_template("greeter", "rewritten in place", models=MODELS)
    config = {"prompt": "my text", "model": "openai:gpt-4o", "outputs": [{"identifier": "output", "type": "str"}]}
    result = await backend.sync_prompt("greeter", request_for(config, prompt.version))
    assert result.action == "conflict"
    assert result.conflict_info.remote_config_data.prompt == "rewritten in place"


async def test_saves_that_cross_are_a_conflict_and_both_survive_as_versions(orkes, backend):
    seed(orkes)
    prompt = await backend.get_prompt("greeter")
    orkes.fake.after_next_versions_read(  # between our check and our POST
        lambda: orkes.fake.post_template("greeter", "colleague's text", models=MODELS, auto_increment=True)
    )
    config = {"prompt": "my text", "model": "openai:gpt-4o", "outputs": [{"identifier": "output", "type": "str"}]}
    result = await backend.sync_prompt("greeter", request_for(config, prompt.version))
    assert result.action == "conflict"
    assert "crossed" in result.conflict_info.differences[0]
    assert result.conflict_info.remote_version == 3
    assert sorted(text for _, text in stored(orkes)[1:]) == ["colleague's text", "my text"]


async def test_a_prompt_deleted_remotely_is_a_plain_error_and_the_next_save_recreates_it(orkes, backend):
    seed(orkes)
    prompt = await backend.get_prompt("greeter")
    orkes.fake.delete_name("greeter")
    config = {"prompt": "my text", "model": "openai:gpt-4o", "outputs": [{"identifier": "output", "type": "str"}]}
    with pytest.raises(NotFoundError, match=r"deleted on the Orkes server.*save again to recreate"):
        await backend.sync_prompt("greeter", request_for(config, prompt.version))
    assert stored(orkes) == []
    again = await backend.sync_prompt("greeter", request_for(config, prompt.version))
    assert (again.action, again.prompt.version) == ("created", 1)
    assert stored(orkes) == [(1, "my text")]


async def test_restore_saves_the_old_version_again_as_the_newest(orkes, backend):
    seed(orkes)
    orkes.fake.post_template("greeter", "second", description="Other", models=["openai:gpt-4o-mini"],
                             auto_increment=True)
    restored = await backend.restore_version("greeter", version_id_of("greeter", 1))
    assert restored.version == 3
    newest = orkes.fake.versions_of("greeter")[-1]
    assert (newest["template"], newest["description"], newest["integrations"]) == (
        "Hello ${user}, you asked about ${topic}.", "Greets people", MODELS
    )


async def test_a_new_prompt_is_version_one_with_what_the_author_wrote_and_chose(orkes, backend):
    seed(orkes)
    service = PromptService(backend, backend.capabilities)
    draft = service.new_draft("fresh")
    assert draft.is_new and draft.config["integrations"] == [], "no model until the author picks one"
    assert stored(orkes, "fresh") == [], "nothing on the server before the first save"
    edited = draft.model_copy(update={"config": {
        **draft.config, "prompt": "Hello ${name}", "model": "openai:gpt-4o", "integrations": ["openai:gpt-4o"]}})

    outcome = await service.save(edited, "first")

    assert (outcome.action, outcome.draft.base_version) == ("created", 1)
    assert stored(orkes, "fresh") == [(1, "Hello ${name}")]
    assert outcome.draft.base_config["integrations"] == ["openai:gpt-4o"]


async def test_tags_of_the_name_are_added_and_removed(orkes, backend):
    seed(orkes)
    assert await backend.key_value_tags("greeter") == []
    tags = await backend.change_key_value_tags("greeter", add=[("team", "support"), ("stage", "beta")])
    assert tags == [("team", "support"), ("stage", "beta")]
    tags = await backend.change_key_value_tags("greeter", add=[("stage", "ga")], remove=[("stage", "beta")])
    assert tags == [("team", "support"), ("stage", "ga")]
    assert [tag.name for tag in (await backend.get_prompt("greeter")).tags] == ["team:support", "stage:ga"]
    assert backend.capabilities.version_tags is False and backend.capabilities.key_value_tags is True


async def test_test_prompt_fills_the_variables_on_the_first_model(orkes, backend):
    seed(orkes)
    opened = await PromptService(backend, backend.capabilities).open_prompt("greeter")
    answer = await backend.test_prompt(opened.config, {"user": "Ann", "topic": "billing"})
    assert answer == "Hello Ann, you asked about billing."


# --- a template without a model (Orkes allows `integrations: []`) ---------------------------------------------


def seed_without_model(orkes, name: str = "bare") -> None:
    orkes.fake.post_template(name, "Summarise ${text}", description="No model yet", models=[], user="ann@example.com")


def no_marker_was_sent(orkes) -> bool:
    """Whether no request carried the no-model marker (in its query or its body) to Orkes."""
    with orkes.fake.lock:
        sent = [(answer.query, answer.request_body) for answer in orkes.fake.answers]
    return all(NO_MODEL not in query and NO_MODEL.encode() not in body for query, body in sent)


async def test_a_template_without_a_model_opens_and_says_it_has_none(orkes, backend):
    seed_without_model(orkes)
    service = PromptService(backend, backend.capabilities)

    (listed,) = await backend.list_prompts()
    opened = await service.open_prompt("bare")

    assert listed.model == NO_MODEL
    assert (opened.config["model"], opened.config["integrations"]) == (NO_MODEL, [])
    assert opened.config["prompt"] == "Summarise ${text}"
    assert ConfigData.model_validate(opened.config).to_wire() == opened.config
    with pytest.raises(ValidationFailedError, match="Choose a model"):
        await backend.test_prompt(opened.config, {"text": "x"})


async def test_a_template_without_a_model_is_saved_without_one(orkes, backend):
    seed_without_model(orkes)
    service = PromptService(backend, backend.capabilities)
    draft = (await service.open_prompt("bare")).start_draft()
    assert (await service.save(draft, "")).action == "up_to_date", "unchanged, even without a model"

    edited = draft.model_copy(update={"config": {**draft.config, "prompt": "Summarise ${text} briefly"}})
    outcome = await service.save(edited, "")

    assert outcome.action == "updated"
    newest = orkes.fake.versions_of("bare")[-1]
    assert (newest["version"], newest["template"], newest["integrations"]) == (2, "Summarise ${text} briefly", [])
    assert outcome.draft.config["model"] == NO_MODEL
    assert no_marker_was_sent(orkes)


async def test_choosing_a_model_for_a_template_without_one_saves_it(orkes, backend):
    seed_without_model(orkes)
    service = PromptService(backend, backend.capabilities)
    draft = (await service.open_prompt("bare")).start_draft()
    chosen = {**draft.config, "model": "openai:gpt-4o", "integrations": ["openai:gpt-4o"]}

    outcome = await service.save(draft.model_copy(update={"config": chosen}), "")

    assert outcome.action == "updated"
    assert orkes.fake.versions_of("bare")[-1]["integrations"] == ["openai:gpt-4o"]


async def test_a_version_without_a_model_is_compared_with_one_that_has_models(orkes, backend):
    seed(orkes)
    orkes.fake.post_template("greeter", "Hello ${user}", description="Greets people", models=[],
                             auto_increment=True)
    newer, older = await backend.list_versions("greeter")

    def content(prompt) -> dict:
        return {**config_from_prompt(prompt).to_wire(), "parameters": prompt.parameters}

    differences = {difference.label: (difference.old, difference.new)
                   for difference in compare_contents(content(older), content(newer))}

    assert differences["Model"] == ("openai:gpt-4o", NO_MODEL)
    assert differences["System prompt"] == ("Hello ${user}, you asked about ${topic}.", "Hello ${user}")


async def test_a_colleagues_version_without_a_model_merges_and_the_merge_saves_without_one(orkes, backend,
                                                                                         tmp_path):
    seed(orkes)
    service = PromptService(backend, backend.capabilities)
    draft = (await service.open_prompt("greeter")).start_draft()
    orkes.fake.post_template("greeter", draft.config["prompt"], description="Greets people", models=[],
                             auto_increment=True)
    mine = draft.model_copy(update={"config": {**draft.config, "prompt": "Hi ${user}"}})

    outcome = await service.save(mine, "")
    assert outcome.action == "conflict"
    assert outcome.conflict.remote_config_data.model == NO_MODEL
    store = DraftStore(tmp_path / "drafts", "orkes")
    store.save(outcome.draft)
    kept = store.load("greeter")
    assert kept == outcome.draft, "the pending conflict survives a restart"

    session = MergeSession.from_pending(kept)
    assert session.can_complete, session.problems()
    assert (session.merged_config["prompt"], session.merged_config["model"]) == ("Hi ${user}", NO_MODEL)
    assert session.merged_config["integrations"] == []
    merged = await service.save(session.merged_draft(), session.commit_message)

    assert merged.action == "updated"
    newest = orkes.fake.versions_of("greeter")[-1]
    assert (newest["version"], newest["template"], newest["integrations"]) == (3, "Hi ${user}", [])
    assert no_marker_was_sent(orkes)


async def test_a_draft_with_a_pending_conflict_without_a_model_round_trips_through_json(orkes, backend):
    seed_without_model(orkes)
    prompt = await backend.get_prompt("bare")
    orkes.fake.post_template("bare", "Theirs ${text}", models=[], auto_increment=True)
    config = {"prompt": "Mine ${text}", "model": NO_MODEL, "outputs": [{"identifier": "output", "type": "str"}],
              "integrations": [], "description": "No model yet"}
    result = await backend.sync_prompt("bare", request_for(config, prompt.version))
    assert result.action == "conflict"
    draft = Draft(handle="bare", base_version=1, base_config=config, config=config,
                  pending_conflict=result.conflict_info)

    again = Draft.model_validate_json(draft.model_dump_json())

    assert again == draft
    assert again.pending_conflict.remote_config_data.model == NO_MODEL
    assert again.pending_conflict.remote_config_data.prompt == "Theirs ${text}"


def test_the_backend_satisfies_the_protocol_shape():
    from prompt_studio.services.backends import PromptBackend

    missing = [name for name in PromptBackend.__dict__ if not name.startswith("_") and not hasattr(OrkesBackend, name)]
    assert missing == []


@pytest.mark.parametrize(
    "changes",
    [{}, {"integrations": []}, {"description": None, "temperature": 0.3, "top_p": 0.8, "stop_words": ["END"],
                                "response_format": "json"}],
)
async def test_an_answer_made_of_a_template_gives_the_whole_template_back(changes):
    """Orkes opens and saves read once: the prompt answer holds everything the template holds."""
    from prompt_studio.api.orkes import OrkesClient
    from prompt_studio.models.orkes import OrkesPromptTemplate, config_of_answer, config_of_template

    template = OrkesPromptTemplate.model_validate({
        "name": "support-reply", "template": "Reply in ${language}.", "description": "Replies",
        "integrations": ["openai:gpt-4o", "anthropic:claude"], "version": 3, **changes})
    backend = OrkesBackend(OrkesClient("http://127.0.0.1:9", "key-id", "never-sent"))
    answer = backend._as_prompt(template)
    await backend.aclose()
    assert config_of_answer(answer).to_wire() == config_of_template(template).to_wire()
