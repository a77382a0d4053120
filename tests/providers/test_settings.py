"""Provider settings, prefixes, environment fallback and the parameter plan: no server needed."""

from __future__ import annotations

import json
import stat

import pytest

from prompt_studio.paths import DataPaths
from prompt_studio.providers import (
    ProviderSettings,
    ProvidersSettings,
    UnknownProvider,
    load_settings,
    plan_parameters,
    resolve,
    save_settings,
    settings_file,
)
from prompt_studio.providers.clients import make_client, provider_key
from prompt_studio.providers.settings import GEMINI_OPENAI_URL, key_id
from tests.providers.conftest import MemorySecrets


def test_the_prefix_selects_the_provider_and_is_stripped():
    settings = ProvidersSettings()
    assert resolve("openai/gpt-5", settings).model == "gpt-5"
    target = resolve("openrouter/anthropic/claude-sonnet-4", settings)
    assert (target.provider.label, target.model) == ("OpenRouter", "anthropic/claude-sonnet-4")
    assert resolve("gemini/gemini-2.5-flash", settings).provider.base_url == GEMINI_OPENAI_URL
    assert resolve("ollama/llama3", settings).provider.base_url == "http://localhost:11434/v1"
    with pytest.raises(UnknownProvider, match="choose a default model provider in Preferences"):
        resolve("gpt-5", settings)


def test_a_model_named_without_a_provider_runs_on_the_default_one_which_the_file_keeps(tmp_path):
    path = settings_file(DataPaths.resolve(tmp_path))
    settings = ProvidersSettings().with_default("anthropic")
    settings = settings.with_provider(ProviderSettings(prefix="box", kind="openai_compatible",
                                                       base_url="http://10.0.0.5:8000/v1", needs_key=False))
    save_settings(path, settings.without("nothing-there"))
    loaded = load_settings(path)
    assert loaded.default_prefix == "anthropic", "adding and removing providers keeps the default"
    target = resolve("claude-sonnet-4", loaded)
    assert (target.provider.prefix, target.model) == ("anthropic", "claude-sonnet-4")
    assert resolve("box/qwen", loaded).provider.prefix == "box", "a model that names its provider keeps it"
    with pytest.raises(UnknownProvider, match="No model provider is called 'gone'"):
        resolve("gpt-5", loaded.with_default("gone"))


def test_a_user_prefix_maps_to_a_base_url_and_overrides_a_built_in(tmp_path):
    paths = DataPaths.resolve(tmp_path)
    settings = ProvidersSettings().with_provider(ProviderSettings(
        prefix="box", kind="openai_compatible", name="GPU box", base_url="http://10.0.0.5:8000/v1", needs_key=False))
    settings = settings.with_provider(ProviderSettings(prefix="ollama", kind="openai_compatible",
                                                       base_url="http://gpu:11434/v1", needs_key=False))
    save_settings(settings_file(paths), settings)
    assert stat.S_IMODE(settings_file(paths).stat().st_mode) == 0o600
    loaded = load_settings(settings_file(paths))
    assert resolve("box/qwen", loaded).provider.base_url == "http://10.0.0.5:8000/v1"
    assert resolve("ollama/llama3", loaded).provider.base_url == "http://gpu:11434/v1"
    assert "key" not in json.loads(settings_file(paths).read_text())["providers"][0]


def test_a_broken_file_gives_the_built_ins(tmp_path):
    path = tmp_path / "model_providers.json"
    path.write_text("{not json")
    assert load_settings(path).find("openai") is not None


def test_settings_refuse_bad_values():
    with pytest.raises(ValueError, match="http"):
        ProviderSettings(prefix="x", kind="openai_compatible", base_url="localhost:11434")
    with pytest.raises(ValueError, match="prefix 'x/'"):
        ProvidersSettings(providers=[ProviderSettings(prefix="x", kind="openai"),
                                     ProviderSettings(prefix="x", kind="anthropic")])


def test_with_nothing_configured_the_packages_read_their_environment(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env-openai")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-env-anthropic")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:9")
    settings, secrets = ProvidersSettings(), MemorySecrets()
    openai_client = make_client(settings.find("openai"), secrets)
    assert openai_client.api_key == "sk-env-openai" and str(openai_client.base_url) == "http://127.0.0.1:9/v1/"
    anthropic_client = make_client(settings.find("anthropic"), secrets)
    assert anthropic_client.api_key == "sk-env-anthropic" and str(anthropic_client.base_url).startswith(
        "http://127.0.0.1:9")
    secrets.set(key_id("openai"), "sk-kept")
    assert make_client(settings.find("openai"), secrets).api_key == "sk-kept"


def test_a_compatible_server_never_gets_the_openai_key(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env-openai")
    monkeypatch.setenv("GROQ_API_KEY", "gsk-env")
    settings = ProvidersSettings()
    assert provider_key(settings.find("groq"), MemorySecrets()) == "gsk-env"
    assert make_client(settings.find("ollama"), MemorySecrets()).api_key == "not-needed"


@pytest.mark.parametrize(("model", "reasoning"), [
    ("gpt-5", True), ("gpt-5-mini", True), ("o3", True), ("o4-mini", True), ("gpt-5-chat-latest", False),
    ("gpt-4o", False), ("gpt-4.1-mini", False),
])
def test_reasoning_models(model, reasoning):
    plan = plan_parameters({"temperature": 0.5, "outputs": []}, "openai", model)
    assert ("temperature" in plan.left_out) is reasoning


def test_unset_parameters_are_not_sent():
    plan = plan_parameters({"temperature": None, "top_p": None, "stop": [], "outputs": []}, "openai", "gpt-4o")
    assert plan.sent == {} and plan.left_out == {}
