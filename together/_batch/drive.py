"""The two drivers of a batch run's script, and the method descriptor that picks one.

A script is a generator that yields effects and is resumed with their results: a ``Call``
(sent through the client's transport), ``Sleep``, ``Local`` (slow work on local files) or
``Concurrently`` (scripts run at once: threads on ``Together``, tasks on ``AsyncTogether``).
An exception raised by an effect, Ctrl-C during a sleep included, is thrown into the
script at the ``yield``, so the script alone decides what an interruption means. The
drivers differ only in how they wait: ``Together`` blocks, ``AsyncTogether`` awaits and
runs local work in a worker thread so that the event loop stays free.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator, Sequence
from inspect import isawaitable
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
    """``function(*args)``: reads or writes local files, maybe for seconds."""

    function: Callable[..., Any]
    args: tuple[Any, ...] = ()


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


Effect = Call[Any] | Sleep | Local | Concurrently
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


def drive(script: Script[T], transport: SyncTransport, stop: threading.Event | None = None) -> T:
    steps = _Stepper(script)
    while (effect := steps.next()) is not None:
        if stop is not None and stop.is_set():  # a sibling of Concurrently failed
            script.close()
            return None  # type: ignore[return-value]
        try:
            if isinstance(effect, Sleep):
                time.sleep(effect.seconds)
            elif isinstance(effect, Local):
                steps.value = effect.function(*effect.args)
            elif isinstance(effect, Concurrently):
                steps.value = _threads(effect, transport)
            else:
                steps.value = transport.send(effect)
        except BaseException as exc:  # Ctrl-C included: the script decides
            steps.error = exc
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


async def adrive(script: Script[T], transport: AsyncTransport) -> T:
    import asyncio

    steps = _Stepper(script)
    while (effect := steps.next()) is not None:
        try:
            if isinstance(effect, Sleep):
                await asyncio.sleep(effect.seconds)
            elif isinstance(effect, Local):
                steps.value = await asyncio.to_thread(effect.function, *effect.args)
            elif isinstance(effect, Concurrently):
                steps.value = await _tasks(effect, transport)
            elif isawaitable(value := await transport.send(effect)):
                steps.value = await value  # a download being written
            else:
                steps.value = value
        except BaseException as exc:  # cancellation included: the script decides
            steps.error = exc
    return steps.result  # type: ignore[no-any-return]


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
