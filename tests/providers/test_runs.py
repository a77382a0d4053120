"""Runs through `Runner` against the fakes: the exact request sent, the streamed answer, the figures, Stop, and
every failure in plain words."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from prompt_studio.providers import (
    ANTHROPIC_DEFAULT_MAX_TOKENS,
    ContextTooLong,
    CutOff,
    KeyRejected,
    ModelNotFound,
    NoKey,
    ProviderDown,
    ProviderSettings,
    RateLimited,
    Runner,
    RunSummary,
    TextDelta,
    UnknownProvider,
    key_id,
)
from prompt_studio.rendering import RenderedMessage, render_messages, templates_of_config
from tests.providers.fakes import Script

CONFIG = {
    "prompt": "You are a {{ persona }} assistant.",
    "messages": [{"role": "user", "content": "{{ question }}"}],
    "model": "openai/gpt-4o-mini",
    "outputs": [{"identifier": "output", "type": "str"}],
    "temperature": 0.3,
    "max_tokens": 200,
    "top_p": 0.9,
    "frequency_penalty": 0.1,
    "presence_penalty": 0.2,
    "seed": 7,
    "stop": ["END"],
}
INPUTS = {"persona": "pirate", "question": "Where is my refund?"}
SENT_MESSAGES = [{"role": "system", "content": "You are a pirate assistant."},
                 {"role": "user", "content": "Where is my refund?"}]


def rendered(config=CONFIG):
    return render_messages(templates_of_config(config), INPUTS)


async def collect(events):
    deltas, summary = [], None
    async for event in events:
        if isinstance(event, TextDelta):
            assert summary is None, "nothing comes after the summary"
            deltas.append(event.text)
        else:
            summary = event
    assert isinstance(summary, RunSummary)
    return deltas, summary


async def test_openai_stream_sends_the_rendered_prompt_and_its_parameters(fakes, runner):
    deltas, summary = await collect(runner.run(CONFIG, rendered()))

    assert fakes.fake.last.path == "/openai/v1/chat/completions"
    assert fakes.fake.last.body == {
        "model": "gpt-4o-mini", "messages": SENT_MESSAGES, "temperature": 0.3, "max_completion_tokens": 200,
        "top_p": 0.9, "frequency_penalty": 0.1, "presence_penalty": 0.2, "seed": 7, "stop": ["END"],
        "stream": True, "stream_options": {"include_usage": True},
    }
    assert deltas == ["Arr, ", "yer ", "refund ", "be ", "on its way."]
    assert summary.ok and summary.text == "Arr, yer refund be on its way."
    assert (summary.input_tokens, summary.output_tokens, summary.finish_reason) == (21, 5, "stop")
    assert not summary.cut_off and summary.parameters.left_out == {}
    assert 0 < summary.time_to_first_token <= summary.total_time
    assert isinstance(summary.cost, Decimal) and summary.cost > 0 and summary.cost_words.startswith("$")


async def test_a_reasoning_model_is_not_sent_sampling_it_refuses(fakes, runner):
    config = {**CONFIG, "model": "openai/gpt-5", "reasoning_effort": "low"}
    _, summary = await collect(runner.run(config, rendered()))
    body = fakes.fake.last.body
    assert body["model"] == "gpt-5" and body["reasoning_effort"] == "low"
    for name in ("temperature", "top_p", "frequency_penalty", "presence_penalty"):
        assert name not in body
        assert "reasoning model" in summary.parameters.left_out[name]
    assert summary.ok


async def test_an_openai_compatible_server_gets_max_tokens_and_no_price(fakes, runner):
    config = {"model": "local/llama-3.1-8b", "max_tokens": 50, "outputs": [], "reasoning_effort": "high"}
    _, summary = await collect(runner.run(config, [RenderedMessage("user", "hi")]))
    body = fakes.fake.last.body
    assert body["model"] == "llama-3.1-8b" and body["max_tokens"] == 50 and "max_completion_tokens" not in body
    assert summary.provider == "Local server" and summary.cost is None and summary.cost_words == "unknown"


async def test_no_usage_chunk_is_unknown_tokens_not_a_cut(fakes, runner):
    """llama.cpp's server sends no usage chunk even when asked, and still ends with a finish reason."""
    fakes.fake.script = Script(usage=False, finish_reason="length")
    _, summary = await collect(runner.run(CONFIG, rendered()))
    assert summary.ok and not summary.cut_off and summary.finish_reason == "length"
    assert summary.input_tokens is None and summary.cost_words == "unknown"
    assert summary.warnings == ["OpenAI sent no token counts"]


