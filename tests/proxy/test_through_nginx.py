"""What a user does through a real reverse proxy: nginx over TLS (a company CA in the system store), HTTP/2, gzip
of JSON, a 1 s keep-alive timeout and a 2 MB body limit, in front of `prompt-studio serve`.

The upstream server, reached directly past nginx, is the judge of what was written; nginx's access log says how the
app spoke to it.
"""

from __future__ import annotations

import asyncio

import pytest
import trustme

from prompt_studio.api import LangWatchClient
from prompt_studio.models.draft import Draft
from prompt_studio.models.errors import CertificateRefused, ServerError, ValidationFailedError
from prompt_studio.services.connections import Connection, Workspace
from prompt_studio.services.drafts import DraftStore
from prompt_studio.services.editing import EditingSession, MergeDecision
from prompt_studio.services.prompts import OpenedPrompt, PromptService
from tests.support.nginx_proxy import KEEPALIVE_TIMEOUT_SECONDS, running_nginx

HANDLE = "support/triage"
"""A seeded example, with a slash, so every request also exercises the encoded handle."""


def edited(opened: OpenedPrompt, words: str = " Be brief.") -> Draft:
    draft = opened.start_draft()
    return draft.model_copy(update={"config": {**draft.config, "prompt": draft.config["prompt"] + words}})


async def version_numbers(direct: LangWatchClient) -> list[int]:
    return [version.version for version in await direct.list_versions(HANDLE)]


async def test_the_proxys_certificate_is_trusted_through_the_system_store_alone(authority, upstream, tmp_path):
    """The same proxy with a certificate of an authority the system does not hold is refused: what lets the other
    tests through is the authority installed in the store, not some leniency of the client."""
    unknown = trustme.CA().issue_cert("127.0.0.1")
    with running_nginx(tmp_path / "unknown-nginx", upstream.port, unknown) as stranger:
        async with LangWatchClient(stranger.url, upstream.api_key, max_retries=0) as client:
            with pytest.raises(CertificateRefused) as refused:
                await client.list_prompts()
    assert "not signed by an authority this computer trusts" in refused.value.user_message
    assert stranger.requests() == []


async def test_reads_past_the_end_of_a_connection_nginx_closes_are_all_answered(authority, upstream, direct,
                                                                                 tmp_path):
    """nginx ends a connection after so many requests (1,000 by default; 100 here) with an HTTP/2 GOAWAY, and
    answers the requests it had taken before it. httpcore's h2 state machine refuses those answers once it read
    the GOAWAY ("Invalid input ConnectionInputs.RECV_HEADERS in state ConnectionState.CLOSED", encode/httpcore#46):
    a read that lost its answer so is sent again, at once, on a new connection, and nothing reaches the user."""
    certificate = authority.issue_cert("127.0.0.1", "localhost")
    with running_nginx(tmp_path / "short-nginx", upstream.port, certificate, requests_per_connection=100) as nginx:
        async with LangWatchClient(nginx.url, upstream.api_key, timeout=5.0) as client:
            answers = await asyncio.gather(*(client.list_versions(HANDLE) for _ in range(1000)))
    assert {len(versions) for versions in answers} == {len(await direct.list_versions(HANDLE))}
    logged = nginx.requests()
    assert {entry["protocol"] for entry in logged} == {"HTTP/2.0"}
    assert len({entry["connection"] for entry in logged}) >= 1000 // 100, "nginx ended each connection at 100"


async def test_opening_a_prompt_shows_its_content_and_history(service, direct, proxy):
    opened = await service.open_prompt(HANDLE)
    history = await service.history(HANDLE)

    newest = await direct.get_prompt(HANDLE)
    assert (opened.prompt.version, opened.config["prompt"]) == (newest.version, newest.prompt)
    assert opened.partial_note is None
    assert [version.version for version in history] == await version_numbers(direct)
    logged = proxy.requests()
    assert len(logged) == 3 and {entry["status"] for entry in logged} == {"200"}
    open_reads = logged[:2]
    assert len({entry["connection"] for entry in open_reads}) == 1, "the reads of an open share one HTTP/2 connection"
    assert all(float(entry["gzip_ratio"]) > 1 for entry in logged), "nginx gzipped every JSON answer"


async def test_a_save_after_the_proxy_closed_the_idle_connection_writes_one_version(service, direct, proxy):
    opened = await service.open_prompt(HANDLE)
    before = await version_numbers(direct)
    seen_before = len(proxy.requests())

    # The idle time is what is tested: nginx closes a connection left idle for its keep-alive timeout (1 s).
    await asyncio.sleep(KEEPALIVE_TIMEOUT_SECONDS + 0.5)
    outcome = await service.save(edited(opened), "After a pause")

    assert outcome.action == "updated"
    assert await version_numbers(direct) == [before[0] + 1, *before]
    logged = proxy.requests()
    old_connections = {entry["connection"] for entry in logged[:seen_before]}
    after_pause = logged[seen_before:]
    assert after_pause and {entry["status"] for entry in after_pause} == {"200"}
    assert not old_connections & {entry["connection"] for entry in after_pause}, "the save went on a new connection"


