"""The differential test: the official LangWatch SDK (`langwatch` 1.4.0) is the reference.

Each template is saved as a prompt on `prompt-studio serve`, fetched with the SDK's own high-level API
(`PromptsFacade.get`, what `langwatch.prompts.get` calls) and compiled with `Prompt.compile(variables)` and
`Prompt.compile_strict(variables)`; the same prompt, fetched by our model, is rendered by `render_prompt`.
Every message must have the same text, and each mode must fail for both or for neither (with python-liquid's
same words). Our preview must show the lenient text and report missing variables exactly when strict mode fails.
Each case is checked twice: parsed whole (as the SDK parses), and cut into tiny pieces (as long prompts are).
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from langwatch.generated.langwatch_rest_api_client.api.default import get_api_prompts_by_id, post_api_prompts
from langwatch.generated.langwatch_rest_api_client.client import AuthenticatedClient
from langwatch.generated.langwatch_rest_api_client.models import PostApiPromptsBody
from langwatch.prompts.prompt import PromptCompilationError
from langwatch.prompts.prompt_facade import PromptsFacade

from prompt_studio.models.prompt import Prompt
from prompt_studio.rendering import RenderError, liquid_engine, preview_prompt, render_prompt
from tests.rendering.templates import FIXED_CASES, GIVEN, MESSAGES, TEMPLATES

pytestmark = pytest.mark.slow

_HANDLES = itertools.count(1)


@pytest.fixture(scope="module")
def server(module_server):
    return module_server


@pytest.fixture(scope="module")
def client(server) -> Iterator[AuthenticatedClient]:
    with AuthenticatedClient(base_url=server.url, token=server.api_key, raise_on_unexpected_status=True,
                             httpx_args={"trust_env": False}) as opened:
        yield opened


@pytest.fixture(scope="module")
def sdk(client, tmp_path_factory) -> PromptsFacade:
    """The SDK's facade over the server, with an empty folder of materialized prompts (so it asks the server)."""
    return PromptsFacade(client, prompts_path=str(tmp_path_factory.mktemp("materialized")))


def save(client: AuthenticatedClient, system: str, messages: list[tuple[str, str]]) -> str:
    handle = f"differential/case-{next(_HANDLES)}"
    body = {
        "handle": handle, "prompt": system, "model": "openai/gpt-5",
        "messages": [{"role": role, "content": content} for role, content in messages],
        "outputs": [{"identifier": "output", "type": "str"}],
    }
    created = post_api_prompts.sync_detailed(client=client, body=PostApiPromptsBody.from_dict(body))
    assert created.status_code == 200, created.content
    return handle


def sdk_compile(prompt: Any, variables: dict[str, Any], *, strict: bool) -> tuple[bool, Any]:
    try:
        compiled = prompt.compile_strict(variables) if strict else prompt.compile(variables)
    except PromptCompilationError as error:
        original = error.original_error
        return False, str(getattr(original, "message", None) or original)
    return True, compiled.messages


def our_render(prompt: Prompt, variables: dict[str, Any], *, strict: bool) -> tuple[bool, Any]:
    try:
        return True, render_prompt(prompt, variables, strict=strict).to_wire()["messages"]
    except RenderError as error:
        return False, error.reason


@contextlib.contextmanager
def cut_into_pieces(size: int) -> Iterator[None]:
    """Every text cut as a long prompt is, into pieces of about `size` characters."""
    saved = liquid_engine.PIECES_FROM, liquid_engine.PIECE_SIZE
    liquid_engine.PIECES_FROM, liquid_engine.PIECE_SIZE = 0, size
    liquid_engine.clear_caches()
    try:
        yield
    finally:
        liquid_engine.PIECES_FROM, liquid_engine.PIECE_SIZE = saved
        liquid_engine.clear_caches()


def check(client: AuthenticatedClient, sdk: PromptsFacade, system: str, messages: list[tuple[str, str]],
          variables: dict[str, Any]) -> None:
    handle = save(client, system, messages)
    theirs = sdk.get(handle)
    answer = get_api_prompts_by_id.sync_detailed(handle, client=client)
    ours = Prompt.model_validate_json(answer.content)
    expected = {strict: sdk_compile(theirs, variables, strict=strict) for strict in (False, True)}
    for cutting in (contextlib.nullcontext(), cut_into_pieces(5)):
        with cutting:
            for strict in (False, True):
                assert our_render(ours, variables, strict=strict) == expected[strict], (system, messages, strict)
            shown = preview_prompt(ours, variables)
        lenient_ok, lenient = expected[False]
        if lenient_ok:
            assert shown.to_wire()["messages"] == lenient
            assert shown.strict_ok == expected[True][0], (system, messages, shown.missing)
        else:
            assert shown.problems or shown.missing


@pytest.mark.parametrize(("system", "messages", "variables"), FIXED_CASES)
def test_fixed_templates_render_as_the_official_sdk_compiles_them(client, sdk, system, messages, variables):
    check(client, sdk, system, messages, variables)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(system=TEMPLATES, messages=MESSAGES, variables=GIVEN)
def test_generated_templates_render_as_the_official_sdk_compiles_them(client, sdk, system, messages, variables):
    check(client, sdk, system, messages, variables)
