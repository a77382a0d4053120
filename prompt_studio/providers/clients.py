"""The official `openai` and `anthropic` clients for a configured provider: its key from the secret store, else the
environment; explicit timeouts; no automatic retries (a run is a POST the user repeats by pressing Run)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from prompt_studio.providers.errors import NoKey, UnknownProvider, provider_packages
from prompt_studio.providers.settings import ProviderSettings, Secrets, key_id

if TYPE_CHECKING:
    import anthropic
    import openai

    Client = openai.AsyncOpenAI | anthropic.AsyncAnthropic

READ_TIMEOUT, CONNECT_TIMEOUT = 120.0, 5.0
"""Connect in 5 s; then up to 120 s between two bytes (a reasoning model may think that long before it streams)."""

PLACEHOLDER_KEY = "not-needed"
"""Sent to local servers that need no key: the `openai` package refuses to start without one."""



def provider_key(provider: ProviderSettings, secrets: Secrets | None) -> str | None:
    """The kept key, else the provider's own environment variable; None lets the package read its own."""
    kept = secrets.get(key_id(provider.prefix)) if secrets is not None else None
    if kept:
        return kept
    if provider.key_env:
        return os.environ.get(provider.key_env) or None
    return None


def make_client(provider: ProviderSettings, secrets: Secrets | None, *, timeout: float | None = None) -> Client:
    """A client of `provider`; `NoKey` when it needs a key that is nowhere to be found. `timeout` (seconds)
    replaces both timeouts."""
    openai, anthropic = provider_packages()
    key = provider_key(provider, secrets)
    no_key = NoKey(f"There is no key for {provider.label}. Add one in Model providers.")
    limits = openai.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT) if timeout is None else timeout
    options = {"timeout": limits, "max_retries": 0}
    try:
        if provider.kind == "anthropic":
            client = anthropic.AsyncAnthropic(api_key=key, base_url=provider.base_url, **options)
            if client.api_key is None and client.auth_token is None:
                raise no_key
            return client
        if provider.kind == "azure":
            return openai.AsyncAzureOpenAI(
                api_key=key, azure_endpoint=provider.base_url, api_version=provider.api_version, **options
            )
        if provider.kind == "openai":
            return openai.AsyncOpenAI(api_key=key, base_url=provider.base_url, **options)
        if provider.base_url is None:
            raise UnknownProvider(f"{provider.label} has no address. Set its base URL in Model providers.")
        if key is None and provider.needs_key:
            # Never fall back on OPENAI_API_KEY: that key is OpenAI's, not this server's.
            raise no_key
        return openai.AsyncOpenAI(api_key=key or PLACEHOLDER_KEY, base_url=provider.base_url, **options)
    except openai.OpenAIError as error:
        # The package's own words name the variable it looked for (no key in them).
        raise NoKey(f"There is no key for {provider.label}. Add one in Model providers.", detail=str(error)) from None
