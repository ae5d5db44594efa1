from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from pytest_httpserver import HTTPServer

from together import AsyncTogether, Together

API_KEY = "sk-test-0123456789abcdef"


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    return ("127.0.0.1", 0)  # loopback by address, not a name that might resolve elsewhere


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def base_url(httpserver: HTTPServer) -> str:
    return httpserver.url_for("/v1")


@pytest.fixture
def client(base_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Together]:
    monkeypatch.delenv("TOGETHER_LOG", raising=False)
    with Together(api_key=API_KEY, base_url=base_url, max_retries=0, timeout=5) as c:
        yield c


@pytest.fixture
async def aclient(base_url: str) -> AsyncIterator[AsyncTogether]:
    async with AsyncTogether(api_key=API_KEY, base_url=base_url, max_retries=0, timeout=5) as c:
        yield c
