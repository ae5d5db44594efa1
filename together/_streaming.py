"""Server-sent events: one decoder (WHATWG rules) and one stream type for both clients.

A ``Stream`` wraps a streaming httpx response. Iterate it with ``for`` (sync client) or
``async for`` (async client); it is a context manager either way and closes its
connection on exit, on ``break`` (via ``close()``/garbage collection) and at the end.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from types import TracebackType
from typing import Any, Generic, NamedTuple, TypeVar

import httpx

from ._errors import APIConnectionError, APIError, APIResponseValidationError, APITimeoutError

T = TypeVar("T")

DONE = "[DONE]"


class ServerSentEvent(NamedTuple):
    event: str = "message"
    data: str = ""
    id: str | None = None
    retry: int | None = None


class SSEDecoder:
    """Incremental decoder: feed bytes, get complete events (per the WHATWG SSE rules:
    CR, LF or CRLF line ends; ``:`` comments; multi-line ``data`` joined by ``\\n``;
    an event is dispatched at a blank line)."""

    __slots__ = ("_buffer", "_data", "_event", "_id", "_retry", "_seen_field", "_skip_lf")

    def __init__(self) -> None:
        self._buffer = b""
        self._skip_lf = False
        self._reset()
        self._id: str | None = None

    def _reset(self) -> None:
        self._data: list[str] = []
        self._event = ""
        self._retry: int | None = None
        self._seen_field = False

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        if not chunk:
            return []
        # A CR ends its line at once (a CR-only server must not wait for the next byte);
        # if it was the first half of a CRLF split across chunks, skip the LF that follows.
        if self._skip_lf and chunk.startswith(b"\n"):
            chunk = chunk[1:]
        self._skip_lf = chunk.endswith(b"\r")
        buffer = self._buffer + chunk
        if b"\r" in buffer:
            buffer = buffer.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        lines = buffer.split(b"\n")
        self._buffer = lines.pop()
        events = []
        data = self._data
        for raw in lines:
            # The two lines nearly every event is made of, handled inline for speed.
            if raw.startswith(b"data: "):
                data.append(raw[6:].decode("utf-8", "replace"))
                self._seen_field = True
                continue
            if not raw and self._seen_field and not self._event and self._retry is None:
                events.append(ServerSentEvent("message", "\n".join(data), self._id))
                data = self._data = []
                self._seen_field = False
                continue
            # WHATWG: decode as UTF-8, replacing invalid sequences rather than failing.
            event = self._line(raw.decode("utf-8", "replace"))
            data = self._data
            if event is not None:
                events.append(event)
        return events

    def flush(self) -> tuple[list[ServerSentEvent], bool]:
        """End of input: (events still pending, whether a partial event was dropped)."""
        self._skip_lf = False
        events = self.feed(b"\n") if self._buffer else []
        partial = self._seen_field
        self._reset()
        return events, partial

    def _line(self, line: str) -> ServerSentEvent | None:
        if not line:
            if not self._seen_field:
                return None
            event = ServerSentEvent(
                event=self._event or "message",
                data="\n".join(self._data),
                id=self._id,
                retry=self._retry,
            )
            self._reset()
            return event
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self._id = value
        elif name == "retry":
            if value.isdigit():
                self._retry = int(value)
        else:
            return None
        self._seen_field = True
        return None


def _cut(exc: httpx.TransportError, request: httpx.Request) -> APIConnectionError:
    """The error for a stream whose transport failed mid-body (a stall is a timeout)."""
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(request)
    return APIConnectionError(f"The stream was cut: {type(exc).__name__}", request=request)


def _error_message(payload: Any, event: ServerSentEvent) -> str | None:
    if event.event == "error":
        if isinstance(payload, dict):
            error = payload.get("error", payload)
            if isinstance(error, dict):
                return str(error.get("message") or error)
            return str(error)
        return str(payload or event.data or "error event")
    if isinstance(payload, dict) and payload.get("error"):
        error = payload["error"]
        return str(error.get("message") or error) if isinstance(error, dict) else str(error)
    return None


class Stream(Generic[T]):
    """Typed chunks from a streaming response (``[DONE]`` ends it).

    Raises APIError when the server sends an error event or error payload, and
    APIConnectionError when the stream ends or is cut before ``[DONE]``.
    """

    def __init__(self, response: httpx.Response, parse: Callable[[Any], T]) -> None:
        self.response = response
        self._parse = parse
        self._decoder = SSEDecoder()
        self._done = False

    # -- shared event handling --------------------------------------------------
    def _chunks(self, events: Iterable[ServerSentEvent]) -> tuple[list[T], Exception | None]:
        """The typed chunks of ``events``, and the error that stopped them if one did (the
        chunks before it are still delivered). A plain function, not a generator: it runs
        once per network read in the hot loop of both iterators."""
        chunks: list[T] = []
        parse = self._parse
        for event in events:
            data = event.data
            if data == DONE or self._done:
                self._done = True
                break
            if not data:
                continue
            try:
                payload = json.loads(data)
            except ValueError:
                return chunks, APIError(
                    f"Stream sent an event that is not JSON: {data[:200]!r}",
                    request=self.response.request,
                    body=data,
                )
            message = _error_message(payload, event)
            if message is not None:
                return chunks, APIError(message, request=self.response.request, body=payload)
            try:
                chunks.append(parse(payload))
            except Exception as exc:
                error = APIResponseValidationError(
                    f"A stream chunk does not fit its model: {type(exc).__name__}: {exc}",
                    response=self.response,
                    body=payload,
                )
                error.__cause__ = exc
                return chunks, error
        return chunks, None

    def _end(self, partial: bool) -> APIConnectionError:
        what = "in the middle of an event" if partial else "before [DONE]"
        return APIConnectionError(
            f"The stream ended {what}: the response is incomplete", request=self.response.request
        )

    def _step(self, raw: bytes | None) -> tuple[list[T], Exception | None, bool]:
        """One network read (None: the end of the body) → the chunks it completes, the
        error to raise once they are delivered, and whether the stream is over."""
        if raw is not None:
            chunks, error = self._chunks(self._decoder.feed(raw))
            return chunks, error, self._done
        events, partial = self._decoder.flush()
        chunks, error = self._chunks(events)
        if error is None and not self._done:
            error = self._end(partial)
        return chunks, error, True

    # -- sync ---------------------------------------------------------------------
    def __iter__(self) -> Iterator[T]:
        try:
            for raw in itertools.chain(self.response.iter_bytes(), [None]):
                chunks, error, over = self._step(raw)
                yield from chunks
                if error is not None:
                    raise error
                if over:
                    return
        except httpx.TransportError as exc:
            raise _cut(exc, self.response.request) from exc
        finally:
            self.close()

    def close(self) -> None:
        self.response.close()

    def __enter__(self) -> Stream[T]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- async --------------------------------------------------------------------
    async def __aiter__(self) -> AsyncIterator[T]:
        try:
            reads = self.response.aiter_bytes()
            while True:
                raw = await anext(reads, None)
                chunks, error, over = self._step(raw)
                for chunk in chunks:
                    yield chunk
                if error is not None:
                    raise error
                if over:
                    return
        except httpx.TransportError as exc:
            raise _cut(exc, self.response.request) from exc
        finally:
            await self.aclose()

    async def aclose(self) -> None:
        await self.response.aclose()

    async def __aenter__(self) -> Stream[T]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


class ByteStream:
    """Raw bytes of a streaming response (e.g. audio), for both clients."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self.response.iter_bytes()
        except httpx.TransportError as exc:
            raise _cut(exc, self.response.request) from exc
        finally:
            self.response.close()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self.response.aiter_bytes():
                yield chunk
        except httpx.TransportError as exc:
            raise _cut(exc, self.response.request) from exc
        finally:
            await self.response.aclose()

    def close(self) -> None:
        self.response.close()

    async def aclose(self) -> None:
        await self.response.aclose()

    def __enter__(self) -> ByteStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> ByteStream:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
