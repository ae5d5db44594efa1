"""Event streams as the spec describes them: chunks, SSE framing, a server that sends them."""

from __future__ import annotations

import base64
import json
from typing import Any

from pytest_httpserver import HTTPServer

from .bodies import MODEL


def chat_chunk(content: str, *, finish_reason: str | None = None) -> dict[str, Any]:
    """A ChatCompletionChunk as the spec describes it."""
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1_700_000_000,
        "model": MODEL,
        "choices": [
            {
                "index": 0,
                "delta": {"role": "assistant", "content": content},
                "finish_reason": finish_reason,
            }
        ],
    }


def completion_chunk(text: str, token_id: int) -> dict[str, Any]:
    """A CompletionChunk as the spec describes it."""
    return {
        "id": "cmpl-1",
        "object": "completion.chunk",
        "created": 1_700_000_000,
        "token": {"id": token_id, "text": text, "logprob": -0.5, "special": False},
        "choices": [{"index": 0, "text": text}],
        "usage": None,
        "finish_reason": None,
    }


def speech_chunk(audio: bytes) -> dict[str, Any]:
    """An AudioSpeechStreamChunk: base64 audio."""
    return {
        "object": "audio.tts.chunk",
        "model": "cartesia/sonic",
        "b64": base64.b64encode(audio).decode(),
    }


def sse(*payloads: dict[str, Any] | str, event: str | None = None) -> bytes:
    """Server-sent events, one per payload (a dict is sent as JSON)."""
    out = b""
    for payload in payloads:
        data = payload if isinstance(payload, str) else json.dumps(payload)
        if event is not None:
            out += f"event: {event}\n".encode()
        out += f"data: {data}\n\n".encode()
    return out


DONE = sse("[DONE]")


HELLO = sse(chat_chunk("Hel"), chat_chunk("lo"), chat_chunk("!", finish_reason="stop"))


def serve_sse(httpserver: HTTPServer, body: bytes, path: str = "/v1/chat/completions") -> None:
    httpserver.expect_request(path, method="POST").respond_with_data(
        body, content_type="text/event-stream"
    )


def contents(chunks: list[Any]) -> list[str]:
    return [c.choices[0].delta.content for c in chunks]


AUDIO = [b"RIFF\x00\x01", b"\xff\xfe audio \x00", b"end"]
