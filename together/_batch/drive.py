"""The two drivers of a batch run's script, and the method descriptor that picks one.

A script is a generator that yields effects and is resumed with their results: a ``Call``
(sent through the client's transport), ``Sleep``, ``Local`` (slow work on local files),
``Concurrently`` (scripts run at once: an online batch run's workers, a tool runner's
tool calls through ``outcomes``), ``Next``
(the next item of a stream a call gave) or ``Emit`` (a value for the caller, which
``iterate``/``aiterate`` yield while the script goes on).
An exception raised by an effect, Ctrl-C during a sleep included, is thrown into the
script at the ``yield``, so the script alone decides what an interruption means. The
drivers differ only in how they wait: ``Together`` blocks, ``AsyncTogether`` awaits and
runs local work in a worker thread so that the event loop stays free.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import AsyncIterator, Callable, Generator, Iterator, Sequence
from inspect import isawaitable, iscoroutinefunction
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from .._resource import P, Resource, bound_method
from .._transport import AsyncTransport, Call, SyncTransport
from .._upload import is_async

if TYPE_CHECKING:
    from typing import Concatenate

T = TypeVar("T")


class Sleep(NamedTuple):
    seconds: float


class Local(NamedTuple):
    """``function(*args)``: local work that may take seconds (files, the user's tools).
    On AsyncTogether a plain function runs in a worker thread, an async one is awaited."""

    function: Callable[..., Any]
    args: tuple[Any, ...] = ()


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
    """A value for the caller, now: what ``iterate``/``aiterate`` yield as the script
    goes on (``drive`` drops it). Resumes the script with None."""

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


Effect = Call[Any] | Sleep | Local | Concurrently | Emit | Next
Script = Generator[Effect, Any, T]


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


def _perform(effect: Effect, transport: SyncTransport, streams: _Streams) -> Any:
    if isinstance(effect, Sleep):
        time.sleep(effect.seconds)
        return None
    if isinstance(effect, Local):
        return effect.function(*effect.args)
    if isinstance(effect, Concurrently):
        return _threads(effect, transport)
    if isinstance(effect, Next):
        return streams.next(effect.stream)
    if isinstance(effect, Emit):
        return None
    return transport.send(effect)


async def _aperform(effect: Effect, transport: AsyncTransport, streams: _Streams) -> Any:
    import asyncio

    if isinstance(effect, Sleep):
        await asyncio.sleep(effect.seconds)
        return None
    if isinstance(effect, Local):  # async functions awaited, plain ones in a thread
        if iscoroutinefunction(effect.function):
            return await effect.function(*effect.args)
        value = await asyncio.to_thread(effect.function, *effect.args)
        return await value if isawaitable(value) else value  # (an async __call__)
    if isinstance(effect, Concurrently):
        return await _tasks(effect, transport)
    if isinstance(effect, Next):
        return await streams.anext(effect.stream)
    if isinstance(effect, Emit):
        return None
    value = await transport.send(effect)
    return await value if isawaitable(value) else value  # (a download being written)


def drive(script: Script[T], transport: SyncTransport, stop: threading.Event | None = None) -> T:
    steps, streams = _Stepper(script), _Streams()
    try:
        while (effect := steps.next()) is not None:
            if stop is not None and stop.is_set():  # a sibling of Concurrently failed
                script.close()
                return None  # type: ignore[return-value]
            try:
                steps.value = _perform(effect, transport, streams)
            except BaseException as exc:  # Ctrl-C included: the script decides
                steps.error = exc
    finally:
        streams.close()
    return steps.result  # type: ignore[no-any-return]


async def adrive(script: Script[T], transport: AsyncTransport) -> T:
    steps, streams = _Stepper(script), _Streams()
    try:
        while (effect := steps.next()) is not None:
            try:
                steps.value = await _aperform(effect, transport, streams)
            except BaseException as exc:  # cancellation included: the script decides
                steps.error = exc
    finally:
        await streams.aclose()
    return steps.result  # type: ignore[no-any-return]


def _threads(group: Concurrently, transport: SyncTransport) -> list[Any]:
    from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

    own = group.transport if group.transport is not None else transport
    stop = threading.Event()
    pool = ThreadPoolExecutor(max(len(group.scripts), 1), thread_name_prefix="together")
    try:
        futures = [pool.submit(drive, script, own, stop) for script in group.scripts]
        wait(futures, return_when=FIRST_EXCEPTION)
        stop.set()
        return [future.result() for future in futures]
    finally:
        stop.set()
        # Ctrl-C: each thread ends its call (an HTTP request can't be interrupted); a
        # second Ctrl-C leaves them to end on their own.
        pool.shutdown(wait=True, cancel_futures=True)
        if own is not transport and own.pool is not transport.pool and own.pool.created:
            own.client.close()


async def _tasks(group: Concurrently, transport: AsyncTransport) -> list[Any]:
    import asyncio

    own = group.transport if group.transport is not None else transport
    tasks = [asyncio.ensure_future(adrive(script, own)) for script in group.scripts]
    try:
        return await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if own is not transport and own.pool is not transport.pool and own.pool.created:
            await own.client.aclose()


def iterate(script: Script[T], transport: SyncTransport, result: list[T]) -> Iterator[Any]:
    """Runs the script as ``drive`` does, yielding what it emits; its result is appended
    to ``result``. Leaving the loop early closes the script and its streams."""
    steps, streams = _Stepper(script), _Streams()
    try:
        while (effect := steps.next()) is not None:
            if type(effect) is Emit:
                yield effect.value
                continue
            try:
                steps.value = _perform(effect, transport, streams)
            except BaseException as exc:
                steps.error = exc
        result.append(steps.result)
    finally:
        script.close()
        streams.close()


async def aiterate(
    script: Script[T], transport: AsyncTransport, result: list[T]
) -> AsyncIterator[Any]:
    """``iterate`` for AsyncTogether."""
    steps, streams = _Stepper(script), _Streams()
    try:
        while (effect := steps.next()) is not None:
            if type(effect) is Emit:
                yield effect.value
                continue
            try:
                steps.value = await _aperform(effect, transport, streams)
            except BaseException as exc:
                steps.error = exc
        result.append(steps.result)
    finally:
        script.close()
        await streams.aclose()


class script_method(bound_method[P, T]):
    """A method whose function returns a script: on ``Together`` the method runs it to
    its end and returns its result, on ``AsyncTogether`` it returns an awaitable of it."""

    def __init__(self, function: Callable[Concatenate[Any, P], Script[T]]) -> None:
        super().__init__(function)

    def bind(self, obj: Resource[Any]) -> Callable[..., Any]:
        build, transport = self._function, obj._transport
        if is_async(obj):

            async def amethod(*args: Any, **kwargs: Any) -> Any:
                return await adrive(build(obj, *args, **kwargs), transport)

            return amethod

        def method(*args: Any, **kwargs: Any) -> Any:
            return drive(build(obj, *args, **kwargs), transport)

        return method
