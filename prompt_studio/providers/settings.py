"""Which model providers are configured: a typed settings file in the data folder (no keys in it; keys live in the
secret store under `key_id(prefix)`), and how a model name `provider/model` picks one of them.

With nothing configured, the built-in prefixes still work: the `openai` and `anthropic` packages then read their own
environment variables (`OPENAI_API_KEY`, `OPENAI_BASE_URL`, `ANTHROPIC_API_KEY`, `ANTHROPIC_BASE_URL`; Azure's
`AZURE_OPENAI_API_KEY`, `AZURE_OPENAI_ENDPOINT`, `OPENAI_API_VERSION`), and the others read the variable named in
their default below (`GEMINI_API_KEY`, `GROQ_API_KEY`...).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from prompt_studio.paths import DataPaths, write_private_file
from prompt_studio.providers.errors import UnknownProvider

log = logging.getLogger(__name__)

ProviderKind = Literal["openai", "anthropic", "azure", "openai_compatible"]
"""Which package and which wire: OpenAI's chat completions (`openai`, `azure` through `AsyncAzureOpenAI`, any
compatible server by base URL, Gemini's included) or Anthropic's Messages API."""

SETTINGS_FILE_NAME = "model_providers.json"
GEMINI_OPENAI_URL = "https://generativelanguage.googleapis.com/v1beta/openai/"


class Secrets(Protocol):
    """What `prompt_studio.services.secrets.SecretStore` offers; providers sit below services and take it by shape."""

    def get(self, connection_id: str) -> str | None: ...
    def set(self, connection_id: str, secret: str) -> None: ...
    def delete(self, connection_id: str) -> None: ...


def key_id(prefix: str) -> str:
    """The name a provider's key is kept under in the secret store."""
    return f"model-provider:{prefix}"


class ProviderSettings(BaseModel):
    """One provider: the prefix that selects it, how to talk to it, and where. Never its key."""

    model_config = ConfigDict(extra="allow")

    prefix: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    kind: ProviderKind
    name: str = ""
    """The name the user knows it by, in messages: "OpenAI", "Ollama"."""
    base_url: str | None = None
    """None: the package's own default (or its environment variable)."""
    api_version: str | None = None
    """Azure only (`OPENAI_API_VERSION` when None)."""
    key_env: str | None = None
    """The environment variable read when no key is kept (the packages' own ones need none here)."""
    needs_key: bool = True
    """False for local servers (Ollama, LM Studio, vLLM): a placeholder key is sent."""
    price_provider: str | None = None
    """The `genai-prices` provider id; None: no price ("unknown")."""

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not value.startswith(("http://", "https://")):
            raise ValueError("the address must start with http:// or https://")
        return value

    @property
    def label(self) -> str:
        return self.name or self.prefix


def _builtin(prefix: str, kind: ProviderKind, name: str, base_url: str | None = None, **options) -> ProviderSettings:
    return ProviderSettings(prefix=prefix, kind=kind, name=name, base_url=base_url, **options)


BUILT_IN: tuple[ProviderSettings, ...] = (
    _builtin("openai", "openai", "OpenAI", price_provider="openai"),
    _builtin("anthropic", "anthropic", "Anthropic", price_provider="anthropic"),
    _builtin("azure", "azure", "Azure OpenAI", price_provider="azure"),
    _builtin("gemini", "openai_compatible", "Gemini", GEMINI_OPENAI_URL, key_env="GEMINI_API_KEY",
             price_provider="google"),
    _builtin("ollama", "openai_compatible", "Ollama", "http://localhost:11434/v1", needs_key=False),
    _builtin("lmstudio", "openai_compatible", "LM Studio", "http://localhost:1234/v1", needs_key=False),
    _builtin("vllm", "openai_compatible", "vLLM", "http://localhost:8000/v1", needs_key=False),
    _builtin("openrouter", "openai_compatible", "OpenRouter", "https://openrouter.ai/api/v1",
             key_env="OPENROUTER_API_KEY", price_provider="openrouter"),
    _builtin("groq", "openai_compatible", "Groq", "https://api.groq.com/openai/v1", key_env="GROQ_API_KEY",
             price_provider="groq"),
    _builtin("deepseek", "openai_compatible", "DeepSeek", "https://api.deepseek.com/v1",
             key_env="DEEPSEEK_API_KEY", price_provider="deepseek"),
)


