"""A proxy's error pages become plain sentences (no nginx needed: these are the pages nginx 1.22 sends)."""

from __future__ import annotations

from prompt_studio.api.transport import error_from_response
from prompt_studio.models.errors import ServerError, ValidationFailedError


def nginx_page(status_line: str) -> bytes:
    return (f"<html>\r\n<head><title>{status_line}</title></head>\r\n<body>\r\n<center><h1>{status_line}</h1>"
            "</center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n").encode()


def test_a_proxys_413_page_says_the_request_is_too_large():
    failure = error_from_response(413, nginx_page("413 Request Entity Too Large"))
    assert type(failure) is ValidationFailedError and failure.status == 413
    assert failure.user_message == (
        "The server did not accept the data. (the request is too large for the server: 413 Request Entity Too Large)")


def test_the_servers_own_413_keeps_its_words():
    failure = error_from_response(413, b'{"error": "Payload Too Large", "message": "The body is over 10 MB."}')
    assert type(failure) is ValidationFailedError
    assert failure.user_message == "The server did not accept the data. (The body is over 10 MB.)"


def test_a_proxys_502_page_is_its_title():
    failure = error_from_response(502, nginx_page("502 Bad Gateway"))
    assert type(failure) is ServerError
    assert failure.user_message == "The server had a problem. (502 Bad Gateway)"
