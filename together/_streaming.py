"""Server-sent events: one decoder (WHATWG rules) and one stream type for both clients.

A ``Stream`` wraps a streaming httpx response. Iterate it with ``for`` (sync client) or
``async for`` (async client); it is a context manager either way and closes its
connection on exit, on ``break`` (via ``close()``/garbage collection) and at the end.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from functools import partial
from json.scanner import make_scanner
from types import TracebackType
from typing import Any, Generic, NamedTuple, TypeVar

import httpx

from ._errors import (
    broken_stream_error,
    chunk_error,
    stream_ended_error,
    stream_event_error,
    stream_unreadable_error,
)
from ._json import MAX_DEPTH, TooDeep, loads, too_deep

T = TypeVar("T")

DONE = "[DONE]"
# An event's data shorter than this can't nest too deep (each level takes two characters):
# the stream's chunks skip the depth check with one comparison.
_SHORT = 2 * MAX_DEPTH
BOM = b"\xef\xbb\xbf"  # UTF-8 byte-order mark: WHATWG says to drop one at the start

# The C scanner behind json.loads, called directly: json.loads and raw_decode wrap it in
# two or three Python frames and a whitespace regex, which cost about as much again as
# the scan of a stream chunk. Anything it does not read whole goes to json.loads.
# (typeshed types make_scanner's argument as a scanner; at run time it is the decoder.)
_scan: Callable[[str, int], tuple[Any, int]] = make_scanner(json.JSONDecoder())  # type: ignore[arg-type]


class ServerSentEvent(NamedTuple):
    event: str = "message"
    data: str = ""
    id: str | None = None
    retry: int | None = None


# Builds a ServerSentEvent from a 4-tuple without NamedTuple's Python-level __new__ (the
# decoder's hot path makes one per chunk).
_event = partial(tuple.__new__, ServerSentEvent)


def _full(events: list[ServerSentEvent | str]) -> list[ServerSentEvent]:
    """Events as ``SSEDecoder.read`` gives them, each as a ServerSentEvent."""
    return [_event(("message", e, None, None)) if isinstance(e, str) else e for e in events]


# The longest line an event stream may send (a newline-free stream must not grow without
# bound): far above any real chunk, which is a few KB.
MAX_LINE = 64 * 1024 * 1024


class LineTooLong(ValueError):
    def __init__(self) -> None:
        super().__init__(f"the event stream sent a line longer than {MAX_LINE} bytes")


class SSEDecoder:
    """Incremental decoder: feed bytes, get complete events (per the WHATWG SSE rules:
    CR, LF or CRLF line ends; ``:`` comments; multi-line ``data`` joined by ``\\n``;
    an event is dispatched at a blank line)."""

    __slots__ = (
        "_buffer",
        "_data",
        "_event",
        "_id",
        "_pending",
        "_pending_size",
        "_retry",
        "_seen_field",
        "_skip_lf",
        "_started",
    )

    def __init__(self) -> None:
        self._buffer = b""
        # Reads that end no line, after _buffer (which is then never empty): kept apart and
        # joined once the line ends, so that a long line costs time linear in its length.
        self._pending: list[bytes] = []
        self._pending_size = 0
        self._skip_lf = False
        self._started = False  # until the stream's first bytes are past any BOM
        self._reset()
        self._id: str | None = None

    def _reset(self) -> None:
        self._data: list[str] = []
        self._event = ""
        self._retry: int | None = None
        self._seen_field = False

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """The events that ``chunk`` completes."""
        return _full(self.read(chunk))

    def read(self, chunk: bytes) -> list[ServerSentEvent | str]:
        """What ``feed`` gives, with an event of type "message" that has no id or retry
        (nearly every event of the API) given as its data alone: the stream's hot loop
        then builds no event object."""
        if not chunk:
            return []
        if not self._started:
            chunk = self._strip_bom(chunk)
            if not chunk:
                return []
        # Fast path: at an event boundary, a read that is exactly one ``data:`` line and
        # the blank line ending it (how the API sends each streamed chunk).
        if (
            not self._buffer
            and not self._seen_field
            and chunk.startswith(b"data: ")
            and chunk.find(b"\n") == len(chunk) - 2
            and chunk.endswith(b"\n\n")
            and chunk.find(b"\r") < 0  # (faster than `in` for bytes)
        ):
            self._skip_lf = False
            data = chunk[6:-2].decode("utf-8", "replace")
            return [data if self._id is None else _event(("message", data, self._id, None))]
        # A CR ends its line at once (a CR-only server must not wait for the next byte);
        # if it was the first half of a CRLF split across chunks, skip the LF that follows.
        if self._skip_lf and chunk.startswith(b"\n"):
            chunk = chunk[1:]
        self._skip_lf = chunk.endswith(b"\r")
        if chunk.find(b"\n") < 0 and chunk.find(b"\r") < 0:  # the line goes on
            return self._extend(chunk)
        buffer = self._joined() + chunk
        if buffer.find(b"\r") >= 0:
            buffer = buffer.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        elif not self._seen_field:
            return self._blocks(buffer)
        return self._lines(buffer)

    def _extend(self, chunk: bytes) -> list[ServerSentEvent | str]:
        if not self._buffer:
            self._buffer = chunk
        else:
            self._pending.append(chunk)
            self._pending_size += len(chunk)
        if len(self._buffer) + self._pending_size > MAX_LINE:
            raise LineTooLong()
        return []

    def _joined(self) -> bytes:
        """The buffer with the pending reads, joined."""
        if not self._pending:
            return self._buffer
        buffer = b"".join([self._buffer, *self._pending])
        self._pending, self._pending_size = [], 0
        return buffer

    def _strip_bom(self, chunk: bytes) -> bytes:
        """The stream's first bytes less a leading BOM, which may come in pieces: bytes
        that could still be its start wait in the buffer for the next read."""
        head = self._buffer + chunk
        if len(head) < len(BOM) and BOM.startswith(head):
            self._buffer = head
            return b""
        self._buffer = b""
        self._started = True
        return head[len(BOM) :] if head.startswith(BOM) else head

    def _blocks(self, buffer: bytes) -> list[ServerSentEvent | str]:
        """The events of ``buffer`` (LF line ends only) read at an event boundary: a read
        holding many events (a fast server, a slow reader) is cut at its blank lines, and
        a block that is one ``data:`` line is an event at once. Other blocks follow the
        line rules; an unfinished block waits in the buffer for the next read."""
        cut = buffer.rfind(b"\n\n")
        if cut < 0:
            if buffer.find(b"\n") >= 0:
                # Complete lines of an unfinished event: read them now, not again with
                # every read until the event ends.
                return self._lines(buffer)
            self._buffer = buffer
            return []
        # The finished blocks end at a blank line, so no character is cut in two: they
        # are decoded at once (WHATWG: invalid UTF-8 replaced), not one by one.
        events: list[ServerSentEvent | str] = []
        for block in buffer[:cut].decode("utf-8", "replace").split("\n\n"):
            if block.startswith("data: ") and block.find("\n") < 0:
                data = block[6:]
                events.append(
                    data if self._id is None else _event(("message", data, self._id, None))
                )
            else:
                events += self._lines((block + "\n\n").encode())
        self._buffer = buffer[cut + 2 :]  # (after _lines, which sets it too)
        return events

    def _lines(self, buffer: bytes) -> list[ServerSentEvent | str]:
        """The events that the complete lines of ``buffer`` (LF line ends only) finish;
        an unfinished last line waits in the buffer."""
        lines = buffer.split(b"\n")
        self._buffer = lines.pop()
        events: list[ServerSentEvent | str] = []
        data = self._data
        for raw in lines:
            # The two lines nearly every event is made of, handled inline for speed.
            if raw.startswith(b"data: "):
                data.append(raw[6:].decode("utf-8", "replace"))
                self._seen_field = True
                continue
            if not raw and data and not self._event and self._retry is None:
                joined = "\n".join(data)
                events.append(
                    joined if self._id is None else _event(("message", joined, self._id, None))
                )
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
        # What is left holds no blank line; its last line, if unfinished, ends here.
        tail = self._buffer = self._joined()
        events = self._lines(tail if tail.endswith(b"\n") else tail + b"\n") if tail else []
        partial = self._seen_field
        self._reset()
        return _full(events), partial

    def _line(self, line: str) -> ServerSentEvent | None:
        if not line:
            if not self._data:
                # WHATWG: a block without data lines dispatches nothing (its id is kept).
                self._reset()
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


class _StreamCore(Generic[T]):
    """What both kinds of stream share: reading SSE events into typed chunks."""

    def __init__(self, response: httpx.Response, parse: Callable[[Any], T]) -> None:
        self.response = response
        self._parse = parse
        self._decoder = SSEDecoder()
        self._done = False

    # -- shared event handling --------------------------------------------------
    def _chunks(self, events: Iterable[ServerSentEvent | str]) -> Iterator[T]:
        """The typed chunks of ``events`` (a plain "message" event as its data alone: see
        ``SSEDecoder.read``), each read and parsed only when it is asked for, so that a
        read holding hundreds of events does not keep hundreds of models alive at once
        (the garbage collector would walk them all). Raises the error that stops them,
        after the chunks before it; sets ``_done`` at ``[DONE]``."""
        if self._done:
            return
        parse, short = self._parse, _SHORT
        for event in events:
            data = event if isinstance(event, str) else event.data
            if data == DONE:
                self._done = True
                return
            if not data:
                continue
            try:
                payload, end = _scan(data, 0)
            except (StopIteration, ValueError, RecursionError):  # (not JSON where it starts)
                end = -1
            if end != len(data):
                try:
                    payload = loads(data)
                except TooDeep as exc:
                    raise stream_unreadable_error(self.response, str(exc), data) from None
                except ValueError:
                    raise stream_unreadable_error(self.response, "it is not JSON", data) from None
            elif end > short and too_deep(data):  # (read whole, yet maybe too deep)
                raise stream_unreadable_error(self.response, str(TooDeep()), data)
            if (not isinstance(event, str) and event.event != "message") or (
                type(payload) is dict and "error" in payload and payload["error"]
            ):
                kind = "message" if isinstance(event, str) else event.event
                reported = stream_event_error(payload, kind, data, self.response.request)
                if reported is not None:
                    raise reported
            try:
                chunk = parse(payload)
            except Exception as exc:
                error = chunk_error(self.response, exc, payload)
            else:
                yield chunk
                continue
            raise error

    def _step(self, raw: bytes | None) -> Iterator[T]:
        """The chunks one network read completes (None: the end of the body, where a
        stream that has not reached ``[DONE]`` raises)."""
        if raw is not None:
            return self._chunks(self._decoder.read(raw))
        return self._last()

    def _last(self) -> Iterator[T]:
        events, partial = self._decoder.flush()
        yield from self._chunks(events)
        if not self._done:
            raise stream_ended_error(self.response.request, partial)


class Stream(_StreamCore[T]):
    """Typed chunks from a streaming response (``[DONE]`` ends it): iterate it, and use it
    as a context manager to close it early. ``AsyncTogether`` gives an AsyncStream.

    Raises APIError when the server sends an error event or error payload, and
    APIConnectionError when the stream ends or is cut before ``[DONE]``.
    """

    # -- sync ---------------------------------------------------------------------
    def __iter__(self) -> Iterator[T]:
        try:
            for raw in itertools.chain(self.response.iter_bytes(), [None]):
                yield from self._step(raw)
                if self._done:
                    return
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise broken_stream_error(exc, self.response) from exc
        except LineTooLong as exc:
            raise stream_unreadable_error(self.response, str(exc)) from exc
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


class AsyncStream(_StreamCore[T]):
    """A stream of the asyncio client: ``async for`` over it, ``async with`` to close it
    early (a plain ``for`` is an error). Raises as Stream does."""

    # -- async --------------------------------------------------------------------
    async def __aiter__(self) -> AsyncIterator[T]:
        try:
            reads = self.response.aiter_bytes()
            while True:
                raw = await anext(reads, None)
                for chunk in self._step(raw):
                    yield chunk
                if self._done or raw is None:
                    return
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise broken_stream_error(exc, self.response) from exc
        except LineTooLong as exc:
            raise stream_unreadable_error(self.response, str(exc)) from exc
        finally:
            await self.aclose()

    async def aclose(self) -> None:
        await self.response.aclose()

    async def __aenter__(self) -> AsyncStream[T]:
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
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise broken_stream_error(exc, self.response) from exc
        finally:
            self.response.close()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self.response.aiter_bytes():
                yield chunk
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise broken_stream_error(exc, self.response) from exc
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
