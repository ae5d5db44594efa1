"""Scenario 3 without sockets: a small chat call over ``httpx.MockTransport``, ours against
raw httpx ``post`` + ``json.loads``, in one process.

    python -m tests.bench.in_memory [--rounds N] [--block N]     # one run, as make bench does

Over loopback (scenario 3) the socket work of httpx is most of a call, so the client's own
cost is diluted; here both sides get the same answer from memory (the bench server's chat
body, tests/bench/payloads.py) through the same handler, and what is left is the client.
The two take turns block by block (BLOCK calls each, ROUNDS rounds after a warm-up), so
that machine noise hits them alike; each side's value is its median block, per call, in
CPU seconds. ``run`` prints one ``RESULT`` line with the four figures (``ours``, ``httpx``,
``ours-async``, ``httpx-async``) for tests/bench/run.py.

``workload`` is also what tests/bench/instructions.py counts under callgrind.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from . import payloads

BASE = "http://bench.invalid/v1"
KEY = "bench-key"
MESSAGES = [{"role": "user", "content": "Say hello"}]
ROUNDS = 21
BLOCK = 200
WARMUP = 200


def _handler() -> Callable[[httpx.Request], httpx.Response]:
    body = payloads.dumps(payloads.chat_completion())
    headers = {"content-type": "application/json", "x-request-id": "bench"}

    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=headers, content=body)

    return handle


def clients(is_async: bool) -> tuple[Any, Any]:
    """(ours, raw): ours over an httpx client of its own transport, raw httpx carrying the
    key and base URL as a user of httpx would set them once."""
    import together

    transport = httpx.MockTransport(_handler())
    auth = {"Authorization": "Bearer " + KEY}
    if is_async:
        ours: Any = together.AsyncTogether(
            api_key=KEY, base_url=BASE, http_client=httpx.AsyncClient(transport=transport)
        )
        raw: Any = httpx.AsyncClient(base_url=BASE, headers=auth, transport=transport)
    else:
        ours = together.Together(
            api_key=KEY, base_url=BASE, http_client=httpx.Client(transport=transport)
        )
        raw = httpx.Client(base_url=BASE, headers=auth, transport=transport)
    return ours, raw


def calls(is_async: bool) -> tuple[Callable[[], Any], Callable[[], Any]]:
    """One small chat call each way: (ours, raw), both returning the reply's text."""
    ours, raw = clients(is_async)
    body = {"model": payloads.MODEL, "messages": MESSAGES, "max_tokens": 32}

    if is_async:

        async def ours_async() -> Any:
            reply = await ours.chat.completions.create(
                model=payloads.MODEL, messages=MESSAGES, max_tokens=32
            )
            return reply.choices[0].message.content

        async def raw_async() -> Any:
            r = await raw.post("/chat/completions", json=body)
            if r.status_code != 200:
                raise RuntimeError(r.status_code)
            return json.loads(r.content)["choices"][0]["message"]["content"]

        return ours_async, raw_async

    def ours_sync() -> Any:
        reply = ours.chat.completions.create(model=payloads.MODEL, messages=MESSAGES, max_tokens=32)
        return reply.choices[0].message.content

    def raw_sync() -> Any:
        r = raw.post("/chat/completions", json=body)
        if r.status_code != 200:
            raise RuntimeError(r.status_code)
        return json.loads(r.content)["choices"][0]["message"]["content"]

    return ours_sync, raw_sync


def workload(lib: str, flavor: str, count: int) -> None:
    """``count`` calls of one side (``ours`` or ``httpx``), after checking one reply."""
    is_async = flavor == "async"
    ours, raw = calls(is_async)
    call = ours if lib == "ours" else raw

    async def go_async() -> None:
        _expect(await call())
        for _ in range(count):
            await call()

    if is_async:
        asyncio.run(go_async())
    else:
        _expect(call())
        for _ in range(count):
            call()


def _expect(reply: Any) -> None:
    if reply != payloads.REPLY:
        raise AssertionError(f"reply {reply!r}, expected {payloads.REPLY!r}")


def _timed_sync(call: Callable[[], Any], n: int) -> float:
    start = time.process_time()
    for _ in range(n):
        call()
    return (time.process_time() - start) / n


async def _timed_async(call: Callable[[], Awaitable[Any]], n: int) -> float:
    start = time.process_time()
    for _ in range(n):
        await call()
    return (time.process_time() - start) / n


def measure(flavor: str, rounds: int, block: int) -> dict[str, list[float]]:
    """Per-call CPU seconds of each side's blocks: ``{"ours": [...], "httpx": [...]}``,
    the two taking turns (who goes first alternates)."""
    ours, raw = calls(flavor == "async")
    times: dict[str, list[float]] = {"ours": [], "httpx": []}
    order = [("ours", ours), ("httpx", raw)]

    async def go_async() -> None:
        for _, call in order:
            _expect(await call())
            await _timed_async(call, WARMUP)
        for i in range(rounds):
            for name, call in order if i % 2 == 0 else order[::-1]:
                times[name].append(await _timed_async(call, block))

    if flavor == "async":
        asyncio.run(go_async())
    else:
        for _, call in order:
            _expect(call())
            _timed_sync(call, WARMUP)
        for i in range(rounds):
            for name, call in order if i % 2 == 0 else order[::-1]:
                times[name].append(_timed_sync(call, block))
    return times


def run(rounds: int = ROUNDS, block: int = BLOCK) -> dict[str, Any]:
    """Both clients' figures: the median block of each side, per call (and the path of
    the ``together`` measured, as ``module``)."""
    import together

    result: dict[str, Any] = {"module": together.__file__}
    for flavor in ("sync", "async"):
        times = measure(flavor, rounds, block)
        suffix = "" if flavor == "sync" else "-async"
        for lib, values in times.items():
            result[lib + suffix] = statistics.median(values)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--block", type=int, default=BLOCK)
    args = parser.parse_args(argv)
    print("RESULT " + json.dumps(run(args.rounds, args.block)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
