"""The two drivers of a batch run's script, and the method descriptor that picks one.

A script is a generator that yields effects and is resumed with their results: a ``Call``
(sent through the client's transport), ``Sleep`` or ``Local`` (slow work on local files).
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


Effect = Call[Any] | Sleep | Local
Script = Generator[Effect, Any, T]


def _advance(script: Script[T], value: Any, error: BaseException | None) -> Effect:
    """The script's next effect, given the last one's result or error."""
    return script.throw(error) if error is not None else script.send(value)


def drive(script: Script[T], transport: SyncTransport) -> T:
    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            effect = _advance(script, value, error)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        value, error = None, None
        try:
            if isinstance(effect, Sleep):
                time.sleep(effect.seconds)
            elif isinstance(effect, Local):
                value = effect.function(*effect.args)
            else:
                value = transport.send(effect)
        except BaseException as exc:  # Ctrl-C included: the script decides
            error = exc


async def adrive(script: Script[T], transport: AsyncTransport) -> T:
    import asyncio

    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            effect = _advance(script, value, error)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        value, error = None, None
        try:
            if isinstance(effect, Sleep):
                await asyncio.sleep(effect.seconds)
            elif isinstance(effect, Local):
                value = await asyncio.to_thread(effect.function, *effect.args)
            else:
                value = await transport.send(effect)
                if isawaitable(value):  # a download being written
                    value = await value
        except BaseException as exc:  # cancellation included: the script decides
            error = exc


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
