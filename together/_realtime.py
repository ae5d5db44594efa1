"""Realtime sessions over a WebSocket: text-to-speech (``GET /audio/speech/websocket``) and
transcription (``GET /realtime``).

``client.audio.speech.connect(...)`` and ``client.audio.transcriptions.connect(...)``
return a session; it connects when its ``with`` block (``async with`` on AsyncTogether)
starts and closes when the block ends. Inside, its methods send the documented client
events, and iterating over it yields the server's events as the generated models of
``openapi/overlay.yaml`` (an event of a type the spec does not list as a generic
``RealtimeServerEvent``).

Everything but moving messages is written once, without I/O: ``plan`` (where to connect,
with which headers and timeouts), ``_Protocol`` (events to JSON and back) and the error
mapping. The sync and async sessions differ only in how a message is sent and received.
The ``websockets`` package is the optional extra ``together-client[realtime]``.
"""

from __future__ import annotations

import base64
import importlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Iterator, Mapping
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypedDict, TypeVar

import httpx

from ._config import TimeoutTypes, parse_headers, parse_timeout
from ._errors import (
    _MIN_REDACTED_KEY,
    MAX_ERROR_BODY,
    APIConnectionError,
    APIError,
    APITimeoutError,
    status_error,
)
from ._json import TooDeep, loads
from ._resource import Resource, checked_body, plain
from ._shape import Shape, describe
from ._transport import split_options

if TYPE_CHECKING:
    from typing_extensions import Self

    from together_generated.models import (
        RealtimeAudioOutputDeltaEvent,
        RealtimeAudioOutputDoneEvent,
        RealtimeInputTextReceivedEvent,
        RealtimeServerEvent,
        RealtimeTranscriptionCompletedEvent,
        RealtimeTranscriptionDeltaEvent,
        RealtimeTranscriptionFailedEvent,
        RealtimeTranscriptionSessionCreatedEvent,
        RealtimeTtsFailedEvent,
        RealtimeTtsSessionCreatedEvent,
    )
    from together_generated.types import Operation

    SpeechEvent = (
        RealtimeTtsSessionCreatedEvent
        | RealtimeInputTextReceivedEvent
        | RealtimeAudioOutputDeltaEvent
        | RealtimeAudioOutputDoneEvent
        | RealtimeTtsFailedEvent
        | RealtimeServerEvent
    )
    TranscriptionEvent = (
        RealtimeTranscriptionSessionCreatedEvent
        | RealtimeTranscriptionDeltaEvent
        | RealtimeTranscriptionCompletedEvent
        | RealtimeTranscriptionFailedEvent
        | RealtimeServerEvent
    )
    _Adapter = logging.LoggerAdapter[logging.Logger]
else:
    _Adapter = logging.LoggerAdapter  # (not subscriptable at run time before 3.11)

E = TypeVar("E")  # the events of a session
R = TypeVar("R")  # what sending returns: None (sync) or an awaitable (async)

INSTALL_HINT = "pip install 'together-client[realtime]'"
# Audio arrives base64-encoded in JSON text frames; a second of 24 kHz PCM is ~64 KB.
MAX_MESSAGE = 16 * 1024 * 1024
# Per-call options that have no meaning for a WebSocket session.
_UNSUPPORTED_OPTIONS = ("max_retries", "deadline", "extra_body")


class SessionOptions(TypedDict, total=False):
    """The per-call options a realtime session takes (the others don't apply)."""

    timeout: TimeoutTypes | None
    extra_headers: Mapping[str, str] | None
    extra_query: Mapping[str, object] | None


def _websockets(where: str) -> ModuleType:
    """The websockets package, or an ImportError that says which extra to install."""
    try:
        import websockets
    except ImportError as exc:
        raise ImportError(
            f"{where} needs the websockets package: {INSTALL_HINT}", name="websockets"
        ) from exc
    return websockets


