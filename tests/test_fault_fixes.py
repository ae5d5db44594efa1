"""Faults from "Reliability under faults, races and hostile input": ids that are dot
segments, malformed Retry-After, header injection through ``extra_headers``, a BOM at the
start of an event stream, errors of local making, and what a connection error says.

Each case runs against a real local server (``FaultServer``), with ``Together`` and with
``AsyncTogether`` where their code differs.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

import together
from together._streaming import SSEDecoder

from .support import API_KEY
from .support.bodies import MESSAGES, MODEL
from .support.clients import outcome, run
from .support.faultserver import CLOSE, LAST_CHUNK, RESET, FaultServer, Pause, chunk, response_head
from .support.replies import OK, overloaded
from .support.streams import HELLO, chat_chunk, contents, sse

Action = Callable[[Any], Any]
BOM = "\ufeff".encode()  # the UTF-8 byte-order mark


def chat(**options: Any) -> Action:
    return lambda c: c.chat.completions.create(model=MODEL, messages=MESSAGES, **options)


def event_stream(*reads: bytes) -> list[Any]:
    """A chunked event stream, one chunk per read (a pause between them keeps them apart)."""
    head = response_head(
        headers=[("Content-Type", "text/event-stream"), ("Transfer-Encoding", "chunked")]
    )
    steps: list[Any] = [head]
    for data in reads:
        steps += [chunk(data), Pause(0.05)]
    return [*steps, LAST_CHUNK, CLOSE]


# -- 1. ids that are dot segments -------------------------------------------------------

DOT_CALLS = [
    ("clusters.storage.delete", "volume_id", lambda c, v: c.clusters.storage.delete(v)),
    ("files.delete", "id", lambda c, v: c.files.delete(v)),
    ("files.retrieve", "id", lambda c, v: c.files.retrieve(v)),
    ("clusters.delete", "cluster_id", lambda c, v: c.clusters.delete(v)),
]


@pytest.mark.anyio
@pytest.mark.parametrize("value", [".", ".."])
@pytest.mark.parametrize(("where", "name", "call"), DOT_CALLS, ids=[c[0] for c in DOT_CALLS])
async def test_dot_segment_ids_are_refused_before_anything_is_sent(
    flavor: str, faults: FaultServer, value: str, where: str, name: str, call: Any
) -> None:
    faults.play(OK)
    with pytest.raises(ValueError, match=name) as info:
        await run(flavor, faults.url(), lambda c: call(c, value))
    assert where in str(info.value)
    assert faults.requests == []


# -- 2. malformed Retry-After -----------------------------------------------------------

BAD_DATES = ["soon", "Wed, 32 Foo 2024 25:61:61 GMT", "Mon, 99 Jan 2024 10:00:00 GMT"]


@pytest.mark.anyio
@pytest.mark.parametrize("retry_after", BAD_DATES)
async def test_malformed_retry_after_falls_back_to_backoff_and_the_retry_succeeds(
    flavor: str, faults: FaultServer, retry_after: str
) -> None:
    faults.play(overloaded(retry_after), OK)
    started = time.monotonic()
    result = await run(flavor, faults.url(), chat(), max_retries=2)
    assert result.choices[0].message.content == "Hello!"
    assert len(faults.requests) == 2
    assert time.monotonic() - started < 3  # the first backoff, not a long wait


def one_connection(flavor: str) -> httpx.Client | httpx.AsyncClient:
    """A client whose pool holds one connection and won't wait for it: a response left
    open makes the next request fail with PoolTimeout."""
    kind = httpx.Client if flavor == "sync" else httpx.AsyncClient
    return kind(limits=httpx.Limits(max_connections=1), timeout=httpx.Timeout(5, pool=0.5))


@pytest.mark.anyio
async def test_streaming_call_with_malformed_retry_after_is_retried_and_frees_its_connection(
    flavor: str, faults: FaultServer
) -> None:
    faults.play(overloaded("soon"), event_stream(HELLO + sse("[DONE]")), OK)

    async def stream_then_call(client: Any) -> Any:
        create = client.chat.completions.create
        stream = await outcome(flavor, create(model=MODEL, messages=MESSAGES, stream=True))
        chunks = list(stream) if flavor == "sync" else [c async for c in stream]
        return chunks, await outcome(flavor, create(model=MODEL, messages=MESSAGES))

    settings = {"http_client": one_connection(flavor), "max_retries": 1}
    chunks, after = await run(flavor, faults.url(), stream_then_call, **settings)
    assert contents(chunks) == ["Hel", "lo", "!"]
    assert after.choices[0].message.content == "Hello!"
    assert len(faults.requests) == 3


@pytest.mark.anyio
async def test_streaming_call_ending_in_an_error_status_frees_its_connection(
    flavor: str, faults: FaultServer
) -> None:
    faults.play(overloaded("soon"), OK)

    async def fail_then_call(client: Any) -> Any:
        create = client.chat.completions.create
        with pytest.raises(together.InternalServerError):
            await outcome(flavor, create(model=MODEL, messages=MESSAGES, stream=True))
        return await outcome(flavor, create(model=MODEL, messages=MESSAGES))

    settings = {"http_client": one_connection(flavor), "max_retries": 0}
    after = await run(flavor, faults.url(), fail_then_call, **settings)
    assert after.choices[0].message.content == "Hello!"


# -- 3. extra_headers with line breaks ----------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("headers", "error"),
    [
        ({"X-Note": "a\r\nInjected: 1"}, ValueError),
        ({"X-Note\nInjected": "1"}, ValueError),
        ({"X-Note": 1}, TypeError),
    ],
    ids=["crlf-in-value", "lf-in-name", "not-a-str"],
)
async def test_bad_extra_headers_raise_naming_extra_headers_and_send_nothing(
    flavor: str, faults: FaultServer, headers: dict[str, Any], error: type[Exception]
) -> None:
    faults.play(OK)
    started = time.monotonic()
    with pytest.raises(error, match="extra_headers"):
        await run(flavor, faults.url(), chat(extra_headers=headers), max_retries=2)
    assert faults.requests == []
    assert time.monotonic() - started < 0.4  # no retries, no backoff


# -- 4. a byte-order mark at the start of the stream --------------------------------------

FIRST = sse(chat_chunk("Hel"))
REST = sse(chat_chunk("lo"), chat_chunk("!", finish_reason="stop"), "[DONE]")


@pytest.mark.anyio
@pytest.mark.parametrize(
    "reads",
    [
        [BOM + FIRST, REST],
        [BOM, FIRST, REST],
        [BOM[:1], BOM[1:] + FIRST, REST],
        [BOM[:2], BOM[2:], FIRST + REST],
    ],
    ids=["with-the-first-event", "alone", "split-1-2", "split-2-1"],
)
async def test_bom_at_the_start_of_the_stream_keeps_the_first_event(
    flavor: str, faults: FaultServer, reads: list[bytes]
) -> None:
    faults.play(event_stream(*reads))
    chunks = await run(flavor, faults.url(), chat(stream=True))
    assert contents(chunks) == ["Hel", "lo", "!"]


def test_decoder_strips_one_leading_bom_wherever_it_is_split() -> None:
    data = BOM + b"data: 1\n\ndata: 2\n\n"
    for size in range(1, len(data) + 1):
        decoder = SSEDecoder()
        events = []
        for start in range(0, len(data), size):
            events += decoder.feed(data[start : start + size])
        assert [e.data for e in events] == ["1", "2"], size


def test_decoder_strips_only_the_first_bom() -> None:
    decoder = SSEDecoder()
    events = decoder.feed(BOM + b"data: 1\n\n") + decoder.feed(BOM + b"data: 2\n\n")
    # A later BOM is part of the text: it starts a line with an unknown field name.
    assert [e.data for e in events] == ["1"]


# -- 5. errors of local making --------------------------------------------------------------


class Bug(Exception):
    pass


class BuggyTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """A user's custom transport with a bug in it."""

    def __init__(self) -> None:
        self.calls = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        raise Bug("oops")

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        raise Bug("oops")


