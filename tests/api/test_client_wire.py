"""LangWatchClient against a scripted server: what goes on the wire, which calls are retried, what a bad
answer becomes, and that the API key never leaks."""

from __future__ import annotations

import logging

import httpx
import pytest

from prompt_studio.api import MAX_RESPONSE_BYTES
from prompt_studio.api.langwatch import LangWatchClient
from prompt_studio.models import (
    ConfigData,
    CreatePromptBody,
    Prompt,
    SyncRequest,
    TagAssignment,
    TagDefinition,
    UpdatePromptBody,
)
from prompt_studio.models.errors import (
    AuthenticationError,
    ConflictError,
    ConnectionFailed,
    MalformedResponse,
    NotFoundError,
    PromptStudioError,
    ServerError,
    ValidationFailedError,
)
from tests.api.raw_server import RawHttpServer, answer, answer_json, endless_body
from tests.api.wire_samples import prompt_payload
from tests.support.server_process import free_port

API_KEY = "sk-lw-wire_9f8e7d6c5b4a"
TAG_PAYLOAD = {"id": "tag_1", "name": "canary", "createdAt": "2025-01-02T03:04:05.000Z"}
ASSIGNMENT_PAYLOAD = {
    "configId": "prompt_abc", "versionId": "prompt_version_1", "tag": "production",
    "updatedAt": "2025-01-02T03:04:05.000Z",
}
CONFIG = ConfigData(
    prompt="Sort {{ticket}}", model="openai/gpt-4o", outputs=[{"identifier": "output", "type": "str"}]
)


def client_for(server: RawHttpServer, **options) -> LangWatchClient:
    return LangWatchClient(server.url, API_KEY, **options)


# --- what goes on the wire ---------------------------------------------------------------------------------


async def test_auth_headers_are_sent_on_every_request(raw_server):
    raw_server.script = [answer_json(200, [])]
    async with client_for(raw_server, project_id="project_42") as client:
        await client.list_prompts()
        await client.list_tags()
    for request in raw_server.requests:
        assert request.headers["x-auth-token"] == API_KEY
        assert request.headers["x-project-id"] == "project_42"
        assert request.headers["accept"] == "application/json"


async def test_no_project_header_without_a_project(raw_server):
    raw_server.script = [answer_json(200, [])]
    async with client_for(raw_server) as client:
        await client.list_prompts()
    assert "x-project-id" not in raw_server.requests[0].headers


