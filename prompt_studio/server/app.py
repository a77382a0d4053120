"""The LangWatch-compatible prompts API over the embedded library, as a Starlette app.

One catch-all route hands every HTTP request to `PromptApi`, which checks the Host header, the number of headers
and the key first (so unknown routes answer 401 too), then matches the raw path itself (see `routing`), and turns
every failure into the flat `{"error", "message"}` body the official clients parse.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any, NoReturn

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, NoMatchFound
from starlette.types import Receive, Scope, Send

from prompt_studio.models import CreatePromptBody, SyncRequest, UpdatePromptBody
from prompt_studio.models.config import MAX_ANSWER_BYTES, MAX_VERSION_ANSWER_BYTES
from prompt_studio.models.errors import PromptStudioError
from prompt_studio.server.guards import AuthFailures, HostNames
from prompt_studio.server.protocol import MAX_HEADERS
from prompt_studio.server.response_cache import ResponseCache
from prompt_studio.server.routing import ID, RoutePattern, UndecodablePath, match_route, split_raw_path
from prompt_studio.server.wire import (
    HttpProblem,
    TagNameBody,
    VersionIdBody,
    error_response,
    json_response,
    megabytes,
    model_response,
    parse_json,
    read_body,
    validate_body,
    wire_json,
)
from prompt_studio.store import PromptLibrary

logger = logging.getLogger(__name__)

ROUTES: tuple[RoutePattern, ...] = (
    RoutePattern("GET", (), "list_prompts"),
    RoutePattern("POST", (), "create_prompt"),
    RoutePattern("GET", ("tags",), "list_tags"),
    RoutePattern("POST", ("tags",), "create_tag"),
    RoutePattern("PUT", ("tags", "{tag}"), "rename_tag"),
    RoutePattern("DELETE", ("tags", "{tag}"), "delete_tag"),
    RoutePattern("PUT", (ID, "tags", "{tag}"), "assign_tag"),
    RoutePattern("GET", (ID, "versions"), "list_versions"),
    RoutePattern("POST", (ID, "versions", "{versionId}", "restore"), "restore_version"),
    RoutePattern("POST", (ID, "sync"), "sync_prompt"),
    RoutePattern("GET", (ID,), "get_prompt"),
    RoutePattern("PUT", (ID,), "update_prompt"),
    RoutePattern("DELETE", (ID,), "delete_prompt"),
)
ROUTES_WITH_BODY = frozenset(
    {"create_prompt", "create_tag", "rename_tag", "assign_tag", "sync_prompt", "update_prompt"}
)
ROUTES_IN_THREAD_POOL = frozenset({"list_prompts"})
"""Routes whose cost grows with the whole library; every other one runs on the event loop.

