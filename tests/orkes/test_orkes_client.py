"""`OrkesClient` against the fake Orkes over real HTTP on 127.0.0.1: every method, the token dance, the errors."""

from __future__ import annotations

import asyncio
import json
import logging
from urllib.parse import parse_qs

import pytest

from prompt_studio.api.orkes import TOKEN_RENEWAL_INTERVAL, TOKEN_RENEWAL_MARGIN, OrkesClient, jwt_expiry
from prompt_studio.models.errors import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)
from prompt_studio.models.orkes import OrkesTag, quote_stripping_warning
from tests.orkes.conftest import KEY_SECRET
from tests.orkes.fake_orkes import READ


class Clock:
    """Wall-clock seconds that a test moves by hand, to reach a token's renewal time without waiting."""

    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


def issued_tokens(orkes) -> list[str]:
    return [json.loads(a.body)["token"] for a in orkes.fake.requests_to("POST", "/api/token") if a.status == 200]


# --- every method ------------------------------------------------------------------------------------------


async def test_list_prompts_keeps_each_name_once_at_its_highest_version(orkes, client):
    orkes.fake.post_template("b", "b1")
    orkes.fake.post_template("a", "a1")
    orkes.fake.post_template("a", "a3", version=3)
    orkes.fake.post_template("a", "a2", version=2)
    orkes.fake.post_template("b", "b2", auto_increment=True)
    listed = await client.list_prompts()
    assert [(t.name, t.version, t.template) for t in listed] == [("b", 2, "b2"), ("a", 3, "a3")]


async def test_get_prompt_reads_the_latest_or_a_given_version(orkes, client):
    orkes.fake.post_template("p", "Hi ${who}", description="first", models=["openai:gpt-4o"], user="ann")
    orkes.fake.post_template("p", "Bye ${who}", auto_increment=True, user="bob")
    latest = await client.get_prompt("p")
    assert (latest.version, latest.template, latest.updated_by, latest.variables) == (2, "Bye ${who}", "bob", ["who"])
    first = await client.get_prompt("p", version=1)
    assert (first.description, first.integrations, first.created_by) == ("first", ["openai:gpt-4o"], "ann")
    assert isinstance(first.update_time, int)


async def test_list_versions_gives_every_version(orkes, client):
    orkes.fake.post_template("p", "one")
    orkes.fake.post_template("p", "two", auto_increment=True)
    assert [(v.version, v.template) for v in await client.list_versions("p")] == [(1, "one"), (2, "two")]


async def test_save_new_version_adds_a_version_with_the_raw_text(orkes, client):
    orkes.fake.post_template("p", "colleague", version=4)
    text = 'Line 1: {"json": true}\n  ${user.name} — ünïcødé & more?=%2F\n'
    await client.save_new_version(
        "p", text, description="my change", models=["openai:gpt-4o", "anthropic:claude-sonnet-4"]
    )
    saved = await client.get_prompt("p")
    assert (saved.version, saved.template, saved.description) == (5, text, "my change")
    assert saved.integrations == ["openai:gpt-4o", "anthropic:claude-sonnet-4"]
    (post,) = orkes.fake.requests_to("POST", "/api/prompts/{name}")
    assert post.request_content_type.startswith("text/plain")
    assert post.request_body == text.encode()
    assert parse_qs(post.query) == {
        "description": ["my change"],
        "models": ["openai:gpt-4o", "anthropic:claude-sonnet-4"],
        "autoIncrement": ["true"],
    }


async def test_save_new_version_of_a_new_prompt_creates_version_one(orkes, client):
    await client.save_new_version("fresh", "text", description="", models=[])
    assert [(v["version"], v["template"]) for v in orkes.fake.versions_of("fresh")] == [(1, "text")]


async def test_a_quoted_template_loses_its_quotes_which_is_why_it_is_warned_about(client):
    template = '"Be brief."'
    assert quote_stripping_warning(template) is not None
    await client.save_new_version("p", template, description="d", models=[])
    assert (await client.get_prompt("p")).template == "Be brief."


async def test_a_name_with_a_slash_and_spaces_is_one_path_segment(orkes, client):
    name = "team/triage: v2?#"
    await client.save_new_version(name, "t", description="d", models=[])
    assert (await client.get_prompt(name)).name == name
    assert [v.name for v in await client.list_versions(name)] == [name]
    await client.add_tags(name, [OrkesTag(key="k", value="v")])
    await client.delete_version(name, 1)
    assert orkes.fake.versions_of(name) == []


