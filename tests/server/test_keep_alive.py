"""A kept-alive connection outlives the head deadline: the app keeps idle connections longer than 5 s, and the
server must not close them under it (the next request on one would meet a closed connection)."""

from __future__ import annotations

import http.client
import time
from urllib.parse import urlsplit

from prompt_studio.server.protocol import HEAD_TIMEOUT, IDLE_TIMEOUT


def test_an_idle_connection_stays_open_past_the_head_deadline(server):
    assert IDLE_TIMEOUT > 30, "longer than the app keeps an idle connection"
    parts = urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    headers = {"X-Auth-Token": server.api_key}
    try:
        connection.request("GET", "/api/prompts", headers=headers)
        first = connection.getresponse()
        first.read()
        socket_before = connection.sock
        time.sleep(HEAD_TIMEOUT + 1)  # the point of the test: idle for longer than a head may take
        connection.request("GET", "/api/prompts", headers=headers)
        second = connection.getresponse()
        second.read()
        socket_after = connection.sock
    finally:
        connection.close()
    assert (first.status, second.status) == (200, 200)
    assert socket_after is socket_before is not None, "the same connection served both"
