"""Responses as ``with_raw_response`` and ``with_streaming_response`` give them (3.x), on
every resource and on the clients: ``APIResponse`` / ``AsyncAPIResponse`` and the views.

The raw views add no request logic of their own: a view is the same resource class over a
driver whose transport sends each call with a ``raw`` hook (``Call.raw``), so every method,
derived or hand-written, runs its own code and the transport hands back the successful
response and its retry count, wrapped here as an ``APIResponse`` (``AsyncAPIResponse`` on
``AsyncTogether``). Failures raise as they do without the view.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import AsyncIterator, Callable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx

from ._errors import connection_error, request_id_of
from ._transport import finish

if TYPE_CHECKING:
    from ._resource import Resource
    from ._transport import Call

_UNSET: Any = object()


# -- the response ------------------------------------------------------------------------
class _BaseAPIResponse:
    """What both clients' responses share: the HTTP facts, and turning the body into the
    method's usual result."""

    def __init__(
        self,
        response: httpx.Response,
        call: Call[Any],
        strict: bool,
        retries: int,
        made: Callable[[Any], Any],
    ):
        self.http_response = response
        self.retries_taken = retries
        self._call = call
        self._strict = strict
        self._made = made  # the driver's: a stream's result, made for the client
        self._parsed = _UNSET

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def http_request(self) -> httpx.Request:
        return self.http_response.request

    @property
    def url(self) -> httpx.URL:
        return self.http_response.url

    @property
    def method(self) -> str:
        return self.http_request.method

    @property
    def http_version(self) -> str:
        return self.http_response.http_version

    @property
    def request_id(self) -> str | None:
        """The id the API gave the request (as APIStatusError.request_id), if any."""
        return request_id_of(self.http_response.headers)

    @property
    def is_closed(self) -> bool:
        """Whether the body has been read to its end or the response closed."""
        return self.http_response.is_closed

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} [{self.status_code} {self.http_response.reason_phrase}]"
            f" {self.method} {self.url}>"
        )

    def _result(self) -> Any:
        """The method's usual result, from a read body (or, for a stream, the open one)."""
        if self._call.stream is not None:
            return self._call.stream(self.http_response, self._strict)
        return finish(self._call, self.http_response, self._strict)

    def _wrap(self, chunks: Iterator[Any]) -> Iterator[Any]:
        try:
            yield from chunks
        except httpx.TransportError as exc:
            raise connection_error(exc, self.http_request, "The stream was cut") from exc

    async def _awrap(self, chunks: AsyncIterator[Any]) -> AsyncIterator[Any]:
        try:
            async for chunk in chunks:
                yield chunk
        except httpx.TransportError as exc:
            raise connection_error(exc, self.http_request, "The stream was cut") from exc


class APIResponse(_BaseAPIResponse):
    """The response of a call made through ``with_raw_response`` (body already read) or
    ``with_streaming_response`` (body read as you go, closed when the ``with`` block
    ends). ``parse()`` gives what the method returns without the view (for a streaming
    call, its Stream); ``headers``, ``status_code``, ``http_request`` and
    ``retries_taken`` describe the exchange."""

    def parse(self) -> Any:
        """The method's usual result (read once, then the same object each time). A body
        that can't be read as it raises APIResponseValidationError."""
        if self._parsed is _UNSET:
            if self._call.stream is None:
                self.read()
            self._parsed = self._made(self._result())
        return self._parsed

    def read(self) -> bytes:
        """The whole body (kept: ``text()``, ``json()`` and ``parse()`` read it again)."""
        try:
            return self.http_response.read()
        except httpx.TransportError as exc:
            raise connection_error(exc, self.http_request, "The stream was cut") from exc

    def text(self) -> str:
        self.read()
        return self.http_response.text

    def json(self) -> Any:
        self.read()
        return self.http_response.json()

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        return self._wrap(self.http_response.iter_bytes(chunk_size))

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        return self._wrap(self.http_response.iter_text(chunk_size))

    def iter_lines(self) -> Iterator[str]:
        return self._wrap(self.http_response.iter_lines())

    def stream_to_file(
        self, file: str | os.PathLike[str], *, chunk_size: int | None = None
    ) -> None:
        """Write the body to ``file`` as it arrives."""
        with open(file, "wb") as out:
            for chunk in self.iter_bytes(chunk_size):
                out.write(chunk)

    def write_to_file(self, file: str | os.PathLike[str]) -> None:
        """Write the body to ``file``."""
        self.stream_to_file(file)

    def close(self) -> None:
        self.http_response.close()