async def test_delete_prompt_removes_every_version(orkes, client):
    orkes.fake.post_template("p", "one")
    orkes.fake.post_template("p", "two", auto_increment=True)
    orkes.fake.post_template("keep", "k")
    await client.delete_prompt("p")
    assert orkes.fake.versions_of("p") == []
    assert [t.name for t in await client.list_prompts()] == ["keep"]


async def test_delete_version_removes_only_that_one(orkes, client):
    for text in ("one", "two", "three"):
        orkes.fake.post_template("p", text, auto_increment=True)
    await client.delete_version("p", 2)
    assert [v.version for v in await client.list_versions("p")] == [1, 3]


async def test_tags_are_read_added_and_removed_as_pairs(orkes, client):
    orkes.fake.post_template("p", "one")
    care, sales, tier = (
        OrkesTag(key="team", value="care"),
        OrkesTag(key="team", value="sales"),
        OrkesTag(key="tier", value="1"),
    )
    await client.add_tags("p", [care, sales])
    await client.add_tags("p", [care, tier])
    assert await client.get_tags("p") == [care, sales, tier]
    await client.remove_tags("p", [sales])
    assert await client.get_tags("p") == [care, tier]
    assert (await client.get_prompt("p")).tags == [care, tier]


async def test_test_prompt_answers_plain_text_and_sends_only_set_parameters(orkes, client):
    answer = await client.test_prompt("openai", "gpt-4o", "Hello ${user.name}, ${n}!", {"user.name": "Ada", "n": 3})
    assert answer == "Hello Ada, 3!"
    await client.test_prompt("openai", "gpt-4o", "x", {}, temperature=0.2, top_p=0.9, stop_words=["END"])
    first, second = orkes.fake.requests_to("POST", "/api/prompts/test")
    assert json.loads(first.request_body) == {
        "llmProvider": "openai",
        "model": "gpt-4o",
        "prompt": "Hello ${user.name}, ${n}!",
        "promptVariables": {"user.name": "Ada", "n": 3},
    }
    assert json.loads(second.request_body) | {"promptVariables": {}} == {
        "llmProvider": "openai",
        "model": "gpt-4o",
        "prompt": "x",
        "promptVariables": {},
        "temperature": 0.2,
        "topP": 0.9,
        "stopWords": ["END"],
    }


async def test_the_client_never_puts_and_never_posts_without_auto_increment(orkes, client):
    await client.save_new_version("p", "one", description="d", models=[])
    await client.save_new_version("p", "two", description="d", models=[])
    assert orkes.fake.requests_to("PUT", "/api/prompts/{name}") == []
    posts = orkes.fake.requests_to("POST", "/api/prompts/{name}")
    assert [parse_qs(post.query)["autoIncrement"] for post in posts] == [["true"], ["true"]]


# --- tokens ------------------------------------------------------------------------------------------------


async def test_one_token_serves_many_calls(orkes, client):
    orkes.fake.post_template("p", "one")
    for _ in range(5):
        await client.get_prompt("p")
    assert orkes.fake.token_requests == 1
    (token,) = issued_tokens(orkes)
    assert all(a.status == 200 for a in orkes.fake.answers)
    assert jwt_expiry(token) is not None


async def test_the_token_is_renewed_before_its_expiry(orkes):
    orkes.fake.post_template("p", "one")
    clock = Clock(0.0)
    async with orkes.client(clock=clock) as client:
        await client.get_prompt("p")
        expiry = jwt_expiry(issued_tokens(orkes)[0])
        clock.now = expiry - TOKEN_RENEWAL_MARGIN - 1
        await client.get_prompt("p")
        assert orkes.fake.token_requests == 1
        clock.now = expiry - TOKEN_RENEWAL_MARGIN
        await client.get_prompt("p")
    assert orkes.fake.token_requests == 2
    assert [a.status for a in orkes.fake.answers] == [200] * 5, "no call was sent with a stale token"


async def test_a_token_without_an_expiry_is_renewed_every_45_minutes(start_orkes):
    orkes = start_orkes(jwt_tokens=False)
    orkes.fake.post_template("p", "one")
    clock = Clock(1_000.0)
    async with orkes.client(clock=clock) as client:
        await client.get_prompt("p")
        clock.now += TOKEN_RENEWAL_INTERVAL - 1
        await client.get_prompt("p")
        assert orkes.fake.token_requests == 1
        clock.now += 1
        await client.get_prompt("p")
    assert orkes.fake.token_requests == 2
    assert TOKEN_RENEWAL_INTERVAL == 45 * 60


