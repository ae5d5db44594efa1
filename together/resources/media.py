"""Audio (speech, transcription, translation) and model uploads: the methods that do more
than the spec says. The others of these namespaces are derived from the spec."""

from __future__ import annotations

import base64
import inspect
import os
from pathlib import Path
from typing import Any, ClassVar

import httpx

from .._compat import inner_view
from .._drivers import Either
from .._files import file_input
from .._resource import M, Resource, method
from .._shape import Extra, Hook, LazySignature, Shape, describe
from .._streaming import AsyncStream, ByteStream, Stream
from .._transport import Call


def session(endpoint: str, where: str, sync: str, async_: str, doc: str) -> Any:
    """A ``connect`` method: a realtime session over the WebSocket operation ``endpoint``
    (its generated module's name), whose keywords are the operation's query parameters
    (its shape's) and the SessionOptions; ``sync`` and ``async_`` name its session classes
    in ``_realtime``, the one for each client. (The sessions, and the websockets they use,
    load on the first connect: importing them with the client cost about a tenth of its
    cold start.)"""

    def connect(self: Resource[Any], /, **params: Any) -> Either[Any, Any]:
        from .. import _realtime

        found = _realtime.plan(self, endpoint, params, where)
        return Either(getattr(_realtime, sync), getattr(_realtime, async_), found)

    connect.__doc__ = doc
    made: method[..., Any] = method(connect)

    def signature() -> inspect.Signature:
        shape = Shape(describe(endpoint), where)
        return shape.signature(shape.single_values(), options="SessionOptions")

    made.signature = LazySignature(signature)
    made.session = (endpoint, where, sync, async_)  # type: ignore[attr-defined]
    return made


def _audio_stream(
    response: httpx.Response, strict: bool = False
) -> Either[Stream[bytes], AsyncStream[bytes]] | ByteStream:
    """Speech streams arrive as SSE chunks of base64 audio, or as raw audio bytes."""
    if response.headers.get("content-type", "").startswith("text/event-stream"):
        chunk: Any = describe("audio.audio_speech").stream_chunk  # each event's model
        read = chunk.from_dict if strict else chunk.from_response
        return Either(Stream, AsyncStream, response, lambda p: base64.b64decode(read(p).b64))
    return ByteStream(response)


class AudioBytes(bytes):
    """The audio of a speech request: bytes, which (as in 1.x) can also save themselves."""

    def stream_to_file(self, file: str | os.PathLike[str]) -> None:
        """Write the audio to ``file`` (the 1.x name)."""
        Path(file).write_bytes(self)

    write_to_file = stream_to_file


def _audio(call: Call[Any], given: dict[str, Any]) -> Call[Any]:
    """The answer is audio (or SSE chunks of it), never JSON: ask for what will come, and
    read it as AudioBytes, or with ``stream=True`` as an iterable of audio byte chunks."""
    from .._download import BINARY_ACCEPT

    stream = call.stream is not None
    accept = "text/event-stream, application/octet-stream" if stream else BINARY_ACCEPT["Accept"]
    call.request.setdefault("headers", {})["Accept"] = accept
    return call.evolve(
        parse=lambda response, strict: AudioBytes(response.content),
        stream=_audio_stream if stream else None,
    )


class Speech(Resource[M]):
    """``create`` is derived from the spec: it gives the audio as bytes (AudioBytes, with
    1.x's ``stream_to_file(path)``), or with ``stream=True`` an iterable of audio byte
    chunks (a context manager; close it to stop early). ``with_streaming_response.create``
    (3.x) gives the open response instead."""

    HOOKS: ClassVar[dict[str, Hook]] = {
        "create": Hook(after=_audio, returns="AudioBytes", chunk="bytes", types=(AudioBytes,))
    }

    connect = session(
        "audio.realtime_tts",
        "audio.speech.connect",
        "SpeechSession",
        "AsyncSpeechSession",
        """GET /audio/speech/websocket: a realtime text-to-speech session, opened by
        ``with`` (``async with`` on AsyncTogether); keyword arguments are the spec's query
        parameters (``model``, ``voice``, ...) and ``timeout`` / ``extra_headers`` /
        ``extra_query``. Send text with ``send_text`` and ``commit``; iterate for events,
        or ``iter_audio()`` for PCM bytes (s16le, 24 kHz). Needs
        ``pip install 'together-client[realtime]'``.""",
    )


def _audio_file(params: dict[str, Any], where: str) -> None:
    """``file`` as a path, bytes, a binary file object or an audio URL."""
    if "file" in params:
        params["file"] = file_input(params["file"], f"{where}: file", urls=True)


# create() is derived from the spec; ``file`` is a path, bytes, a binary file object or
# an audio URL.
_AUDIO_FILE = Hook(
    keywords=(Extra("file", "str | os.PathLike[str] | bytes | IO[bytes]"),), adapt=_audio_file
)


class Transcriptions(Resource[M]):
    HOOKS: ClassVar[dict[str, Hook]] = {"create": _AUDIO_FILE}

    connect = session(
        "audio.realtime_transcription",
        "audio.transcriptions.connect",
        "TranscriptionSession",
        "AsyncTranscriptionSession",
        """GET /realtime: a realtime transcription session, opened by ``with`` (``async
        with`` on AsyncTogether); keyword arguments are the spec's query parameters
        (``model``; ``input_audio_format`` defaults to the one value the spec allows).
        Send audio with ``send_audio`` and ``commit``; iterate for events, or use
        ``iter_text()`` / ``transcript()``. Needs ``pip install 'together-client[realtime]'``.""",
    )


class Translations(Resource[M]):
    HOOKS: ClassVar[dict[str, Hook]] = {"create": _AUDIO_FILE}


def _upload_view(call: Call[Any], given: dict[str, Any]) -> Call[Any]:
    """The job's fields are in ``.data``, and (as 1.x had them) on the result itself:
    ``.job_id``."""
    from together_generated.models.model_upload_success_response import (
        ModelUploadSuccessResponse,
    )

    return inner_view(call, ModelUploadSuccessResponse, "data")


class Models(Resource[M]):
    # upload(model_name, model_source) (1.x's order) is derived from the spec.
    HOOKS: ClassVar[dict[str, Hook]] = {"upload": Hook(after=_upload_view)}
