from __future__ import annotations

import ast
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from together import AsyncTogether, Together

from .support import API_KEY
from .support.batchserver import BatchServer
from .support.clients import open_client
from .support.fakeapi import FakeAPI
from .support.faultserver import FaultServer
from .support.wsserver import RealtimeServer


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
async def api(flavor: str, base_url: str) -> AsyncIterator[Together | AsyncTogether]:
    """A ready client of the test's flavor on ``httpserver``: a test taking it runs once with
    ``Together`` and once with ``AsyncTogether``, awaiting what the async one returns."""
    async with open_client(flavor, base_url) as client:
        yield client


@pytest.fixture
def faults() -> Iterator[FaultServer]:
    """A raw-socket server on loopback that plays what a test tells it, byte by byte."""
    with FaultServer() as server:
        yield server


@pytest.fixture
def batch_server() -> Iterator[BatchServer]:
    """A fake Batch API (files and batches) on loopback, with its own folder."""
    with BatchServer() as server:
        yield server


@pytest.fixture(scope="session")
def _realtime_server_running() -> Iterator[RealtimeServer]:
    with RealtimeServer(API_KEY) as server:
        yield server


@pytest.fixture
def realtime_server(_realtime_server_running: RealtimeServer) -> RealtimeServer:
    """The WebSocket server of both realtime endpoints (started once), with what it
    received cleared for the test."""
    _realtime_server_running.messages.clear()
    _realtime_server_running.requests.clear()
    return _realtime_server_running


@pytest.fixture
def fake_api() -> Iterator[FakeAPI]:
    """The fake Together API of the command-line tests (``python -m tests.support.fakeapi``
    serves it by hand, as for the README's command-line output)."""
    with FakeAPI() as server:
        yield server


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Leave unimported what ``-m`` deselects as a whole: a test module whose ``pytestmark``
    the expression rejects, or a folder all of whose test modules it rejects (its conftest
    too). Such a module may then import what the venv lacks (the generator under Python
    3.10), and ``make test-py310`` selects by marker alone."""
    expression = config.option.markexpr
    if not expression:
        return None
    if collection_path.is_dir():
        modules = list(collection_path.rglob("test_*.py"))
        if modules and not any(_selected(expression, module) for module in modules):
            return True
        return None
    if collection_path.name.startswith("test_") and collection_path.suffix == ".py":
        return None if _selected(expression, collection_path) else True
    return None


def _selected(expression: str, module: Path) -> bool:
    """Whether ``-m expression`` keeps a test carrying only the module's own marks."""
    from _pytest.mark.expression import Expression  # pytest's -m parser (pinned pytest)

    marks = _module_marks(module)
    return Expression.compile(expression).evaluate(lambda name, **kwargs: name in marks)


def _module_marks(module: Path) -> set[str]:
    """The names in ``pytestmark = pytest.mark.a`` or ``= [pytest.mark.a, ...]``, read from
    the source without importing it."""
    for node in ast.parse(module.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "pytestmark" for target in node.targets
        ):
            values = (
                node.value.elts if isinstance(node.value, ast.List | ast.Tuple) else [node.value]
            )
            return {
                value.attr
                for value in values
                if isinstance(value, ast.Attribute) and ast.unparse(value.value) == "pytest.mark"
            }
    return set()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    from together_generated.operations import OPERATIONS

    keys = {info.key for info in OPERATIONS}
    for item in items:
        for marker in item.iter_markers("operation"):
            key = marker.args[0]
            if key not in keys:
                item.add_marker(pytest.mark.skip(reason=f"the spec in use has no {key}"))
