"""A faithful fake of the Orkes Conductor prompts API, as a Starlette app, for tests over real HTTP.

The open-source Conductor has no prompt registry, so there is no real server to run; this one follows
docs/orkes-api.md "What the fake server must do", including the dangerous parts (PUT rewrites in place, a bare
POST overwrites version 1) that the client must avoid. It is written independently of the client: it shares no
code with `prompt_studio`, so the client's rules are checked, not assumed.

State lives in one `FakeOrkes` object behind a lock: the server runs in its own thread, and the test reaches in
to play the colleague (`post_template`, `put_template`, `after_next_versions_read`), the admin
(`expire_all_tokens`, `add_key`) or an outage (`fail_next`). Every request is recorded (`answers`,
`requests_to`), so a test counts what the client sent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

READ, UPDATE, DELETE = "READ", "UPDATE", "DELETE"
ALL_PERMISSIONS = frozenset({READ, UPDATE, DELETE})
DEFAULT_INTEGRATIONS = {"openai": {"gpt-4o", "gpt-4o-mini"}, "anthropic": {"claude-sonnet-4"}}
_VARIABLE = re.compile(r"\$\{([A-Za-z_][\w.\-]*)\}")
_PARAM = object()
"""Marks a path segment that is a parameter in the route table."""


@dataclass
class FakeKey:
    secret: str
    user: str
    permissions: frozenset[str] = ALL_PERMISSIONS


@dataclass
class IssuedToken:
    key_id: str
    expires_at: float
    revoked: bool = False


@dataclass(frozen=True)
class RecordedAnswer:
    """One request and what the fake answered, so tests can count calls and check answers against the spec."""

    method: str
    route: str
    """The route as the OpenAPI file spells it, e.g. `/api/prompts/{name}/versions`."""
    query: str
    sent_token: bool
    request_content_type: str
    request_body: bytes
    status: int
    content_type: str
    body: bytes


class _Refusal(Exception):
    """An error answer: Conductor's `{status, message, ...}` body, with an `error` code for token problems."""

    def __init__(self, status: int, message: str, error: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.error = error

    def response(self) -> JSONResponse:
        body: dict[str, Any] = {"status": self.status, "message": self.message, "instance": "fake-orkes"}
        if self.error is not None:
            body["error"] = self.error
        else:
            body["retryable"] = False
        return JSONResponse(body, status_code=self.status)


@dataclass
class FakeOrkes:
    """The server's state and its Starlette `app`.

    `token_lifetime` is in seconds (0 makes every token expire on arrival); `jwt_tokens=False` issues opaque
    tokens without an `exp` claim; `expired_status` is 401, or 403 as some Orkes versions answer.
    `echo_credentials_in_errors` makes every error message repeat the token and the body it got, as a careless
    server might, to prove the client never passes them on.
    """

    keys: dict[str, FakeKey] = field(default_factory=dict)
    token_lifetime: float = 3600.0
    jwt_tokens: bool = True
    expired_status: int = 401
    echo_credentials_in_errors: bool = False
    integrations: dict[str, set[str]] = field(
        default_factory=lambda: {k: set(v) for k, v in DEFAULT_INTEGRATIONS.items()}
    )

    def __post_init__(self) -> None:
        self.lock = threading.RLock()
        self.prompts: dict[str, list[dict[str, Any]]] = {}
        """Every version of every name, in creation order."""
        self.tags: dict[str, dict[tuple[str, str], None]] = {}
        """Per name, an insertion-ordered set of (key, value) pairs."""
        self.tokens: dict[str, IssuedToken] = {}
        self.token_requests = 0
        self.answers: list[RecordedAnswer] = []
        self._after_versions_read: list[Callable[[], None]] = []
        self._planned_failures: dict[tuple[str, str], list[int]] = {}
        self._signing_key = secrets.token_bytes(32)
        self._token_numbers = itertools.count(1)
        self._last_time_ms = 0
        self.app = Starlette(routes=[Route("/{path:path}", self._dispatch, methods=_METHODS)])

    # --- what a test does to the server ------------------------------------------------------------------

    def add_key(
        self, key_id: str, secret: str, *, user: str | None = None, permissions: Iterable[str] = ALL_PERMISSIONS
    ) -> None:
        with self.lock:
            self.keys[key_id] = FakeKey(secret, user or f"{key_id}@keys.example", frozenset(permissions))

    def expire_all_tokens(self) -> None:
        """Every token issued so far answers EXPIRED_TOKEN from now on (a server restart, a key rotation)."""
        with self.lock:
            for token in self.tokens.values():
                token.revoked = True

    def after_next_versions_read(self, action: Callable[[], None]) -> None:
        """Run `action` once, right after the next `GET /versions` answer is computed and before it is sent:
        a colleague's write that lands between a client's check and its save."""
        with self.lock:
            self._after_versions_read.append(action)

    def fail_next(self, method: str, route: str, status: int = 503, *, times: int = 1) -> None:
        """The next `times` requests to `route` (as the OpenAPI file spells it) answer `status` without touching
        the state: an outage, or a proxy's 503 or 429, to see which requests the client repeats."""
        with self.lock:
            self._planned_failures.setdefault((method, route), []).extend([status] * times)

    def post_template(
        self,
        name: str,
        template: str,
        *,
        description: str = "",
        models: Iterable[str] = (),
        version: int | None = None,
        auto_increment: bool = False,
        user: str = "colleague@example.com",
    ) -> dict[str, Any]:
        """What `POST /api/prompts/{name}` does, as a colleague's write (no quote stripping: this is the text)."""
        with self.lock:
            return self._post(name, template, description, list(models), version, auto_increment, user)

    def put_template(
        self,
        name: str,
        template: str,
        *,
        description: str = "",
        models: Iterable[str] = (),
        version: int | None = None,
        user: str = "colleague@example.com",
    ) -> dict[str, Any]:
        """What `PUT /api/prompts/{name}` does: rewrite the latest (or given) version in place."""
        with self.lock:
            return self._put(name, template, description, list(models), version, user)

    def delete_name(self, name: str) -> None:
        with self.lock:
            self._require(name)
            self._drop(name)

    def versions_of(self, name: str) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(version) for version in self.prompts.get(name, [])]

    def requests_to(self, method: str, route: str) -> list[RecordedAnswer]:
        with self.lock:
            return [answer for answer in self.answers if (answer.method, answer.route) == (method, route)]

    # --- the state rules ---------------------------------------------------------------------------------

    def _now_ms(self) -> int:
        """Strictly increasing epoch milliseconds, so two writes in the same millisecond still differ."""
        self._last_time_ms = max(int(time.time() * 1000), self._last_time_ms + 1)
        return self._last_time_ms

    def _record(
        self, name: str, template: str, description: str, models: list[str], version: int, user: str
    ) -> dict[str, Any]:
        now = self._now_ms()
        return {
            "name": name,
            "description": description,
            "template": template,
            "integrations": list(dict.fromkeys(models)),
            "version": version,
            "createdBy": user,
            "createTime": now,
            "updatedBy": user,
            "updateTime": now,
        }

    def _store(self, name: str, record: dict[str, Any]) -> dict[str, Any]:
        """Put `record` in place of the version with its number, or append it in creation order."""
        versions = self.prompts.setdefault(name, [])
        for index, existing in enumerate(versions):
            if existing["version"] == record["version"]:
                versions[index] = record
                return record
        versions.append(record)
        return record

    def _latest_version(self, name: str) -> int | None:
        versions = self.prompts.get(name)
        return max(version["version"] for version in versions) if versions else None

    def _post(self, name, template, description, models, version, auto_increment, user) -> dict[str, Any]:
        if auto_increment:
            target = (self._latest_version(name) or 0) + 1
        elif version is not None:
            target = version
        else:
            target = 1
        return self._store(name, self._record(name, template, description, models, target, user))

    def _put(self, name, template, description, models, version, user) -> dict[str, Any]:
        target = version if version is not None else self._latest_version(name) or 1
        existing = next((v for v in self.prompts.get(name, []) if v["version"] == target), None)
        if existing is None:
            return self._store(name, self._record(name, template, description, models, target, user))
        existing.update(
            template=template,
            description=description,
            integrations=list(dict.fromkeys(models)),
            updatedBy=user,
            updateTime=self._now_ms(),
        )
        return existing

    def _drop(self, name: str) -> None:
        self.prompts.pop(name, None)
        self.tags.pop(name, None)

    def _require(self, name: str, version: int | None = None) -> list[dict[str, Any]]:
        versions = self.prompts.get(name)
        if not versions:
            raise _Refusal(404, f"Prompt template '{name}' not found")
        if version is not None and not any(v["version"] == version for v in versions):
            raise _Refusal(404, f"Prompt template '{name}' version {version} not found")
        return versions

    def _wire(self, record: dict[str, Any]) -> dict[str, Any]:
        """A version as the server answers it: with computed variables and the name's tags."""
        variables = list(dict.fromkeys(_VARIABLE.findall(record["template"])))
        tags = [{"key": key, "value": value} for key, value in self.tags.get(record["name"], {})]
        return {**record, "variables": variables, "tags": tags}

    # --- tokens and permissions --------------------------------------------------------------------------

    def _mint(self, key_id: str) -> str:
        number = next(self._token_numbers)
        now = time.time()
        expires_at = now + self.token_lifetime
        if self.jwt_tokens:
            claims = {"sub": key_id, "iat": int(now), "exp": int(expires_at), "jti": number}
            token = _jwt(claims, self._signing_key)
        else:
            token = f"opaque-{number}-{secrets.token_hex(16)}"
        self.tokens[token] = IssuedToken(key_id, expires_at)
        return token

    def _caller(self, request: Request) -> FakeKey:
        token = request.headers.get("x-authorization")
        if not token:
            raise _Refusal(401, "Token cannot be null or empty", "INVALID_TOKEN")
        issued = self.tokens.get(token)
        if issued is None or issued.key_id not in self.keys:
            raise _Refusal(401, "Invalid token", "INVALID_TOKEN")
        if issued.revoked or time.time() >= issued.expires_at:
            raise _Refusal(self.expired_status, "The token has expired", "EXPIRED_TOKEN")
        return self.keys[issued.key_id]

    @staticmethod
    def _permit(caller: FakeKey, permission: str, name: str) -> None:
        if permission not in caller.permissions:
            raise _Refusal(403, f"{caller.user} does not have {permission} permission over prompt '{name}'")

    def _check_models(self, models: list[str]) -> None:
        for model in models:
            integration, _, model_name = model.partition(":")
            if model_name not in self.integrations.get(integration, set()):
                raise _Refusal(404, f"Integration '{model}' not found")

    # --- HTTP --------------------------------------------------------------------------------------------

    async def _dispatch(self, request: Request) -> Response:
        # Split the raw path before decoding it, so a name with an encoded `/` stays one segment; the trailing
        # empty segment keeps `/api/prompts/` (bulk) apart from `/api/prompts` (list).
        raw_path = request.scope["raw_path"].decode("ascii")
        segments = [unquote(part) for part in raw_path.removeprefix("/").split("/")]
        matched = _match(request.method, segments)
        if matched is None:
            return JSONResponse({"status": 404, "message": "No such route"}, status_code=404)
        handler, route, params = matched
        body = await request.body()
        with self.lock:
            planned = self._planned_failures.get((request.method, route))
            try:
                if planned:
                    raise _Refusal(planned.pop(0), "The service is unavailable (a failure the test planned)")
                response = handler(self, request, body, *params)
            except _Refusal as refusal:
                response = refusal.response()
            if self.echo_credentials_in_errors and response.status_code >= 400:
                response = _with_echoed_credentials(response, request, body)
            self.answers.append(
                RecordedAnswer(
                    method=request.method,
                    route=route,
                    query=request.url.query,
                    sent_token="x-authorization" in request.headers,
                    request_content_type=request.headers.get("content-type", ""),
                    request_body=body,
                    status=response.status_code,
                    content_type=response.media_type or "",
                    body=bytes(response.body),
                )
            )
            if route == "/api/prompts/{name}/versions" and response.status_code == 200:
                actions, self._after_versions_read = self._after_versions_read, []
                for action in actions:
                    action()
        return response

    def _token(self, request: Request, body: bytes) -> Response:
        self.token_requests += 1
        try:
            credentials = json.loads(body)
            key_id, key_secret = credentials["keyId"], credentials["keySecret"]
        except (ValueError, KeyError, TypeError):
            raise _Refusal(400, "keyId and keySecret are required") from None
        key = self.keys.get(key_id)
        if key is None or not hmac.compare_digest(key.secret.encode(), str(key_secret).encode()):
            raise _Refusal(401, "Invalid access key id or secret")
        return JSONResponse({"token": self._mint(key_id)})

    def _list(self, request: Request, body: bytes) -> Response:
        caller = self._caller(request)
        self._permit(caller, READ, "*")
        return JSONResponse([self._wire(v) for versions in self.prompts.values() for v in versions])

    def _get(self, request: Request, body: bytes, name: str) -> Response:
        caller = self._caller(request)
        self._permit(caller, READ, name)
        raw_version = request.query_params.get("version")
        version = _integer(raw_version, "version") if raw_version is not None else None
        versions = self._require(name, version)
        wanted = version if version is not None else self._latest_version(name)
        return JSONResponse(self._wire(next(v for v in versions if v["version"] == wanted)))

    def _versions(self, request: Request, body: bytes, name: str) -> Response:
        caller = self._caller(request)
        self._permit(caller, READ, name)
        return JSONResponse([self._wire(v) for v in self._require(name)])

    def _save_arguments(self, request: Request, body: bytes, name: str) -> tuple[FakeKey, str, str, list[str]]:
        caller = self._caller(request)
        description = request.query_params.get("description")
        if description is None:
            raise _Refusal(400, "Required request parameter 'description' is not present")
        if name in self.prompts:
            self._permit(caller, UPDATE, name)
        models = request.query_params.getlist("models")
        self._check_models(models)
        template = body.decode("utf-8")
        if len(template) >= 2 and template[0] == template[-1] == '"':
            template = template[1:-1]
        return caller, description, template, models

    def _post_route(self, request: Request, body: bytes, name: str) -> Response:
        caller, description, template, models = self._save_arguments(request, body, name)
        raw_version = request.query_params.get("version")
        version = _integer(raw_version, "version") if raw_version is not None else None
        auto_increment = request.query_params.get("autoIncrement", "false").lower() == "true"
        self._post(name, template, description, models, version, auto_increment, caller.user)
        return Response(status_code=200)

    def _put_route(self, request: Request, body: bytes, name: str) -> Response:
        caller, description, template, models = self._save_arguments(request, body, name)
        raw_version = request.query_params.get("version")
        version = _integer(raw_version, "version") if raw_version is not None else None
        self._put(name, template, description, models, version, caller.user)
        return Response(status_code=200)

    def _bulk(self, request: Request, body: bytes) -> Response:
        caller = self._caller(request)
        try:
            templates = json.loads(body)
        except ValueError:
            raise _Refusal(400, "The body must be a JSON list of templates") from None
        for template in templates:
            name = template["name"]
            if name in self.prompts:
                self._permit(caller, UPDATE, name)
            self._put(
                name,
                template.get("template", ""),
                template.get("description", ""),
                list(template.get("integrations", [])),
                template.get("version"),
                caller.user,
            )
        return Response(status_code=200)

    def _delete(self, request: Request, body: bytes, name: str) -> Response:
        caller = self._caller(request)
        self._permit(caller, DELETE, name)
        self._require(name)
        self._drop(name)
        return Response(status_code=200)

    def _delete_version(self, request: Request, body: bytes, name: str, raw_version: str) -> Response:
        caller = self._caller(request)
        self._permit(caller, DELETE, name)
        version = _integer(raw_version, "version")
        versions = self._require(name, version)
        versions[:] = [v for v in versions if v["version"] != version]
        if not versions:
            self._drop(name)
        return Response(status_code=200)

    def _get_tags(self, request: Request, body: bytes, name: str) -> Response:
        caller = self._caller(request)
        self._permit(caller, READ, name)
        self._require(name)
        return JSONResponse([{"key": key, "value": value} for key, value in self.tags.get(name, {})])

    def _put_tags(self, request: Request, body: bytes, name: str) -> Response:
        caller = self._caller(request)
        self._permit(caller, UPDATE, name)
        self._require(name)
        pairs = self.tags.setdefault(name, {})
        for pair in _tag_pairs(body):
            pairs[pair] = None
        return Response(status_code=200)

    def _delete_tags(self, request: Request, body: bytes, name: str) -> Response:
        caller = self._caller(request)
        self._permit(caller, UPDATE, name)
        self._require(name)
        pairs = self.tags.get(name, {})
        for pair in _tag_pairs(body):
            pairs.pop(pair, None)
        return Response(status_code=200)

    def _test(self, request: Request, body: bytes) -> Response:
        caller = self._caller(request)
        self._permit(caller, READ, "test")
        try:
            test = json.loads(body)
            provider, model, prompt = test["llmProvider"], test["model"], test["prompt"]
        except (ValueError, KeyError, TypeError):
            raise _Refusal(400, "llmProvider, model and prompt are required") from None
        self._check_models([f"{provider}:{model}"])
        values = test.get("promptVariables") or {}

        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            return str(values[name]) if name in values else match.group(0)

        return PlainTextResponse(_VARIABLE.sub(fill, prompt))


