"""`LangWatchClient` verifies certificates: a self-signed server on 127.0.0.1 is refused before a request (and
its key) is sent, a trusted certificate for another name is refused too, and nothing in the app can turn the
check off. The same server with its authority trusted is accepted, so the refusals are about the certificate."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import ssl
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import trustme

from prompt_studio.api import LangWatchClient
from prompt_studio.api.transport import HttpConnection
from prompt_studio.models.errors import CertificateRefused, ConnectionFailed

PACKAGE = Path(__file__).resolve().parents[2] / "prompt_studio"


@contextlib.asynccontextmanager
async def https_server(certificate: trustme.LeafCert) -> AsyncIterator[tuple[str, list[bytes]]]:
    """An HTTPS server on 127.0.0.1 that answers every request with an empty prompt list; yields its URL and
    the request heads it received."""
    heads: list[bytes] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    certificate.configure_cert(context)

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
            heads.append(await reader.readuntil(b"\r\n\r\n"))
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]")
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0, ssl=context)
    try:
        yield f"https://127.0.0.1:{server.sockets[0].getsockname()[1]}", heads
    finally:
        server.close()
        await server.wait_closed()


@pytest.fixture
def authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def trusted(authority, tmp_path, monkeypatch) -> None:
    """Trust `authority` the way an administrator would, through SSL_CERT_FILE; no option of the app."""
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))


async def test_a_self_signed_certificate_is_refused_before_the_key_is_sent(authority):
    async with (
        https_server(authority.issue_cert("127.0.0.1")) as (url, heads),
        LangWatchClient(url, "sk-lw-secret_0123456789", max_retries=0) as client,
    ):
            with pytest.raises(ConnectionFailed) as refused:
                await client.list_prompts()
    assert isinstance(refused.value, CertificateRefused)
    assert refused.value.user_message == (
        "The server's certificate was not accepted, so nothing was sent. Why: the certificate of 127.0.0.1 is not "
        "signed by an authority this computer trusts. If your organisation uses its own certificate authority, "
        "install it in the system's certificate store (as for your browser).")
    assert heads == []


async def test_a_trusted_certificate_for_another_name_is_refused(authority, trusted):
    async with (
        https_server(authority.issue_cert("prompts.example.org")) as (url, heads),
        LangWatchClient(url, "sk-lw-secret_0123456789", max_retries=0) as client,
    ):
            with pytest.raises(ConnectionFailed) as refused:
                await client.list_prompts()
    assert "the certificate the server showed is not for 127.0.0.1" in refused.value.user_message
    assert heads == []


async def test_an_expired_certificate_is_refused_and_said_so(authority, trusted):
    expired = authority.issue_cert("127.0.0.1", not_before=datetime(2020, 1, 1, tzinfo=UTC),
                                   not_after=datetime(2021, 1, 1, tzinfo=UTC))
    async with (
        https_server(expired) as (url, heads),
        LangWatchClient(url, "sk-lw-secret_0123456789") as client,
    ):
            with pytest.raises(CertificateRefused) as refused:
                await client.list_prompts()
    assert "the certificate of 127.0.0.1 has expired" in refused.value.user_message
    assert heads == [], "not retried either: a certificate does not get better by asking again"


async def test_the_same_server_is_accepted_once_its_authority_is_trusted(authority, trusted):
    async with (
        https_server(authority.issue_cert("127.0.0.1")) as (url, heads),
        LangWatchClient(url, "sk-lw-secret_0123456789", max_retries=0) as client,
    ):
            assert await client.list_prompts() == []
    assert len(heads) == 1 and b"X-Auth-Token: sk-lw-secret_0123456789" in heads[0]


@pytest.mark.parametrize("constructor", [LangWatchClient, HttpConnection])
def test_no_constructor_offers_to_skip_verification(constructor):
    offered = set(inspect.signature(constructor).parameters)
    assert not offered & {"verify", "ssl", "ssl_context", "insecure", "cert", "check_hostname", "trust_env"}


def test_no_code_in_the_app_turns_verification_off():
    weakening = ("verify=False", "CERT_NONE", "check_hostname = False", "check_hostname=False",
                 "_create_unverified_context", "PYTHONHTTPSVERIFY")
    found = [f"{path.relative_to(PACKAGE)}: {pattern}"
             for path in PACKAGE.rglob("*.py") for pattern in weakening
             if pattern in path.read_text(encoding="utf-8")]
    assert found == []
