"""Audio (speech, transcription, translation) and model uploads: the methods that do more
than the spec says. The others of these namespaces are derived from the spec."""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from .._compat import inner_view
from .._drivers import Either
from .._files import file_input
from .._resource import M, Resource, api_call, describe, either, operation
from .._streaming import AsyncStream, ByteStream, Stream
from .._transport import Call

if TYPE_CHECKING:
    from together_generated.models import ModelUploadSuccessResponse

    from .._realtime import (
        AsyncSpeechSession,
        AsyncTranscriptionSession,
        SpeechSession,
        TranscriptionSession,
    )


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


class Speech(Resource[M]):
    @operation
    def create(self, /, **params: Any) -> Call[Any]:
        """POST /audio/speech: the audio as bytes (AudioBytes, with 1.x's
        ``stream_to_file(path)``), or with ``stream=True`` an iterable of audio byte chunks
        (a context manager; close it to stop early). ``with_streaming_response.create``
        (3.x) gives the open response instead."""
        stream = bool(params.get("stream"))
        call = api_call("audio.audio_speech", params, where="audio.speech.create")
        from .._download import BINARY_ACCEPT

        # The answer is audio (or SSE chunks of it), never JSON: ask for what will come.
        accept = (
            "text/event-stream, application/octet-stream" if stream else BINARY_ACCEPT["Accept"]
        )
        call.request.setdefault("headers", {})["Accept"] = accept
        return call.evolve(
            parse=lambda response, strict: AudioBytes(response.content),
            stream=_audio_stream if stream else None,
        )

    @either
    def connect(self, /, **params: Any) -> Either[SpeechSession, AsyncSpeechSession]:
        """GET /audio/speech/websocket: a realtime text-to-speech session, opened by
        ``with`` (``async with`` on AsyncTogether); keyword arguments are the spec's query
        parameters (``model``, ``voice``, ...) and ``timeout`` / ``extra_headers`` /
        ``extra_query``. Send text with ``send_text`` and ``commit``; iterate for events,
        or ``iter_audio()`` for PCM bytes (s16le, 24 kHz). Needs
        ``pip install 'together-client[realtime]'``."""
        # (the sessions, and the websockets they use, load on the first connect: importing
        # them with the client cost about a tenth of its cold start)
        from .._realtime import AsyncSpeechSession, SpeechSession, plan

        found = plan(self, "audio.realtime_tts", params, "audio.speech.connect")
        return Either(SpeechSession, AsyncSpeechSession, found)


def _transcribe(endpoint: str, file: Any, params: dict[str, Any], where: str) -> Call[Any]:
    return api_call(
        endpoint, {"file": file_input(file, f"{where}: file", urls=True), **params}, where=where
    )


class Transcriptions(Resource[M]):
    @operation
    def create(self, /, *, file: Any, **params: Any) -> Call[Any]:
        """POST /audio/transcriptions (multipart): ``file`` is a path, bytes, a binary file
        object or an audio URL. Returns the JSON or verbose-JSON transcription model."""
        return _transcribe(
            "audio.audio_transcriptions", file, params, "audio.transcriptions.create"
        )

    @either
    def connect(self, /, **params: Any) -> Either[TranscriptionSession, AsyncTranscriptionSession]:
        """GET /realtime: a realtime transcription session, opened by ``with`` (``async
        with`` on AsyncTogether); keyword arguments are the spec's query parameters
        (``model``; ``input_audio_format`` defaults to the one value the spec allows).
        Send audio with ``send_audio`` and ``commit``; iterate for events, or use
        ``iter_text()`` / ``transcript()``. Needs ``pip install 'together-client[realtime]'``."""
        from .._realtime import AsyncTranscriptionSession, TranscriptionSession, plan

        where = "audio.transcriptions.connect"
        found = plan(self, "audio.realtime_transcription", params, where)
        return Either(TranscriptionSession, AsyncTranscriptionSession, found)


class Translations(Resource[M]):
    @operation
    def create(self, /, *, file: Any, **params: Any) -> Call[Any]:
        """POST /audio/translations (multipart): like transcriptions, into English."""
        return _transcribe("audio.audio_translations", file, params, "audio.translations.create")


class Models(Resource[M]):
    @operation
    def upload(self, /, *args: Any, **params: Any) -> Call[ModelUploadSuccessResponse]:
        """POST /models: import a model from Hugging Face or S3. The job's fields are in
        ``.data``, and (as 1.x had them) on the result itself: ``.job_id``."""
        from together_generated.models.model_upload_success_response import (
            ModelUploadSuccessResponse,
        )

        if len(args) > 2:
            raise TypeError("models.upload() takes at most 2 positional arguments")
        params.update(zip(("model_name", "model_source"), args, strict=False))  # 1.x order
        call = api_call("models.upload_model", params, where="models.upload")
        return inner_view(call, ModelUploadSuccessResponse, "data")
