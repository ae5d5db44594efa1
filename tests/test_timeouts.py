"""``timeout=None`` is no timeout, and a user's own ``http_client`` keeps its timeout.

The server answers after a pause (PAUSE) longer than the short timeout (SHORT): a call
that succeeds had no SHORT timeout, a call that raises APITimeoutError had one.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

import together
from together import AsyncTogether, Together
from together._config import DEFAULT_TIMEOUT

from .support import API_KEY
from .support.faultserver import CLOSE, FaultServer, Pause, response_head

SHORT = 0.2
PAUSE = 0.6
SLOW_ANSWER = [
    Pause(PAUSE),
    response_head("200 OK", [("Content-Type", "application/json"), ("Content-Length", "2")])
    + b"[]",
    CLOSE,
]


@pytest.fixture
def slow() -> Iterator[FaultServer]:
    with FaultServer() as server:
        yield server.play(SLOW_ANSWER)


@pytest.fixture(autouse=True)
def _no_timeout_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TOGETHER_TIMEOUT", raising=False)


def test_timeout_none_turns_timeouts_off_despite_the_environment(
    slow: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOGETHER_TIMEOUT", str(SHORT))
    with Together(api_key=API_KEY, base_url=slow.url(), max_retries=0, timeout=None) as client:
        assert client.timeout is None  # as in 3.x
        assert client.models.list() == []


def test_leaving_timeout_out_still_uses_the_environment_then_the_default(
    slow: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert Together(api_key=API_KEY).timeout == DEFAULT_TIMEOUT
    monkeypatch.setenv("TOGETHER_TIMEOUT", str(SHORT))
    with (
        Together(api_key=API_KEY, base_url=slow.url(), max_retries=0) as client,
        pytest.raises(together.APITimeoutError),
    ):
        client.models.list()


def test_per_call_timeout_none_turns_the_clients_timeout_off(slow: FaultServer) -> None:
    with Together(api_key=API_KEY, base_url=slow.url(), max_retries=0, timeout=SHORT) as client:
        # (the timed-out call first: the server closes each connection after answering,
        # and a call right after an answer could pick up that closing connection)
        with pytest.raises(together.APITimeoutError):
            client.models.list()
        assert client.models.list(timeout=None) == []


@pytest.mark.anyio
async def test_async_per_call_timeout_none_turns_the_clients_timeout_off(
    slow: FaultServer,
) -> None:
    async with AsyncTogether(
        api_key=API_KEY, base_url=slow.url(), max_retries=0, timeout=SHORT
    ) as client:
        assert await client.models.list(timeout=None) == []


def test_with_options_timeout_none_turns_timeouts_off(slow: FaultServer) -> None:
    with Together(api_key=API_KEY, base_url=slow.url(), max_retries=0, timeout=SHORT) as client:
        unlimited = client.with_options(timeout=None)
        assert unlimited.timeout is None  # as in 3.x
        assert unlimited.models.list() == []
        assert client.with_options(max_retries=0).timeout == httpx.Timeout(SHORT)


def test_user_http_client_keeps_its_own_timeout(slow: FaultServer) -> None:
    with httpx.Client(timeout=SHORT) as http_client:
        client = Together(
            api_key=API_KEY, base_url=slow.url(), max_retries=0, http_client=http_client
        )
        assert client.timeout == httpx.Timeout(SHORT)
        with pytest.raises(together.APITimeoutError):
            client.models.list()


@pytest.mark.anyio
async def test_async_user_http_client_keeps_its_own_timeout(slow: FaultServer) -> None:
    async with httpx.AsyncClient(timeout=SHORT) as http_client:
        client = AsyncTogether(
            api_key=API_KEY, base_url=slow.url(), max_retries=0, http_client=http_client
        )
        with pytest.raises(together.APITimeoutError):
            await client.models.list()


def test_user_http_client_timeout_beats_the_environment(
    slow: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOGETHER_TIMEOUT", str(SHORT))
    with httpx.Client(timeout=None) as http_client:
        client = Together(
            api_key=API_KEY, base_url=slow.url(), max_retries=0, http_client=http_client
        )
        assert client.models.list() == []


def test_explicit_timeout_overrides_the_user_http_clients(slow: FaultServer) -> None:
    with httpx.Client(timeout=SHORT) as http_client:
        client = Together(
            api_key=API_KEY,
            base_url=slow.url(),
            max_retries=0,
            http_client=http_client,
            timeout=None,
        )
        assert client.models.list() == []


def test_user_http_client_left_at_the_httpx_default_gets_this_librarys_default() -> None:
    with httpx.Client() as http_client:
        client = Together(api_key=API_KEY, http_client=http_client)
        assert client.timeout == DEFAULT_TIMEOUT