async def test_openai_without_streaming(fakes, runner):
    deltas, summary = await collect(runner.run(CONFIG, rendered(), stream=False))
    assert "stream" not in fakes.fake.last.body and "stream_options" not in fakes.fake.last.body
    assert deltas == ["Arr, yer refund be on its way."] and summary.finish_reason == "stop"
    assert summary.output_tokens == 5


@pytest.mark.parametrize("prefix", ["openai", "anthropic"])
async def test_a_stream_ending_before_its_final_event_is_cut_off(fakes, runner, prefix):
    fakes.fake.script = Script(mode="cut")
    deltas, summary = await collect(runner.run({**CONFIG, "model": f"{prefix}/m"}, rendered()))
    assert len(deltas) == 5 and summary.text == "Arr, yer refund be on its way."
    assert summary.cut_off and isinstance(summary.error, CutOff)
    assert "cut off" in summary.error.message


@pytest.mark.parametrize("prefix", ["openai", "anthropic"])
async def test_a_dropped_connection_is_cut_off_with_what_came(fakes, runner, prefix):
    fakes.fake.script = Script(mode="drop")
    _, summary = await collect(runner.run({**CONFIG, "model": f"{prefix}/m"}, rendered()))
    assert summary.cut_off and isinstance(summary.error, CutOff)
    assert summary.text == "Arr, yer "


@pytest.mark.parametrize("prefix", ["openai", "anthropic"])
async def test_stop_closes_the_response_at_once(fakes, runner, prefix):
    fakes.fake.script = Script(tokens=[f"t{i} " for i in range(400)], delay=0.01)
    seen: list[str] = []

    async def consume():
        async for event in runner.run({**CONFIG, "model": f"{prefix}/m"}, rendered()):
            if isinstance(event, TextDelta):
                seen.append(event.text)

    task = asyncio.create_task(consume())
    while len(seen) < 3:
        await asyncio.sleep(0.005)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # the server's stream ends because the client went away, long before its 400 tokens
    assert await asyncio.to_thread(fakes.fake.stream_closed.wait, 5)
    assert not fakes.fake.stream_completed
    sent = fakes.fake.tokens_sent
    assert sent < 50
    await asyncio.sleep(0.1)
    assert fakes.fake.tokens_sent <= sent + 1 and len(seen) < 10


async def test_closing_the_iterator_also_stops(fakes, runner):
    fakes.fake.script = Script(tokens=[f"t{i} " for i in range(400)], delay=0.01)
    events = runner.run(CONFIG, rendered())
    assert isinstance(await anext(events), TextDelta)
    await events.aclose()
    assert await asyncio.to_thread(fakes.fake.stream_closed.wait, 5)
    assert fakes.fake.tokens_sent < 50


async def test_anthropic_stream_request_and_figures(fakes, runner):
    config = {**CONFIG, "model": "anthropic/claude-sonnet-4-5"}
    deltas, summary = await collect(runner.run(config, rendered()))
    assert fakes.fake.last.path == "/anthropic/v1/messages"
    assert fakes.fake.last.body == {
        "model": "claude-sonnet-4-5", "system": "You are a pirate assistant.",
        "messages": [{"role": "user", "content": "Where is my refund?"}],
        "max_tokens": 200, "stop_sequences": ["END"], "stream": True,
    }
    assert set(summary.parameters.left_out) == {"temperature", "top_p", "frequency_penalty", "presence_penalty",
                                                "seed"}
    assert "no longer takes a temperature" in summary.parameters.left_out["temperature"]
    assert deltas == ["Arr, ", "yer ", "refund ", "be ", "on its way."]
    assert (summary.input_tokens, summary.output_tokens, summary.finish_reason) == (21, 5, "end_turn")
    assert summary.ok and not summary.cut_off and summary.cost is not None and summary.cost > 0