@pytest.mark.parametrize(
    ("call", "method", "target"),
    [
        (lambda c: c.list_prompts(), "GET", "/api/prompts"),
        (lambda c: c.get_prompt("pizza"), "GET", "/api/prompts/pizza"),
        (lambda c: c.get_prompt("support/triage"), "GET", "/api/prompts/support%2Ftriage"),
        (lambda c: c.get_prompt("support/triage:2"), "GET", "/api/prompts/support%2Ftriage%3A2"),
        (lambda c: c.get_prompt("pizza", version=3), "GET", "/api/prompts/pizza?version=3"),
        (lambda c: c.get_prompt("pizza", tag="production"), "GET", "/api/prompts/pizza?tag=production"),
        (lambda c: c.list_versions("support/triage"), "GET", "/api/prompts/support%2Ftriage/versions"),
        (lambda c: c.delete_prompt("support/triage"), "DELETE", "/api/prompts/support%2Ftriage"),
        (
            lambda c: c.restore_version("support/triage", "prompt_version_7"),
            "POST", "/api/prompts/support%2Ftriage/versions/prompt_version_7/restore",
        ),
        (
            lambda c: c.assign_tag("support/triage", "production", "prompt_version_7"),
            "PUT", "/api/prompts/support%2Ftriage/tags/production",
        ),
        (lambda c: c.list_tags(), "GET", "/api/prompts/tags"),
        (lambda c: c.create_tag("canary"), "POST", "/api/prompts/tags"),
        (lambda c: c.rename_tag("canary", "beta"), "PUT", "/api/prompts/tags/canary"),
        (lambda c: c.delete_tag("canary"), "DELETE", "/api/prompts/tags/canary"),
        (lambda c: c.sync_prompt("support/triage", SyncRequest(config_data=CONFIG)), "POST",
         "/api/prompts/support%2Ftriage/sync"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
async def test_each_route_has_its_method_and_encoded_path(raw_server, call, method, target):
    raw_server.script = [answer(404, '{"error": "Prompt not found"}')]
    async with client_for(raw_server) as client:
        with pytest.raises(NotFoundError):
            await call(client)
    assert (raw_server.requests[0].method, raw_server.requests[0].target) == (method, target)


async def test_a_given_httpx_transport_is_used():
    def answer_from_memory(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[prompt_payload()])

    in_memory = httpx.MockTransport(answer_from_memory)
    async with LangWatchClient("http://prompts.invalid", API_KEY, transport=in_memory) as client:
        prompts = await client.list_prompts()
    assert [prompt.id for prompt in prompts] == ["prompt_abc"]


async def test_a_base_url_with_a_path_prefix_is_kept(raw_server):
    raw_server.script = [answer_json(200, [])]
    async with LangWatchClient(f"{raw_server.url}/langwatch/", API_KEY) as client:
        await client.list_prompts()
    assert raw_server.requests[0].target == "/langwatch/api/prompts"


async def test_bodies_carry_only_what_was_set_and_keep_unknown_keys(raw_server):
    raw_server.script = [answer_json(200, prompt_payload())]
    create = CreatePromptBody(
        handle="support/triage", prompt="Hi", model="openai/gpt-4o", futureField={"x": 1}
    )
    update = UpdatePromptBody(commit_message="Shorter", prompt="Hello")
    async with client_for(raw_server) as client:
        await client.create_prompt(create)
        await client.update_prompt("support/triage", update)
    assert raw_server.requests[0].json == {
        "handle": "support/triage", "prompt": "Hi", "model": "openai/gpt-4o", "futureField": {"x": 1}
    }
    assert raw_server.requests[1].json == {"commitMessage": "Shorter", "prompt": "Hello"}


async def test_sync_sends_snake_case_config_data_in_a_camel_case_envelope(raw_server):
    raw_server.script = [answer_json(200, {"action": "created", "prompt": prompt_payload()})]
    config = CONFIG.model_copy(update={"max_tokens": 100})
    request = SyncRequest(config_data=config, local_version=3, commit_message="Tweak", parameters={"k": 1})
    async with client_for(raw_server) as client:
        result = await client.sync_prompt("support/triage", request)
    assert raw_server.requests[0].json == {
        "configData": {
            "prompt": "Sort {{ticket}}", "model": "openai/gpt-4o", "max_tokens": 100,
            "outputs": [{"identifier": "output", "type": "str"}],
        },
        "localVersion": 3,
        "commitMessage": "Tweak",
        "parameters": {"k": 1},
    }
    assert result.action == "created"
    assert isinstance(result.prompt, Prompt)


async def test_tag_calls_send_their_bodies_and_parse_their_answers(raw_server):
    raw_server.script = [
        answer_json(200, ASSIGNMENT_PAYLOAD),
        answer_json(201, TAG_PAYLOAD),
        answer_json(200, {**TAG_PAYLOAD, "name": "beta"}),
        answer_json(200, [TAG_PAYLOAD]),
        answer(204),
    ]
    async with client_for(raw_server) as client:
        assignment = await client.assign_tag("pizza", "production", "prompt_version_1")
        created = await client.create_tag("canary")
        renamed = await client.rename_tag("canary", "beta")
        listed = await client.list_tags()
        deleted = await client.delete_tag("beta")
    assert [request.json if request.body else None for request in raw_server.requests] == [
        {"versionId": "prompt_version_1"}, {"name": "canary"}, {"name": "beta"}, None, None
    ]
    assert isinstance(assignment, TagAssignment) and assignment.tag == "production"
    assert isinstance(created, TagDefinition) and created.name == "canary"
    assert renamed.name == "beta"
    assert [tag.name for tag in listed] == ["canary"]
    assert deleted is None


async def test_answers_become_models_and_keep_unknown_fields(raw_server):
    listed = [prompt_payload(newServerField=[1, 2]), prompt_payload(id="prompt_2")]
    raw_server.script = [answer_json(200, listed)]
    async with client_for(raw_server) as client:
        prompts = await client.list_prompts()
    assert [prompt.id for prompt in prompts] == ["prompt_abc", "prompt_2"]
    assert prompts[0].handle == "support/triage"
    assert prompts[0].to_wire()["newServerField"] == [1, 2]


# --- which calls are retried -------------------------------------------------------------------------------

RETRIED = 3
SENT_ONCE = 1


@pytest.mark.parametrize(
    ("call", "attempts"),
    [
        (lambda c: c.list_prompts(), RETRIED),
        (lambda c: c.get_prompt("pizza:2"), RETRIED),
        (lambda c: c.list_versions("pizza"), RETRIED),
        (lambda c: c.list_tags(), RETRIED),
        (lambda c: c.assign_tag("pizza", "production", "prompt_version_1"), RETRIED),
        (lambda c: c.delete_prompt("pizza"), RETRIED),
        (lambda c: c.delete_tag("canary"), RETRIED),
        (lambda c: c.create_prompt(CreatePromptBody(handle="pizza", prompt="p")), SENT_ONCE),
        (lambda c: c.update_prompt("pizza", UpdatePromptBody(commit_message="m")), SENT_ONCE),
        (lambda c: c.sync_prompt("pizza", SyncRequest(config_data=CONFIG, local_version=1)), SENT_ONCE),
        (lambda c: c.restore_version("pizza", "prompt_version_1"), SENT_ONCE),
        (lambda c: c.create_tag("canary"), SENT_ONCE),
        (lambda c: c.rename_tag("canary", "beta"), SENT_ONCE),
    ],
    ids=[
        "list_prompts", "get_prompt", "list_versions", "list_tags", "assign_tag", "delete_prompt",
        "delete_tag", "create_prompt", "update_prompt", "sync_prompt", "restore_version", "create_tag",
        "rename_tag",
    ],
)
async def test_only_calls_safe_to_repeat_are_retried(raw_server, call, attempts):
    raw_server.script = [answer_json(503, {"error": "Unavailable"}, {"Retry-After": "0"})]
    async with client_for(raw_server) as client:
        with pytest.raises(ServerError):
            await call(client)
    assert len(raw_server.requests) == attempts


async def test_max_retries_is_configurable(raw_server):
    raw_server.script = [answer_json(503, {"error": "Unavailable"}, {"Retry-After": "0"})]
    async with client_for(raw_server, max_retries=4) as client:
        with pytest.raises(ServerError):
            await client.list_prompts()
    assert len(raw_server.requests) == 5


# --- failures ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error_class"),
    [(400, ValidationFailedError), (401, AuthenticationError), (404, NotFoundError), (409, ConflictError),
     (422, ValidationFailedError)],
)
async def test_failures_carry_the_servers_error_and_message(raw_server, status, error_class):
    raw_server.script = [answer_json(status, {"error": "the_code", "message": "the words"})]
    async with client_for(raw_server) as client:
        with pytest.raises(error_class) as caught:
            await client.get_prompt("pizza")
    failure = caught.value
    assert (failure.status, failure.error, failure.message) == (status, "the_code", "the words")
    assert "the words" in caught.value.user_message


async def test_a_200_missing_required_fields_is_malformed(raw_server):
    incomplete = prompt_payload()
    del incomplete["versionId"], incomplete["model"]
    raw_server.script = [answer_json(200, incomplete)]
    async with client_for(raw_server) as client:
        with pytest.raises(MalformedResponse) as caught:
            await client.get_prompt("pizza")
    assert "versionId" in caught.value.message and "model" in caught.value.message
    assert "You sort tickets" not in caught.value.message
    assert len(raw_server.requests) == 1


@pytest.mark.parametrize("body", ['[{"id": "prompt_abc", "hand', "<html>OK</html>", "", "{}"])
async def test_truncated_or_wrong_json_is_malformed(raw_server, body):
    raw_server.script = [answer(200, body, {"Content-Type": "application/json"})]
    async with client_for(raw_server) as client:
        with pytest.raises(MalformedResponse):
            await client.list_prompts()


async def test_an_unknown_sync_action_is_malformed(raw_server):
    raw_server.script = [answer_json(200, {"action": "merged"})]
    async with client_for(raw_server) as client:
        with pytest.raises(MalformedResponse):
            await client.sync_prompt("pizza", SyncRequest(config_data=CONFIG))


@pytest.mark.parametrize("declare_length", [True, False])
async def test_a_body_over_the_size_limit_is_refused(raw_server, declare_length):
    raw_server.script = [endless_body(MAX_RESPONSE_BYTES + 1024 * 1024, declare_length=declare_length)]
    async with client_for(raw_server) as client:
        with pytest.raises(MalformedResponse) as caught:
            await client.list_prompts()
    assert caught.value.error == "response_too_large"


# --- the API key never leaks -------------------------------------------------------------------------------


async def test_the_key_is_not_in_reprs(raw_server):
    async with client_for(raw_server, project_id="project_42") as client:
        assert API_KEY not in repr(client)
        assert API_KEY not in repr(client._connection)
        assert API_KEY not in repr(vars(client._connection))
        assert API_KEY not in repr(client._connection._headers)  # the headers every request starts from


async def test_the_key_is_not_in_failures_even_when_the_server_echoes_it(raw_server, caplog):
    caplog.set_level(logging.DEBUG)
    raw_server.script = [
        answer_json(401, {"error": f"bad key {API_KEY}", "message": f"{API_KEY} is not a key"}),
        answer_json(503, {"error": f"{API_KEY} overloaded"}, {"Retry-After": "0"}),
        answer(500, f"<p>{API_KEY}</p>"),
    ]
    failures: list[PromptStudioError] = []
    async with client_for(raw_server, max_retries=1) as client:
        for _ in range(2):
            with pytest.raises(PromptStudioError) as caught:
                await client.list_prompts()
            failures.append(caught.value)
    closed_port = free_port()
    async with LangWatchClient(f"http://127.0.0.1:{closed_port}", API_KEY, max_retries=0) as client:
        with pytest.raises(ConnectionFailed) as caught:
            await client.list_prompts()
        failures.append(caught.value)

    assert isinstance(failures[0], AuthenticationError) and failures[0].message == "[redacted] is not a key"
    for failure in failures:
        for text in (str(failure), repr(failure), failure.error, failure.message, failure.user_message,
                     repr(failure.__cause__), str(failure.__cause__)):
            assert API_KEY not in text
    assert "([redacted] overloaded); retrying" in caplog.text
    assert API_KEY not in caplog.text