Measured with 10 concurrent clients on 2 cores (benchmarks/server_bench.py): one prompt's GET or sync takes
well under a millisecond of library time, and handing it to a pool thread cut throughput from ~4,500 to
~1,700 requests/s and raised p99 from ~3-6 ms to 13-80 ms (writers in pool threads queue on `BEGIN
IMMEDIATE`). A list of 10,000 prompts takes ~0.5 s, so it goes to the pool, where it shares the interpreter
with the loop instead of stalling every other client: with lists running alongside, GET p99 was ~170 ms this
way against ~860 ms with the list on the loop too.
"""
MAX_VERSION_DIGITS = 18
"""Longer numbers cannot be a version (SQLite integers are 64-bit): refused, not overflowed."""


@dataclass(frozen=True)
class ApiCall:
    """What a handler needs from one request, gathered on the event loop before the library is called."""

    params: dict[str, str]
    query: QueryParams
    body: bytes


class PromptHandlers:
    """One synchronous method per route: validate the body, call the library, shape the answer."""

    def __init__(self, library: PromptLibrary):
        self.library = library
        self.versions_json = ResponseCache()

    def list_prompts(self, call: ApiCall) -> Response:
        prompts = self.library.list_prompts()
        answer = wire_json(prompts)
        if len(answer) > MAX_ANSWER_BYTES:
            sizes = [(f"'{prompt.handle or prompt.id}'", len(wire_json(prompt))) for prompt in prompts]
            raise _unreadable("The list of prompts", len(answer), sizes, "shorten those prompts")
        return Response(answer, media_type="application/json")

    def create_prompt(self, call: ApiCall) -> Response:
        body = validate_body(CreatePromptBody, parse_json(call.body))
        return model_response(self.library.create_prompt(body))

    def list_tags(self, call: ApiCall) -> Response:
        return model_response(self.library.list_tags())

    def create_tag(self, call: ApiCall) -> Response:
        body = validate_body(TagNameBody, parse_json(call.body))
        return model_response(self.library.create_tag(body.name), status=201)

    def rename_tag(self, call: ApiCall) -> Response:
        body = validate_body(TagNameBody, parse_json(call.body))
        return model_response(self.library.rename_tag(call.params["tag"], body.name))

    def delete_tag(self, call: ApiCall) -> Response:
        self.library.delete_tag(call.params["tag"])
        return Response(status_code=204)

    def assign_tag(self, call: ApiCall) -> Response:
        body = validate_body(VersionIdBody, parse_json(call.body))
        assignment = self.library.assign_tag(call.params["id"], call.params["tag"], body.version_id)
        return model_response(assignment)

    def list_versions(self, call: ApiCall) -> Response:
        """Each version's JSON from the cache: loading every history of a library reads the same versions
        again and again, and shaping them was most of the server's time (benchmarks/load_vs_sdk.py)."""
        prompt, versions = self.library.version_rows(call.params["id"])
        parts = []
        for version, tag_names in versions:
            build = partial(self.library.response_for, prompt, version, tag_names)
            parts.append(self.versions_json.json_of((prompt, version.id, tag_names), build))
        size = sum(len(part) for part in parts) + len(parts) + 1
        if size > MAX_ANSWER_BYTES:
            sizes = [
                (f"version {version.version}", len(part)) for (version, _), part in zip(versions, parts, strict=True)
            ]
            raise _unreadable(f"The history of '{prompt.handle}'", size, sizes, "read single versions instead")
        return Response(b"[" + b",".join(parts) + b"]", media_type="application/json")

    def restore_version(self, call: ApiCall) -> Response:
        restored = self.library.restore_version(call.params["id"], call.params["versionId"])
        return model_response(restored)

    def sync_prompt(self, call: ApiCall) -> Response:
        request = validate_body(SyncRequest, parse_json(call.body))
        return model_response(self.library.sync_prompt(call.params["id"], request))

    def get_prompt(self, call: ApiCall) -> Response:
        version = _version_query(call.query.get("version"))
        tag = call.query.get("tag")
        if tag is not None and not tag:
            raise PromptStudioError("tag: cannot be empty", error="validation_error", status=422)
        prompt = self.library.get_prompt(call.params["id"], version=version, tag=tag)
        return model_response(prompt)

    def update_prompt(self, call: ApiCall) -> Response:
        """Refused when the new version's answer could pass MAX_VERSION_ANSWER_BYTES.

        A create or a sync carries the whole prompt, so the body limit bounds its answer; an update keeps every
        field it does not set, so its answer is at most today's plus twice the body (the system prompt and a
        JSON schema are answered twice). Handlers run one at a time on the event loop: nothing writes between
        this read and the update.
        """
        body = validate_body(UpdatePromptBody, parse_json(call.body))
        current = self.library.get_prompt(call.params["id"])
        current_size = len(wire_json(current))
        if current_size + 2 * len(call.body) > MAX_VERSION_ANSWER_BYTES:
            raise HttpProblem(
                413,
                "Payload Too Large",
                f"This change could make the answer for '{current.handle}' larger than "
                f"{megabytes(MAX_VERSION_ANSWER_BYTES)}, the most one prompt may take (it is "
                f"{megabytes(current_size)} now, and the change may add twice its {megabytes(len(call.body))}): "
                "shorten the prompt, or send it whole with a sync.",
            )
        return model_response(self.library.update_prompt(call.params["id"], body))

    def delete_prompt(self, call: ApiCall) -> Response:
        self.library.delete_prompt(call.params["id"])
        return json_response({"success": True})


def _unreadable(what: str, size: int, sizes: list[tuple[str, int]], advice: str) -> HttpProblem:
    """An answer no client would read (it passes MAX_ANSWER_BYTES), refused with the largest parts named.

    The server never writes such a prompt; one can still come from the app's own library, which has no limit.
    """
    largest = sorted(sizes, key=lambda named: named[1], reverse=True)[:3]
    named = ", ".join(f"{name} ({megabytes(part)})" for name, part in largest)
    message = (
        f"{what} would be {megabytes(size)}, more than the {megabytes(MAX_ANSWER_BYTES)} a client reads; "
        f"the largest: {named}. Each prompt's answer may take {megabytes(MAX_VERSION_ANSWER_BYTES)}: {advice}."
    )
    return HttpProblem(500, "Answer too large", message)


def _version_query(value: str | None) -> int | None:
    if value is None:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > MAX_VERSION_DIGITS:
        raise PromptStudioError(
            f"version: must be a whole number, 0 or more, of at most {MAX_VERSION_DIGITS} digits (got {value!r})",
            error="validation_error",
            status=422,
        )
    return int(value)


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return value
    return None


