import pytest

from tests.api.raw_server import RawHttpServer


@pytest.fixture
async def raw_server():
    """A misbehaving server on 127.0.0.1; set `raw_server.script` before the client calls it."""
    server = RawHttpServer()
    await server.start()
    yield server
    await server.close()