# -- where and how to connect (no I/O) ----------------------------------------------------
class Plan:
    """Everything needed to open one session: its ws:// or wss:// URL, headers, timeouts.
    Its repr never shows the headers (they carry the API key)."""

    __slots__ = ("headers", "open_timeout", "read_timeout", "url", "user_agent", "where")

    def __init__(
        self,
        url: str,
        headers: list[tuple[str, str]],
        user_agent: str | None,
        open_timeout: float | None,
        read_timeout: float | None,
        where: str,
    ) -> None:
        self.url = url
        self.headers = headers
        self.user_agent = user_agent
        self.open_timeout = open_timeout
        self.read_timeout = read_timeout
        self.where = where

    def __repr__(self) -> str:
        return f"Plan(url={self.url!r}, where={self.where!r})"

    def request(self) -> httpx.Request:
        """The upgrade request as httpx sees it, for the errors (which redact its key)."""
        return httpx.Request("GET", self.url, headers=self.headers)

    def redact(self, text: str) -> str:
        """``text`` with the API key shown as ``***`` (a key too short to be real is left
        alone, as status errors do: replacing it would garble ordinary words)."""
        for name, value in self.headers:
            if name.lower() == "authorization":
                key = value.partition(" ")[2].strip()
                if len(key) >= _MIN_REDACTED_KEY:
                    text = text.replace(key, "***")
        return text


def _query(op: Operation, params: dict[str, Any], where: str) -> dict[str, Any]:
    """The path and query of a WebSocket operation, checked by its shape (an unknown
    parameter, or one of the wrong type, is a TypeError naming it)."""
    Shape(op, where).bind((), params)
    params = {k: v for k, v in params.items() if v is not None}
    for p in op.parameters:
        # A required parameter the spec allows one value for (input_audio_format) has it.
        if p.required and len(p.choices) == 1 and p.python_name not in params:
            params[p.python_name] = p.choices[0]
    try:
        kwargs: dict[str, Any] = op.build_request(**params)
    except TypeError as exc:
        raise TypeError(f"{where}: {exc}") from None
    return {"path": kwargs["url"], "params": dict(kwargs.get("params") or {})}


def plan(resource: Resource[Any], endpoint: str, params: dict[str, Any], where: str) -> Plan:
    """Check a ``connect`` call's arguments and work out its connection, before any I/O.

    ``params`` are the operation's query parameters and the per-call options ``timeout``,
    ``extra_headers`` and ``extra_query``. Raises TypeError for an argument of the wrong
    type or an option a WebSocket has no use for, and ImportError when websockets is not
    installed."""
    fields, options = split_options(dict(params))
    for name in _UNSUPPORTED_OPTIONS:
        if name in options:
            raise TypeError(f"{where}: {name} does not apply to a realtime session")
    query = _query(describe(endpoint), plain(fields), where)
    _websockets(where)
    settings = resource._transport.settings
    params = query["params"]
    if options.get("extra_query"):
        params.update(options["extra_query"] or {})
    url = httpx.URL(settings.base_url + query["path"], params=params)
    url = url.copy_with(scheme="wss" if url.scheme == "https" else "ws")
    headers = settings.headers()
    headers.pop("Accept", None)  # a WebSocket is not asked for JSON
    user_agent = headers.pop("User-Agent", None)
    if options.get("extra_headers"):
        extra = dict(parse_headers(options["extra_headers"], "extra_headers"))
        names = {name.lower() for name in extra}
        headers = {k: v for k, v in headers.items() if k.lower() not in names}
        headers.update(extra)
    timeout = (
        parse_timeout(options["timeout"], "timeout") if "timeout" in options else settings.timeout
    )
    return Plan(
        url=str(url),
        headers=list(headers.items()),
        user_agent=user_agent,
        open_timeout=timeout.connect,
        read_timeout=timeout.read,
        where=where,
    )