async def test_anthropic_gets_a_stated_default_max_tokens(fakes, runner):
    config = {"model": "anthropic/claude-x", "outputs": []}
    _, summary = await collect(runner.run(config, [RenderedMessage("user", "hi")], stream=False))
    assert fakes.fake.last.body == {"model": "claude-x", "messages": [{"role": "user", "content": "hi"}],
                                    "max_tokens": ANTHROPIC_DEFAULT_MAX_TOKENS}
    assert str(ANTHROPIC_DEFAULT_MAX_TOKENS) in summary.warnings[0]
    assert summary.text == "Arr, yer refund be on its way." and summary.finish_reason == "end_turn"


SCHEMA = {"type": "object", "properties": {"refund": {"type": "object", "properties": {
    "amount": {"type": "number"}}, "required": ["amount"]}}, "required": ["refund"], "additionalProperties": False}
STRUCTURED = {**CONFIG, "outputs": [{"identifier": "answer", "type": "json_schema", "json_schema": SCHEMA}]}


async def test_openai_structured_output_is_asked_for_and_checked(fakes, runner):
    fakes.fake.script = Script(tokens=['{"refund": ', '{"amount": 12.5}}'])
    _, summary = await collect(runner.run(STRUCTURED, rendered(STRUCTURED)))
    assert fakes.fake.last.body["response_format"] == {
        "type": "json_schema", "json_schema": {"name": "answer", "schema": SCHEMA}}
    assert summary.schema_check.ok and summary.schema_check.value == {"refund": {"amount": 12.5}}


async def test_anthropic_structured_output_through_output_config(fakes, runner):
    fakes.fake.script = Script(tokens=['{"refund": ', '{"amount": "twelve"}}'])
    config = {**STRUCTURED, "model": "anthropic/claude-sonnet-4-5"}
    _, summary = await collect(runner.run(config, rendered(STRUCTURED)))
    assert fakes.fake.last.body["output_config"] == {"format": {"type": "json_schema", "schema": SCHEMA}}
    check = summary.schema_check
    assert not check.ok and check.path == "refund.amount"
    assert check.problem == "The answer does not match the schema at refund.amount: 'twelve' is not of type 'number'"


async def test_an_answer_that_is_not_json(fakes, runner):
    fakes.fake.script = Script(tokens=["Sure! Here it is"])
    _, summary = await collect(runner.run(STRUCTURED, rendered(STRUCTURED)))
    assert summary.schema_check.problem.startswith("The answer is not JSON:")


@pytest.mark.parametrize("prefix", ["openai", "anthropic"])
@pytest.mark.parametrize(("status", "error_class", "words"), [
    (429, RateLimited, "is limiting requests. Wait 7 s and run again."),
    (404, ModelNotFound, "has no model named 'gpt-9'"),
    (400, ContextTooLong, "The prompt is too long for gpt-9"),
    (500, ProviderDown, "is having trouble (error 500)"),
])
async def test_provider_errors_in_plain_words(fakes, runner, prefix, status, error_class, words):
    fakes.fake.script = Script(mode="error", error_status=status, retry_after="7")
    _, summary = await collect(runner.run({**CONFIG, "model": f"{prefix}/gpt-9"}, rendered()))
    assert isinstance(summary.error, error_class), summary.error
    assert words in summary.error.message and summary.error.detail
    assert summary.text == "" and not summary.cut_off
    if status == 429:
        assert summary.error.retry_after == 7


@pytest.mark.parametrize(("prefix", "label"), [("openai", "OpenAI"), ("anthropic", "Anthropic")])
async def test_a_rejected_key(fakes, prefix, label):
    fakes.secrets.set(key_id(prefix), "sk-wrong-key-0000")
    runner = Runner(fakes.settings, fakes.secrets)
    _, summary = await collect(runner.run({**CONFIG, "model": f"{prefix}/m"}, rendered()))
    await runner.aclose()
    assert isinstance(summary.error, KeyRejected)
    assert summary.error.message == f"The provider rejected the key for {label}. Check it in Model providers."
    assert "sk-wrong-key-0000" not in summary.error.message + repr(summary.request)


