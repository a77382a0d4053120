"""The async client of the Orkes Conductor prompts API (`/api/prompts`), and the only safe way to save with it.

Orkes has no sync route, no precondition header and no 409: `PUT` rewrites a version in place and a bare `POST`
overwrites version 1, so either could silently destroy a colleague's work. This client therefore offers neither
for a user's save: `save_new_version` can only add a version (`POST ?autoIncrement=true`), and `save_safely` wraps
it in the check-write-check recipe of docs/orkes-api.md.

Auth is a short-lived JWT minted from a key pair (`POST /api/token`) and sent as `X-Authorization`; it is renewed
before it expires and, when the server still calls it expired or invalid, renewed once and the call replayed once.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote

import httpx
from pydantic import TypeAdapter

from prompt_studio.api.transport import DEFAULT_TIMEOUT, ApiResponse, HttpConnection, RetryPolicy, parse_answer
from prompt_studio.models.errors import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
)
from prompt_studio.models.orkes import (
    OrkesPromptTemplate,
    OrkesTag,
    OrkesTestRequest,
    OrkesToken,
    template_as_stored,
)

logger = logging.getLogger(__name__)


_PROMPTS = "/api/prompts"
_TOKEN = "/api/token"
_TOKEN_HEADER = "X-Authorization"
_TOKEN_PROBLEMS = frozenset({"EXPIRED_TOKEN", "INVALID_TOKEN"})
TOKEN_RENEWAL_INTERVAL = 45 * 60.0
"""How long a token without an `exp` claim is used, as the official SDKs do."""
TOKEN_RENEWAL_MARGIN = 60.0
"""Seconds before a token's `exp` at which it is renewed, so a slow request never arrives with a dead token."""

_TEMPLATE = TypeAdapter(OrkesPromptTemplate)
_TEMPLATE_LIST = TypeAdapter(list[OrkesPromptTemplate])
_TAG_LIST = TypeAdapter(list[OrkesTag])
_TOKEN_ANSWER = TypeAdapter(OrkesToken)


def _segment(value: str) -> str:
    """One path segment, with `/` and `:` encoded, so `team/triage` stays one name (`team%2Ftriage`)."""
    return quote(value, safe="")


def _prompt_path(name: str, *rest: str) -> str:
    return "/".join((_PROMPTS, _segment(name), *rest))




def jwt_expiry(token: str) -> float | None:
    """The `exp` claim (epoch seconds) of a JWT, read without verifying it; None if the token is not a JWT.

    Only the server checks signatures; the client just wants to know when to renew.
    """
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    expiry = claims.get("exp") if isinstance(claims, dict) else None
    if isinstance(expiry, bool) or not isinstance(expiry, int | float):
        return None
    return float(expiry)


