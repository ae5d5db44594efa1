from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from pytest_httpserver import HTTPServer

from together import AsyncTogether, Together

from .faultserver import FaultServer

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


@pytest.fixture(params=["sync", "async"])
def flavor(request: pytest.FixtureRequest) -> str:
    """Which client a test runs against: "sync" (Together) or "async" (AsyncTogether)."""
    return str(request.param)


@pytest.fixture
def faults() -> Iterator[FaultServer]:
    """A raw-socket server on loopback that plays what a test tells it, byte by byte."""
    with FaultServer() as server:
        yield server


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        'operation(key): the test sends the operation "METHOD /path"; it is skipped, with'
        " the reason, when the spec in use has no such operation",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    from together_generated.operations import OPERATIONS

    keys = {info.key for info in OPERATIONS}
    for item in items:
        for marker in item.iter_markers("operation"):
            key = marker.args[0]
            if key not in keys:
                item.add_marker(pytest.mark.skip(reason=f"the spec in use has no {key}"))