@pytest.mark.parametrize("status", [401, 403])
async def test_an_expired_token_is_renewed_and_the_call_replayed_once(start_orkes, status):
    orkes = start_orkes(expired_status=status)
    orkes.fake.post_template("p", "one")
    async with orkes.client() as client:
        await client.get_prompt("p")
        orkes.fake.expire_all_tokens()
        assert (await client.get_prompt("p")).template == "one"
    assert orkes.fake.token_requests == 2
    gets = orkes.fake.requests_to("GET", "/api/prompts/{name}")
    assert [a.status for a in gets] == [200, status, 200]
    assert all(a.sent_token for a in gets)
    assert not any(a.sent_token for a in orkes.fake.requests_to("POST", "/api/token")), "a token asks for no token"


async def test_an_invalid_token_is_renewed_and_the_call_replayed_once(orkes, client):
    orkes.fake.post_template("p", "one")
    await client.get_prompt("p")
    with orkes.fake.lock:
        orkes.fake.tokens.clear()
    assert (await client.get_prompt("p")).template == "one"
    assert orkes.fake.token_requests == 2
    assert [json.loads(a.body).get("error") for a in orkes.fake.requests_to("GET", "/api/prompts/{name}")] == [
        None,
        "INVALID_TOKEN",
        None,
    ]


async def test_a_replayed_save_writes_one_version(orkes, client):
    await client.save_new_version("p", "one", description="d", models=[])
    orkes.fake.expire_all_tokens()
    await client.save_new_version("p", "two", description="d", models=[])
    assert [v["template"] for v in orkes.fake.versions_of("p")] == ["one", "two"]
    assert [a.status for a in orkes.fake.requests_to("POST", "/api/prompts/{name}")] == [200, 401, 200]


async def test_a_second_expired_answer_goes_to_the_caller(start_orkes):
    orkes = start_orkes(token_lifetime=0)
    async with orkes.client() as client:
        with pytest.raises(AuthenticationError) as caught:
            await client.list_prompts()
    assert caught.value.error == "EXPIRED_TOKEN"
    assert caught.value.user_message.startswith("The server did not accept the API key.")
    assert orkes.fake.token_requests == 2
    assert [a.status for a in orkes.fake.requests_to("GET", "/api/prompts")] == [401, 401]


@pytest.mark.parametrize(("status", "failure", "sent"), [(503, ServerError, 1), (429, RateLimitError, 3)])
async def test_a_failing_token_request_goes_to_the_caller(orkes, status, failure, sent):
    """A 503 may have minted a token: not sent again. A 429 turned the request away unread: sent again after the
    wait, up to the retries (2), then the caller hears of it."""
    orkes.fake.post_template("p", "one")
    orkes.fake.fail_next("POST", "/api/token", status, times=3)
    async with orkes.client(max_retries=2) as client:
        with pytest.raises(failure):
            await client.get_prompt("p")
    assert [a.status for a in orkes.fake.requests_to("POST", "/api/token")] == [status] * sent
    assert orkes.fake.requests_to("GET", "/api/prompts/{name}") == [], "nothing is sent without a token"


async def test_a_failing_renewal_is_sent_once_and_the_refused_call_is_not_replayed(orkes):
    orkes.fake.post_template("p", "one")
    async with orkes.client(max_retries=2) as client:
        await client.get_prompt("p")
        orkes.fake.expire_all_tokens()
        orkes.fake.fail_next("POST", "/api/token", 503)
        with pytest.raises(ServerError):
            await client.get_prompt("p")
        assert [a.status for a in orkes.fake.requests_to("POST", "/api/token")] == [200, 503]
        assert [a.status for a in orkes.fake.requests_to("GET", "/api/prompts/{name}")] == [200, 401]
        assert (await client.get_prompt("p")).template == "one", "the next call mints a token of its own"
    assert [a.status for a in orkes.fake.requests_to("POST", "/api/token")] == [200, 503, 200]


async def test_concurrent_calls_refused_together_mint_one_new_token(orkes, client):
    orkes.fake.post_template("p", "one")
    await client.get_prompt("p")
    orkes.fake.expire_all_tokens()
    answers = await asyncio.gather(*(client.get_prompt("p") for _ in range(6)))
    assert {answer.template for answer in answers} == {"one"}
    assert orkes.fake.token_requests == 2