class _SessionLog(_Adapter):
    """The WebSocket library's log lines for one session, under the ``together.realtime``
    logger with the API key hidden: at DEBUG it logs every handshake header, the key's
    included. (Given to websockets as its ``logger``; global logging is left alone.)"""

    def __init__(self, plan: Plan) -> None:
        super().__init__(logging.getLogger("together.realtime"), {})
        self._plan = plan

    def log(self, level: int, msg: object, *args: object, **kwargs: Any) -> None:
        if not self.isEnabledFor(level):
            return
        if len(args) == 2 and str(args[0]).lower() in ("authorization", "proxy-authorization"):
            args = (args[0], "***")  # a header line: "> %s: %s"
        redact = self._plan.redact
        args = tuple(redact(a) if isinstance(a, str) else a for a in args)
        super().log(level, redact(msg) if isinstance(msg, str) else msg, *args, **kwargs)


# -- errors (no I/O) ------------------------------------------------------------------------
class RealtimeEventError(APIError):
    """A ``...failed`` event, raised by the helpers (``iter_audio``, ``iter_text``,
    ``transcript``); iterating over the session yields it instead. ``event`` is the
    event, ``code`` its error code (``invalid_api_key``, ...), ``body`` its JSON."""

    def __init__(self, message: str, *, event: Any, code: str | None) -> None:
        super().__init__(message, body=event.to_dict())
        self.event = event
        self.code = code


