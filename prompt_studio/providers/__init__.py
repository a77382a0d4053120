"""Try it's provider and run layer, Qt-free: which provider a `provider/model` name selects, its settings (keys in
the secret store), and a run streamed through the official `openai` and `anthropic` packages.

Only this package (and `api`) imports httpx-based SDKs; `ui` reaches it through `services`.
"""

from prompt_studio.providers.errors import (
    ContextTooLong,
    CutOff,
    KeyRejected,
    ModelNotFound,
    NoKey,
    PermissionDenied,
    ProviderDown,
    RateLimited,
    RequestRejected,
    RunError,
    TimedOut,
    UnknownProvider,
    plain_error,
)
from prompt_studio.providers.parameters import ANTHROPIC_DEFAULT_MAX_TOKENS, Parameters, plan_parameters
from prompt_studio.providers.runs import (
    RunEvent,
    Runner,
    RunSummary,
    SchemaCheck,
    TextDelta,
    check_schema,
)
from prompt_studio.providers.settings import (
    BUILT_IN,
    ProviderSettings,
    ProvidersSettings,
    Target,
    key_id,
    load_settings,
    resolve,
    save_settings,
    settings_file,
)

__all__ = [
    "ANTHROPIC_DEFAULT_MAX_TOKENS",
    "BUILT_IN",
    "ContextTooLong",
    "CutOff",
    "KeyRejected",
    "ModelNotFound",
    "NoKey",
    "Parameters",
    "PermissionDenied",
    "ProviderDown",
    "ProviderSettings",
    "ProvidersSettings",
    "RateLimited",
    "RequestRejected",
    "RunError",
    "RunEvent",
    "RunSummary",
    "Runner",
    "SchemaCheck",
    "Target",
    "TextDelta",
    "TimedOut",
    "UnknownProvider",
    "check_schema",
    "key_id",
    "load_settings",
    "plain_error",
    "plan_parameters",
    "resolve",
    "save_settings",
    "settings_file",
]
