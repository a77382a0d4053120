"""Matching `/api/prompts/...` paths by hand, because a prompt id may itself contain one `/`.

Starlette's router sees the already-decoded path, where `support%2Ftriage` and `support/triage` look the
same and a handle such as `team/versions` collides with a route suffix. Splitting the raw path on its literal
slashes first and percent-decoding each segment afterwards keeps an encoded `%2F` inside its segment, while a
raw `/` in a handle still works because `{id}` may span one or two raw segments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

API_PREFIX = ("api", "prompts")
ID = "{id}"
"""A placeholder that matches a prompt id or handle: one raw segment, or two joined by `/`."""


class UndecodablePath(ValueError):
    """A path segment whose percent-decoding is not UTF-8."""


@dataclass(frozen=True)
class RoutePattern:
    """One route: its method and the segments after `/api/prompts`, with `{name}` placeholders."""

    method: str
    segments: tuple[str, ...]
    name: str


def split_raw_path(raw_path: bytes) -> list[str] | None:
    """The decoded segments of a raw request path, or None when it has empty segments (`//`).

    One trailing slash is forgiven, as most servers do.
    """
    text = raw_path.split(b"?", 1)[0]
    if not text.startswith(b"/"):
        return None
    parts = text[1:].split(b"/")
    if len(parts) > 1 and parts[-1] == b"":
        parts.pop()
    if any(part == b"" for part in parts):
        return None
    try:
        return [unquote_to_bytes(part).decode("utf-8") for part in parts]
    except UnicodeDecodeError as error:
        raise UndecodablePath("the path is not valid UTF-8 after percent-decoding") from error


def _match(pattern: Sequence[str], segments: Sequence[str]) -> dict[str, str] | None:
    if not pattern:
        return {} if not segments else None
    head, rest = pattern[0], pattern[1:]
    if not segments:
        return None
    if head == ID:
        for width in (1, 2):
            if len(segments) < width:
                break
            tail = _match(rest, segments[width:])
            if tail is not None:
                return {"id": "/".join(segments[:width]), **tail}
        return None
    if head.startswith("{"):
        tail = _match(rest, segments[1:])
        return None if tail is None else {head[1:-1]: segments[0], **tail}
    if head != segments[0]:
        return None
    return _match(rest, segments[1:])


@dataclass(frozen=True)
class RouteMatch:
    route: RoutePattern | None
    params: dict[str, str]
    allowed_methods: tuple[str, ...]
    """Methods of the routes whose path matched: empty for a 404, the `Allow` list for a 405."""


def match_route(routes: Sequence[RoutePattern], method: str, segments: Sequence[str]) -> RouteMatch:
    """The first route, in table order, that matches both the path and the method.

    Order decides between readings of the same path (`PUT /tags/x` renames a tag; `GET /tags/x` reads the
    prompt whose handle is `tags/x`), the same way the LangWatch server's route table does.
    """
    if tuple(segments[: len(API_PREFIX)]) != API_PREFIX:
        return RouteMatch(None, {}, ())
    rest = segments[len(API_PREFIX) :]
    allowed: list[str] = []
    for route in routes:
        params = _match(route.segments, rest)
        if params is None:
            continue
        if route.method == method:
            return RouteMatch(route, params, ())
        if route.method not in allowed:
            allowed.append(route.method)
    return RouteMatch(None, {}, tuple(allowed))