def _open_error(exc: BaseException, plan: Plan) -> Exception:
    """The library's error for a failure to open the WebSocket: a refused upgrade is the
    status error its HTTP answer would be (401 → AuthenticationError, 400 →
    BadRequestError, ...); anything else is an APIConnectionError (APITimeoutError when
    the handshake timed out)."""
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    if response is not None and isinstance(status, int):
        return status_error(
            httpx.Response(
                status,
                headers=list(response.headers.raw_items()),
                content=bytes(response.body or b""),
                request=plan.request(),
            )
        )
    if isinstance(exc, TimeoutError):
        return APITimeoutError(plan.request())
    url = httpx.URL(plan.url)
    host = f"{url.host}:{url.port}" if url.port else url.host
    detail = plan.redact(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
    return APIConnectionError(
        f"Connection error: could not open a WebSocket to {host} ({detail})",
        request=plan.request(),
    )


_NORMAL_CLOSE = (1000, 1001)  # closed normally; going away
_TOO_LARGE = 1009


def _closed_error(exc: BaseException, plan: Plan) -> APIConnectionError:
    """The error for a connection that closed, said as what its close code means: the
    session ended normally (1000, 1001: a send after it), a message was too large
    (1009, either way), closed by the server with another code, or dropped."""
    received = getattr(exc, "rcvd", None)
    sent = getattr(exc, "sent", None)
    codes = {getattr(frame, "code", None) for frame in (received, sent)}
    if _TOO_LARGE in codes:
        whose = "the server's" if sent is not None and sent.code == _TOO_LARGE else "our"
        message = (
            f"the realtime connection closed: a message was too large ({whose} message, "
            f"over the {MAX_MESSAGE}-byte limit; close code 1009)"
        )
    elif received is not None and received.code in _NORMAL_CLOSE:
        message = (
            f"the session is closed (the server ended it normally, close code "
            f"{received.code}); open a new session to go on"
        )
    elif received is None:
        message = "the realtime connection was lost (it dropped without a closing handshake)"
    else:
        reason = f": {received.reason}" if received.reason else ""
        message = (
            f"the realtime connection was lost (the server closed it with code "
            f"{received.code}{reason})"
        )
    return APIConnectionError(plan.redact(f"{plan.where}: {message}"), request=plan.request())


# -- events (no I/O) ------------------------------------------------------------------------
class _Protocol:
    """One kind of session's events: client calls to JSON, server messages to models."""

    def __init__(self, reader: str, failed: str) -> None:
        self._reader_name = reader  # the generated *ServerMessage wrapper's module
        self._failed = failed  # the type of the session's error event
        self._reader: Any = None

    def encode(self, model: str, fields: dict[str, Any], where: str) -> str:
        """A client event as JSON, once checked against its generated model."""
        return json.dumps(checked_body(_model(model), fields, where)[1])

    def decode(self, message: str | bytes, where: str) -> Any:
        """A server message as its event model (a generic RealtimeServerEvent for a type
        the spec does not list). Raises APIError for a message that is not a JSON object."""
        why = "not a JSON object"
        try:
            data = loads(message)
        except TooDeep as exc:
            data, why = None, str(exc)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise APIError(
                f"{where}: the server sent a message that can't be read ({why}): {message!r:.100}",
                body=message[:MAX_ERROR_BODY],
            )
        if self._reader is None:
            self._reader = _model(self._reader_name)
        event = self._reader.from_response({"event": data}).event
        if isinstance(event, dict):
            return _model("realtime_server_event").from_response(event)
        return event

    def check(self, event: Any) -> Any:
        """``event``, unless it is the session's error event: that is raised."""
        if getattr(event, "type", None) != self._failed:
            return event
        error = getattr(event, "error", None)
        message = getattr(error, "message", None) or "no message"
        code = getattr(error, "code", None)
        detail = f"{message} (code: {code})" if code else str(message)
        raise RealtimeEventError(f"{self._failed}: {detail}", event=event, code=code)


def _model(name: str) -> Any:
    """A generated model class by its module's name, imported on first use."""
    module = importlib.import_module(f"together_generated.models.{name}")
    return getattr(module, "".join(part.title() for part in name.split("_")))


SPEECH = _Protocol("realtime_tts_server_message", "conversation.item.tts.failed")
TRANSCRIPTION = _Protocol(
    "realtime_transcription_server_message", "conversation.item.input_audio_transcription.failed"
)
_AUDIO_DELTA = "conversation.item.audio_output.delta"
_TEXT_DELTA = "conversation.item.input_audio_transcription.delta"
_TEXT_DONE = "conversation.item.input_audio_transcription.completed"


# -- the client events, written once for both kinds of connection -------------------------
class _Sender(Generic[R]):
    _protocol: _Protocol
    _plan: Plan

    def _send(self, message: str) -> R:
        raise NotImplementedError

    def _event(self, model: str, fields: dict[str, Any]) -> R:
        return self._send(self._protocol.encode(model, fields, self._plan.where))


class _SpeechEvents(_Sender[R]):
    _protocol = SPEECH

    def send_text(self, text: str) -> R:
        """Send text to speak (``input_text_buffer.append``). The server holds text that
        does not end a sentence until more comes, ``max_partial_length`` is passed, or
        ``commit()``."""
        return self._event(
            "realtime_input_text_buffer_append_event",
            {"type": "input_text_buffer.append", "text": text},
        )

    def commit(self) -> R:
        """End the text input: the remaining text is spoken (``input_text_buffer.commit``)."""
        return self._event(
            "realtime_input_text_buffer_commit_event", {"type": "input_text_buffer.commit"}
        )

    def clear(self) -> R:
        """Drop the text not spoken yet (``input_text_buffer.clear``)."""
        return self._event(
            "realtime_input_text_buffer_clear_event", {"type": "input_text_buffer.clear"}
        )

    def update(self, **session: Any) -> R:
        """Change session parameters, e.g. ``update(voice="tara")`` (``tts_session.updated``)."""
        return self._event(
            "realtime_tts_session_updated_event",
            {"type": "tts_session.updated", "session": plain(session)},
        )


class _TranscriptionEvents(_Sender[R]):
    _protocol = TRANSCRIPTION

    def send_audio(self, audio: bytes) -> R:
        """Send a chunk of audio in the session's ``input_audio_format`` (raw PCM s16le,
        16 kHz, by default) (``input_audio_buffer.append``)."""
        if not isinstance(audio, (bytes, bytearray, memoryview)):
            kind = type(audio).__name__
            raise TypeError(f"{self._plan.where}: send_audio takes bytes, got {kind}")
        return self._event(
            "realtime_input_audio_buffer_append_event",
            {"type": "input_audio_buffer.append", "audio": base64.b64encode(audio).decode()},
        )

    def commit(self) -> R:
        """End the audio stream (``input_audio_buffer.commit``)."""
        return self._event(
            "realtime_input_audio_buffer_commit_event", {"type": "input_audio_buffer.commit"}
        )


# -- the two kinds of connection ------------------------------------------------------------
class _Session(Generic[E]):
    _protocol: _Protocol

    def __init__(self, plan: Plan) -> None:
        self._plan = plan
        self._ws: Any = None

    def __repr__(self) -> str:
        state = "open" if self._ws is not None else "not open"
        return f"<{type(self).__name__} {self._plan.url} ({state})>"

    def _connection(self) -> Any:
        if self._ws is None:
            raise RuntimeError(f"{self._plan.where}: use the session in a `with` block first")
        return self._ws

    def _connect_options(self) -> dict[str, Any]:
        plan = self._plan
        options: dict[str, Any] = {
            "additional_headers": plan.headers,
            "open_timeout": plan.open_timeout,
            "max_size": MAX_MESSAGE,
            "logger": _SessionLog(plan),
        }
        if plan.user_agent is not None:
            options["user_agent_header"] = plan.user_agent
        return options


class SyncSession(_Session[E]):
    """A session on ``Together``: ``with`` opens it; iterate over it for the server's
    events (it ends when the server closes the session)."""

    def __enter__(self) -> Self:
        from websockets.sync.client import connect

        try:
            # Entered as a context manager: websockets warns about a connection that
            # is not (while one that is, is closed by close() all the same).
            self._ws = connect(self._plan.url, **self._connect_options()).__enter__()
        except Exception as exc:
            raise _open_error(exc, self._plan) from exc
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._ws is not None:
            self._ws.close()

    def _send(self, message: str) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            self._connection().send(message)
        except ConnectionClosed as exc:
            raise _closed_error(exc, self._plan) from exc

    def recv(self) -> E | None:
        """The next server event, or None once the server has closed the session.
        Raises APIConnectionError when the connection drops, APITimeoutError when no
        message comes within the read timeout."""
        from websockets.exceptions import ConnectionClosedError, ConnectionClosedOK

        try:
            message = self._connection().recv(timeout=self._plan.read_timeout)
        except ConnectionClosedOK:
            return None
        except ConnectionClosedError as exc:
            raise _closed_error(exc, self._plan) from exc
        except TimeoutError as exc:
            raise APITimeoutError(self._plan.request()) from exc
        event: E = self._protocol.decode(message, self._plan.where)
        return event

    def __iter__(self) -> Iterator[E]:
        while (event := self.recv()) is not None:
            yield event


class AsyncSession(_Session[E]):
    """A session on ``AsyncTogether``: ``async with`` opens it; ``async for`` over it
    yields the server's events (it ends when the server closes the session)."""

    async def __aenter__(self) -> Self:
        import asyncio

        from websockets.asyncio.client import connect

        try:
            self._ws = await connect(self._plan.url, **self._connect_options())
        except asyncio.TimeoutError as exc:  # not TimeoutError on 3.10
            raise APITimeoutError(self._plan.request()) from exc
        except Exception as exc:
            raise _open_error(exc, self._plan) from exc
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()

    async def _send(self, message: str) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            await self._connection().send(message)
        except ConnectionClosed as exc:
            raise _closed_error(exc, self._plan) from exc

    async def recv(self) -> E | None:
        """The next server event, or None once the server has closed the session (see
        ``SyncSession.recv``)."""
        import asyncio

        from websockets.exceptions import ConnectionClosedError, ConnectionClosedOK

        try:
            message = await asyncio.wait_for(
                self._connection().recv(), timeout=self._plan.read_timeout
            )
        except ConnectionClosedOK:
            return None
        except ConnectionClosedError as exc:
            raise _closed_error(exc, self._plan) from exc
        except asyncio.TimeoutError as exc:
            raise APITimeoutError(self._plan.request()) from exc
        event: E = self._protocol.decode(message, self._plan.where)
        return event

    async def __aiter__(self) -> AsyncIterator[E]:
        while (event := await self.recv()) is not None:
            yield event


# -- the sessions users get -----------------------------------------------------------------
def _audio_of(event: Any) -> bytes | None:
    if getattr(event, "type", None) == _AUDIO_DELTA:
        return base64.b64decode(event.delta)
    return None


class SpeechSession(SyncSession["SpeechEvent"], _SpeechEvents[None]):
    """Realtime text-to-speech on ``Together`` (``client.audio.speech.connect(...)``)."""

    def iter_audio(self) -> Iterator[bytes]:
        """The audio (PCM s16le, 24 kHz, mono) of each ``audio_output.delta`` event, until
        the server closes the session. Raises RealtimeEventError on a ``tts.failed``
        event."""
        for event in self:
            chunk = _audio_of(SPEECH.check(event))
            if chunk is not None:
                yield chunk


class AsyncSpeechSession(AsyncSession["SpeechEvent"], _SpeechEvents[Awaitable[None]]):
    """Realtime text-to-speech on ``AsyncTogether`` (see SpeechSession)."""

    async def iter_audio(self) -> AsyncIterator[bytes]:
        """See ``SpeechSession.iter_audio``."""
        async for event in self:
            chunk = _audio_of(SPEECH.check(event))
            if chunk is not None:
                yield chunk


def _text_of(event: Any) -> tuple[str | None, bool]:
    """The text a transcription event adds, and whether it completes the transcript."""
    kind = getattr(event, "type", None)
    if kind == _TEXT_DELTA:
        return event.delta, False
    if kind == _TEXT_DONE:
        return event.transcript, True
    return None, False


class TranscriptionSession(SyncSession["TranscriptionEvent"], _TranscriptionEvents[None]):
    """Realtime transcription on ``Together`` (``client.audio.transcriptions.connect(...)``)."""

    def iter_text(self) -> Iterator[str]:
        """The partial text of each ``transcription.delta`` event, until the next
        ``transcription.completed`` event (or the end of the session). Raises
        RealtimeEventError on a ``transcription.failed`` event."""
        for event in self:
            text, completed = _text_of(TRANSCRIPTION.check(event))
            if completed:
                return
            if text is not None:
                yield text

    def transcript(self) -> str:
        """The text of the next ``transcription.completed`` event. Raises
        RealtimeEventError on a failed event, APIConnectionError when the session ends
        before the transcript comes."""
        for event in self:
            text, completed = _text_of(TRANSCRIPTION.check(event))
            if completed:
                return text or ""
        raise _ended_early(self._plan)


class AsyncTranscriptionSession(
    AsyncSession["TranscriptionEvent"], _TranscriptionEvents[Awaitable[None]]
):
    """Realtime transcription on ``AsyncTogether`` (see TranscriptionSession)."""

    async def iter_text(self) -> AsyncIterator[str]:
        """See ``TranscriptionSession.iter_text``."""
        async for event in self:
            text, completed = _text_of(TRANSCRIPTION.check(event))
            if completed:
                return
            if text is not None:
                yield text

    async def transcript(self) -> str:
        """See ``TranscriptionSession.transcript``."""
        async for event in self:
            text, completed = _text_of(TRANSCRIPTION.check(event))
            if completed:
                return text or ""
        raise _ended_early(self._plan)


def _ended_early(plan: Plan) -> APIConnectionError:
    return APIConnectionError(
        f"{plan.where}: the server closed the session before the transcript was completed",
        request=plan.request(),
    )


__all__ = [
    "AsyncSpeechSession",
    "AsyncTranscriptionSession",
    "Plan",
    "RealtimeEventError",
    "SpeechSession",
    "TranscriptionSession",
    "plan",
]
