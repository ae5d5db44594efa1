"""Effects, and the two drivers that do them: the one place that knows which client it is on.

A method returns what it wants done, an effect, and its client's driver does it:
``SyncDriver`` (``Together``) blocks and returns the result, ``AsyncDriver``
(``AsyncTogether``) gives an awaitable of it and keeps the event loop free.

| effect | ``Together`` | ``AsyncTogether`` |
| --- | --- | --- |
| ``Call`` | sent: the result | the transport's coroutine sending it |
| ``Either(sync, async_, *args)`` | ``sync(*args)`` | ``async_(*args)`` |
| ``Local(function, args)`` | called | in a worker thread; an async function awaited |
| a script (a generator of effects) | driven: its result | an awaitable of that |

(A ``Local`` run in a worker thread has the unknown-value warnings it raises replayed at
the caller's line, the worker's stack not holding it.)

``Either`` is how code written once names the two forms of one thing: a realtime
session's classes, a stream manager's, a Call's stream (``Stream`` or ``AsyncStream``, a
download written by blocking or by awaiting). A Call whose stream gives an ``Either`` has
it made by the driver, and awaited when the async form is a coroutine (a download).

A script yields effects and is resumed with their results; besides the above it may yield
``Sleep``, ``Concurrently`` (scripts run at once: threads on Together, tasks on
AsyncTogether), ``Next`` (the next item of a stream a call gave), ``Emit`` (a value for
the caller, which ``iterate`` yields as the script goes on) and ``Lookup`` (a call whose
answer the script reads itself, sent past a raw-response view). An exception raised by
an effect, Ctrl-C during a sleep included, is thrown into the script at the ``yield``, so
the script alone decides what an interruption means.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import AsyncIterator, Callable, Generator, Iterator, Sequence
from inspect import isawaitable, iscoroutinefunction, isgenerator
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar

from ._open_values import deferring, replay
from ._transport import Call

if TYPE_CHECKING:
    from ._transport import AsyncTransport, SyncTransport

T = TypeVar("T")
S = TypeVar("S")
A = TypeVar("A")


class Either(Generic[S, A]):
    """One thing in its two forms: ``sync(*args)`` on Together, ``async_(*args)`` on
    AsyncTogether (the driver picks)."""

    __slots__ = ("args", "async_", "sync")

    def __init__(self, sync: Callable[..., S], async_: Callable[..., A], *args: Any) -> None:
        self.sync = sync
        self.async_ = async_
        self.args = args


class Sleep(NamedTuple):
    seconds: float


class Local(NamedTuple):
    """``function(*args)``: local work that may take seconds (files, the user's tools).
    On AsyncTogether a plain function runs in a worker thread, an async one is awaited."""

    function: Callable[..., Any]
    args: tuple[Any, ...] = ()


class Lookup(NamedTuple):
    """A call whose answer the script reads itself (not the method's answer): a
    raw-response view sends it as it is, and the script gets the usual result."""

    call: Call[Any]


def outcomes(calls: Sequence[tuple[Callable[..., Any], dict[str, Any]]]) -> Concurrently:
    """``function(**kwargs)`` for each pair, at once (a tool runner's tool calls): each a
    script of one ``Local`` run by ``Concurrently``. Its result is one ``(value, None)`` or
    ``(None, exception)`` per pair, in order: an Exception a function raises is its
    outcome, not the script's."""
    return Concurrently(tuple(_outcome(function, kwargs) for function, kwargs in calls))


def _outcome(function: Callable[..., Any], kwargs: dict[str, Any]) -> Script[tuple[Any, Any]]:
    try:
        return (yield Local(functools.partial(function, **kwargs))), None
    except Exception as exc:
        return None, exc


class Emit(NamedTuple):
    """A value for the caller, now: what ``iterate`` yields as the script goes on
    (``drive`` drops it). Resumes the script with None."""

    value: Any


class Next(NamedTuple):
    """The next item of a stream a ``Call`` gave (``Stream``, or ``AsyncStream`` on
    AsyncTogether), or ``END`` after its last."""

    stream: Any


END: Any = object()


class Concurrently(NamedTuple):
    """Runs ``scripts`` at once, each driven as a script of its own (a thread each on
    ``Together``, a task each on ``AsyncTogether``); gives the list of their results.
    When one raises, or the parent is interrupted, the others are stopped (cancelled on
    AsyncTogether; on Together each ends its current effect, then is closed) and the
    error is thrown into the parent. With ``transport``, their calls go through it
    instead of the client's; it is closed after them unless it shares the client's pool.
    """

    scripts: Sequence[Generator[Any, Any, Any]]
    transport: Any = None


Effect = Call[Any] | Sleep | Local | Concurrently | Emit | Next | Lookup | Either[Any, Any]
Script = Generator[Effect, Any, T]


def built(function: Callable[..., Call[T]], *args: Any, **kwargs: Any) -> Script[T]:
    """The call ``function(*args, **kwargs)`` makes, built as local work (it reads local
    files: on AsyncTogether, in a worker thread), then sent."""
    call = yield Local(functools.partial(function, *args, **kwargs))
    return (yield call)  # type: ignore[no-any-return]


def _coroutine_function(function: Any) -> bool:
    return iscoroutinefunction(function) or iscoroutinefunction(
        getattr(function, "__call__", None)  # noqa: B004  # (an object's async __call__)
    )


class _Stepper:
    """Walks a script: ``next()`` gives its next effect (None once it has returned, its
    result then in ``result``), after ``value`` or ``error`` were set to the outcome of
    the last effect."""

    def __init__(self, script: Script[Any]) -> None:
        self.script = script
        self.value: Any = None
        self.error: BaseException | None = None
        self.result: Any = None

    def next(self) -> Effect | None:
        try:
            if self.error is not None:
                return self.script.throw(self.error)
            return self.script.send(self.value)
        except StopIteration as stop:
            self.result = stop.value
            return None
        finally:
            self.value = self.error = None


class _Streams:
    """The iterators of the streams a script reads with ``Next``, closed when the script
    ends or is left (an early exit from ``iterate`` closes their connections)."""

    def __init__(self) -> None:
        self.open: dict[int, Any] = {}

    def next(self, stream: Any) -> Any:
        iterator = self.open.get(id(stream))
        if iterator is None:
            iterator = self.open[id(stream)] = iter(stream)
        item = next(iterator, END)
        if item is END:
            del self.open[id(stream)]
        return item

    async def anext(self, stream: Any) -> Any:
        iterator = self.open.get(id(stream))
        if iterator is None:
            iterator = self.open[id(stream)] = stream.__aiter__()
        item = await anext(iterator, END)
        if item is END:
            del self.open[id(stream)]
        return item

    def close(self) -> None:
        for iterator in self.open.values():
            iterator.close()

    async def aclose(self) -> None:
        for iterator in self.open.values():
            await iterator.aclose()


class _Driver:
    """What both drivers share: the transport they send through."""

    def __init__(self, transport: Any) -> None:
        self.transport = transport

    def adapted(self, adapt: Callable[[Call[Any]], Call[Any]]) -> Any:
        """This driver over ``transport.adapted(adapt)`` (the raw-response views)."""
        return type(self)(self.transport.adapted(adapt))

    def _not_an_effect(self, effect: Any) -> TypeError:
        return TypeError(f"a method gave {type(effect).__name__}, which is not an effect")


class SyncDriver(_Driver):
    """Does effects for ``Together``: blocks until each is done."""

    transport: SyncTransport

    def pick(self, sync: S, async_: A) -> S:
        return sync

    def check_runnable(self, functions: Sequence[tuple[str, Any]], where: str) -> None:
        """Raises TypeError, naming the first, if a ``(name, function)`` is one this
        client can't run as ``Local`` work: Together runs plain functions only."""
        for name, function in functions:
            if _coroutine_function(function):
                raise TypeError(
                    f"{where}: {name} is an async function; use AsyncTogether to run it "
                    "(Together runs plain functions only)"
                )

    def run(self, effect: Any) -> Any:
        """Do what a method asked: its result."""
        kind = type(effect)
        if kind is Call:
            if effect.stream is None:
                return self.transport.send(effect)
            return self.made(self.transport.send(effect))
        if kind is Either:
            return effect.sync(*effect.args)
        if kind is Local:
            return self._local(effect)
        if isgenerator(effect):
            return self.drive(effect)  # type: ignore[arg-type]
        raise self._not_an_effect(effect)

    def made(self, value: Any) -> Any:
        """What a Call's stream gave, made for this client (a download: written)."""
        if type(value) is Either:
            return value.sync(*value.args)
        return value

    def _local(self, effect: Local) -> Any:
        if _coroutine_function(effect.function):
            raise TypeError(
                f"{getattr(effect.function, '__name__', effect.function)!r} is an async "
                "function; use AsyncTogether to run it"
            )
        return effect.function(*effect.args)

    def _perform(self, effect: Effect, streams: _Streams) -> Any:
        kind = type(effect)
        if kind is Sleep:
            time.sleep(effect.seconds)  # type: ignore[union-attr]
            return None
        if kind is Concurrently:
            return self._threads(effect)  # type: ignore[arg-type]
        if kind is Next:
            return streams.next(effect.stream)  # type: ignore[union-attr]
        if kind is Emit:
            return None
        if kind is Lookup:
            return self.transport.plain().send(effect.call)  # type: ignore[union-attr]
        return self.run(effect)

    def drive(self, script: Script[T], stop: threading.Event | None = None) -> T:
        """Run ``script`` to its end: its result."""
        steps, streams = _Stepper(script), _Streams()
        try:
            while (effect := steps.next()) is not None:
                if stop is not None and stop.is_set():  # a sibling of Concurrently failed
                    script.close()
                    return None  # type: ignore[return-value]
                try:
                    steps.value = self._perform(effect, streams)
                except BaseException as exc:  # Ctrl-C included: the script decides
                    steps.error = exc
        finally:
            streams.close()
        return steps.result  # type: ignore[no-any-return]

    def iterate(self, script: Script[T], result: list[T]) -> Iterator[Any]:
        """Runs the script as ``drive`` does, yielding what it emits; its result is
        appended to ``result``. Leaving the loop early closes the script and its streams."""
        steps, streams = _Stepper(script), _Streams()
        try:
            while (effect := steps.next()) is not None:
                if type(effect) is Emit:
                    yield effect.value
                    continue
                try:
                    steps.value = self._perform(effect, streams)
                except BaseException as exc:
                    steps.error = exc
            result.append(steps.result)
        finally:
            script.close()
            streams.close()

    def _threads(self, group: Concurrently) -> list[Any]:
        from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

        transport = self.transport
        own = self if group.transport is None else SyncDriver(group.transport)
        stop = threading.Event()
        pool = ThreadPoolExecutor(max(len(group.scripts), 1), thread_name_prefix="together")
        try:
            futures = [pool.submit(own.drive, script, stop) for script in group.scripts]
            wait(futures, return_when=FIRST_EXCEPTION)
            stop.set()
            return [future.result() for future in futures]
        finally:
            stop.set()
            # Ctrl-C: each thread ends its call (an HTTP request can't be interrupted); a
            # second Ctrl-C leaves them to end on their own.
            pool.shutdown(wait=True, cancel_futures=True)
            sub = own.transport
            if sub is not transport and sub.pool is not transport.pool and sub.pool.created:
                sub.client.close()


class AsyncDriver(_Driver):
    """Does effects for ``AsyncTogether``: each method gives an awaitable."""

    transport: AsyncTransport

    def pick(self, sync: S, async_: A) -> A:
        return async_

    def check_runnable(self, functions: Sequence[tuple[str, Any]], where: str) -> None:
        """AsyncTogether runs every function: plain ones in a worker thread."""

    def run(self, effect: Any) -> Any:
        """Do what a method asked: an awaitable of its result (a session, a stream
        manager: the object itself)."""
        kind = type(effect)
        if kind is Call:
            if effect.stream is None:
                return self.transport.send(effect)  # (no frame of ours per call: it costs)
            return self._streamed(effect)
        if kind is Either:
            return effect.async_(*effect.args)
        if kind is Local:
            return self._local(effect)
        if isgenerator(effect):
            return self.drive(effect)  # type: ignore[arg-type]
        raise self._not_an_effect(effect)

    async def _streamed(self, call: Call[Any]) -> Any:
        return await self.made(await self.transport.send(call))

    async def made(self, value: Any) -> Any:
        """What a Call's stream gave, made for this client (a download: written)."""
        if type(value) is Either:
            value = value.async_(*value.args)
            if isawaitable(value):
                return await value
        return value

    async def _local(self, effect: Local) -> Any:
        import asyncio  # only the async client needs it; keep it off the import path

        if _coroutine_function(effect.function):
            value = effect.function(*effect.args)
            return await value if isawaitable(value) else value
        # The function's unknown-value warnings are warned here, at the caller's line:
        # the worker thread's stack doesn't hold it.
        value, found = await asyncio.to_thread(deferring, effect.function, *effect.args)
        replay(found)
        return await value if isawaitable(value) else value

    async def _perform(self, effect: Effect, streams: _Streams) -> Any:
        import asyncio

        kind = type(effect)
        if kind is Sleep:
            await asyncio.sleep(effect.seconds)  # type: ignore[union-attr]
            return None
        if kind is Concurrently:
            return await self._tasks(effect)  # type: ignore[arg-type]
        if kind is Next:
            return await streams.anext(effect.stream)  # type: ignore[union-attr]
        if kind is Emit:
            return None
        if kind is Lookup:
            return await self.transport.plain().send(effect.call)  # type: ignore[union-attr]
        if kind is Either:
            return self.run(effect)
        return await self.run(effect)

    async def drive(self, script: Script[T]) -> T:
        """Run ``script`` to its end: its result."""
        steps, streams = _Stepper(script), _Streams()
        try:
            while (effect := steps.next()) is not None:
                try:
                    steps.value = await self._perform(effect, streams)
                except BaseException as exc:  # cancellation included: the script decides
                    steps.error = exc
        finally:
            await streams.aclose()
        return steps.result  # type: ignore[no-any-return]

    async def iterate(self, script: Script[T], result: list[T]) -> AsyncIterator[Any]:
        """``SyncDriver.iterate``, with ``async for``."""
        steps, streams = _Stepper(script), _Streams()
        try:
            while (effect := steps.next()) is not None:
                if type(effect) is Emit:
                    yield effect.value
                    continue
                try:
                    steps.value = await self._perform(effect, streams)
                except BaseException as exc:
                    steps.error = exc
            result.append(steps.result)
        finally:
            script.close()
            await streams.aclose()

    async def _tasks(self, group: Concurrently) -> list[Any]:
        import asyncio

        transport = self.transport
        own = self if group.transport is None else AsyncDriver(group.transport)
        tasks = [asyncio.ensure_future(own.drive(script)) for script in group.scripts]
        try:
            return await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            sub = own.transport
            if sub is not transport and sub.pool is not transport.pool and sub.pool.created:
                await sub.client.aclose()


Driver = SyncDriver | AsyncDriver

__all__ = [
    "END",
    "AsyncDriver",
    "Concurrently",
    "Driver",
    "Effect",
    "Either",
    "Emit",
    "Local",
    "Lookup",
    "Next",
    "Script",
    "Sleep",
    "SyncDriver",
    "built",
    "outcomes",
]