class OrkesClient:
    """The prompt templates of one Orkes Conductor server (`base_url` is the root, without `/api`).

    Reads, tag changes and deletes are retried on transient failures; saving a version and testing a prompt
    are sent once, because repeating them could write a second version or run (and bill) a model twice, and so
    is a token request (see `_mint_token`).
    `clock` gives wall-clock seconds; tests pass their own to reach a token's renewal time without waiting.
    """

    def __init__(
        self,
        base_url: str,
        key_id: str,
        key_secret: str,
        *,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.key_id = key_id
        self._key_secret = key_secret
        self._clock = clock
        self._connection = HttpConnection(
            base_url,
            {},
            timeout=timeout,
            retry_policy=RetryPolicy(max_retries=max_retries),
            transport=transport,
            secrets=(key_secret,),
        )
        self._token_lock = asyncio.Lock()
        self._token_generation = 0
        """How many tokens were minted: 0 means none yet; a refused token is renewed only if still current."""
        self._renew_token_at = 0.0

    @property
    def base_url(self) -> str:
        return self._connection.base_url

    # --- prompt templates ----------------------------------------------------------------------------------

    async def list_prompts(self) -> list[OrkesPromptTemplate]:
        """Every prompt once, at its highest version, in the server's order.

        The server may list several versions of one name; showing them as separate prompts would invite
        editing an old one.
        """
        response = await self._request("GET", _PROMPTS, safe_to_repeat=True)
        newest_by_name: dict[str, OrkesPromptTemplate] = {}
        for template in parse_answer(_TEMPLATE_LIST, response):
            kept = newest_by_name.get(template.name)
            if kept is None or template.version > kept.version:
                newest_by_name[template.name] = template
        return list(newest_by_name.values())

    async def get_prompt(self, name: str, version: int | None = None) -> OrkesPromptTemplate:
        """The latest version of `name`, or the one `version` names."""
        response = await self._request("GET", _prompt_path(name), safe_to_repeat=True, params={"version": version})
        return parse_answer(_TEMPLATE, response)

    async def list_versions(self, name: str) -> list[OrkesPromptTemplate]:
        """Every version of `name`, in the server's (creation) order."""
        response = await self._request("GET", _prompt_path(name, "versions"), safe_to_repeat=True)
        return parse_answer(_TEMPLATE_LIST, response)

    async def save_new_version(self, name: str, template: str, *, description: str, models: Sequence[str]) -> None:
        """Add a version after the latest (or create version 1 of a new prompt); it never overwrites one.

        `description` and `models` (`integrationName:modelName`) are sent in full, since the server takes the
        new version's metadata from this request alone. Never retried: a repeat would add a second version.
        Check `quote_stripping_warning(template)` first: the server drops one pair of enclosing quotes.
        """
        await self._request(
            "POST",
            _prompt_path(name),
            safe_to_repeat=False,
            params={"description": description, "models": list(models), "autoIncrement": True},
            content=template.encode("utf-8"),
            headers={"Content-Type": "text/plain; charset=utf-8"},
        )

    async def delete_prompt(self, name: str) -> None:
        """Delete every version of `name` and its tags."""
        await self._request("DELETE", _prompt_path(name), safe_to_repeat=True)

    async def delete_version(self, name: str, version: int) -> None:
        """Delete one version; deleting the last one deletes the prompt and its tags."""
        await self._request("DELETE", _prompt_path(name, "versions", str(version)), safe_to_repeat=True)

    # --- tags ----------------------------------------------------------------------------------------------

    async def get_tags(self, name: str) -> list[OrkesTag]:
        response = await self._request("GET", _prompt_path(name, "tags"), safe_to_repeat=True)
        return parse_answer(_TAG_LIST, response)

    async def add_tags(self, name: str, tags: Sequence[OrkesTag]) -> None:
        """Add key/value pairs to the prompt's set; pairs it already has stay once."""
        await self._request("PUT", _prompt_path(name, "tags"), safe_to_repeat=True, json=_tags_to_wire(tags))

    async def remove_tags(self, name: str, tags: Sequence[OrkesTag]) -> None:
        """Remove exactly these key/value pairs; other values of the same key stay."""
        await self._request("DELETE", _prompt_path(name, "tags"), safe_to_repeat=True, json=_tags_to_wire(tags))

    # --- trying a prompt -----------------------------------------------------------------------------------

    async def test_prompt(
        self,
        llm_provider: str,
        model: str,
        prompt: str,
        variables: Mapping[str, Any],
        temperature: float | None = None,
        top_p: float | None = None,
        stop_words: Sequence[str] | None = None,
    ) -> str:
        """The model's answer to `prompt` with `variables` filled in; parameters left None are not sent."""
        body = OrkesTestRequest(
            llm_provider=llm_provider,
            model=model,
            prompt=prompt,
            prompt_variables=dict(variables),
            temperature=temperature,
            top_p=top_p,
            stop_words=list(stop_words) if stop_words is not None else None,
        )
        response = await self._request(
            "POST",
            f"{_PROMPTS}/test",
            safe_to_repeat=False,
            json=body.to_wire(),
            headers={"Accept": "text/plain"},
        )
        return response.content.decode("utf-8", errors="replace")

    # --- auth ----------------------------------------------------------------------------------------------

    async def _request(self, method: str, path: str, *, safe_to_repeat: bool, **options: Any) -> ApiResponse:
        """Send with a fresh token; if the server still calls it expired or invalid, renew it and replay once.

        A replay is safe even for a save: the server refused the call before doing anything. A second refusal
        goes to the caller, so a server that rejects every token cannot keep the client minting.
        """
        generation = await self._fresh_token()
        try:
            return await self._connection.request(method, path, safe_to_repeat=safe_to_repeat, **options)
        except (AuthenticationError, PermissionDeniedError) as refusal:
            if refusal.error not in _TOKEN_PROBLEMS:
                raise
            logger.info("%s %s: the server refused the token (%s); renewing it once", method, path, refusal.error)
        await self._renew_token(refused_generation=generation)
        return await self._connection.request(method, path, safe_to_repeat=safe_to_repeat, **options)

    async def _fresh_token(self) -> int:
        """The generation of a token that is not due for renewal, minting one first if needed."""
        async with self._token_lock:
            if self._token_generation == 0 or self._clock() >= self._renew_token_at:
                await self._mint_token()
            return self._token_generation

    async def _renew_token(self, refused_generation: int) -> None:
        """Mint a new token, unless a concurrent call already replaced the refused one."""
        async with self._token_lock:
            if self._token_generation == refused_generation:
                await self._mint_token()

    async def _mint_token(self) -> None:
        """Ask for a new token once; the retry policy never repeats it.

        It is a POST that mints a credential, and repeating it only makes the user wait longer for the plain
        error: a refused key is refused again, and a server that cannot mint now (a 5xx, a 429, a dropped
        connection) fails the call that needed the token, before anything was sent on that call's behalf.
        """
        minted_at = self._clock()
        response = await self._connection.request(
            "POST",
            _TOKEN,
            safe_to_repeat=False,
            json={"keyId": self.key_id, "keySecret": self._key_secret},
            authenticated=False,
        )
        token = parse_answer(_TOKEN_ANSWER, response).token
        expiry = jwt_expiry(token)
        self._renew_token_at = (
            expiry - TOKEN_RENEWAL_MARGIN if expiry is not None else minted_at + TOKEN_RENEWAL_INTERVAL
        )
        self._connection.replace_auth_headers({_TOKEN_HEADER: token})
        self._token_generation += 1
        logger.debug("minted Orkes token number %d for key %s", self._token_generation, self.key_id)

    async def aclose(self) -> None:
        await self._connection.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.base_url!r}, key_id={self.key_id!r})"