async def test_a_colleagues_save_meets_ours_and_the_merge_is_what_the_server_keeps(
    client, upstream, proxy, direct, tmp_path
):
    connection = Connection("nginx", "Behind nginx", "langwatch", proxy.url)
    session = EditingSession(Workspace(connection, PromptService(client), DraftStore(tmp_path / "drafts", "nginx")))
    await session.open(HANDLE)
    base = session.draft.base_version
    session.edit({**session.draft.config, "prompt": "Mine."}, session.draft.parameters)

    async with LangWatchClient(proxy.url, upstream.api_key) as theirs:
        colleague = PromptService(theirs)
        their_draft = (await colleague.open_prompt(HANDLE)).start_draft()
        their_draft = their_draft.model_copy(update={
            "config": {**their_draft.config, "prompt": "Theirs."},
            "parameters": {**their_draft.parameters, "temperature": 0.2},
        })
        assert (await colleague.save(their_draft, "colleague")).action == "updated"

    asked = []

    async def keep_my_prompt_and_their_temperature(merge):
        asked.append(merge.remote_version)
        for field in merge.fields():
            if field.state == "conflict":
                merge = merge.resolve(field.path, "ours")
        return MergeDecision(merge.merged_draft(), "merged")

    outcome = await session.save("mine", keep_my_prompt_and_their_temperature)

    assert asked == [base + 1]
    assert outcome.action == "updated" and session.draft.base_version == base + 2
    assert (await version_numbers(direct))[:3] == [base + 2, base + 1, base]
    kept = await PromptService(direct).open_prompt(HANDLE)
    assert kept.config["prompt"] == "Mine." and kept.parameters.get("temperature") == 0.2
    assert (await direct.list_versions(HANDLE))[0].commit_message == "merged"
    assert HANDLE not in session.drafts.handles()


async def test_a_draft_over_the_proxys_body_limit_is_refused_in_plain_words(service, direct, proxy, drafts):
    opened = await service.open_prompt(HANDLE)
    huge = edited(opened, " Think step by step." * (3 * 1024 * 1024 // 20))
    drafts.save(huge)
    before = await version_numbers(direct)

    with pytest.raises(ValidationFailedError) as refused:
        await service.save(huge, "Huge")

    assert refused.value.status == 413
    assert refused.value.user_message == (
        "The server did not accept the data. (the request is too large for the server: 413 Request Entity Too Large)")
    assert await version_numbers(direct) == before
    assert drafts.load(HANDLE) == huge
    [answered] = await proxy.logged(lambda entry: entry["status"] == "413")
    assert answered["upstream_status"] == "", "nginx refused it without passing it on"
    assert answered["protocol"] == "HTTP/1.1", "a body over 64 KiB goes over HTTP/1.1 (see transport.HTTP2_BODY_BYTES)"
    assert (await service.save(edited(opened), "Small")).action == "updated"


async def test_the_server_down_behind_the_proxy_is_said_plainly_and_nothing_is_written_twice(
    service, upstream, direct, proxy, drafts
):
    draft = edited(await service.open_prompt(HANDLE))
    drafts.save(draft)
    before = await version_numbers(direct)
    upstream.kill()

    with pytest.raises(ServerError) as down:
        await service.save(draft, "While down")

    assert down.value.status == 502
    assert down.value.user_message == "The server had a problem. (502 Bad Gateway)"
    assert upstream.api_key not in down.value.user_message
    assert drafts.load(HANDLE) == draft
    assert len(await proxy.logged(lambda entry: entry["status"] == "502")) == 1, "a save is never repeated blindly"

    upstream.restart()
    assert await version_numbers(direct) == before
    saved = await service.save(draft, "Back")
    assert saved.action == "updated"
    assert await version_numbers(direct) == [before[0] + 1, *before]


async def test_the_app_speaks_http2_to_the_proxy(service, proxy):
    prompts = await service.list_prompts()
    opened = await service.open_prompt(HANDLE)
    await service.history(HANDLE)
    await service.save(edited(opened), "Over HTTP/2")

    logged = proxy.requests()
    assert any(prompt.handle == HANDLE for prompt in prompts)
    assert len(logged) >= 5
    assert {entry["protocol"] for entry in logged} == {"HTTP/2.0"}
    assert {entry["status"] for entry in logged} == {"200"}


async def test_reads_at_once_share_one_http2_connection(client, proxy):
    await client.list_prompts()
    await asyncio.gather(*(client.list_versions(HANDLE) for _ in range(16)))

    logged = proxy.requests()
    assert len(logged) == 17 and {entry["protocol"] for entry in logged} == {"HTTP/2.0"}
    assert len({entry["connection"] for entry in logged}) == 1
