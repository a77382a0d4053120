"""Numbers have sane bounds (a 4,000-digit `maxTokens` used to be stored), and a redirect reaches the user as a
redirect, with where it points, rather than as the bare word "error"."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from prompt_studio.api import LangWatchClient
from prompt_studio.models import ConfigData
from prompt_studio.models.config import MAX_TOKENS
from prompt_studio.models.errors import PromptStudioError
from tests.api.raw_server import RawHttpServer, answer
from tests.support.payloads import config_data, create_body

HUGE = int("9" * 4000)


def test_max_tokens_is_bounded_in_the_model():
    assert ConfigData.model_validate(config_data(max_tokens=MAX_TOKENS)).max_tokens == MAX_TOKENS
    for field, value in (("max_tokens", MAX_TOKENS + 1), ("seed", HUGE), ("top_k", HUGE)):
        with pytest.raises(ValidationError):
            ConfigData.model_validate(config_data(**{field: value}))


@pytest.mark.parametrize("route", ["create", "update", "sync"])
def test_the_server_refuses_a_4000_digit_max_tokens_naming_the_limit(client, route):
    assert client.post("/api/prompts", json=create_body("bounded")).status_code == 200
    if route == "create":
        answer_ = client.post("/api/prompts", json=create_body("other", maxTokens=HUGE))
    elif route == "update":
        answer_ = client.put("/api/prompts/bounded", json={"commitMessage": "big", "maxTokens": HUGE})
    else:
        answer_ = client.post("/api/prompts/bounded/sync", json={"configData": config_data(max_tokens=HUGE)})
    assert answer_.status_code == 422, answer_.text[:200]
    message = answer_.json()["message"]
    assert "max_tokens" in message and "10000000" in message and len(message) < 300, message
    assert client.get("/api/prompts/bounded").json()["maxTokens"] == 256


@pytest.fixture
async def redirecting():
    server = RawHttpServer()
    await server.start()
    yield server
    await server.close()


@pytest.mark.parametrize(
    ("location", "where"),
    [("https://elsewhere.example/api/prompts", "https://elsewhere.example/api/prompts"), ("/login", "/login")],
)
async def test_a_redirect_says_it_was_redirected_and_where(redirecting, location, where):
    redirecting.script = [answer(307, b"", {"Location": location})]
    async with LangWatchClient(redirecting.url, "sk-lw-key_0123456789abcdef") as client:
        with pytest.raises(PromptStudioError) as failure:
            await client.list_prompts()
    said = failure.value.user_message
    assert "redirected the request to " in said and where in said, said
    assert failure.value.error == "redirected" and failure.value.status == 307
    assert "sk-lw-key" not in said
    assert len(redirecting.requests) == 1, "a redirect is never followed"
    if location.startswith("/"):
        assert f"{redirecting.url}/login" in said