async def test_nothing_listening_is_provider_down(fakes):
    from tests.support.server_process import free_port

    settings = fakes.settings.with_provider(ProviderSettings(
        prefix="ollama", kind="openai_compatible", name="Ollama", base_url=f"http://127.0.0.1:{free_port()}/v1",
        needs_key=False))
    runner = Runner(settings, fakes.secrets)
    _, summary = await collect(runner.run({**CONFIG, "model": "ollama/llama3"}, rendered()))
    await runner.aclose()
    assert isinstance(summary.error, ProviderDown) and "Could not reach Ollama" in summary.error.message


async def test_a_slow_provider_times_out(fakes):
    from prompt_studio.providers import TimedOut
    from prompt_studio.providers.clients import make_client

    fakes.fake.script = Script(tokens=["a", "b"], delay=1.0)
    runner = Runner(fakes.settings, fakes.secrets)
    runner._clients["openai"] = make_client(fakes.settings.find("openai"), fakes.secrets, timeout=0.2)
    _, summary = await collect(runner.run(CONFIG, rendered(), stream=False))
    await runner.aclose()
    assert isinstance(summary.error, TimedOut)


async def test_unknown_prefix_and_missing_key(fakes, runner, monkeypatch):
    _, summary = await collect(runner.run({**CONFIG, "model": "nowhere/m"}, rendered()))
    assert isinstance(summary.error, UnknownProvider) and "'nowhere'" in summary.error.message
    _, summary = await collect(runner.run({**CONFIG, "model": "gpt-5"}, rendered()))
    assert isinstance(summary.error, UnknownProvider) and "provider/model" in summary.error.message
    monkeypatch.delenv("GROQ_API_KEY", raising=False)
    _, summary = await collect(runner.run({**CONFIG, "model": "groq/llama"}, rendered()))
    assert isinstance(summary.error, NoKey) and summary.error.message == (
        "There is no key for Groq. Add one in Model providers.")


@pytest.mark.parametrize("prefix", ["openai", "anthropic"])
async def test_test_lists_the_models(fakes, runner, prefix):
    assert await runner.list_models(prefix) == ["model-a", "model-b"]
    assert fakes.fake.last.path == f"/{prefix}/v1/models"


async def test_test_with_a_rejected_key(fakes):
    fakes.secrets.set(key_id("anthropic"), "sk-ant-wrong")
    runner = Runner(fakes.settings, fakes.secrets)
    with pytest.raises(KeyRejected, match="rejected the key for Anthropic"):
        await runner.list_models("anthropic")
    await runner.aclose()


IMAGE_CONFIG = {"prompt": "Describe images.", "model": "openai/gpt-4o-mini",
                "messages": [{"role": "user", "content": "What is in {{ photo }}?"}],
                "inputs": [{"identifier": "photo", "type": "image"}], "outputs": [{"identifier": "o", "type": "str"}]}
PHOTO_URL = "https://example.com/receipt.png"
PHOTO_DATA = "data:image/png;base64,iVBORw0KGgo="


def _with_photo(url: str):
    from prompt_studio.rendering import image_marker, preview_messages, with_images

    templates = templates_of_config(IMAGE_CONFIG)
    rendering = preview_messages(templates, {"photo": image_marker("photo")})
    return with_images(rendering, templates, {"photo": url})


async def test_an_image_input_goes_to_openai_as_an_image_part_of_the_message_that_reads_it(fakes, runner):
    _deltas, summary = await collect(runner.run(IMAGE_CONFIG, _with_photo(PHOTO_URL)))
    assert summary.ok, summary.error
    assert fakes.fake.last.body["messages"] == [
        {"role": "system", "content": "Describe images."},
        {"role": "user", "content": [{"type": "text", "text": "What is in [image photo]?"},
                                     {"type": "image_url", "image_url": {"url": PHOTO_URL}}]},
    ]


@pytest.mark.parametrize(("url", "source"), [
    (PHOTO_URL, {"type": "url", "url": PHOTO_URL}),
    (PHOTO_DATA, {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}),
], ids=["url", "file"])
async def test_an_image_input_goes_to_anthropic_as_an_image_block(fakes, runner, url, source):
    config = {**IMAGE_CONFIG, "model": "anthropic/claude-sonnet-4-5"}
    _deltas, summary = await collect(runner.run(config, _with_photo(url)))
    assert summary.ok, summary.error
    assert fakes.fake.last.body["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "What is in [image photo]?"},
                                     {"type": "image", "source": source}]},
    ]
    assert fakes.fake.last.body["system"] == "Describe images."
