"""The official LangWatch Python SDK (`langwatch` 1.4.0) against `prompt-studio serve`, parsing strictly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from typing import Any

import pytest
from langwatch.generated.langwatch_rest_api_client.api.default import (
    delete_api_prompts_by_id,
    delete_api_prompts_tags_by_tag,
    get_api_prompts,
    get_api_prompts_by_id,
    get_api_prompts_by_id_versions,
    get_api_prompts_tags,
    post_api_prompts,
    post_api_prompts_by_id_sync,
    post_api_prompts_by_id_versions_by_version_id_restore,
    post_api_prompts_tags,
    put_api_prompts_by_id,
    put_api_prompts_by_id_tags_by_tag,
    put_api_prompts_tags_by_tag,
)
from langwatch.generated.langwatch_rest_api_client.client import AuthenticatedClient
from langwatch.generated.langwatch_rest_api_client.models import (
    DeleteApiPromptsByIdResponse200,
    GetApiPromptsByIdResponse200,
    GetApiPromptsByIdResponse404,
    GetApiPromptsByIdVersionsResponse200Item,
    GetApiPromptsResponse200Item,
    GetApiPromptsTagsResponse200Item,
    PostApiPromptsBody,
    PostApiPromptsByIdSyncBody,
    PostApiPromptsByIdSyncResponse200,
    PostApiPromptsByIdVersionsByVersionIdRestoreResponse200,
    PostApiPromptsResponse200,
    PostApiPromptsTagsBody,
    PostApiPromptsTagsResponse201,
    PutApiPromptsByIdBody,
    PutApiPromptsByIdResponse200,
    PutApiPromptsByIdTagsByTagBody,
    PutApiPromptsByIdTagsByTagResponse200,
    PutApiPromptsTagsByTagBody,
    PutApiPromptsTagsByTagResponse200,
)

from tests.support.payloads import config_data, create_body

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(module_server):
    """One server for the module: each test works on handles (and a tag name) of its own."""
    return module_server


@pytest.fixture
def sdk(server) -> AuthenticatedClient:
    """The generated client exactly as the SDK builds it: Bearer auth, undocumented statuses raise."""
    with AuthenticatedClient(
        base_url=server.url,
        token=server.api_key,
        raise_on_unexpected_status=True,
        httpx_args={"trust_env": False},
    ) as client:
        yield client


def parsed(response, expected_type: type, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    assert isinstance(response.parsed, expected_type), (type(response.parsed), response.content)
    return response.parsed


def sync_body(localVersion: int | None = None, **data: Any) -> PostApiPromptsByIdSyncBody:
    body: dict[str, Any] = {"configData": config_data(**data)}
    if localVersion is not None:
        body["localVersion"] = localVersion
    return PostApiPromptsByIdSyncBody.from_dict(body)


def test_the_generated_client_walks_every_prompt_operation(sdk):
    created = parsed(
        post_api_prompts.sync_detailed(client=sdk, body=PostApiPromptsBody.from_dict(create_body("sdk/demo"))),
        PostApiPromptsResponse200,
    )
    assert (created.handle, created.version, created.max_tokens) == ("sdk/demo", 1, 256)
    first_version_id = created.version_id

    by_handle = parsed(get_api_prompts_by_id.sync_detailed("sdk/demo", client=sdk), GetApiPromptsByIdResponse200)
    assert by_handle.id == created.id
    assert [tag.name for tag in by_handle.tags] == ["latest"]
    by_id = parsed(get_api_prompts_by_id.sync_detailed(created.id, client=sdk), GetApiPromptsByIdResponse200)
    assert by_id.handle == "sdk/demo"

    updated = parsed(
        put_api_prompts_by_id.sync_detailed(
            "sdk/demo",
            client=sdk,
            body=PutApiPromptsByIdBody.from_dict({"commitMessage": "Shorter", "prompt": "Be brief about {{topic}}."}),
        ),
        PutApiPromptsByIdResponse200,
    )
    assert (updated.version, updated.commit_message) == (2, "Shorter")

    shorthand = parsed(get_api_prompts_by_id.sync_detailed("sdk/demo:1", client=sdk), GetApiPromptsByIdResponse200)
    assert (shorthand.version, shorthand.version_id) == (1, first_version_id)
    pinned = parsed(
        get_api_prompts_by_id.sync_detailed("sdk/demo", client=sdk, version=1), GetApiPromptsByIdResponse200
    )
    assert pinned.prompt == create_body("sdk/demo")["prompt"]

    versions = parsed(get_api_prompts_by_id_versions.sync_detailed("sdk/demo", client=sdk), list)
    assert all(isinstance(item, GetApiPromptsByIdVersionsResponse200Item) for item in versions)
    assert [item.version for item in versions] == [2, 1]

    restored = parsed(
        post_api_prompts_by_id_versions_by_version_id_restore.sync_detailed("sdk/demo", first_version_id, client=sdk),
        PostApiPromptsByIdVersionsByVersionIdRestoreResponse200,
    )
    assert (restored.version, restored.commit_message) == (3, "Restore from version 1")

    listed = parsed(get_api_prompts.sync_detailed(client=sdk), list)
    assert all(isinstance(item, GetApiPromptsResponse200Item) for item in listed)
    assert "sdk/demo" in [item.handle for item in listed]


def test_the_generated_client_syncs_with_all_four_actions(sdk):
    def sync(handle: str, body: PostApiPromptsByIdSyncBody) -> PostApiPromptsByIdSyncResponse200:
        return parsed(
            post_api_prompts_by_id_sync.sync_detailed(handle, client=sdk, body=body),
            PostApiPromptsByIdSyncResponse200,
        )

    created = sync("sdk/synced", sync_body())
    assert (created.action.value, created.prompt.version) == ("created", 1)
    same = sync("sdk/synced", sync_body(localVersion=1))
    assert (same.action.value, same.prompt.version) == ("up_to_date", 1)
    changed = sync("sdk/synced", sync_body(localVersion=1, model="openai/gpt-5-mini"))
    assert (changed.action.value, changed.prompt.version) == ("updated", 2)
    clash = sync("sdk/synced", sync_body(localVersion=1, temperature=0.1))
    assert clash.action.value == "conflict"
    assert clash.conflict_info.remote_version == 2
    assert clash.conflict_info.remote_config_data.model == "openai/gpt-5-mini"
    assert "temperature: 0.1 → 0.7" in clash.conflict_info.differences


def test_the_generated_client_manages_tags_and_deletes(sdk):
    created = parsed(
        post_api_prompts.sync_detailed(client=sdk, body=PostApiPromptsBody.from_dict(create_body("tagged"))),
        PostApiPromptsResponse200,
    )
    tag = parsed(
        post_api_prompts_tags.sync_detailed(client=sdk, body=PostApiPromptsTagsBody.from_dict({"name": "canary"})),
        PostApiPromptsTagsResponse201,
        status=201,
    )
    assert tag.name == "canary"
    tags = parsed(get_api_prompts_tags.sync_detailed(client=sdk), list)
    assert all(isinstance(item, GetApiPromptsTagsResponse200Item) for item in tags)
    assert {"production", "staging", "canary"} <= {item.name for item in tags}

    assignment = parsed(
        put_api_prompts_by_id_tags_by_tag.sync_detailed(
            "tagged",
            "canary",
            client=sdk,
            body=PutApiPromptsByIdTagsByTagBody.from_dict({"versionId": created.version_id}),
        ),
        PutApiPromptsByIdTagsByTagResponse200,
    )
    assert (assignment.config_id, assignment.version_id, assignment.tag) == (
        created.id,
        created.version_id,
        "canary",
    )
    by_tag = parsed(
        get_api_prompts_by_id.sync_detailed("tagged", client=sdk, tag="canary"), GetApiPromptsByIdResponse200
    )
    assert "canary" in [item.name for item in by_tag.tags]

    renamed = parsed(
        put_api_prompts_tags_by_tag.sync_detailed(
            "canary", client=sdk, body=PutApiPromptsTagsByTagBody.from_dict({"name": "beta"})
        ),
        PutApiPromptsTagsByTagResponse200,
    )
    assert renamed.name == "beta"
    deleted_tag = delete_api_prompts_tags_by_tag.sync_detailed("beta", client=sdk)
    assert deleted_tag.status_code == 204
    remaining = parsed(get_api_prompts_tags.sync_detailed(client=sdk), list)
    assert "beta" not in {item.name for item in remaining}

    deleted = parsed(delete_api_prompts_by_id.sync_detailed("tagged", client=sdk), DeleteApiPromptsByIdResponse200)
    assert deleted.success is True
    gone = parsed(get_api_prompts_by_id.sync_detailed("tagged", client=sdk), GetApiPromptsByIdResponse404, 404)
    assert gone.error == "Prompt not found"


HIGH_LEVEL_SCRIPT = textwrap.dedent(
    """
    import json
    import sys

    outside = []

    def watch(event, args):
        if event == "socket.connect":
            address = args[1]
            if isinstance(address, tuple) and address[0] not in ("127.0.0.1", "::1"):
                outside.append(str(address))
        elif event == "socket.getaddrinfo" and args[0] not in ("127.0.0.1", "localhost", "::1"):
            outside.append(str(args[0]))

    sys.addaudithook(watch)

    import langwatch

    latest = langwatch.prompts.get("sdk/high-level")
    first = langwatch.prompts.get("sdk/high-level", version_number=1)
    tagged = langwatch.prompts.get("sdk/high-level", tag="production")
    compiled = latest.compile(question="Why?", topic="tea")
    print(json.dumps({
        "latest": [latest.handle, latest.version, latest.prompt],
        "first": [first.version, first.prompt],
        "tagged": tagged.version,
        "compiled_system": compiled.messages[0]["content"],
        "outside": outside,
    }))
    """
)


def test_the_high_level_sdk_reads_prompts_from_our_server_without_outside_network(server, sdk, tmp_path):
    created = parsed(
        post_api_prompts.sync_detailed(client=sdk, body=PostApiPromptsBody.from_dict(create_body("sdk/high-level"))),
        PostApiPromptsResponse200,
    )
    parsed(
        put_api_prompts_by_id.sync_detailed(
            "sdk/high-level",
            client=sdk,
            body=PutApiPromptsByIdBody.from_dict({"commitMessage": "v2", "prompt": "Version two about {{topic}}."}),
        ),
        PutApiPromptsByIdResponse200,
    )
    parsed(
        put_api_prompts_by_id_tags_by_tag.sync_detailed(
            "sdk/high-level",
            "production",
            client=sdk,
            body=PutApiPromptsByIdTagsByTagBody.from_dict({"versionId": created.version_id}),
        ),
        PutApiPromptsByIdTagsByTagResponse200,
    )
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("LANGWATCH_", "OTEL_"))}
    environment.update(
        LANGWATCH_ENDPOINT=server.url,
        LANGWATCH_API_KEY=server.api_key,
        LANGWATCH_SKIP_OTEL_SETUP="true",
        OTEL_SDK_DISABLED="true",
        NO_PROXY="127.0.0.1,localhost",
    )
    finished = subprocess.run(
        [sys.executable, "-c", HIGH_LEVEL_SCRIPT],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 0, finished.stderr
    assert server.api_key not in finished.stdout + finished.stderr
    answer = json.loads(finished.stdout.strip().splitlines()[-1])
    assert answer["latest"] == ["sdk/high-level", 2, "Version two about {{topic}}."]
    assert answer["first"] == [1, create_body("sdk/high-level")["prompt"]]
    assert answer["tagged"] == 1
    assert answer["compiled_system"] == "Version two about tea."
    assert answer["outside"] == []