def _with_echoed_credentials(response: Response, request: Request, body: bytes) -> Response:
    answer = json.loads(response.body)
    token = request.headers.get("x-authorization", "")
    answer["message"] += f" (token {token!r}, request {body.decode('utf-8', errors='replace')!r})"
    return JSONResponse(answer, status_code=response.status_code)


def _match(method: str, segments: list[str]) -> tuple[Callable[..., Response], str, list[str]] | None:
    """The handler, the OpenAPI route and the path parameters of a request; None if no route fits."""
    for route_method, pattern, handler, route in _ROUTES:
        if route_method != method or len(pattern) != len(segments):
            continue
        pairs = list(zip(pattern, segments, strict=True))
        if all(part is _PARAM or part == segment for part, segment in pairs):
            return handler, route, [segment for part, segment in pairs if part is _PARAM]
    return None


def _integer(raw: str, what: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise _Refusal(400, f"'{what}' must be an integer") from None


def _tag_pairs(body: bytes) -> list[tuple[str, str]]:
    try:
        return [(str(tag["key"]), str(tag["value"])) for tag in json.loads(body)]
    except (ValueError, KeyError, TypeError):
        raise _Refusal(400, "The body must be a JSON list of {key, value}") from None


def _jwt(claims: dict[str, Any], signing_key: bytes) -> str:
    def encode(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")

    head = encode(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = encode(json.dumps(claims).encode())
    signature = hmac.new(signing_key, f"{head}.{payload}".encode(), hashlib.sha256).digest()
    return f"{head}.{payload}.{encode(signature)}"


_METHODS = ["GET", "POST", "PUT", "DELETE"]
_ROUTES: list[tuple[str, tuple[Any, ...], Callable[..., Response], str]] = [
    ("POST", ("api", "token"), FakeOrkes._token, "/api/token"),
    ("GET", ("api", "prompts"), FakeOrkes._list, "/api/prompts"),
    ("POST", ("api", "prompts", ""), FakeOrkes._bulk, "/api/prompts/"),
    ("POST", ("api", "prompts", "test"), FakeOrkes._test, "/api/prompts/test"),
    ("GET", ("api", "prompts", _PARAM), FakeOrkes._get, "/api/prompts/{name}"),
    ("POST", ("api", "prompts", _PARAM), FakeOrkes._post_route, "/api/prompts/{name}"),
    ("PUT", ("api", "prompts", _PARAM), FakeOrkes._put_route, "/api/prompts/{name}"),
    ("DELETE", ("api", "prompts", _PARAM), FakeOrkes._delete, "/api/prompts/{name}"),
    ("GET", ("api", "prompts", _PARAM, "versions"), FakeOrkes._versions, "/api/prompts/{name}/versions"),
    (
        "DELETE",
        ("api", "prompts", _PARAM, "versions", _PARAM),
        FakeOrkes._delete_version,
        "/api/prompts/{name}/versions/{version}",
    ),
    ("GET", ("api", "prompts", _PARAM, "tags"), FakeOrkes._get_tags, "/api/prompts/{name}/tags"),
    ("PUT", ("api", "prompts", _PARAM, "tags"), FakeOrkes._put_tags, "/api/prompts/{name}/tags"),
    ("DELETE", ("api", "prompts", _PARAM, "tags"), FakeOrkes._delete_tags, "/api/prompts/{name}/tags"),
]
