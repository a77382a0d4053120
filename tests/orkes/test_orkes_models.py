"""The Orkes wire models and the pure rules beside them; no server needed."""

from __future__ import annotations

import base64
import json

import pytest

from prompt_studio.api.orkes import jwt_expiry
from prompt_studio.api.transport import error_from_response
from prompt_studio.models.errors import NotFoundError
from prompt_studio.models.orkes import (
    KEPT_SETTINGS,
    NO_MODEL,
    OrkesPromptTemplate,
    OrkesTestRequest,
    OrkesToken,
    config_of_template,
    model_of,
    orkes_models,
    quote_stripping_warning,
    template_as_stored,
)


@pytest.mark.parametrize("template", ['"hello"', '""', '"Say ${name}"\n"twice"'])
def test_a_template_enclosed_in_quotes_gets_a_warning(template):
    warning = quote_stripping_warning(template)
    assert warning is not None
    assert "quote" in warning


@pytest.mark.parametrize("template", ["hello", '"hello', 'hello"', '"', "", 'Say "hi"', ' "padded" '])
def test_other_templates_get_no_warning(template):
    assert quote_stripping_warning(template) is None
    assert template_as_stored(template) == template


def test_the_stored_form_loses_exactly_one_pair_of_quotes():
    assert template_as_stored('""twice""') == '"twice"'
    assert template_as_stored('"a"') == "a"


def test_a_template_is_camel_case_on_the_wire_and_keeps_unknown_keys():
    wire = {
        "name": "support",
        "template": "Hi ${user.name}",
        "version": 3,
        "variables": ["user.name"],
        "integrations": ["openai:gpt-4o"],
        "tags": [{"key": "team", "value": "care", "type": "legacy"}],
        "createdBy": "ann",
        "createTime": 1,
        "updatedBy": "bob",
        "updateTime": 2,
        "ownerApp": "app-1",
        "topP": 0.5,
        "responseFormat": "json",
        "stopWords": ["END"],
        "futureField": {"kept": True},
    }
    template = OrkesPromptTemplate.model_validate(wire)
    assert (template.updated_by, template.update_time, template.top_p) == ("bob", 2, 0.5)
    assert template.to_wire() == wire


def test_a_test_request_sends_only_what_was_set():
    request = OrkesTestRequest(llm_provider="openai", model="gpt-4o", prompt="p", top_p=0.9)
    assert request.to_wire() == {
        "llmProvider": "openai",
        "model": "gpt-4o",
        "prompt": "p",
        "topP": 0.9,
    }


def test_a_token_never_shows_in_a_repr():
    token = OrkesToken.model_validate({"token": "eyJ.secret-token.sig"})
    assert "secret-token" not in repr(token)
    assert "secret-token" not in str(token)


def _jwt_with(claims: object) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"eyJhbGciOiJIUzI1NiJ9.{payload}.c2lnbmF0dXJl"


def test_the_expiry_of_a_jwt_is_read_without_verifying_it():
    assert jwt_expiry(_jwt_with({"sub": "k", "exp": 1_700_000_000})) == 1_700_000_000.0
    assert jwt_expiry(_jwt_with({"exp": 1.5})) == 1.5


@pytest.mark.parametrize(
    "token",
    [
        "opaque-token",
        "a.b",
        "a.!!!.c",
        _jwt_with({"sub": "no expiry"}),
        _jwt_with({"exp": "tomorrow"}),
        _jwt_with({"exp": True}),
        _jwt_with([1, 2]),
    ],
)
def test_a_token_without_a_readable_expiry_has_none(token):
    assert jwt_expiry(token) is None


def test_a_conductor_error_body_gives_its_plain_message():
    body = b'{"status":404,"code":"NOT_FOUND","message":"Prompt template \'x\' not found","retryable":false}'
    failure = error_from_response(404, body)
    assert isinstance(failure, NotFoundError)
    assert (failure.error, failure.message) == ("NOT_FOUND", "Prompt template 'x' not found")


# --- a template as a configData, and back ----------------------------------------------------------------------


def test_a_template_reads_as_a_config_with_its_first_model_and_what_only_orkes_keeps():
    template = OrkesPromptTemplate.model_validate({
        "name": "p", "template": "Hi ${who}", "description": "d", "integrations": ["openai:gpt-4o", "anthropic:x"],
        "temperature": 0.3, "topP": 0.9, "responseFormat": "json", "stopWords": ["END"],
    })
    assert config_of_template(template).to_wire() == {
        "prompt": "Hi ${who}", "model": "openai:gpt-4o", "outputs": [{"identifier": "output", "type": "str"}],
        "description": "d", "integrations": ["openai:gpt-4o", "anthropic:x"],
        "temperature": 0.3, "top_p": 0.9, "orkes_response_format": "json", "stop_words": ["END"],
    }
    assert set(KEPT_SETTINGS) <= set(config_of_template(template).to_wire()), "every kept setting has its key"


def test_a_template_without_a_model_reads_as_a_valid_config_marked_no_model():
    config = config_of_template(OrkesPromptTemplate(name="p", template="Hi", integrations=[]))
    assert (config.model, config.model_extra["integrations"]) == (NO_MODEL, [])
    assert orkes_models(config.model, config.model_extra["integrations"]) == [], "the marker is never a model"


@pytest.mark.parametrize(("model", "integrations", "models"), [
    ("b", ["a", "b"], ["b", "a"]),
    ("a", None, ["a"]),
    (NO_MODEL, [], []),
    (NO_MODEL, ["a"], ["a"]),
    (None, ["a", " ", "", "a"], ["a"]),
    ("", [], []),
])
def test_the_models_to_save_put_the_model_first_once_and_never_the_marker(model, integrations, models):
    assert orkes_models(model, integrations) == models


def test_the_model_of_some_models_is_the_first_or_the_marker():
    assert (model_of(["a", "b"]), model_of([])) == ("a", NO_MODEL)
