"""A WebSocket server on 127.0.0.1 that speaks the realtime protocol of Together's spec.

The two operations (``GET /v1/audio/speech/websocket``, ``GET /v1/realtime``) behave as
their descriptions say, simplified so that every answer is predictable:

- the upgrade is refused with 401 unless ``Authorization: Bearer <key>`` carries the
  server's key, and with 400 for a model the server does not offer (or another
  ``input_audio_format``);
- ``session.created`` is sent first;
- text-to-speech: each ``input_text_buffer.append`` is acknowledged
  (``conversation.item.input_text.received``); ``commit`` speaks each text as one item:
  two ``audio_output.delta`` events (base64 of the text's UTF-8 bytes, standing in for
  PCM) then ``audio_output.done``, and closes the session normally. A text containing
  ``FAIL`` gives ``conversation.item.tts.failed`` instead; ``NEW`` sends an event of a
  type the spec does not list first; ``DROP`` sends one delta, then drops the TCP
  connection without a closing handshake; ``DEEP`` sends JSON nested 100,000 deep
  first, ``HUGE`` a message of 17 MiB;
- transcription: each ``input_audio_buffer.append`` is answered with a
  ``transcription.delta`` carrying the chunk's bytes as text; ``commit`` sends
  ``transcription.completed`` with all of it and closes normally (audio ``FAIL``:
  ``transcription.failed``; ``DROP``: the connection is dropped; ``QUIET``: the session
  closes without a transcript).

``messages`` holds every client event received (parsed), ``requests`` each upgrade
request's path and headers.
"""

from __future__ import annotations

import base64
import json
import socket
import threading
from http import HTTPStatus
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.http11 import Request, Response
from websockets.sync.server import ServerConnection, serve

TTS_MODELS = ("hexgrad/Kokoro-82M", "cartesia/sonic-english")
STT_MODELS = ("openai/whisper-large-v3",)


class RealtimeServer:
    def __init__(self, api_key: str) -> None:
        self.api_key = api_key
        self.messages: list[dict[str, Any]] = []
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._server = serve(self._handle, "127.0.0.1", 0, process_request=self._check)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.socket.getsockname()[1])

    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> RealtimeServer:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)

    # -- the upgrade ------------------------------------------------------------------
    def _check(self, connection: ServerConnection, request: Request) -> Response | None:
        self.requests.append((request.path, {k.lower(): v for k, v in request.headers.raw_items()}))
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return _refuse(
                connection, HTTPStatus.UNAUTHORIZED, "invalid_api_key", "Invalid API key"
            )
        url = urlsplit(request.path)
        query = {name: values[-1] for name, values in parse_qs(url.query).items()}
        if url.path == "/v1/audio/speech/websocket":
            if query.get("model", TTS_MODELS[0]) not in TTS_MODELS:
                return _refuse(
                    connection, HTTPStatus.BAD_REQUEST, "model_not_available", "bad model"
                )
        elif url.path == "/v1/realtime":
            if query.get("model") not in STT_MODELS:
                return _refuse(
                    connection, HTTPStatus.BAD_REQUEST, "model_not_available", "bad model"
                )
            if query.get("input_audio_format") != "pcm_s16le_16000":
                return _refuse(connection, HTTPStatus.BAD_REQUEST, "invalid_format", "bad format")
        else:
            return connection.respond(HTTPStatus.NOT_FOUND, "no such path\n")
        return None

    # -- the session ------------------------------------------------------------------
    def _handle(self, connection: ServerConnection) -> None:
        path = urlsplit(connection.request.path if connection.request else "").path
        if path.endswith("/websocket"):
            self._speech(connection)
        else:
            self._transcription(connection)

    def _events(self, connection: ServerConnection) -> Any:
        for message in connection:
            event = json.loads(message)
            self.messages.append(event)
            yield event

    def _speech(self, connection: ServerConnection) -> None:
        send = _sender(connection)
        voice = "tara"
        send(
            type="session.created",
            event_id="evt_1",
            session={
                "id": "session-1",
                "object": "realtime.tts.session",
                "modalities": ["text", "audio"],
                "model": TTS_MODELS[0],
                "voice": voice,
            },
        )
        texts: list[str] = []
        for event in self._events(connection):
            kind = event.get("type")
            if kind == "input_text_buffer.append":
                send(type="conversation.item.input_text.received", text=event["text"])
                texts.append(event["text"])
            elif kind == "input_text_buffer.clear":
                texts.clear()
            elif kind == "input_text_buffer.commit":
                for number, text in enumerate(texts, start=1):
                    item = f"tts_{number}"
                    if "FAIL" in text:
                        error = {"message": "cannot speak this", "type": "invalid_request_error"}
                        send(type="conversation.item.tts.failed", item_id=item, error=error)
                        continue
                    if "DEEP" in text:  # JSON nested far deeper than any real event
                        connection.send('{"type": "x", "a": ' + "[" * 100_000 + "]" * 100_000 + "}")
                    if "HUGE" in text:  # a message over the client's size limit
                        connection.send(json.dumps({"type": "x", "a": "x" * (17 << 20)}))
                    if "NEW" in text:
                        send(type="conversation.item.audio_output.started", item_id=item, n=1)
                    audio = text.encode()
                    half = len(audio) // 2
                    send(
                        type="conversation.item.audio_output.delta",
                        item_id=item,
                        delta=_b64(audio[:half]),
                    )
                    if "DROP" in text:
                        _drop(connection)
                        return
                    send(
                        type="conversation.item.audio_output.delta",
                        item_id=item,
                        delta=_b64(audio[half:]),
                    )
                    send(type="conversation.item.audio_output.done", item_id=item)
                connection.close()
                return

    def _transcription(self, connection: ServerConnection) -> None:
        send = _sender(connection)
        send(
            type="session.created",
            session={
                "id": "session-2",
                "object": "realtime.session",
                "modalities": ["audio"],
                "model": STT_MODELS[0],
            },
        )
        heard: list[str] = []
        for event in self._events(connection):
            kind = event.get("type")
            if kind == "input_audio_buffer.append":
                text = base64.b64decode(event["audio"]).decode()
                if text == "DROP":
                    _drop(connection)
                    return
                heard.append(text)
                send(type="conversation.item.input_audio_transcription.delta", delta=text)
            elif kind == "input_audio_buffer.commit":
                transcript = "".join(heard)
                if "FAIL" in transcript:
                    error = {"message": "unsupported audio", "code": "invalid_audio"}
                    send(type="conversation.item.input_audio_transcription.failed", error=error)
                elif "QUIET" not in transcript:
                    send(
                        type="conversation.item.input_audio_transcription.completed",
                        transcript=transcript,
                    )
                connection.close()
                return


def _refuse(connection: ServerConnection, status: HTTPStatus, code: str, message: str) -> Response:
    body = {"error": {"message": message, "type": "invalid_request_error", "code": code}}
    response = connection.respond(status, json.dumps(body))
    del response.headers["Content-Type"]
    response.headers["Content-Type"] = "application/json"
    return response


def _sender(connection: ServerConnection) -> Any:
    def send(**event: Any) -> None:
        connection.send(json.dumps(event))

    return send


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _drop(connection: ServerConnection) -> None:
    """End the TCP connection without a WebSocket closing handshake."""
    connection.socket.shutdown(socket.SHUT_RDWR)
    connection.socket.close()
