"""Streaming: the SSE decoder follows the WHATWG rules, and streams from both clients yield
typed chunks in order, end at ``[DONE]``, raise typed errors and close their connection."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

import together
from together import AsyncTogether, Together
from together._streaming import ServerSentEvent, SSEDecoder

from .support import API_KEY
from .support.bodies import MESSAGES, MODEL
from .support.faultserver import CLOSE, RESET, FaultServer, Pause, chunk, response_head
from .support.streams import (
    AUDIO,
    DONE,
    HELLO,
    chat_chunk,
    completion_chunk,
    contents,
    serve_sse,
    speech_chunk,
    sse,
)

# -- the decoder ----------------------------------------------------------------------

DOCUMENT = (
    ": a comment, ignored\n"
    "data: first\n"
    "\n"
    "event: update\n"
    "data: line one\n"
    "data:line two\n"
    "\n"
    ":keep-alive\n"
    "\n"
    'data: {"k": "v"}\n'
    "\n"
)
EXPECTED = [
    ServerSentEvent(event="message", data="first"),
    ServerSentEvent(event="update", data="line one\nline two"),
    ServerSentEvent(event="message", data='{"k": "v"}'),
]
LINE_ENDS = {"LF": "\n", "CRLF": "\r\n", "CR": "\r"}


def with_line_end(text: str, end: str) -> bytes:
    return text.replace("\n", end).encode()


def decode_in_pieces(data: bytes, size: int) -> list[ServerSentEvent]:
    decoder = SSEDecoder()
    events = []
    for start in range(0, len(data), size):
        events += decoder.feed(data[start : start + size])
    rest, partial = decoder.flush()
    assert not partial
    return events + rest


@pytest.mark.parametrize("end", LINE_ENDS.values(), ids=LINE_ENDS.keys())
def test_decoder_treats_lf_crlf_and_cr_alike(end: str) -> None:
    assert decode_in_pieces(with_line_end(DOCUMENT, end), size=10_000) == EXPECTED


@pytest.mark.parametrize("end", LINE_ENDS.values(), ids=LINE_ENDS.keys())
def test_decoder_fed_byte_by_byte_gives_the_same_events(end: str) -> None:
    assert decode_in_pieces(with_line_end(DOCUMENT, end), size=1) == EXPECTED


@pytest.mark.parametrize("end", LINE_ENDS.values(), ids=LINE_ENDS.keys())
def test_decoder_gives_the_same_events_wherever_the_input_is_split(end: str) -> None:
    data = with_line_end(DOCUMENT, end)
    for split in range(len(data) + 1):
        decoder = SSEDecoder()
        events = decoder.feed(data[:split]) + decoder.feed(data[split:])
        assert events == EXPECTED, f"split at {split}: {data[:split]!r} | {data[split:]!r}"


def test_decoder_reads_crlf_split_between_cr_and_lf_as_one_line_end() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\r") == []
    # Were the LF a second line end, "a" would be dispatched alone here.
    assert decoder.feed(b"\ndata: b\r\n\r\n") == [ServerSentEvent(data="a\nb")]


def test_decoder_dispatches_a_cr_terminated_event_without_waiting_for_more_bytes() -> None:
    assert SSEDecoder().feed(b"data: a\r\r") == [ServerSentEvent(data="a")]


def test_decoder_joins_multi_line_data_with_lf() -> None:
    assert SSEDecoder().feed(b"data: a\ndata:\ndata: b\n\n") == [ServerSentEvent(data="a\n\nb")]


def test_decoder_removes_only_one_space_after_the_colon() -> None:
    events = SSEDecoder().feed(b"data:  two spaces\n\ndata:none\n\n")
    assert [e.data for e in events] == [" two spaces", "none"]


def test_decoder_names_events_and_defaults_to_message() -> None:
    events = SSEDecoder().feed(b"event: error\ndata: x\n\nevent:\ndata: y\n\ndata: z\n\n")
    assert [e.event for e in events] == ["error", "message", "message"]


def test_decoder_ignores_comments_and_unknown_fields() -> None:
    events = SSEDecoder().feed(b": ping\n\n:\nfoo: bar\ndata: x\n: mid-event comment\n\n")
    assert events == [ServerSentEvent(data="x")]


def test_decoder_dispatches_nothing_for_blank_lines_alone() -> None:
    assert SSEDecoder().feed(b"\n\r\n\r\n\n") == []


def test_decoder_keeps_the_last_event_id_and_reads_retry() -> None:
    events = SSEDecoder().feed(b"id: 7\nretry: 1500\ndata: a\n\ndata: b\n\n")
    assert [(e.id, e.retry) for e in events] == [("7", 1500), ("7", None)]


def test_decoder_reads_one_event_per_read_as_it_reads_them_together() -> None:
    """The API sends each chunk as its own read of one ``data:`` line and a blank line; the
    decoder's shortcut for such reads must agree with its general rules, whatever came
    before (an id, a half-read line, an open event, a CR)."""
    reads = [
        b"data: a\n\n",
        b"id: 7\n\n",
        b"data: b\n\n",
        b"data: c",
        b"\n\n",
        b"event: update\n",
        b"data: d\n\n",
        b"data: e\r",
        b"\n\n",
        b"data: f\r\n",
        b"data: g\n\n",
        b"data: h\n\n",
    ]
    decoder = SSEDecoder()
    one_by_one = [event for read in reads for event in decoder.feed(read)]
    assert one_by_one == decode_in_pieces(b"".join(reads), size=10_000)
    assert [(e.event, e.data, e.id) for e in one_by_one] == [
        ("message", "a", None),
        ("message", "b", "7"),
        ("message", "c", "7"),
        ("update", "d", "7"),
        ("message", "e", "7"),
        ("message", "f\ng", "7"),
        ("message", "h", "7"),
    ]


def test_decoder_reassembles_utf8_split_inside_a_character() -> None:
    data = "data: héllo € 🎉\n\n".encode()
    assert decode_in_pieces(data, size=1) == [ServerSentEvent(data="héllo € 🎉")]


@pytest.mark.parametrize("tail", [b"data: x", b"data: x\n", b"data: x\r\n"])
def test_decoder_flush_reports_an_event_left_unfinished(tail: bytes) -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: done\n\n" + tail) == [ServerSentEvent(data="done")]
    assert decoder.flush() == ([], True)


def test_decoder_flush_after_complete_events_reports_nothing_pending() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"data: a\n\n: trailing comment\n")
    assert decoder.flush() == ([], False)


# -- end to end: chunks ---------------------------------------------------------------


def test_chat_stream_yields_typed_chunks_in_order(client: Together, httpserver: HTTPServer) -> None:
    from together_generated.models import ChatCompletionChunk

    serve_sse(httpserver, HELLO + DONE)
    chunks = list(client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True))
    assert all(isinstance(c, ChatCompletionChunk) for c in chunks)
    assert contents(chunks) == ["Hel", "lo", "!"]
    assert chunks[-1].choices[0].finish_reason == "stop"


@pytest.mark.anyio
async def test_async_chat_stream_yields_typed_chunks_in_order(
    aclient: AsyncTogether, httpserver: HTTPServer
) -> None:
    from together_generated.models import ChatCompletionChunk

    serve_sse(httpserver, HELLO + DONE)
    stream = await aclient.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
    chunks = [c async for c in stream]
    assert all(isinstance(c, ChatCompletionChunk) for c in chunks)
    assert contents(chunks) == ["Hel", "lo", "!"]


def test_completion_stream_yields_typed_chunks(client: Together, httpserver: HTTPServer) -> None:
    from together_generated.models import CompletionChunk

    serve_sse(
        httpserver,
        sse(completion_chunk("Once", 1), completion_chunk(" upon", 2)) + DONE,
        "/v1/completions",
    )
    chunks = list(client.completions.create(model=MODEL, prompt="Tell a story", stream=True))
    assert all(isinstance(c, CompletionChunk) for c in chunks)
    assert [c.token.text for c in chunks] == ["Once", " upon"]


@pytest.mark.anyio
async def test_async_completion_stream_yields_typed_chunks(
    aclient: AsyncTogether, httpserver: HTTPServer
) -> None:
    from together_generated.models import CompletionChunk

    serve_sse(
        httpserver,
        sse(completion_chunk("Once", 1), completion_chunk(" upon", 2)) + DONE,
        "/v1/completions",
    )
    stream = await aclient.completions.create(model=MODEL, prompt="Tell a story", stream=True)
    chunks = [c async for c in stream]
    assert all(isinstance(c, CompletionChunk) for c in chunks)
    assert [c.token.text for c in chunks] == ["Once", " upon"]


def test_done_ends_the_stream_and_closes_it(client: Together, httpserver: HTTPServer) -> None:
    serve_sse(httpserver, sse(chat_chunk("a")) + DONE + sse(chat_chunk("after done")))
    stream = client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
    assert contents(list(stream)) == ["a"]
    assert stream.response.is_closed


@pytest.mark.anyio
async def test_async_done_ends_the_stream_and_closes_it(
    aclient: AsyncTogether, httpserver: HTTPServer
) -> None:
    serve_sse(httpserver, sse(chat_chunk("a")) + DONE + sse(chat_chunk("after done")))
    stream = await aclient.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
    assert contents([c async for c in stream]) == ["a"]
    assert stream.response.is_closed


def test_stream_with_cr_line_ends_finishes_at_done(
    client: Together, httpserver: HTTPServer
) -> None:
    serve_sse(httpserver, (HELLO + DONE).replace(b"\n", b"\r"))
    chunks = list(client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True))
    assert contents(chunks) == ["Hel", "lo", "!"]


def test_stream_request_asks_for_events(client: Together, httpserver: HTTPServer) -> None:
    serve_sse(httpserver, DONE)
    list(client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True))
    ((request, _),) = httpserver.log
    assert request.get_json()["stream"] is True
    assert request.headers["Accept"] == "text/event-stream"


@pytest.mark.anyio
async def test_async_stream_request_asks_for_events(
    aclient: AsyncTogether, httpserver: HTTPServer
) -> None:
    serve_sse(httpserver, DONE)
    stream = await aclient.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
    [c async for c in stream]
    ((request, _),) = httpserver.log
    assert request.get_json()["stream"] is True
    assert request.headers["Accept"] == "text/event-stream"


# -- end to end: closing early --------------------------------------------------------


def test_breaking_out_of_the_loop_closes_the_connection(
    client: Together, httpserver: HTTPServer
) -> None:
    serve_sse(httpserver, HELLO + DONE)
    stream = client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
    for _ in stream:
        break
    assert stream.response.is_closed


def test_leaving_the_with_block_closes_the_connection(
    client: Together, httpserver: HTTPServer
) -> None:
    serve_sse(httpserver, HELLO + DONE)
    with client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True) as stream:
        chunks = iter(stream)
        first = next(chunks)
        assert not stream.response.is_closed
    assert contents([first]) == ["Hel"]
    assert stream.response.is_closed


@pytest.mark.anyio
async def test_async_breaking_out_of_the_loop_in_a_with_block_closes_the_connection(
    aclient: AsyncTogether, httpserver: HTTPServer
) -> None:
    serve_sse(httpserver, HELLO + DONE)
    stream = await aclient.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
    got = []
    async with stream:
        async for c in stream:
            got.append(c)
            break
    assert contents(got) == ["Hel"]
    assert stream.response.is_closed


@pytest.mark.anyio
async def test_async_leaving_the_with_block_closes_the_connection(
    aclient: AsyncTogether, httpserver: HTTPServer
) -> None:
    serve_sse(httpserver, HELLO + DONE)
    stream = await aclient.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
    async with stream:
        assert not stream.response.is_closed
    assert stream.response.is_closed


# -- end to end: errors ---------------------------------------------------------------

ERROR_EVENT = sse({"error": {"message": "model overloaded", "type": "server_error"}}, event="error")
ERROR_PAYLOAD = sse({"error": {"message": "context too long", "type": "invalid_request_error"}})


@pytest.mark.parametrize(
    ("body", "message"),
    [(ERROR_EVENT, "model overloaded"), (ERROR_PAYLOAD, "context too long")],
    ids=["error-event", "error-payload"],
)
def test_server_error_in_stream_raises_api_error_with_its_message(
    client: Together, httpserver: HTTPServer, body: bytes, message: str
) -> None:
    serve_sse(httpserver, sse(chat_chunk("partial")) + body + DONE)
    got = []
    with pytest.raises(together.APIError, match=message) as info:
        for c in client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True):
            got.append(c)
    assert not isinstance(info.value, together.APIConnectionError)
    assert contents(got) == ["partial"]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("body", "message"),
    [(ERROR_EVENT, "model overloaded"), (ERROR_PAYLOAD, "context too long")],
    ids=["error-event", "error-payload"],
)
async def test_async_server_error_in_stream_raises_api_error_with_its_message(
    aclient: AsyncTogether, httpserver: HTTPServer, body: bytes, message: str
) -> None:
    serve_sse(httpserver, sse(chat_chunk("partial")) + body + DONE)
    stream = await aclient.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
    got = []
    with pytest.raises(together.APIError, match=message) as info:
        async for c in stream:
            got.append(c)
    assert not isinstance(info.value, together.APIConnectionError)
    assert contents(got) == ["partial"]
    assert stream.response.is_closed


def test_stream_ending_without_done_raises_connection_error(
    client: Together, httpserver: HTTPServer
) -> None:
    serve_sse(httpserver, HELLO)
    got = []
    with pytest.raises(together.APIConnectionError, match=r"\[DONE\]"):
        for c in client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True):
            got.append(c)
    assert contents(got) == ["Hel", "lo", "!"]


@pytest.mark.anyio
async def test_async_stream_ending_without_done_raises_connection_error(
    aclient: AsyncTogether, httpserver: HTTPServer
) -> None:
    serve_sse(httpserver, HELLO)
    stream = await aclient.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
    with pytest.raises(together.APIConnectionError, match=r"\[DONE\]"):
        [c async for c in stream]


# -- end to end: cut connections (a scripted raw socket) --------------------------------

SSE_HEAD = response_head(
    headers=[("Content-Type", "text/event-stream"), ("Transfer-Encoding", "chunked")]
)
EOF_HEAD = response_head(headers=[("Content-Type", "text/event-stream"), ("Connection", "close")])
FIRST = sse(chat_chunk("Hel"))
CUTS = {
    # The chunked body stops in the middle of an event and the socket closes.
    "closed-mid-event": [SSE_HEAD + chunk(FIRST) + chunk(b'data: {"id": "chatc'), CLOSE],
    # A TCP reset after the first event.
    "reset": [SSE_HEAD + chunk(FIRST), Pause(0.05), RESET],
    # A body delimited by the connection's end, which comes half-way through an event.
    "eof-mid-event": [EOF_HEAD + FIRST + b'data: {"id": "chatc', CLOSE],
}


def fault_client(server: FaultServer) -> Together:
    return Together(api_key=API_KEY, base_url=server.url(), max_retries=0, timeout=5)


def fault_aclient(server: FaultServer) -> AsyncTogether:
    return AsyncTogether(api_key=API_KEY, base_url=server.url(), max_retries=0, timeout=5)


@pytest.mark.parametrize("script", CUTS.values(), ids=CUTS.keys())
def test_stream_cut_raises_connection_error_after_the_chunks_it_got(
    faults: FaultServer, script: list[Any]
) -> None:
    faults.play(script)
    got = []
    with fault_client(faults) as client:
        stream = client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
        with pytest.raises(together.APIConnectionError) as info:
            for c in stream:
                got.append(c)
    assert not isinstance(info.value, together.APITimeoutError)
    assert contents(got) == ["Hel"]
    assert stream.response.is_closed


@pytest.mark.anyio
@pytest.mark.parametrize("script", CUTS.values(), ids=CUTS.keys())
async def test_async_stream_cut_raises_connection_error_after_the_chunks_it_got(
    faults: FaultServer, script: list[Any]
) -> None:
    faults.play(script)
    got = []
    async with fault_aclient(faults) as client:
        stream = await client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
        with pytest.raises(together.APIConnectionError) as info:
            async for c in stream:
                got.append(c)
    assert not isinstance(info.value, together.APITimeoutError)
    assert contents(got) == ["Hel"]
    assert stream.response.is_closed


STALL = [SSE_HEAD + chunk(FIRST), Pause(5)]


def test_stream_stalling_beyond_the_timeout_raises_timeout_error(faults: FaultServer) -> None:
    faults.play(STALL)
    got = []
    with fault_client(faults) as client:
        stream = client.chat.completions.create(
            model=MODEL, messages=MESSAGES, stream=True, timeout=0.3
        )
        with pytest.raises(together.APITimeoutError):
            for c in stream:
                got.append(c)
    assert contents(got) == ["Hel"]


@pytest.mark.anyio
async def test_async_stream_stalling_beyond_the_timeout_raises_timeout_error(
    faults: FaultServer,
) -> None:
    faults.play(STALL)
    got = []
    async with fault_aclient(faults) as client:
        stream = await client.chat.completions.create(
            model=MODEL, messages=MESSAGES, stream=True, timeout=0.3
        )
        with pytest.raises(together.APITimeoutError):
            async for c in stream:
                got.append(c)
    assert contents(got) == ["Hel"]


# -- end to end: audio ----------------------------------------------------------------


def serve_speech_events(httpserver: HTTPServer) -> None:
    serve_sse(httpserver, sse(*(speech_chunk(a) for a in AUDIO)) + DONE, "/v1/audio/speech")


def serve_speech_bytes(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v1/audio/speech", method="POST").respond_with_data(
        b"".join(AUDIO), content_type="audio/wav"
    )


def test_speech_stream_of_events_yields_the_decoded_audio(
    client: Together, httpserver: HTTPServer
) -> None:
    serve_speech_events(httpserver)
    stream = client.audio.speech.create(model="cartesia/sonic", input="Hi", voice="v", stream=True)
    assert list(stream) == AUDIO
    assert httpserver.log[0][0].get_json()["stream"] is True


@pytest.mark.anyio
async def test_async_speech_stream_of_events_yields_the_decoded_audio(
    aclient: AsyncTogether, httpserver: HTTPServer
) -> None:
    serve_speech_events(httpserver)
    stream = await aclient.audio.speech.create(
        model="cartesia/sonic", input="Hi", voice="v", stream=True
    )
    assert [a async for a in stream] == AUDIO


def test_speech_stream_of_raw_audio_yields_its_bytes(
    client: Together, httpserver: HTTPServer
) -> None:
    serve_speech_bytes(httpserver)
    stream = client.audio.speech.create(model="cartesia/sonic", input="Hi", voice="v", stream=True)
    assert b"".join(stream) == b"".join(AUDIO)


@pytest.mark.anyio
async def test_async_speech_stream_of_raw_audio_yields_its_bytes(
    aclient: AsyncTogether, httpserver: HTTPServer
) -> None:
    serve_speech_bytes(httpserver)
    stream = await aclient.audio.speech.create(
        model="cartesia/sonic", input="Hi", voice="v", stream=True
    )
    assert b"".join([a async for a in stream]) == b"".join(AUDIO)


def test_chunk_that_is_not_an_object_is_a_validation_error(
    client: Together, httpserver: HTTPServer
) -> None:
    broken = [chat_chunk("x")]
    serve_sse(httpserver, sse(chat_chunk("a"), broken, "[DONE]"))
    stream = client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
    received = []
    with pytest.raises(together.APIResponseValidationError) as info:
        received.extend(stream)
    assert contents(received) == ["a"]
    assert info.value.body == broken


def test_invalid_utf8_in_an_event_is_replaced_not_fatal() -> None:
    events = SSEDecoder().feed(b"data: caf\xe9\n\n")
    assert events[0].data == "caf\ufffd"


def test_chunk_json_with_whitespace_around_it_is_read(
    client: Together, httpserver: HTTPServer
) -> None:
    padded = "\t" + json.dumps(chat_chunk("b")) + "  "  # JSON allows whitespace around
    spaced = "  " + json.dumps(chat_chunk("c"))  # "data:   {...}": one space is the field's
    serve_sse(httpserver, sse(chat_chunk("a"), padded, spaced, "[DONE]"))
    stream = client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
    assert contents(list(stream)) == ["a", "b", "c"]


@pytest.mark.parametrize("data", ['{"id": 1} trailing', "not json", '{"id": '])
def test_event_that_is_not_json_raises_api_error_after_the_chunks_before_it(
    client: Together, httpserver: HTTPServer, data: str
) -> None:
    serve_sse(httpserver, sse(chat_chunk("a"), data, "[DONE]"))
    received = []
    with pytest.raises(together.APIError, match="not JSON") as info:
        received.extend(client.chat.completions.create(model="m", messages=MESSAGES, stream=True))
    assert contents(received) == ["a"]
    assert info.value.body == data
