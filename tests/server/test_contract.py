"""Every route of the official OpenAPI subset answers a documented status with a body its schema accepts."""

from __future__ import annotations

import re
from typing import Any

import httpx
import jsonschema
import pytest

from tests.support.contracts import LANGWATCH, load_contract
from tests.support.payloads import config_data, create_body


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return load_contract(LANGWATCH)


def _template_regex(template: str) -> re.Pattern[str]:
    pattern = re.escape(template)
    pattern = pattern.replace(re.escape("{id}"), r"(?:[^/]+|[^/]+/[^/]+)")
    pattern = re.sub(r"\\\{[A-Za-z]+\\\}", "[^/]+", pattern)
    return re.compile(f"^{pattern}$")


class ContractChecker:
    """Sends requests and checks each answer: a documented status, and a body valid for its schema."""

    def __init__(self, spec: dict[str, Any], client: httpx.Client):
        self.spec = spec
        self.client = client
        self.seen: set[tuple[str, str, int]] = set()

    def operation(self, method: str, path: str) -> str:
        """The spec's template for a path: `/tags` routes before `/{id}` ones, longer `/{id}` ones first."""
        templates = sorted(self.spec["paths"], key=lambda template: ("{id}" in template, -template.count("/")))
        for template in templates:
            if method.lower() in self.spec["paths"][template] and _template_regex(template).match(path):
                return template
        raise AssertionError(f"{method} {path} is not an operation of the contract")

    def call(self, method: str, path: str, expected: int, **kwargs) -> Any:
        response = self.client.request(method, path, **kwargs)
        template = self.operation(method, path.split("?")[0])
        responses = self.spec["paths"][template][method.lower()]["responses"]
        assert str(response.status_code) in responses, (
            f"{method} {path} answered {response.status_code}, not documented for {template}: {response.text}"
        )
        assert response.status_code == expected, f"{method} {path}: {response.status_code} {response.text}"
        content = responses[str(response.status_code)].get("content")
        if content is None:
            assert response.content == b""
            body = None
        else:
            assert response.headers["content-type"].startswith("application/json")
            body = response.json()
            schema = {**content["application/json"]["schema"], "components": self.spec["components"]}
            jsonschema.Draft202012Validator(schema).validate(body)
        self.seen.add((method.upper(), template, response.status_code))
        return body


@pytest.fixture
def checker(spec, client) -> ContractChecker:
    return ContractChecker(spec, client)


