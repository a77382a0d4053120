"""The fake Orkes server itself, driven with plain httpx: the client tests are only as good as its rules.

Each rule of docs/orkes-api.md "What the fake server must do" is checked here, and every JSON answer it gives is
validated against the response schemas of the official OpenAPI subset.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import jsonschema
import pytest

from tests.orkes.conftest import KEY_ID, KEY_SECRET, RunningOrkes
from tests.orkes.fake_orkes import READ, RecordedAnswer
from tests.support.contracts import ORKES, load_contract

OPENAPI = load_contract(ORKES)


def http(orkes: RunningOrkes, key_id: str = KEY_ID, key_secret: str = KEY_SECRET) -> httpx.Client:
    """A plain client holding a fresh token of the fake."""
    token = httpx.post(f"{orkes.url}/api/token", json={"keyId": key_id, "keySecret": key_secret}, trust_env=False)
    token.raise_for_status()
    return httpx.Client(base_url=orkes.url, headers={"X-Authorization": token.json()["token"]}, trust_env=False)


@pytest.fixture
def api(orkes) -> Iterator[httpx.Client]:
    with http(orkes) as opened:
        yield opened


def save(api: httpx.Client, method: str, name: str, text: str, **params) -> httpx.Response:
    params.setdefault("description", "d")
    response = api.request(method, f"/api/prompts/{name}", params=params, content=text)
    assert response.status_code == 200, response.text
    assert response.content == b""
    return response


def versions(api: httpx.Client, name: str) -> list[dict]:
    response = api.get(f"/api/prompts/{name}/versions")
    assert response.status_code == 200, response.text
    return response.json()


# --- versions ---------------------------------------------------------------------------------------------


def test_post_with_auto_increment_adds_a_version_after_the_latest(api):
    save(api, "POST", "p", "one", autoIncrement="true")
    save(api, "POST", "p", "five", version=5)
    save(api, "POST", "p", "six", autoIncrement="true", version=2)
    assert [(v["version"], v["template"]) for v in versions(api, "p")] == [(1, "one"), (5, "five"), (6, "six")]


def test_a_bare_post_overwrites_version_one_without_keeping_its_metadata(orkes, api):
    orkes.fake.post_template("p", "colleague's first", user="ann")
    orkes.fake.post_template("p", "colleague's second", auto_increment=True, user="ann")
    save(api, "POST", "p", "mine")
    first, second = versions(api, "p")
    assert (first["version"], first["template"], first["createdBy"]) == (1, "mine", "me@example.com")
    assert (second["version"], second["template"]) == (2, "colleague's second")


def test_put_rewrites_the_latest_version_in_place(orkes, api):
    orkes.fake.post_template("p", "v1", user="ann")
    original = orkes.fake.post_template("p", "v2", auto_increment=True, user="ann")
    created, updated = original["createTime"], original["updateTime"]
    save(api, "PUT", "p", "rewritten")
    listed = versions(api, "p")
    assert [v["template"] for v in listed] == ["v1", "rewritten"]
    latest = listed[-1]
    assert (latest["version"], latest["createdBy"], latest["createTime"]) == (2, "ann", created)
    assert latest["updatedBy"] == "me@example.com"
    assert latest["updateTime"] > updated


def test_put_of_a_given_version_rewrites_that_one(orkes, api):
    orkes.fake.post_template("p", "v1")
    orkes.fake.post_template("p", "v2", auto_increment=True)
    save(api, "PUT", "p", "new v1", version=1)
    assert [v["template"] for v in versions(api, "p")] == ["new v1", "v2"]


def test_the_body_loses_one_pair_of_enclosing_quotes(api):
    save(api, "POST", "p", '""quoted""', autoIncrement="true")
    save(api, "POST", "p", 'say "hi"', autoIncrement="true")
    assert [v["template"] for v in versions(api, "p")] == ['"quoted"', 'say "hi"']


def test_variables_are_computed_in_first_appearance_order_without_duplicates(api):
    save(api, "POST", "p", "${b} and ${workflow.input.x}, ${a}, ${b} again; not $c or {d}", autoIncrement="true")
    assert api.get("/api/prompts/p").json()["variables"] == ["b", "workflow.input.x", "a"]


def test_get_answers_the_latest_or_the_asked_version(api):
    save(api, "POST", "p", "one", autoIncrement="true")
    save(api, "POST", "p", "two", autoIncrement="true")
    assert api.get("/api/prompts/p").json()["template"] == "two"
    assert api.get("/api/prompts/p", params={"version": 1}).json()["template"] == "one"


def test_the_list_holds_every_version_of_every_prompt(orkes, api):
    orkes.fake.post_template("a", "a1")
    orkes.fake.post_template("a", "a2", auto_increment=True)
    orkes.fake.post_template("b", "b1")
    assert [(t["name"], t["version"]) for t in api.get("/api/prompts").json()] == [("a", 1), ("a", 2), ("b", 1)]


def test_an_encoded_slash_stays_in_one_name(api):
    save(api, "POST", "team%2Ftriage", "t", autoIncrement="true")
    assert api.get("/api/prompts/team%2Ftriage").json()["name"] == "team/triage"
    assert api.get("/api/prompts/team/triage").status_code == 404


def test_bulk_create(api):
    answer = api.post("/api/prompts/", json=[{"name": "x", "template": "X", "description": "d"}])
    assert answer.status_code == 200
    assert api.get("/api/prompts/x").json()["template"] == "X"


# --- deletes and tags --------------------------------------------------------------------------------------


def test_tags_are_a_set_of_pairs_per_name(orkes, api):
    orkes.fake.post_template("p", "v1")
    orkes.fake.post_template("p", "v2", auto_increment=True)
    pairs = [{"key": "team", "value": "care"}, {"key": "team", "value": "sales"}, {"key": "tier", "value": "1"}]
    assert api.put("/api/prompts/p/tags", json=pairs).status_code == 200
    assert api.put("/api/prompts/p/tags", json=pairs[:1]).status_code == 200
    assert api.request("DELETE", "/api/prompts/p/tags", json=[pairs[1]]).status_code == 200
    expected = [pairs[0], pairs[2]]
    assert api.get("/api/prompts/p/tags").json() == expected
    assert [v["tags"] for v in versions(api, "p")] == [expected, expected]


def test_deleting_the_name_drops_its_versions_and_tags(orkes, api):
    orkes.fake.post_template("p", "v1")
    api.put("/api/prompts/p/tags", json=[{"key": "k", "value": "v"}])
    assert api.delete("/api/prompts/p").status_code == 200
    assert api.get("/api/prompts/p").status_code == 404
    orkes.fake.post_template("p", "again")
    assert api.get("/api/prompts/p/tags").json() == []


def test_deleting_the_last_version_drops_the_tags(orkes, api):
    orkes.fake.post_template("p", "v1")
    orkes.fake.post_template("p", "v2", auto_increment=True)
    api.put("/api/prompts/p/tags", json=[{"key": "k", "value": "v"}])
    assert api.delete("/api/prompts/p/versions/1").status_code == 200
    assert api.get("/api/prompts/p/tags").json() == [{"key": "k", "value": "v"}]
    assert api.delete("/api/prompts/p/versions/2").status_code == 200
    orkes.fake.post_template("p", "again")
    assert api.get("/api/prompts/p/tags").json() == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/prompts/ghost"),
        ("GET", "/api/prompts/p?version=9"),
        ("GET", "/api/prompts/ghost/versions"),
        ("DELETE", "/api/prompts/ghost"),
        ("DELETE", "/api/prompts/p/versions/9"),
        ("GET", "/api/prompts/ghost/tags"),
    ],
)
def test_an_unknown_name_or_version_is_404(orkes, api, method, path):
    orkes.fake.post_template("p", "v1")
    answer = api.request(method, path)
    assert answer.status_code == 404
    assert "not found" in answer.json()["message"]


def test_an_unknown_integration_is_404(api):
    answer = api.post("/api/prompts/p", params={"description": "d", "models": "nowhere:model"}, content="x")
    assert answer.status_code == 404
    assert api.get("/api/prompts/p").status_code == 404


def test_test_answers_the_filled_template_as_plain_text(api):
    answer = api.post(
        "/api/prompts/test",
        json={"llmProvider": "openai", "model": "gpt-4o", "prompt": "Hi ${a.b}, ${c}", "promptVariables": {"a.b": 1}},
    )
    assert answer.headers["content-type"].startswith("text/plain")
    assert answer.text == "Hi 1, ${c}"


# --- tokens and permissions --------------------------------------------------------------------------------


def test_a_wrong_secret_gets_no_token(orkes):
    answer = httpx.post(f"{orkes.url}/api/token", json={"keyId": KEY_ID, "keySecret": "wrong"}, trust_env=False)
    assert answer.status_code == 401
    assert orkes.fake.token_requests == 1


def test_calls_without_a_valid_token_are_refused(orkes):
    assert httpx.get(f"{orkes.url}/api/prompts", trust_env=False).json()["error"] == "INVALID_TOKEN"
    forged = httpx.get(f"{orkes.url}/api/prompts", headers={"X-Authorization": "forged"}, trust_env=False)
    assert (forged.status_code, forged.json()["error"]) == (401, "INVALID_TOKEN")


@pytest.mark.parametrize("status", [401, 403])
def test_expired_tokens_are_refused_with_the_configured_status(start_orkes, status):
    orkes = start_orkes(expired_status=status)
    with http(orkes) as api:
        assert api.get("/api/prompts").status_code == 200
        orkes.fake.expire_all_tokens()
        answer = api.get("/api/prompts")
    assert (answer.status_code, answer.json()["error"]) == (status, "EXPIRED_TOKEN")
    with http(orkes) as renewed:
        assert renewed.get("/api/prompts").status_code == 200


def test_a_token_past_its_lifetime_is_expired(start_orkes):
    orkes = start_orkes(token_lifetime=0)
    with http(orkes) as api:
        assert api.get("/api/prompts").json()["error"] == "EXPIRED_TOKEN"


def test_a_key_without_permission_is_403(orkes):
    orkes.fake.add_key("reader", "reader-secret", permissions={READ})
    orkes.fake.post_template("p", "v1")
    with http(orkes, "reader", "reader-secret") as api:
        assert api.get("/api/prompts/p").status_code == 200
        refused = api.post("/api/prompts/p", params={"description": "d", "autoIncrement": "true"}, content="x")
        assert refused.status_code == 403
        assert "UPDATE" in refused.json()["message"]
        assert api.delete("/api/prompts/p").status_code == 403
        assert save(api, "POST", "brand-new", "created by a reader")
    assert [v["template"] for v in orkes.fake.versions_of("p")] == ["v1"]


def test_the_concurrent_write_hook_runs_once_after_the_next_versions_read(orkes, api):
    orkes.fake.post_template("p", "v1")
    orkes.fake.after_next_versions_read(lambda: orkes.fake.post_template("p", "theirs", auto_increment=True))
    assert [v["template"] for v in versions(api, "p")] == ["v1"]
    assert [v["template"] for v in versions(api, "p")] == ["v1", "theirs"]
    assert len(versions(api, "p")) == 2


# --- the answers match the official OpenAPI subset ---------------------------------------------------------


def _strict(schema: object) -> object:
    """The schema with closed objects, so the fake cannot send a key the spec does not name either."""
    if isinstance(schema, dict):
        closed = {key: _strict(value) for key, value in schema.items()}
        if closed.get("type") == "object" and "properties" in closed:
            closed["additionalProperties"] = False
        return closed
    if isinstance(schema, list):
        return [_strict(item) for item in schema]
    return schema


def _check_against_the_spec(answer: RecordedAnswer) -> None:
    operation = OPENAPI["paths"][answer.route][answer.method.lower()]
    if answer.status != 200:
        body = json.loads(answer.body)
        assert isinstance(body["message"], str)
        return
    content = operation["responses"]["200"].get("content")
    if content is None:
        assert answer.body == b"", answer
        return
    assert answer.content_type in content, answer
    schema = {**content[answer.content_type]["schema"], "components": _strict(OPENAPI["components"])}
    body = json.loads(answer.body) if answer.content_type == "application/json" else answer.body.decode()
    jsonschema.Draft4Validator(schema).validate(body)


def test_every_answer_matches_the_openapi_response_schemas(orkes, api):
    orkes.fake.add_key("reader", "reader-secret", permissions={READ})
    save(api, "POST", "p", "Hi ${name}", autoIncrement="true", models=["openai:gpt-4o", "anthropic:claude-sonnet-4"])
    save(api, "PUT", "p", "Hello ${name}")
    save(api, "POST", "p", "two", version=2)
    save(api, "POST", "q", "other")
    api.put("/api/prompts/p/tags", json=[{"key": "k", "value": "v"}])
    api.get("/api/prompts")
    api.get("/api/prompts/p")
    api.get("/api/prompts/p", params={"version": 1})
    api.get("/api/prompts/p/versions")
    api.get("/api/prompts/p/tags")
    api.request("DELETE", "/api/prompts/p/tags", json=[{"key": "k", "value": "v"}])
    api.post("/api/prompts/", json=[{"name": "bulk", "template": "b", "description": "d"}])
    api.post("/api/prompts/test", json={"llmProvider": "openai", "model": "gpt-4o", "prompt": "x"})
    api.delete("/api/prompts/p/versions/1")
    api.delete("/api/prompts/q")
    api.get("/api/prompts/q")
    with http(orkes, "reader", "reader-secret") as reader:
        reader.delete("/api/prompts/p")
    orkes.fake.expire_all_tokens()
    api.get("/api/prompts")

    answers = list(orkes.fake.answers)
    statuses = {answer.status for answer in answers}
    assert {200, 401, 403, 404} <= statuses
    assert {(a.method, a.route) for a in answers if a.status == 200} >= {
        (method.upper(), route)
        for route, operations in OPENAPI["paths"].items()
        if route.startswith("/api/prompts")
        for method in operations
    }
    for answer in answers:
        _check_against_the_spec(answer)


def test_the_schema_check_catches_a_wrong_answer():
    wrong = RecordedAnswer(
        method="GET",
        route="/api/prompts/{name}",
        query="",
        sent_token=True,
        request_content_type="",
        request_body=b"",
        status=200,
        content_type="application/json",
        body=b'{"name": "p", "version": "one", "variables": ["a", "a"]}',
    )
    with pytest.raises(jsonschema.ValidationError):
        _check_against_the_spec(wrong)
