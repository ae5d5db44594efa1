"""Contract for what Prism cannot mock: server-sent event streams.

- The SSE fixtures the streaming tests serve (``tests/test_streaming.py``) hold what the
  spec says a stream holds: each chunk validates against its schema (ChatCompletionChunk,
  CompletionChunk, AudioSpeechStreamChunk), and each event of a whole stream, ``[DONE]``
  included, against the stream schema (ChatCompletionStream, ...).
- The streaming requests the client sends (captured by pytest-httpserver) validate
  against the operation's request schema (ChatCompletionRequest, ...), and the chunks
  come back typed.

OpenAPI 3.1 schemas are JSON Schema 2020-12; ``spec.errors`` resolves their ``$ref``s over
the whole overlaid spec.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from together import AsyncTogether, Together
from together._streaming import SSEDecoder

from ..support.streams import AUDIO, DONE, HELLO, chat_chunk, completion_chunk, speech_chunk, sse
from . import spec
from .cases import chat_arguments, completion_arguments, speech_arguments

pytestmark = [pytest.mark.needs_node, pytest.mark.needs_generator]

COMPLETION_BODY = sse(completion_chunk("Once", 1), completion_chunk(" upon", 2)) + DONE
SPEECH_BODY = sse(*(speech_chunk(a) for a in AUDIO)) + DONE

CHUNKS = {
    "chat chunk": ("ChatCompletionChunk", chat_chunk("Hel")),
    "chat chunk, last": ("ChatCompletionChunk", chat_chunk("!", finish_reason="stop")),
    "completion chunk": ("CompletionChunk", completion_chunk("Once", 1)),
    "speech chunk": ("AudioSpeechStreamChunk", speech_chunk(b"RIFF\x00\x01")),
}
STREAMS = {
    "chat": ("ChatCompletionStream", HELLO + DONE),
    "completion": ("CompletionStream", COMPLETION_BODY),
    "speech": ("AudioSpeechStreamResponse", SPEECH_BODY),
}


def events(body: bytes) -> list[dict[str, Any]]:
    """The stream's events in the spec's shape: ``{"data": <chunk>}`` or ``{"data": "[DONE]"}``."""
    decoder = SSEDecoder()
    found = decoder.feed(body)
    rest, partial = decoder.flush()
    assert not partial, "the fixture ends in the middle of an event"
    return [{"data": e.data if e.data == "[DONE]" else json.loads(e.data)} for e in found + rest]


def assert_valid(schema: dict[str, Any], instance: Any, what: str) -> None:
    problems = spec.errors(schema, instance)
    assert not problems, f"{what} breaks {schema['$ref'].rsplit('/', 1)[-1]}:\n" + "\n".join(
        problems
    )


# -- the fixtures ------------------------------------------------------------------------


@pytest.mark.parametrize(("schema", "chunk"), CHUNKS.values(), ids=CHUNKS.keys())
def test_streaming_fixture_chunk_fits_its_schema(schema: str, chunk: dict[str, Any]) -> None:
    assert_valid(spec.component(schema), chunk, f"fixture {json.dumps(chunk)[:200]}")


@pytest.mark.parametrize(("schema", "body"), STREAMS.values(), ids=STREAMS.keys())
def test_streaming_fixture_events_fit_the_stream_schema(schema: str, body: bytes) -> None:
    found = events(body)
    assert found[-1] == {"data": "[DONE]"}, "a stream ends with [DONE]"
    for i, event in enumerate(found):
        assert_valid(spec.component(schema), event, f"event {i} {json.dumps(event)[:200]}")


def test_the_schema_check_catches_a_chunk_that_breaks_the_spec() -> None:
    chunk = chat_chunk("Hel")
    del chunk["choices"][0]["delta"]["role"]
    chunk["created"] = "yesterday"
    problems = spec.errors(spec.component("ChatCompletionChunk"), chunk)
    assert any("'role' is a required property" in p for p in problems)
    assert any(p.startswith("created:") for p in problems)


# -- the requests the client sends -------------------------------------------------------

STREAMING_CALLS = {
    "chat": (
        "POST /chat/completions",
        HELLO + DONE,
        lambda c: c.chat.completions.create(**chat_arguments(), stream=True),
    ),
    "completion": (
        "POST /completions",
        COMPLETION_BODY,
        lambda c: c.completions.create(**completion_arguments(), stream=True),
    ),
    "speech": (
        "POST /audio/speech",
        SPEECH_BODY,
        lambda c: c.audio.speech.create(**speech_arguments(), stream=True),
    ),
}


@pytest.fixture
def stream_client(httpserver: HTTPServer) -> Iterator[Together]:
    url = httpserver.url_for("/v1")
    with Together(api_key="test", base_url=url, max_retries=0, strict_responses=True) as c:
        yield c


@pytest.fixture
async def astream_client(httpserver: HTTPServer) -> Any:
    async with AsyncTogether(
        api_key="test", base_url=httpserver.url_for("/v1"), max_retries=0, strict_responses=True
    ) as c:
        yield c


def serve(httpserver: HTTPServer, operation: str, body: bytes) -> tuple[str, str]:
    method, path = operation.split(" ", 1)
    httpserver.expect_request(f"/v1{path}", method=method).respond_with_data(
        body, content_type="text/event-stream"
    )
    return method, path


def accepted(accept: str, offered: list[str]) -> bool:
    """Whether an Accept header lets the server answer with one of ``offered``."""
    for entry in accept.split(","):
        wanted = entry.split(";")[0].strip().lower()
        kind, _, sub = wanted.partition("/")
        for media in offered:
            media_kind, _, media_sub = media.lower().partition("/")
            if wanted == "*/*" or (kind == media_kind and sub in ("*", media_sub)):
                return True
    return False


def check_sent(httpserver: HTTPServer, method: str, path: str) -> None:
    ((request, _),) = httpserver.log
    body = request.get_json()
    assert body["stream"] is True
    assert_valid(spec.request_schema(method, path), body, f"the {method} {path} request")
    accept = request.headers.get("Accept", "*/*")
    assert "text/event-stream" in spec.response_media_types(method, path, "200")
    assert accepted(accept, ["text/event-stream"]), (
        f"{method} {path} with stream=True sends Accept: {accept}, which excludes the"
        " text/event-stream answer the spec gives"
    )


@pytest.mark.parametrize(
    ("operation", "body", "send"), STREAMING_CALLS.values(), ids=STREAMING_CALLS.keys()
)
def test_streaming_request_fits_the_request_schema(
    operation: str, body: bytes, send: Any, stream_client: Together, httpserver: HTTPServer
) -> None:
    method, path = serve(httpserver, operation, body)
    with send(stream_client) as stream:
        received = list(stream)
    check_sent(httpserver, method, path)
    assert len(received) == len(events(body)) - 1  # every chunk but [DONE], parsed


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("operation", "body", "send"), STREAMING_CALLS.values(), ids=STREAMING_CALLS.keys()
)
async def test_async_streaming_request_fits_the_request_schema(
    operation: str, body: bytes, send: Any, astream_client: AsyncTogether, httpserver: HTTPServer
) -> None:
    method, path = serve(httpserver, operation, body)
    stream = await send(astream_client)
    async with stream:
        received = [chunk async for chunk in stream]
    check_sent(httpserver, method, path)
    assert len(received) == len(events(body)) - 1
