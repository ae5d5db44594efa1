"""``DefaultAioHttpClient``: the async client's requests over aiohttp instead of httpcore.

For many concurrent requests aiohttp's connection pool is faster than httpx's. The
adapter is the ``httpx-aiohttp`` package (an httpx transport over an aiohttp session),
installed with ``pip install 'together-client[aiohttp]'``; ``import together`` never
imports it. Everything above the transport is unchanged: retries, deadline, errors,
streaming and timeouts are the client's own.
"""

from __future__ import annotations

from typing import Any

import httpx

from ._config import DEFAULT_TIMEOUT

# More than httpx's default 100/20: this client is for many requests at once.
DEFAULT_LIMITS = httpx.Limits(max_connections=1000, max_keepalive_connections=100)
_MISSING = (
    "DefaultAioHttpClient needs aiohttp and httpx-aiohttp: pip install 'together-client[aiohttp]'"
)


def _adapter() -> Any:
    try:
        import httpx_aiohttp
    except ImportError as exc:
        raise RuntimeError(_MISSING) from exc
    return httpx_aiohttp


class _Errors(httpx.AsyncBaseTransport):
    """The adapter's transport, with what it names loosely mapped as httpx would: a
    server that closed or reset the connection is a RemoteProtocolError or a ReadError
    (the adapter says ConnectTimeout), so that the client retries and reports it as it
    does on httpx."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        import aiohttp

        try:
            return await self.inner.handle_async_request(request)
        except httpx.ConnectTimeout as exc:
            cause = exc.__cause__
            if isinstance(cause, aiohttp.ServerDisconnectedError):
                raise httpx.RemoteProtocolError(str(cause), request=request) from cause
            if isinstance(cause, aiohttp.ClientOSError):
                raise httpx.ReadError(str(cause), request=request) from cause
            raise

    async def aclose(self) -> None:
        await self.inner.aclose()


class DefaultAioHttpClient(httpx.AsyncClient):
    """An ``httpx.AsyncClient`` that sends over aiohttp, for
    ``AsyncTogether(http_client=DefaultAioHttpClient())``. The AsyncTogether it is given to
    owns it and closes it with itself (and its copies). It takes httpx.AsyncClient's
    arguments; by default this library's timeout, up to 1000 connections, redirects
    followed. Like any aiohttp session it belongs to the event loop it was first used on.
    Raises RuntimeError when aiohttp or httpx-aiohttp is not installed."""

    # AsyncTogether closes it with itself, unlike a user's own http_client.
    _owned_by_together = True

    def __init__(self, **kwargs: Any) -> None:
        self._adapter = _adapter()
        kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
        kwargs.setdefault("limits", DEFAULT_LIMITS)
        kwargs.setdefault("follow_redirects", True)
        super().__init__(**kwargs)

    def _init_transport(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("transport") is not None:  # the user's own
            return kwargs["transport"]
        return _Errors(self._adapter.HttpxAiohttpClient._init_transport(self, *args, **kwargs))

    def _init_proxy_transport(self, *args: Any, **kwargs: Any) -> Any:
        inner = self._adapter.HttpxAiohttpClient._init_proxy_transport(self, *args, **kwargs)
        return _Errors(inner)