class ProvidersSettings(BaseModel):
    """The configured providers. A configured prefix replaces the built-in one of that name."""

    model_config = ConfigDict(extra="allow")

    providers: list[ProviderSettings] = Field(default_factory=list)
    default_prefix: str | None = None
    """The provider of a model named without one ("gpt-5"), chosen in Preferences; None: such a model cannot run."""

    @field_validator("providers")
    @classmethod
    def _unique_prefixes(cls, providers: list[ProviderSettings]) -> list[ProviderSettings]:
        seen: set[str] = set()
        for provider in providers:
            if provider.prefix in seen:
                raise ValueError(f"two providers use the prefix '{provider.prefix}/'; each needs its own")
            seen.add(provider.prefix)
        return providers

    def all(self) -> list[ProviderSettings]:
        """The configured providers, then the built-in ones not configured."""
        configured = {provider.prefix for provider in self.providers}
        return [*self.providers, *(provider for provider in BUILT_IN if provider.prefix not in configured)]

    def find(self, prefix: str) -> ProviderSettings | None:
        return next((provider for provider in self.all() if provider.prefix == prefix), None)

    def with_provider(self, provider: ProviderSettings) -> ProvidersSettings:
        """A copy with `provider` added, or replacing the one of its prefix."""
        others = [existing for existing in self.providers if existing.prefix != provider.prefix]
        return self.model_copy(update={"providers": [*others, provider]})

    def without(self, prefix: str) -> ProvidersSettings:
        return self.model_copy(update={"providers": [p for p in self.providers if p.prefix != prefix]})

    def with_default(self, prefix: str | None) -> ProvidersSettings:
        """A copy whose models named without a provider run on `prefix`'s (None: they cannot run)."""
        return self.model_copy(update={"default_prefix": prefix})


@dataclass(frozen=True)
class Target:
    """Where a model name points: the provider, and the model name sent on the wire (its prefix stripped)."""

    provider: ProviderSettings
    model: str


def resolve(model: str, settings: ProvidersSettings) -> Target:
    """`openai/gpt-5` -> OpenAI's `gpt-5`; `openrouter/anthropic/claude-sonnet-4` -> OpenRouter's
    `anthropic/claude-sonnet-4` (only the first segment is the prefix, as LangWatch does); `gpt-5` -> the default
    provider's `gpt-5`, when Preferences names one."""
    prefix, slash, rest = model.strip().partition("/")
    if not slash and prefix and settings.default_prefix:
        prefix, slash, rest = settings.default_prefix, "/", prefix
    if not slash or not prefix or not rest:
        raise UnknownProvider(
            f"The model {model!r} does not say its provider: write it as provider/model, for example openai/gpt-5, "
            "or choose a default model provider in Preferences."
        )
    provider = settings.find(prefix)
    if provider is None:
        raise UnknownProvider(f"No model provider is called {prefix!r}. Add it in Model providers.")
    return Target(provider, rest)


def settings_file(paths: DataPaths) -> Path:
    return paths.root / SETTINGS_FILE_NAME


def load_settings(path: Path) -> ProvidersSettings:
    """The settings in `path`; none configured when it is missing or unreadable (logged, never raised)."""
    try:
        return ProvidersSettings.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return ProvidersSettings()
    except (OSError, ValueError, ValidationError) as error:
        log.warning("the model providers file %s could not be read (%s); using the built-in providers", path,
                    type(error).__name__)
        return ProvidersSettings()


def save_settings(path: Path, settings: ProvidersSettings) -> None:
    """0600 from the start, like every file in the data folder."""
    write_private_file(path, settings.model_dump_json(indent=2, exclude_defaults=True).encode("utf-8"))