# --- errors the user sees ----------------------------------------------------------------------------------


async def test_a_wrong_secret_is_an_authentication_error_in_plain_words(orkes):
    async with orkes.client(key_secret="not-the-secret") as client:
        with pytest.raises(AuthenticationError) as caught:
            await client.list_prompts()
    failure = caught.value
    assert (failure.status, failure.message) == (401, "Invalid access key id or secret")
    assert "{" not in failure.user_message
    assert orkes.fake.token_requests == 1, "a refused key is not retried"
    assert orkes.fake.requests_to("GET", "/api/prompts") == []


async def test_a_missing_permission_is_a_permission_error_with_the_servers_words(orkes):
    orkes.fake.add_key("reader", "reader-secret", permissions={READ})
    orkes.fake.post_template("p", "theirs")
    async with orkes.client("reader", "reader-secret") as client:
        assert (await client.get_prompt("p")).template == "theirs"
        with pytest.raises(PermissionDeniedError) as caught:
            await client.save_new_version("p", "mine", description="d", models=[])
        with pytest.raises(PermissionDeniedError):
            await client.delete_prompt("p")
    failure = caught.value
    assert failure.status == 403
    assert failure.message == "reader@keys.example does not have UPDATE permission over prompt 'p'"
    assert failure.user_message.startswith("This API key is not allowed to do that.")
    assert orkes.fake.token_requests == 1, "a missing permission is not a token problem"
    assert [v["template"] for v in orkes.fake.versions_of("p")] == ["theirs"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda client: client.get_prompt("ghost"), "Prompt template 'ghost' not found"),
        (lambda client: client.get_prompt("p", version=7), "Prompt template 'p' version 7 not found"),
        (lambda client: client.list_versions("ghost"), "Prompt template 'ghost' not found"),
        (lambda client: client.delete_version("p", 7), "Prompt template 'p' version 7 not found"),
        (lambda client: client.get_tags("ghost"), "Prompt template 'ghost' not found"),
        (
            lambda client: client.save_new_version("p", "x", description="d", models=["nowhere:m"]),
            "Integration 'nowhere:m' not found",
        ),
    ],
)
async def test_unknown_names_versions_and_integrations_are_not_found(orkes, client, call, message):
    orkes.fake.post_template("p", "one")
    with pytest.raises(NotFoundError) as caught:
        await call(client)
    assert (caught.value.status, caught.value.message) == (404, message)


async def test_neither_the_secret_nor_a_token_leaks_into_errors_reprs_or_logs(start_orkes, caplog):
    caplog.set_level(logging.DEBUG)
    orkes = start_orkes(echo_credentials_in_errors=True)
    orkes.fake.add_key("reader", KEY_SECRET + "-reader", permissions={READ})
    orkes.fake.post_template("p", "one")
    failures: list[Exception] = []
    clients: list[OrkesClient] = []
    async with orkes.client() as client, orkes.client("reader", KEY_SECRET + "-reader") as reader:
        clients += [client, reader]
        await client.get_prompt("p")
        orkes.fake.expire_all_tokens()
        await client.get_prompt("p")
        for call in (client.get_prompt("ghost"), reader.delete_prompt("p")):
            try:
                await call
            except (NotFoundError, PermissionDeniedError) as failure:
                failures.append(failure)
    async with orkes.client(key_secret="wrong-" + KEY_SECRET) as wrong:
        clients.append(wrong)
        try:
            await wrong.list_prompts()
        except AuthenticationError as failure:
            failures.append(failure)
    assert len(failures) == 3
    secrets = [KEY_SECRET, *issued_tokens(orkes)]
    assert len(secrets) == 4
    echoed = [a.body.decode() for a in orkes.fake.answers if a.status >= 400]
    assert any(KEY_SECRET in body for body in echoed), "the fake did echo the secret"
    assert sum(any(token in body for body in echoed) for token in secrets[1:]) >= 2, "the fake did echo tokens"
    shown = [caplog.text, *map(repr, clients)]
    for failure in failures:
        shown += [str(failure), repr(failure), failure.message, failure.error, failure.user_message]
    assert any("[redacted]" in text for text in shown)
    for secret in secrets:
        for text in shown:
            assert secret not in text