@pytest.mark.anyio
async def test_bug_in_a_custom_transport_propagates_as_it_is_and_is_not_retried(
    flavor: str,
) -> None:
    transport = BuggyTransport()
    http_client: Any = (
        httpx.Client(transport=transport)
        if flavor == "sync"
        else httpx.AsyncClient(transport=transport)
    )
    with pytest.raises(Bug):
        await run(flavor, "http://127.0.0.1:9/v1", chat(), max_retries=2, http_client=http_client)
    assert transport.calls == 1


@pytest.mark.anyio
async def test_header_httpx_refuses_propagates_as_it_is_and_is_not_retried(
    flavor: str, faults: FaultServer
) -> None:
    faults.play(OK)
    started = time.monotonic()
    with pytest.raises(httpx.LocalProtocolError):
        await run(flavor, faults.url(), chat(extra_headers={"X-Note": "a\0b"}), max_retries=2)
    assert faults.requests == []
    assert time.monotonic() - started < 0.4  # no retries, no backoff


# -- 6. what a connection error says ------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.anyio
async def test_connection_error_says_what_happened_and_to_which_host(flavor: str) -> None:
    port = closed_port()
    with pytest.raises(together.APIConnectionError) as info:
        await run(flavor, f"http://127.0.0.1:{port}/v1", chat())
    message = str(info.value)
    assert f"could not connect to 127.0.0.1:{port}" in message
    assert "ConnectError: " in message  # and the reason the OS gave
    assert API_KEY not in message


@pytest.mark.anyio
async def test_stream_cut_error_says_what_happened_and_to_which_host(
    flavor: str, faults: FaultServer
) -> None:
    faults.play([*event_stream(FIRST)[:-2], RESET])  # no last chunk: the connection drops
    with pytest.raises(together.APIConnectionError) as info:
        await run(flavor, faults.url(), chat(stream=True))
    message = str(info.value)
    assert f"127.0.0.1:{faults.port}" in message
    assert "Error" in message.partition("(")[2]  # the exception's name, inside the brackets
    assert API_KEY not in message