class PromptApi:
    """The ASGI handler behind the catch-all route: host, auth, routing, body limits, and the error layer."""

    def __init__(self, library: PromptLibrary, api_key: str, allowed_hosts: Iterable[str] = ()):
        if not api_key:
            raise ValueError("the server needs a non-empty API key")
        self._api_key = api_key.encode("utf-8")
        self._hosts = HostNames(allowed_hosts)
        self._auth_failures = AuthFailures()
        self._handlers = PromptHandlers(library)

    def _is_authorised(self, scope: Scope) -> bool:
        token = _header(scope, b"x-auth-token")
        if token is not None and hmac.compare_digest(token, self._api_key):
            return True
        authorization = _header(scope, b"authorization")
        if authorization is None:
            return False
        scheme, _, credentials = authorization.partition(b" ")
        return scheme.lower() == b"bearer" and hmac.compare_digest(credentials.strip(), self._api_key)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            response = await self._respond(scope, receive)
        except ClientDisconnect:
            return
        except PromptStudioError as failure:
            response = error_response(
                failure.status or 500,
                failure.error,
                failure.message or failure.plain_words,
                headers=getattr(failure, "headers", None),
            )
        except Exception:
            logger.exception("Unexpected failure answering %s %s", scope["method"], scope["path"])
            response = internal_error_response()
        await response(scope, receive, send)

    def _refuse_unauthorised(self, scope: Scope) -> NoReturn:
        """401, or 429 once the client's address has sent too many different wrong keys (see `AuthFailures`).

        A request without any key is no guess and is not counted."""
        token, authorization = _header(scope, b"x-auth-token"), _header(scope, b"authorization")
        if token is not None or authorization is not None:
            address = scope["client"][0] if scope.get("client") else ""
            wait = self._auth_failures.refusal(address, b"\n".join((token or b"", authorization or b"")))
            if wait is not None:
                raise HttpProblem(
                    429,
                    "Too Many Requests",
                    f"Too many wrong keys from this address; try again in {wait} s.",
                    headers={"Retry-After": str(wait)},
                )
        raise HttpProblem(401, "Unauthorized", "Send the right API key as X-Auth-Token or Authorization: Bearer.")

    async def _respond(self, scope: Scope, receive: Receive) -> Response:
        if len(scope["headers"]) > MAX_HEADERS:
            raise HttpProblem(431, "Request Header Fields Too Large", f"A request has at most {MAX_HEADERS} headers.")
        if not self._hosts.allows(_header(scope, b"host")):
            raise HttpProblem(400, "Bad Request", "Unknown host: this server answers only the names it serves.")
        if not self._is_authorised(scope):
            self._refuse_unauthorised(scope)
        try:
            segments = split_raw_path(scope.get("raw_path") or scope["path"].encode("utf-8"))
        except UndecodablePath as error:
            raise HttpProblem(400, "Bad Request", str(error)) from None
        method = scope["method"]
        found = match_route(ROUTES, method, segments or [])
        if found.route is None:
            if found.allowed_methods:
                raise HttpProblem(
                    405,
                    "Method Not Allowed",
                    f"{method} is not allowed here; use {', '.join(found.allowed_methods)}.",
                    headers={"Allow": ", ".join(found.allowed_methods)},
                )
            raise HttpProblem(404, "Not Found", f"No route {method} {scope['path']}.")
        request = Request(scope, receive)
        body = b""
        if found.route.name in ROUTES_WITH_BODY:
            body = await read_body(request.stream(), request.headers.get("content-length"))
        handler: Callable[[ApiCall], Response] = getattr(self._handlers, found.route.name)
        call = ApiCall(found.params, request.query_params, body)
        if found.route.name in ROUTES_IN_THREAD_POOL:
            return await run_in_threadpool(handler, call)
        return handler(call)


def internal_error_response() -> Response:
    return error_response(500, "Internal server error", "The server had a problem; its log has the details.")


async def _on_unhandled_exception(request: Request, exc: Exception) -> Response:
    """Last resort below Starlette itself: still the flat JSON body, never an HTML or plain-text page."""
    return internal_error_response()


class _EveryRequest(BaseRoute):
    """Matches every HTTP request, whatever its path (`{path:path}` would stop at a decoded newline)."""

    def __init__(self, app: PromptApi):
        self.app = app

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        return (Match.FULL, {}) if scope["type"] == "http" else (Match.NONE, {})

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        raise NoMatchFound(name, path_params)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


def create_app(library: PromptLibrary, api_key: str, allowed_hosts: Iterable[str] = ()) -> Starlette:
    """The server as an ASGI app over `library`, which the caller keeps open and closes.

    It answers requests whose Host header names this machine's loopback names or one of `allowed_hosts`.
    """
    return Starlette(
        routes=[_EveryRequest(PromptApi(library, api_key, allowed_hosts))],
        exception_handlers={Exception: _on_unhandled_exception},
    )