class AsyncAPIResponse(_BaseAPIResponse):
    """``APIResponse`` on ``AsyncTogether``: ``await parse()``, ``await read()``, and
    ``async for`` over ``iter_bytes()`` / ``iter_text()`` / ``iter_lines()`` (also named
    ``aiter_*``)."""

    async def parse(self) -> Any:
        """The method's usual result (read once, then the same object each time)."""
        if self._parsed is _UNSET:
            if self._call.stream is None:
                await self.read()
            self._parsed = await self._made(self._result())
        return self._parsed

    async def read(self) -> bytes:
        try:
            return await self.http_response.aread()
        except httpx.TransportError as exc:
            raise connection_error(exc, self.http_request, "The stream was cut") from exc

    async def text(self) -> str:
        await self.read()
        return self.http_response.text

    async def json(self) -> Any:
        await self.read()
        return self.http_response.json()

    def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        return self._awrap(self.http_response.aiter_bytes(chunk_size))

    def iter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        return self._awrap(self.http_response.aiter_text(chunk_size))

    def iter_lines(self) -> AsyncIterator[str]:
        return self._awrap(self.http_response.aiter_lines())

    async def stream_to_file(
        self, file: str | os.PathLike[str], *, chunk_size: int | None = None
    ) -> None:
        with open(file, "wb") as out:
            async for chunk in self.iter_bytes(chunk_size):
                out.write(chunk)

    async def write_to_file(self, file: str | os.PathLike[str]) -> None:
        await self.stream_to_file(file)

    async def close(self) -> None:
        await self.http_response.aclose()

    # The names this library gave them before (and httpx's).
    aiter_bytes = iter_bytes
    aiter_text = iter_text
    aiter_lines = iter_lines
    aread = read
    aclose = close
    astream_to_file = stream_to_file


# The name of the streaming response before every method had one.
StreamedResponse = APIResponse


# -- the views ---------------------------------------------------------------------------
def _keep_open(response: httpx.Response, strict: bool) -> Any:  # pragma: no cover
    raise AssertionError("a raw call's response goes to Call.raw")


class _Opened:
    """One ``with_streaming_response`` call on Together, sent when its ``with`` block
    starts; the response is closed when the block ends."""

    def __init__(self, method: Callable[..., Any]) -> None:
        self._method = method
        self._response: Any = None

    def __enter__(self) -> APIResponse:
        self._response = self._method()
        return self._response  # type: ignore[no-any-return]

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._response is not None:
            self._response.close()

    async def __aenter__(self) -> Any:
        raise TypeError("on Together, use `with` on with_streaming_response")

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        pass


class _AsyncOpened(_Opened):
    """``_Opened`` on AsyncTogether: ``async with``."""

    def __enter__(self) -> Any:
        raise TypeError("on AsyncTogether, use `async with` on with_streaming_response")

    async def __aenter__(self) -> AsyncAPIResponse:
        self._response = await self._method()
        return self._response  # type: ignore[no-any-return]

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._response is not None:
            await self._response.close()


class ResponseView:
    """``with_raw_response`` / ``with_streaming_response`` of a resource (or a client):
    its API methods, each giving the response instead of the result; its namespaces, as
    views of the same kind. ``with_raw_response.create(...)`` returns an APIResponse
    (awaitable on AsyncTogether); ``with_streaming_response.create(...)`` a context
    manager over one (``async with`` on AsyncTogether)."""

    def __init__(self, target: Any, streaming: bool) -> None:
        self._target = target
        self._streaming = streaming
        self._over: Resource[Any] | None = None

    def _adapted(self) -> Resource[Any]:
        """The same resource class over a driver whose transport sends each call in raw
        mode."""
        if self._over is None:
            resource: Resource[Any] = self._target
            driver = resource._driver
            response_class = driver.pick(APIResponse, AsyncAPIResponse)
            strict, streaming, made = driver.transport.strict, self._streaming, driver.made

            def adapt(call: Call[Any]) -> Call[Any]:
                def raw(response: httpx.Response, retries: int) -> _BaseAPIResponse:
                    return response_class(response, call, strict, retries, made)

                # A stream's body is never read by the transport: with_streaming_response
                # makes every call one.
                stream = call.stream or (_keep_open if streaming else None)
                return call.evolve(raw=raw, stream=stream)

            self._over = type(resource)(driver.adapted(adapt))
        return self._over

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        target = self._target
        namespace = vars(target).get(name)
        if hasattr(namespace, "with_raw_response"):  # a namespace: its view of this kind
            value: Any = getattr(namespace, self._which)
        elif getattr(  # a method the views offer (not on a client: its namespaces only)
            inspect.getattr_static(type(target), name, None), "responds", False
        ):
            method = getattr(self._adapted(), name)
            value = self._opener(method) if self._streaming else method
        else:
            raise AttributeError(f"{type(target).__name__}.{self._which} has no method {name!r}")
        self.__dict__[name] = value  # later look-ups skip __getattr__
        return value

    @property
    def _which(self) -> str:
        return "with_streaming_response" if self._streaming else "with_raw_response"

    def _opener(self, method: Callable[..., Any]) -> Callable[..., _Opened]:
        opened_class = self._target._driver.pick(_Opened, _AsyncOpened)

        def opened(*args: Any, **kwargs: Any) -> _Opened:
            return opened_class(lambda: method(*args, **kwargs))  # type: ignore[no-any-return]

        opened.__name__ = method.__name__
        opened.__doc__ = method.__doc__
        return opened
