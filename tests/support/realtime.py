"""Realtime sessions on a fresh client of either kind against the local ``RealtimeServer``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from together import AsyncTogether, Together

from . import API_KEY
from .wsserver import RealtimeServer

# (method, positional arguments[, keyword arguments])
Step = tuple[str, tuple[Any, ...]] | tuple[str, tuple[Any, ...], dict[str, Any]]


def speech(**params: Any) -> Callable[[Any], Any]:
    return lambda client: client.audio.speech.connect(**params)


def text(*texts: str) -> list[Step]:
    return [*(("send_text", (t,)) for t in texts), ("commit", ())]


async def talk(
    flavor: str,
    server: RealtimeServer,
    open_session: Callable[[Any], Any],
    steps: list[Step],
    read: str = "events",
    **settings: Any,
) -> Any:
    """Open a session on a fresh client, send ``steps`` (method name, arguments), then
    read: "events" (all of them), "audio" (iter_audio, joined), "text" (iter_text) or
    "transcript"."""
    settings = {"api_key": API_KEY, "base_url": server.base_url(), "timeout": 5, **settings}
    if flavor == "sync":
        with Together(**settings) as client, open_session(client) as session:
            for name, args, *kwargs in steps:
                getattr(session, name)(*args, **(kwargs[0] if kwargs else {}))
            if read == "events":
                return list(session)
            if read == "audio":
                return b"".join(session.iter_audio())
            if read == "text":
                return list(session.iter_text())
            return session.transcript()
    async with AsyncTogether(**settings) as aclient, open_session(aclient) as asession:
        for name, args, *kwargs in steps:
            await getattr(asession, name)(*args, **(kwargs[0] if kwargs else {}))
        if read == "events":
            return [event async for event in asession]
        if read == "audio":
            return b"".join([chunk async for chunk in asession.iter_audio()])
        if read == "text":
            return [piece async for piece in asession.iter_text()]
        return await asession.transcript()
