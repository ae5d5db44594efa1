"""A client of either kind ("sync": ``Together``, "async": ``AsyncTogether``) and calls
written once for both: a test parametrized over the kind awaits what the async client
returns and takes what the sync one returns as it is."""

from __future__ import annotations

import inspect
import operator
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from together import AsyncTogether, Together
from together._streaming import AsyncStream, Stream

from . import API_KEY

Action = Callable[[Any], Any]


async def run(flavor: str, base_url: str, action: Action, **settings: Any) -> Any:
    """``action(client)`` on a fresh sync or async client; a stream is read to the end
    (into a list) before the client closes."""
    async with open_client(flavor, base_url, **settings) as client:
        result = await done(action(client))  # an action written once for both clients
        if isinstance(result, Stream):
            return list(result)
        if isinstance(result, AsyncStream):
            return [c async for c in result]
        return result


async def outcome(flavor: str, value: Any) -> Any:
    """What a method call gives: as it is (sync client) or awaited (async client)."""
    return value if flavor == "sync" else await value


@asynccontextmanager
async def open_client(flavor: str, base_url: str, **settings: Any) -> AsyncIterator[Any]:
    """A ``Together`` (flavor "sync") or ``AsyncTogether`` (flavor "async") on the test
    server: no retries and a 5 s timeout unless ``settings`` say otherwise."""
    settings = {
        "api_key": API_KEY,
        "base_url": base_url,
        "max_retries": 0,
        "timeout": 5,
        **settings,
    }
    if flavor == "sync":
        with Together(**settings) as client:
            yield client
    else:
        async with AsyncTogether(**settings) as aclient:
            yield aclient


async def call(client: Any, method: str, /, *args: Any, **kwargs: Any) -> Any:
    """``client.<method>(...)`` for a dotted method name, awaited on the async client."""
    result = operator.attrgetter(method)(client)(*args, **kwargs)
    return await result if isinstance(client, AsyncTogether) else result


async def call_stream(
    client: Any, method: str, /, into: list[Any] | None = None, **kwargs: Any
) -> list[Any]:
    """Call ``method`` with ``stream=True`` and read every chunk inside the stream's context
    manager. Chunks are appended to ``into`` as they arrive, so a test can see the ones
    delivered before an error."""
    chunks = [] if into is None else into
    stream = await call(client, method, stream=True, **kwargs)
    if isinstance(client, AsyncTogether):
        async with stream:
            async for chunk in stream:
                chunks.append(chunk)
    else:
        with stream:
            for chunk in stream:
                chunks.append(chunk)
    return chunks


async def done(value: Any) -> Any:
    """``value`` as the sync client gives it: awaited on the async client."""
    return await value if inspect.isawaitable(value) else value


@asynccontextmanager
async def opened(flavor: str, manager: Any) -> AsyncIterator[Any]:
    """Enter a with_streaming_response context manager as the client's kind wants."""
    if flavor == "sync":
        with manager as response:
            yield response
    else:
        async with manager as response:
            yield response