def _tags_to_wire(tags: Sequence[OrkesTag]) -> list[dict[str, Any]]:
    return [tag.to_wire() for tag in tags]


# --- saving without losing anyone's work ---------------------------------------------------------------------


class OrkesSaveVerdict(StrEnum):
    SAVED = "saved"
    """Our text is the new latest version, right after the base."""
    CONFLICT = "conflict"
    """Someone saved since the base; nothing was written. Merge with `latest` (theirs) and try again."""
    DELETED = "deleted"
    """The prompt is gone from the server; nothing of ours is there. Offer to recreate it."""
    CROSSED = "crossed"
    """Our save and someone else's crossed: both texts are versions now. Show them as a conflict."""


@dataclass(frozen=True)
class OrkesSaveReport:
    outcome: OrkesSaveVerdict
    latest: OrkesPromptTemplate | None = None
    """The newest version on the server after the attempt (None when the prompt is gone)."""
    our_version: int | None = None
    """The version our save created, when it can be told apart (saved, and usually crossed)."""
    new_versions: tuple[int, ...] = field(default_factory=tuple)
    """Crossed: every version written or rewritten between our check and our second look, ours included."""


async def save_safely(
    client: OrkesClient,
    name: str,
    template: str,
    *,
    description: str,
    models: Sequence[str],
    base_version: int | None,
    base_update_time: int | None,
    versions_before: Sequence[OrkesPromptTemplate] | None = None,
) -> OrkesSaveReport:
    """Save `template` as the version after the base, or report why not, without ever overwriting anyone.

    The base is what the user started from (`version` and `updateTime` as read on open; both None for a prompt
    that is new, not on the server yet). Orkes has no precondition, so the check before writing cannot close the
    window completely: the check after writing tells a clean save from two saves that crossed. Beyond the doc's
    "newest is base+1 with our text", the base itself must be unchanged, or a colleague's rewrite in place of it
    would go unnoticed.

    `versions_before` is the list of versions a caller has just read for checks of its own (empty: the prompt
    does not exist), so that one save lists them once before its POST and once after; None reads them here.
    """
    before = list(versions_before) if versions_before is not None else await list_versions_if_any(client, name)
    if before:
        newest = _newest(before)
        if base_version is None or (newest.version, newest.update_time) != (base_version, base_update_time):
            return OrkesSaveReport(OrkesSaveVerdict.CONFLICT, latest=newest)
    elif base_version is not None:
        return OrkesSaveReport(OrkesSaveVerdict.DELETED)

    await client.save_new_version(name, template, description=description, models=models)

    after = await list_versions_if_any(client, name)
    if not after:
        return OrkesSaveReport(OrkesSaveVerdict.DELETED)
    stored_text = template_as_stored(template)
    newest = _newest(after)
    seen_at_check = {(version.version, version.update_time) for version in before}
    base_untouched = base_version is None or (base_version, base_update_time) in {
        (version.version, version.update_time) for version in after
    }
    if newest.version == (base_version or 0) + 1 and newest.template == stored_text and base_untouched:
        return OrkesSaveReport(OrkesSaveVerdict.SAVED, latest=newest, our_version=newest.version)
    written_since = sorted(
        (version for version in after if (version.version, version.update_time) not in seen_at_check),
        key=lambda version: version.version,
    )
    ours = [version.version for version in written_since if version.template == stored_text]
    return OrkesSaveReport(
        OrkesSaveVerdict.CROSSED,
        latest=newest,
        our_version=ours[-1] if ours else None,
        new_versions=tuple(version.version for version in written_since),
    )


async def list_versions_if_any(client: OrkesClient, name: str) -> list[OrkesPromptTemplate]:
    """Every version of `name`; none (an empty list) when the prompt does not exist, which a save must tell."""
    try:
        return await client.list_versions(name)
    except NotFoundError:
        return []


def _newest(versions: Sequence[OrkesPromptTemplate]) -> OrkesPromptTemplate:
    return max(versions, key=lambda version: version.version)
