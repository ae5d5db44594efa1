"""``deadline`` bounds a whole call: every attempt, the pauses between them and the reading
of the body, which ``timeout`` (a bound on each read) does not. Of a stream it bounds only
the wait for the response headers.

Every case runs with ``Together`` and ``AsyncTogether`` against a FaultServer.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from typing import Any

import pytest

import together
from together import AsyncTogether, Together
from together._streaming import AsyncStream, Stream

from .support import API_KEY
from .support.bodies import MESSAGES, MODEL
from .support.faultserver import LAST_CHUNK, FaultServer, Pause, chunk, response_head
from .support.replies import OK, overloaded
from .support.streams import chat_chunk, sse

DEADLINE = 1.0
SLACK = 0.5  # what a loaded test machine may add to the deadline


def drip(seconds: float, pause: float = 0.2) -> list[Any]:
    """A 200 whose JSON body comes a byte every ``pause`` for ``seconds``: each read is
    quick, so only a deadline stops it."""
    body = b" " * round(seconds / pause) + b"[]"
    head = response_head(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    steps: list[Any] = [head]
    for byte in body[:-2]:
        steps += [bytes([byte]), Pause(pause)]
    return [*steps, b"[]"]


def slow_stream(events: int, pause: float) -> list[Any]:
    """An event stream whose chunks come ``pause`` apart."""
    head = response_head(
        headers=[("Content-Type", "text/event-stream"), ("Transfer-Encoding", "chunked")]
    )
    steps: list[Any] = [head]
    for n in range(events):
        steps += [Pause(pause), chunk(sse(chat_chunk(str(n))))]
    return [*steps, chunk(sse("[DONE]")), LAST_CHUNK]


@pytest.fixture(autouse=True)
def _no_deadline_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TOGETHER_DEADLINE", raising=False)


async def run(
    flavor: str, server: FaultServer, action: Callable[[Any], Any], **settings: Any
) -> Any:
    """``action(client)`` on a fresh client (a stream read to the end)."""
    settings = {"api_key": API_KEY, "base_url": server.url(), "timeout": 5, **settings}
    if flavor == "sync":
        with Together(**settings) as client:
            result = action(client)
            return list(result) if isinstance(result, Stream) else result
    async with AsyncTogether(**settings) as aclient:
        result = action(aclient)
        if inspect.isawaitable(result):
            result = await result
        return [c async for c in result] if isinstance(result, AsyncStream) else result


def models(**options: Any) -> Callable[[Any], Any]:
    return lambda c: c.models.list(**options)


def chat(**options: Any) -> Callable[[Any], Any]:
    return lambda c: c.chat.completions.create(model=MODEL, messages=MESSAGES, **options)


async def timed(coro: Any) -> tuple[Any, float]:
    started = time.monotonic()
    result = await coro
    return result, time.monotonic() - started


@pytest.mark.anyio
async def test_a_dripping_body_is_cut_off_at_the_deadline(flavor: str, faults: FaultServer) -> None:
    faults.play(drip(seconds=20))
    started = time.monotonic()
    with pytest.raises(together.APITimeoutError):
        await run(flavor, faults, models(), deadline=DEADLINE, max_retries=2)
    assert time.monotonic() - started < DEADLINE + SLACK
    assert len(faults.requests) == 1  # no retry: the deadline had passed


@pytest.mark.anyio
async def test_without_a_deadline_only_timeout_applies_to_each_read(
    flavor: str, faults: FaultServer
) -> None:
    faults.play(drip(seconds=1.2))
    result, took = await timed(run(flavor, faults, models(), timeout=0.5, max_retries=0))
    assert result == []
    assert took >= 1.2


@pytest.mark.anyio
async def test_retries_stop_at_the_deadline(flavor: str, faults: FaultServer) -> None:
    faults.play(overloaded("0.3"))
    started = time.monotonic()
    with pytest.raises(together.APIStatusError) as info:
        await run(flavor, faults, chat(), deadline=DEADLINE, max_retries=20)
    # The last answer stands when no retry could start before the deadline.
    assert info.value.status_code == 503
    assert time.monotonic() - started < DEADLINE + SLACK
    assert 2 <= len(faults.requests) <= 4


@pytest.mark.anyio
async def test_a_call_within_its_deadline_succeeds(flavor: str, faults: FaultServer) -> None:
    faults.play(overloaded("0.1"), [Pause(0.2), *OK])
    result = await run(flavor, faults, chat(), deadline=DEADLINE, max_retries=2)
    assert result.choices[0].message.content == "Hello!"


@pytest.mark.anyio
async def test_a_per_call_deadline_overrides_the_clients(flavor: str, faults: FaultServer) -> None:
    faults.play(drip(seconds=20))
    started = time.monotonic()
    with pytest.raises(together.APITimeoutError):
        await run(flavor, faults, models(deadline=DEADLINE), max_retries=0)
    assert time.monotonic() - started < DEADLINE + SLACK

    faults.play(drip(seconds=1.2))
    assert await run(flavor, faults, models(deadline=None), deadline=0.5, max_retries=0) == []


@pytest.mark.anyio
async def test_a_stream_is_bounded_until_its_headers_only(flavor: str, faults: FaultServer) -> None:
    # Events further apart than the deadline: the stream reads with its own timeout.
    faults.play(slow_stream(events=3, pause=0.6))
    chunks = await run(flavor, faults, chat(stream=True), deadline=0.5, max_retries=0)
    assert [c.choices[0].delta.content for c in chunks] == ["0", "1", "2"]

    faults.play([Pause(10)])  # headers that never come
    started = time.monotonic()
    with pytest.raises(together.APITimeoutError):
        await run(flavor, faults, chat(stream=True), deadline=DEADLINE, max_retries=2)
    assert time.monotonic() - started < DEADLINE + SLACK


def test_deadline_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Together(api_key=API_KEY).deadline is None
    monkeypatch.setenv("TOGETHER_DEADLINE", "30")
    client = Together(api_key=API_KEY)
    assert client.deadline == 30.0
    assert Together(api_key=API_KEY, deadline=5).deadline == 5.0
    assert client.with_options(deadline=None).deadline is None
    assert client.with_options(max_retries=0).deadline == 30.0
    monkeypatch.setenv("TOGETHER_DEADLINE", "soon")
    with pytest.raises(ValueError, match="TOGETHER_DEADLINE"):
        Together(api_key=API_KEY)
    for bad in (0, -1, float("inf")):
        with pytest.raises(ValueError, match="deadline"):
            Together(api_key=API_KEY, deadline=bad)
    with pytest.raises(TypeError, match="deadline"):
        Together(api_key=API_KEY, deadline=True)
