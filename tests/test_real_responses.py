"""Responses recorded from the live API parse, with their values intact.

The recordings live outside the repository, in ``../shared/real-responses`` (see its README and
SOURCES.md); ``sources.jsonl`` there says what each file is. Each is served as recorded by a
local server and read through the public method that asked for it, on both clients.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

import together

from .support.clients import call, call_stream

pytestmark = pytest.mark.anyio

FOLDER = Path(__file__).resolve().parents[2] / "shared" / "real-responses"
MODEL = "meta-llama/Llama-3.3-70B-Instruct-Turbo"

# kind: (HTTP method, path, client method, keyword arguments). Batch retrieval is the one
# whose path and argument come from the body: see `endpoint`.
ENDPOINTS: dict[str, tuple[str, str, str, dict[str, Any]]] = {
    "chat": (
        "POST",
        "/v1/chat/completions",
        "chat.completions.create",
        {"model": MODEL, "messages": [{"role": "user", "content": "hi"}]},
    ),
    "completion": (
        "POST",
        "/v1/completions",
        "completions.create",
        {"model": MODEL, "prompt": "hi"},
    ),
    "embeddings": ("POST", "/v1/embeddings", "embeddings.create", {"model": MODEL, "input": "hi"}),
    "images": (
        "POST",
        "/v1/images/generations",
        "images.generate",
        {"model": MODEL, "prompt": "a giant tortoise"},
    ),
    "rerank": (
        "POST",
        "/v1/rerank",
        "rerank.create",
        {"model": MODEL, "query": "q", "documents": [f"document {i}" for i in range(10)]},
    ),
    "batch_list": ("GET", "/v1/batches", "batches.list", {}),
}
STATUS_ERRORS = {400: together.BadRequestError}


# -- the recordings ---------------------------------------------------------------------


@dataclass
class Recording:
    """One line of ``sources.jsonl`` (the fields a test needs)."""

    file: str
    kind: str
    call_kwargs: dict[str, Any] = field(default_factory=dict)
    status: int = 200  # for the 4xx bodies
    call_as: str | None = None  # the kind of call that got the 4xx body

    @property
    def body(self) -> bytes:
        return (FOLDER / self.file).read_bytes()

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def events(self) -> list[Any]:
        """The JSON payload of each event of a recorded stream, ``[DONE]`` left out."""
        payloads = []
        for block in self.body.decode().replace("\r\n", "\n").split("\n\n"):
            data = "\n".join(
                line[5:].removeprefix(" ") for line in block.split("\n") if line.startswith("data:")
            )
            if data and data != "[DONE]":
                payloads.append(json.loads(data))
        return payloads


def recordings(*kinds: str) -> list[Any]:
    """Test parameters: the recordings of these kinds, or one skipped case when the folder is
    missing."""
    if not (FOLDER / "sources.jsonl").is_file():
        reason = f"the recorded responses are not at {FOLDER} (../shared/real-responses)"
        return [pytest.param(None, id="no-recordings", marks=pytest.mark.skip(reason=reason))]
    with open(FOLDER / "sources.jsonl") as lines:
        sources = [json.loads(line) for line in lines if line.strip()]
    names = {f.name for f in fields(Recording)}
    return [
        pytest.param(Recording(**{k: v for k, v in s.items() if k in names}), id=s["file"])
        for s in sources
        if s["kind"] in kinds
    ]


def endpoint(kind: str, raw: Any) -> tuple[str, str, str, list[Any], dict[str, Any]]:
    """(HTTP method, path, client method, positional and keyword arguments) for a kind."""
    if kind == "batch":
        return "GET", f"/v1/batches/{raw['id']}", "batches.retrieve", [raw["id"]], {}
    method, path, client_method, kwargs = ENDPOINTS[kind.removesuffix("_stream")]
    return method, path, client_method, [], kwargs


# -- comparing what the client returns with what was recorded ----------------------------


def same_instant(a: str, b: str) -> bool:
    def parse(text: str) -> datetime:
        return datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)

    try:
        return parse(a) == parse(b)
    except ValueError:
        return False


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def tolerated(got: Any, want: Any) -> Any:
    """``got`` with the differences from ``want`` that are allowed replaced by ``want``'s side:
    keys ``got`` adds with the value None, date-time strings for the same instant, numbers
    equal as numbers (1 and 1.0). Whatever else differs is left for the comparison to show."""
    if isinstance(got, dict) and isinstance(want, dict):
        return {
            key: tolerated(value, want[key]) if key in want else value
            for key, value in got.items()
            if key in want or value is not None
        }
    if isinstance(got, list) and isinstance(want, list):
        return [tolerated(g, w) for g, w in zip(got, want, strict=False)] + got[len(want) :]
    if is_number(got) and is_number(want) and got == want:
        return want
    if isinstance(got, str) and isinstance(want, str) and same_instant(got, want):
        return want
    return got


def assert_intact(got: Any, want: Any) -> None:
    """``got`` (from ``to_dict()``) equals the recorded ``want`` up to what ``tolerated``
    allows. Compared as JSON text, so that types count too (True is not 1)."""

    def text(value: Any) -> str:
        return json.dumps(value, indent=1, sort_keys=True, default=repr)

    assert text(tolerated(got, want)) == text(want)


def as_dict(result: Any) -> Any:
    return [item.to_dict() for item in result] if isinstance(result, list) else result.to_dict()


def image_value(result: Any, raw: Any) -> tuple[Any, Any]:
    key = "url" if "url" in raw["data"][0] else "b64_json"
    return getattr(result.data[0], key), raw["data"][0][key]


# kind: (a value read from the result, the same value in the recording)
MEANINGFUL_VALUE = {
    "chat": lambda r, raw: (r.choices[0].message.content, raw["choices"][0]["message"]["content"]),
    "completion": lambda r, raw: (r.choices[0].text, raw["choices"][0]["text"]),
    "embeddings": lambda r, raw: (r.data[0].embedding, raw["data"][0]["embedding"]),
    "images": image_value,
    "rerank": lambda r, raw: (
        [(x.index, x.relevance_score) for x in r.results],
        [(x["index"], x["relevance_score"]) for x in raw["results"]],
    ),
    "batch": lambda r, raw: (str(r.id), raw["id"]),  # the spec's format is uuid
    "batch_list": lambda r, raw: ([str(job.id) for job in r], [job["id"] for job in raw]),
}


# -- the tests --------------------------------------------------------------------------


@pytest.mark.parametrize("recording", recordings(*MEANINGFUL_VALUE))
async def test_recorded_response_parses_with_its_values_intact(
    api: Any, httpserver: HTTPServer, recording: Recording
) -> None:
    raw = recording.json
    http_method, path, method, args, kwargs = endpoint(recording.kind, raw)
    httpserver.expect_request(path, method=http_method).respond_with_data(
        recording.body, content_type="application/json"
    )
    # A request field the spec doesn't have (encoding_format) goes as extra_body: an
    # unknown keyword argument is refused before anything is sent.
    extra = {"extra_body": recording.call_kwargs} if recording.call_kwargs else {}
    result = await call(api, method, *args, **kwargs, **extra)
    assert_intact(as_dict(result), raw)
    got, want = MEANINGFUL_VALUE[recording.kind](result, raw)
    assert got == want


def chat_text(chunks: list[Any], events: list[Any]) -> tuple[str, str]:
    got = "".join(c.delta.content or "" for chunk in chunks for c in chunk.choices)
    want = "".join(c["delta"].get("content") or "" for e in events for c in e["choices"])
    return got, want


def completion_text(chunks: list[Any], events: list[Any]) -> tuple[str, str]:
    got = "".join(c.text for chunk in chunks for c in chunk.choices)
    want = "".join(c["text"] for e in events for c in e["choices"])
    return got, want


STREAMED_TEXT = {"chat_stream": chat_text, "completion_stream": completion_text}


@pytest.mark.parametrize("recording", recordings(*STREAMED_TEXT))
async def test_recorded_stream_delivers_every_event_with_its_values_intact(
    api: Any, httpserver: HTTPServer, recording: Recording
) -> None:
    body, events = recording.body, recording.events
    if b"data: [DONE]" not in body:
        # Recordings cut from a unit test's single pasted line end without [DONE] (the README
        # says so); a stream that ends before [DONE] is an error, so the end is added here.
        body += b"data: [DONE]\n\n"
    http_method, path, method, _, kwargs = endpoint(recording.kind, None)
    httpserver.expect_request(path, method=http_method).respond_with_data(
        body, content_type="text/event-stream"
    )
    chunks = await call_stream(api, method, **kwargs)
    assert len(chunks) == len(events)
    assert_intact([chunk.to_dict() for chunk in chunks], events)
    got, want = STREAMED_TEXT[recording.kind](chunks, events)
    assert got == want


@pytest.mark.parametrize("recording", recordings("error"))
async def test_recorded_error_raises_the_status_error_with_the_server_message(
    api: Any, httpserver: HTTPServer, recording: Recording
) -> None:
    raw = recording.json
    assert recording.call_as is not None
    http_method, path, method, _, kwargs = endpoint(recording.call_as, None)
    httpserver.expect_request(path, method=http_method).respond_with_data(
        recording.body, status=recording.status, content_type="application/json"
    )
    with pytest.raises(STATUS_ERRORS[recording.status]) as info:
        await call(api, method, **kwargs)
    assert info.value.status_code == recording.status
    assert raw["error"]["message"] in str(info.value)
    assert info.value.body == raw
