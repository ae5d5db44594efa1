"""The two drivers of a batch run's script, and the method descriptor that picks one.

A script is a generator that yields effects and is resumed with their results: a ``Call``
(sent through the client's transport), ``Sleep``, ``Local`` (slow work on local files) or
``Concurrent`` (the user's functions, run at once: a tool runner's tool calls).
An exception raised by an effect, Ctrl-C during a sleep included, is thrown into the
script at the ``yield``, so the script alone decides what an interruption means. The
drivers differ only in how they wait: ``Together`` blocks, ``AsyncTogether`` awaits and
runs local work in a worker thread so that the event loop stays free.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator
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


class Concurrent(NamedTuple):
    """``function(**kwargs)`` for each pair, at once: in threads on ``Together``; on
    ``AsyncTogether`` async functions as tasks, plain ones in threads. The result is one
    ``(value, None)`` or ``(None, exception)`` per pair, in order: an Exception a function
    raises is its outcome, not the script's."""

    calls: tuple[tuple[Callable[..., Any], dict[str, Any]], ...]


def _outcome(function: Callable[..., Any], kwargs: dict[str, Any]) -> tuple[Any, Any]:
    try:
        return function(**kwargs), None
    except Exception as exc:
        return None, exc


def _run_all(effect: Concurrent) -> list[tuple[Any, Any]]:
    if len(effect.calls) <= 1:
        return [_outcome(f, kw) for f, kw in effect.calls]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=len(effect.calls)) as pool:
        return list(pool.map(lambda call: _outcome(*call), effect.calls))


async def _arun_all(effect: Concurrent) -> list[tuple[Any, Any]]:
    import asyncio
    from inspect import iscoroutinefunction

    async def one(function: Callable[..., Any], kwargs: dict[str, Any]) -> tuple[Any, Any]:
        try:
            if iscoroutinefunction(function):
                return await function(**kwargs), None
            value = await asyncio.to_thread(function, **kwargs)
            if isawaitable(value):  # (a callable object whose __call__ is async)
                value = await value
            return value, None
        except Exception as exc:
            return None, exc

    return list(await asyncio.gather(*(one(f, kw) for f, kw in effect.calls)))


Effect = Call[Any] | Sleep | Local | Concurrent
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


def drive(script: Script[T], transport: SyncTransport) -> T:
    steps = _Stepper(script)
    while (effect := steps.next()) is not None:
        try:
            if isinstance(effect, Sleep):
                time.sleep(effect.seconds)
            elif isinstance(effect, Local):
                steps.value = effect.function(*effect.args)
            elif isinstance(effect, Concurrent):
                steps.value = _run_all(effect)
            else:
                steps.value = transport.send(effect)
        except BaseException as exc:  # Ctrl-C included: the script decides
            steps.error = exc
    return steps.result  # type: ignore[no-any-return]


async def adrive(script: Script[T], transport: AsyncTransport) -> T:
    import asyncio

    steps = _Stepper(script)
    while (effect := steps.next()) is not None:
        try:
            if isinstance(effect, Sleep):
                await asyncio.sleep(effect.seconds)
            elif isinstance(effect, Local):
                steps.value = await asyncio.to_thread(effect.function, *effect.args)
            elif isinstance(effect, Concurrent):
                steps.value = await _arun_all(effect)
            elif isawaitable(value := await transport.send(effect)):
                steps.value = await value  # a download being written
            else:
                steps.value = value
        except BaseException as exc:  # cancellation included: the script decides
            steps.error = exc
    return steps.result  # type: ignore[no-any-return]


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
