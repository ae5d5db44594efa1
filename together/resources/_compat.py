"""What code written for the official SDKs expects beyond names: 3.x's
``with_streaming_response``, and 1.x results that were the inner object of the answer.

Kept apart from the resources so that each resource module only says which of these it
offers.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import AsyncIterator, Callable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic

import httpx

from .._resource import M, Resource, operation
from .._streaming import _cut
from .._upload import is_async

if TYPE_CHECKING:
    from .._transport import Call


# -- with_streaming_response ------------------------------------------------------------
class StreamedResponse:
    """The open HTTP response of a call made through ``with_streaming_response``: read as
    it arrives (``iter_bytes``, ``iter_text``, ``iter_lines``; ``aiter_*`` on the async
    client) or saved with ``stream_to_file``. Closed when its ``with`` block ends."""

    def __init__(self, response: httpx.Response) -> None:
        self.http_response = response

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    def _wrap(self, chunks: Iterator[Any]) -> Iterator[Any]:
        try:
            yield from chunks
        except httpx.TransportError as exc:
            raise _cut(exc, self.http_response.request) from exc

    async def _awrap(self, chunks: AsyncIterator[Any]) -> AsyncIterator[Any]:
        try:
            async for chunk in chunks:
                yield chunk
        except httpx.TransportError as exc:
            raise _cut(exc, self.http_response.request) from exc

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        return self._wrap(self.http_response.iter_bytes(chunk_size))

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        return self._wrap(self.http_response.iter_text(chunk_size))

    def iter_lines(self) -> Iterator[str]:
        return self._wrap(self.http_response.iter_lines())

    def read(self) -> bytes:
        return b"".join(self.iter_bytes())

    def stream_to_file(self, file: str | os.PathLike[str]) -> None:
        """Write the body to ``file`` as it arrives."""
        with open(file, "wb") as out:
            for chunk in self.iter_bytes():
                out.write(chunk)

    def aiter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        return self._awrap(self.http_response.aiter_bytes(chunk_size))

    def aiter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        return self._awrap(self.http_response.aiter_text(chunk_size))

    def aiter_lines(self) -> AsyncIterator[str]:
        return self._awrap(self.http_response.aiter_lines())

    async def aread(self) -> bytes:
        return b"".join([chunk async for chunk in self.aiter_bytes()])

    async def astream_to_file(self, file: str | os.PathLike[str]) -> None:
        with open(file, "wb") as out:
            async for chunk in self.aiter_bytes():
                out.write(chunk)

    def close(self) -> None:
        self.http_response.close()

    async def aclose(self) -> None:
        await self.http_response.aclose()


class _OpenedResponse:
    """The request of one ``with_streaming_response`` call, sent when its ``with`` (or
    ``async with``) block starts; the response is closed when the block ends."""

    def __init__(self, resource: Resource[Any], build: Callable[[], Call[Any]]) -> None:
        self._resource = resource
        self._build = build
        self._response: StreamedResponse | None = None

    def _call(self) -> Call[Any]:
        return self._build().evolve(stream=lambda response, strict: StreamedResponse(response))

    def __enter__(self) -> StreamedResponse:
        if is_async(self._resource):
            raise TypeError("on AsyncTogether, use `async with` on with_streaming_response")
        self._response = self._resource._transport.send(self._call())
        return self._response

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._response is not None:
            self._response.close()

    async def __aenter__(self) -> StreamedResponse:
        if not is_async(self._resource):
            raise TypeError("on Together, use `with` on with_streaming_response")
        self._response = await self._resource._transport.send(self._call())
        return self._response

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._response is not None:
            await self._response.aclose()


class StreamingResponses(Generic[M]):
    """``resource.with_streaming_response``: the resource's API methods, each giving a
    context manager over the open response (a StreamedResponse) instead of the result."""

    def __init__(self, resource: Resource[M]) -> None:
        self._resource = resource

    def __getattr__(self, name: str) -> Callable[..., _OpenedResponse]:
        method = inspect.getattr_static(type(self._resource), name, None)
        if not isinstance(method, operation):
            raise AttributeError(
                f"{type(self._resource).__name__}.with_streaming_response has no method {name!r}"
            )
        build, resource = method._function, self._resource

        def opened(*args: Any, **kwargs: Any) -> _OpenedResponse:
            return _OpenedResponse(resource, lambda: build(resource, *args, **kwargs))

        opened.__name__ = name
        return opened


class StreamableResource(Resource[M]):
    """A resource with the 3.x ``with_streaming_response``."""

    @property
    def with_streaming_response(self) -> StreamingResponses[M]:
        return StreamingResponses(self)


# -- 1.x results that were the inner object ------------------------------------------------
_VIEWS: dict[tuple[type[Any], str], type[Any]] = {}


def _view_class(model: type[Any], inner: str) -> type[Any]:
    key = (model, inner)
    if key not in _VIEWS:
        model_getattr = getattr(model, "__getattr__", None)

        def __getattr__(self: Any, name: str) -> Any:
            if model_getattr is not None:  # the model's own (additional_properties)
                try:
                    return model_getattr(self, name)
                except AttributeError:
                    pass
            if not name.startswith("_"):
                try:
                    return getattr(getattr(self, inner), name)
                except AttributeError:
                    pass
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

        namespace = {"__slots__": (), "__getattr__": __getattr__, "__module__": model.__module__}
        _VIEWS[key] = type(model.__name__, (model,), namespace)
    return _VIEWS[key]


def inner_view(call: Call[Any], model: type[Any], inner: str) -> Call[Any]:
    """``call`` giving its ``model`` result as an instance of a subclass that also answers,
    for attributes it lacks, with those of its ``inner`` attribute: the 1.x SDK returned
    that inner object (``batch.id`` for ``batch.job.id``)."""
    view = _view_class(model, inner)
    parse = call.parse

    def parse_view(response: httpx.Response, strict: bool) -> Any:
        result = parse(response, strict)
        if not isinstance(result, model):
            return result
        return (view.from_dict if strict else view.from_response)(result.to_dict())

    return call.evolve(parse=parse_view)
