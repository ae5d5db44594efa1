"""``client.chat.completions.stream(...)``: a context manager over a streamed chat
completion whose iterator yields typed events (``_accumulate``) and whose
``get_final_completion()`` returns the completion the chunks add up to.

The events of a chunk are worked out once (``_Events``); the sync and async streams only
differ in how they read chunks.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ._accumulate import ChatCompletionAccumulator, ChunkEvent, ContentDoneEvent

if TYPE_CHECKING:
    from together_generated.models import ChatCompletionChunk

    from ._accumulate import ChatCompletionStreamEvent
    from ._parsed import ParsedChatCompletion, ResponseFormat
    from ._streaming import AsyncStream, Stream

T = TypeVar("T")


class _Events(Generic[T]):
    """The accumulator of one stream and the events each chunk makes."""

    def __init__(self, fmt: ResponseFormat | None) -> None:
        self.accumulator = ChatCompletionAccumulator()
        self.fmt = fmt
        self.finished = False  # the stream was read to its end

    def of(self, chunk: ChatCompletionChunk) -> list[ChatCompletionStreamEvent]:
        events: list[Any] = [ChunkEvent(chunk)]
        self.accumulator._fold(chunk, events)
        if self.fmt is not None and len(events) > 1:
            for event in events:
                if type(event) is ContentDoneEvent:
                    try:
                        event.parsed = self.fmt.read(event.content)
                    except ValueError:
                        event.parsed = None  # get_final_completion() raises, with the text
        return events

    def final(self) -> ParsedChatCompletion[T]:
        from ._parsed import ResponseFormat, parse_completion

        completion = self.accumulator.completion
        fmt = self.fmt or ResponseFormat({"type": "text"}, "stream")
        return parse_completion(completion, fmt)


class ChatCompletionStream(Generic[T]):
    """The events of a streamed chat completion (``for event in stream``): each chunk
    (``"chunk"``), then what it adds: ``"content.delta"``, ``"reasoning.delta"``,
    ``"tool_calls.function.arguments.delta"``, and when a choice finishes its
    ``"reasoning.done"``, ``"tool_calls.function.arguments.done"`` and ``"content.done"``.
    ``text_stream`` yields the content's text alone. ``get_final_completion()`` reads what
    is left and returns the completion (a ParsedChatCompletion; after an early exit, of
    what arrived)."""

    def __init__(self, stream: Stream[ChatCompletionChunk], fmt: ResponseFormat | None) -> None:
        self._stream = stream
        self._events: _Events[T] = _Events(fmt)
        self._iterator = self._iterate()

    def _iterate(self) -> Generator[ChatCompletionStreamEvent, None, None]:
        events = self._events
        for chunk in self._stream:
            yield from events.of(chunk)
        events.finished = True

    def __iter__(self) -> Generator[ChatCompletionStreamEvent, None, None]:
        return self._iterator

    def __next__(self) -> ChatCompletionStreamEvent:
        return next(self._iterator)

    @property
    def text_stream(self) -> Generator[str, None, None]:
        """The content's text, delta by delta."""
        for event in self._iterator:
            if event.type == "content.delta":
                yield event.delta

    @property
    def accumulator(self) -> ChatCompletionAccumulator:
        return self._events.accumulator

    def current_completion_snapshot(self) -> ParsedChatCompletion[T]:
        """The completion so far, without reading further."""
        return self._events.final()

    def until_done(self) -> ChatCompletionStream[T]:
        """Reads the rest of the stream (unless it was closed)."""
        if not self._closed:
            for _ in self._iterator:
                pass
        return self

    def get_final_completion(self) -> ParsedChatCompletion[T]:
        """The whole completion: reads the rest of the stream first, unless it was closed
        (then: what arrived). With ``response_format``, each message's ``parsed`` holds
        the answer as that type (raising as ``parse`` does)."""
        self.until_done()
        return self._events.final()

    @property
    def _closed(self) -> bool:
        return self._events.finished or self._stream.response.is_closed

    def close(self) -> None:
        self._iterator.close()
        self._stream.close()

    def __enter__(self) -> ChatCompletionStream[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncChatCompletionStream(Generic[T]):
    """ChatCompletionStream for AsyncTogether: ``async for``, and
    ``await stream.get_final_completion()``."""

    def __init__(
        self, stream: AsyncStream[ChatCompletionChunk], fmt: ResponseFormat | None
    ) -> None:
        self._stream = stream
        self._events: _Events[T] = _Events(fmt)
        self._iterator = self._iterate()

    async def _iterate(self) -> AsyncIterator[ChatCompletionStreamEvent]:
        events = self._events
        async for chunk in self._stream:
            for event in events.of(chunk):
                yield event
        events.finished = True

    def __aiter__(self) -> AsyncIterator[ChatCompletionStreamEvent]:
        return self._iterator

    async def __anext__(self) -> ChatCompletionStreamEvent:
        return await self._iterator.__anext__()

    @property
    def text_stream(self) -> AsyncIterator[str]:
        """The content's text, delta by delta (``async for``)."""
        return self._text()

    async def _text(self) -> AsyncIterator[str]:
        async for event in self._iterator:
            if event.type == "content.delta":
                yield event.delta

    def current_completion_snapshot(self) -> ParsedChatCompletion[T]:
        return self._events.final()

    @property
    def accumulator(self) -> ChatCompletionAccumulator:
        return self._events.accumulator

    async def until_done(self) -> AsyncChatCompletionStream[T]:
        if not (self._events.finished or self._stream.response.is_closed):
            async for _ in self._iterator:
                pass
        return self

    async def get_final_completion(self) -> ParsedChatCompletion[T]:
        """As ChatCompletionStream's."""
        await self.until_done()
        return self._events.final()

    async def close(self) -> None:
        await self._iterator.aclose()  # type: ignore[attr-defined]  # (an async generator)
        await self._stream.aclose()

    async def __aenter__(self) -> AsyncChatCompletionStream[T]:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


class ChatCompletionStreamManager(Generic[T]):
    """What ``client.chat.completions.stream(...)`` returns: ``with`` it to send the
    request and get the ChatCompletionStream; leaving the block closes it."""

    def __init__(
        self, send: Callable[[], Stream[ChatCompletionChunk]], fmt: ResponseFormat | None
    ) -> None:
        self._send = send
        self._fmt = fmt
        self._stream: ChatCompletionStream[T] | None = None

    def __enter__(self) -> ChatCompletionStream[T]:
        self._stream = ChatCompletionStream(self._send(), self._fmt)
        return self._stream

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._stream is not None:
            self._stream.close()


class AsyncChatCompletionStreamManager(Generic[T]):
    """``async with client.chat.completions.stream(...) as stream`` on AsyncTogether."""

    def __init__(
        self,
        send: Callable[[], Awaitable[AsyncStream[ChatCompletionChunk]]],
        fmt: ResponseFormat | None,
    ) -> None:
        self._send = send
        self._fmt = fmt
        self._stream: AsyncChatCompletionStream[T] | None = None

    async def __aenter__(self) -> AsyncChatCompletionStream[T]:
        self._stream = AsyncChatCompletionStream(await self._send(), self._fmt)
        return self._stream

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._stream is not None:
            await self._stream.close()


__all__ = [
    "AsyncChatCompletionStream",
    "AsyncChatCompletionStreamManager",
    "ChatCompletionStream",
    "ChatCompletionStreamManager",
]
