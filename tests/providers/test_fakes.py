"""The fakes checked with the official clients themselves: if `openai` and `anthropic` read them as the real APIs,
the runs tested against them are tested against what those packages do."""

from __future__ import annotations

import anthropic
import openai
import pytest

from tests.providers.fakes import ANTHROPIC_KEY, OPENAI_KEY, Script


def _openai(fakes, key: str = OPENAI_KEY) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(api_key=key, base_url=fakes.openai_url, max_retries=0)


def _anthropic(fakes, key: str = ANTHROPIC_KEY) -> anthropic.AsyncAnthropic:
    return anthropic.AsyncAnthropic(api_key=key, base_url=fakes.anthropic_url, max_retries=0)


async def test_openai_stream_with_the_usage_chunk(fakes):
    async with _openai(fakes) as client:
        stream = await client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], stream=True,
            stream_options={"include_usage": True},
        )
        chunks = [chunk async for chunk in stream]
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Arr, yer refund be on its way."
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens == 5
    assert all(c.usage is None for c in chunks[:-1])
    assert fakes.fake.stream_completed


async def test_openai_without_streaming(fakes):
    async with _openai(fakes) as client:
        completion = await client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
    assert completion.choices[0].message.content == "Arr, yer refund be on its way."
    assert completion.usage.prompt_tokens == 21


@pytest.mark.parametrize(("status", "error_class"), [
    (429, openai.RateLimitError), (500, openai.InternalServerError), (404, openai.NotFoundError),
    (400, openai.BadRequestError),
])
async def test_openai_errors_in_openai_shape(fakes, status, error_class):
    fakes.fake.script = Script(mode="error", error_status=status)
    async with _openai(fakes) as client:
        with pytest.raises(error_class) as raised:
            await client.chat.completions.create(model="m", messages=[])
    assert raised.value.status_code == status
    assert isinstance(raised.value.body, dict) and raised.value.body["message"]


async def test_openai_rejects_a_wrong_key(fakes):
    async with _openai(fakes, key="sk-wrong") as client:
        with pytest.raises(openai.AuthenticationError) as raised:
            await client.models.list()
    assert raised.value.code == "invalid_api_key"


async def test_openai_client_ends_quietly_on_a_stream_cut_before_done(fakes):
    """The premise of the app's own check: the `openai` package does not raise when [DONE] never comes."""
    fakes.fake.script = Script(mode="cut")
    async with _openai(fakes) as client:
        stream = await client.chat.completions.create(model="m", messages=[], stream=True)
        chunks = [chunk async for chunk in stream]
    assert all(c.choices[0].finish_reason is None for c in chunks)


async def test_openai_client_raises_on_a_dropped_connection(fakes):
    fakes.fake.script = Script(mode="drop")
    async with _openai(fakes) as client:
        stream = await client.chat.completions.create(model="m", messages=[], stream=True)
        with pytest.raises(openai.APIConnectionError):
            _ = [chunk async for chunk in stream]


async def test_anthropic_stream_events(fakes):
    async with _anthropic(fakes) as client:
        stream = await client.messages.create(model="claude-x", max_tokens=10, stream=True,
                                              messages=[{"role": "user", "content": "hi"}])
        events = [event async for event in stream]
    assert [e.type for e in events] == ["message_start", "content_block_start", *["content_block_delta"] * 5,
                                        "content_block_stop", "message_delta", "message_stop"]
    assert events[0].message.usage.input_tokens == 21
    assert events[-2].delta.stop_reason == "end_turn" and events[-2].usage.output_tokens == 5


async def test_anthropic_helper_stream_reads_the_fake(fakes):
    async with _anthropic(fakes) as client, client.messages.stream(
        model="claude-x", max_tokens=10, messages=[{"role": "user", "content": "hi"}]
    ) as stream:
        text = "".join([piece async for piece in stream.text_stream])
        final = await stream.get_final_message()
    assert text == "Arr, yer refund be on its way." and final.stop_reason == "end_turn"


async def test_anthropic_without_streaming(fakes):
    async with _anthropic(fakes) as client:
        message = await client.messages.create(model="claude-x", max_tokens=10,
                                               messages=[{"role": "user", "content": "hi"}])
    assert message.content[0].text == "Arr, yer refund be on its way." and message.usage.output_tokens == 5


@pytest.mark.parametrize(("status", "error_class"), [
    (429, anthropic.RateLimitError), (500, anthropic.InternalServerError), (404, anthropic.NotFoundError),
    (400, anthropic.BadRequestError), (529, anthropic.APIStatusError),
])
async def test_anthropic_errors_in_anthropic_shape(fakes, status, error_class):
    fakes.fake.script = Script(mode="error", error_status=status)
    async with _anthropic(fakes) as client:
        with pytest.raises(error_class) as raised:
            await client.messages.create(model="claude-x", max_tokens=10, messages=[])
    assert raised.value.status_code == status
    assert raised.value.body["type"] == "error"


async def test_anthropic_rejects_a_wrong_key(fakes):
    async with _anthropic(fakes, key="sk-ant-wrong") as client:
        with pytest.raises(anthropic.AuthenticationError):
            await client.models.list()


async def test_models_lists(fakes):
    async with _openai(fakes) as oa, _anthropic(fakes) as an:
        assert sorted([m.id async for m in oa.models.list()]) == ["model-a", "model-b"]
        assert sorted([m.id async for m in an.models.list()]) == ["model-a", "model-b"]