def test_every_route_answers_as_the_contract_says(spec, checker, live_server):
    create_body_for = create_body("support/triage", parameters={"reasoning": {"effort": "low"}, "note": None})
    created = checker.call("POST", "/api/prompts", 200, json=create_body_for)
    assert (created["handle"], created["version"]) == ("support/triage", 1)
    assert created["messages"][0] == {"role": "system", "content": create_body_for["prompt"]}
    assert created["parameters"] == {"reasoning": {"effort": "low"}, "note": None}

    listed = checker.call("GET", "/api/prompts", 200)
    assert [prompt["handle"] for prompt in listed] == ["support/triage"]

    assert checker.call("GET", "/api/prompts/support%2Ftriage", 200)["versionId"] == created["versionId"]
    assert checker.call("GET", "/api/prompts/support/triage", 200)["id"] == created["id"]

    updated = checker.call(
        "PUT",
        "/api/prompts/support%2Ftriage",
        200,
        json={"commitMessage": "Warmer", "prompt": "You answer warmly about {{topic}}.", "temperature": 0.9},
    )
    assert updated["version"] == 2

    pinned = checker.call("GET", "/api/prompts/support%2Ftriage?version=1", 200)
    assert (pinned["version"], pinned["prompt"]) == (1, create_body_for["prompt"])
    assert checker.call("GET", "/api/prompts/support%2Ftriage%3A1", 200)["version"] == 1
    assert checker.call("GET", "/api/prompts/support/triage:latest", 200)["version"] == 2

    versions = checker.call("GET", "/api/prompts/support%2Ftriage/versions", 200)
    assert [version["version"] for version in versions] == [2, 1]

    restored = checker.call("POST", f"/api/prompts/support%2Ftriage/versions/{created['versionId']}/restore", 200)
    assert (restored["version"], restored["commitMessage"]) == (3, "Restore from version 1")

    tag = checker.call("POST", "/api/prompts/tags", 201, json={"name": "canary"})
    assert tag["name"] == "canary"
    names = [definition["name"] for definition in checker.call("GET", "/api/prompts/tags", 200)]
    assert {"production", "staging", "canary"} <= set(names)
    assignment = checker.call(
        "PUT", "/api/prompts/support%2Ftriage/tags/canary", 200, json={"versionId": updated["versionId"]}
    )
    assert (assignment["tag"], assignment["versionId"]) == ("canary", updated["versionId"])
    assert checker.call("GET", "/api/prompts/support%2Ftriage?tag=canary", 200)["version"] == 2
    assert checker.call("GET", "/api/prompts/support%2Ftriage%3Acanary", 200)["version"] == 2
    assert checker.call("PUT", "/api/prompts/tags/canary", 200, json={"name": "beta"})["name"] == "beta"
    assert checker.call("DELETE", "/api/prompts/tags/beta", 204) is None

    up_to_date = checker.call(
        "POST",
        "/api/prompts/support%2Ftriage/sync",
        200,
        json={
            "configData": config_data(restored["prompt"]),
            "localVersion": 3,
            "parameters": {"reasoning": {"effort": "low"}, "note": None},
        },
    )
    assert up_to_date["action"] == "up_to_date"
    synced = checker.call(
        "POST",
        "/api/prompts/support%2Ftriage/sync",
        200,
        json={"configData": config_data("Synced prompt about {{topic}}."), "localVersion": 3},
    )
    assert (synced["action"], synced["prompt"]["version"]) == ("updated", 4)
    conflict = checker.call(
        "POST",
        "/api/prompts/support%2Ftriage/sync",
        200,
        json={"configData": config_data("An older edit about {{topic}}."), "localVersion": 3},
    )
    assert conflict["action"] == "conflict"
    assert conflict["conflictInfo"]["remoteVersion"] == 4
    created_by_sync = checker.call(
        "POST",
        "/api/prompts/fresh-one/sync",
        200,
        json={"configData": config_data(), "commitMessage": "Hello"},
    )
    assert (created_by_sync["action"], created_by_sync["prompt"]["handle"]) == ("created", "fresh-one")

    assert checker.call("DELETE", "/api/prompts/fresh-one", 200) == {"success": True}

    operations = {(method, template) for method, template, status in checker.seen if status < 300}
    documented = {(method.upper(), template) for template, item in spec["paths"].items() for method in item}
    assert operations == documented, f"not exercised: {documented - operations}"


def test_error_answers_are_documented_flat_bodies(checker, live_server):
    checker.call("POST", "/api/prompts", 200, json=create_body("pizza"))

    with live_server.client(**{"X-Auth-Token": "sk-lw-wrong"}) as unauthorised:
        stranger = ContractChecker(checker.spec, unauthorised)
        for template, item in checker.spec["paths"].items():
            path = template.format(id="pizza", tag="production", versionId="prompt_version_1")
            for method in item:
                assert stranger.call(method.upper(), path, 401)["error"] == "Unauthorized"
        assert len(stranger.seen) == 13

    bad_json = checker.call(
        "POST", "/api/prompts", 400, content=b'{"handle": "x",', headers={"Content-Type": "application/json"}
    )
    assert bad_json["message"]
    not_found = checker.call("GET", "/api/prompts/no-such-prompt", 404)
    assert not_found["error"] == "Prompt not found"
    assert checker.call("GET", "/api/prompts/pizza?version=9", 404)["error"] == "prompt_not_found"
    assert checker.call("GET", "/api/prompts/pizza:production", 404)["error"] == "prompt_not_found"
    assert checker.call("PUT", "/api/prompts/no-such-prompt", 404, json={"commitMessage": "x"})["error"]
    assert checker.call("GET", "/api/prompts/no-such-prompt/versions", 404)["error"]
    assert checker.call("DELETE", "/api/prompts/no-such-prompt", 404)["error"]
    taken = checker.call("POST", "/api/prompts", 409, json=create_body("pizza"))
    assert taken["message"]
    wrong_type = checker.call("POST", "/api/prompts/pizza/sync", 422, json={"configData": {"prompt": 3}})
    assert wrong_type["error"] == "validation_error"
    assert "configData.prompt" in wrong_type["message"] and "configData.model" in wrong_type["message"]
    assert checker.call("GET", "/api/prompts/pizza?version=abc", 422)["error"] == "validation_error"
    assert checker.call("GET", "/api/prompts/pizza:2?version=1", 422)["error"] == "validation_error"
    assert checker.call("PUT", "/api/prompts/pizza", 422, json={"prompt": "no commit message"})["message"]
    assert checker.call("POST", "/api/prompts/tags", 422, json={"name": "latest"})["message"]

    statuses = {status for _, _, status in checker.seen}
    assert {400, 404, 409, 422} <= statuses
