"""A loopback chat-completions server that enforces a rate limit, as Together's API does:
a token bucket of ``rate`` requests per second holding at most ``burst``.

Every answer carries ``x-ratelimit-limit`` (``rate``), ``x-ratelimit-remaining`` (whole
tokens left) and ``x-ratelimit-reset`` (seconds until the bucket is full again); with
``token_rate``, ``x-tokenlimit-limit`` / ``-remaining`` too (tokens: what the answer's
``usage`` says). A request over the limit gets 429 with ``Retry-After`` (whole seconds,
as HTTP has it, at least 1) and ``error_type`` ``dynamic_request_limited``.

A request answered 200 echoes its last message (``echo: <content>``) after ``latency``
seconds; one whose content holds ``please-fail`` gets a 400. ``counts`` has how many
requests each content got (429s included), ``keys`` the Idempotency-Key of each, and
``sent`` / ``limited`` the totals, ``connections`` how many connections clients opened.

    python -m tests.support.ratelimitserver RATE BURST [LATENCY]   # prints "PORT n"; stdin closes it
"""

from __future__ import annotations

import asyncio
import json
import math
import sys
import threading
import time
from collections import Counter
from typing import Any


class Bucket:
    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens = burst
        self.at = time.monotonic()

    def refill(self) -> float:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        return now

    def take(self, cost: float = 1.0) -> bool:
        self.refill()
        if self.tokens >= cost:
            self.tokens -= cost
            return True
        return False


class RateLimitedServer:
    def __init__(
        self,
        rate: float,
        burst: float,
        latency: float = 0.0,
        token_rate: float | None = None,
    ) -> None:
        self.requests = Bucket(rate, burst)
        self.token_bucket = None if token_rate is None else Bucket(token_rate, token_rate)
        self.latency = latency
        self.counts: Counter[str] = Counter()
        self.keys: dict[str, list[str]] = {}
        self.sent = 0
        self.limited = 0
        self.answered = 0  # with a 200
        self.connections = 0  # opened by clients
        self.unavailable_next = 0  # the next N requests get a 503 (model at capacity)
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None

    # -- the answer to one request ---------------------------------------------------------
    def answer(self, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        self.sent += 1
        try:
            request = json.loads(body)
            content = str(request["messages"][-1]["content"])
        except (ValueError, KeyError, TypeError, IndexError):
            return 400, {}, b'{"error": {"message": "bad body"}}'
        self.counts[content] += 1
        self.keys.setdefault(content, []).append(headers.get("idempotency-key", ""))
        rate = self.requests.rate
        out = {"x-ratelimit-limit": f"{rate:g}"}
        if self.unavailable_next > 0:
            self.unavailable_next -= 1
            return 503, out, b'{"error": {"message": "model at capacity"}}'
        if not self.requests.take():
            self.limited += 1
            wait = (1 - self.requests.tokens) / rate
            out["retry-after"] = str(max(1, math.ceil(wait)))
            out["x-ratelimit-remaining"] = "0"
            out["x-ratelimit-reset"] = f"{wait:.3f}"
            error = {"message": "rate limited", "type": "dynamic_request_limited"}
            return 429, out, json.dumps({"error": error, "error_type": error["type"]}).encode()
        out["x-ratelimit-remaining"] = str(int(self.requests.tokens))
        out["x-ratelimit-reset"] = f"{(self.requests.burst - self.requests.tokens) / rate:.3f}"
        used = len(body) // 4 + 8
        if self.token_bucket is not None:
            self.token_bucket.take(0)
            self.token_bucket.tokens -= used
            out["x-tokenlimit-limit"] = f"{self.token_bucket.rate:g}"
            out["x-tokenlimit-remaining"] = str(max(0, int(self.token_bucket.tokens)))
        if "please-fail" in content:
            return 400, out, b'{"error": {"message": "you asked for it"}}'
        reply = {
            "id": "cmpl-1",
            "object": "chat.completion",
            "created": 1,
            "model": request.get("model", "m"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": f"echo: {content}"},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": used - 8, "completion_tokens": 8, "total_tokens": used},
        }
        self.answered += 1
        return 200, out, json.dumps(reply).encode()

    # -- HTTP/1.1 with keep-alive, on asyncio streams ----------------------------------------
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        name, _, value = line.partition(":")
                        headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                status, extra, payload = self.answer(body, headers)
                if status == 200 and self.latency:
                    await asyncio.sleep(self.latency)
                reason = {200: "OK", 400: "Bad Request", 429: "Too Many Requests"}.get(
                    status, "Service Unavailable"
                )
                out = [f"HTTP/1.1 {status} {reason}", "content-type: application/json"]
                out += [f"{k}: {v}" for k, v in extra.items()]
                out.append(f"content-length: {len(payload)}")
                writer.write(("\r\n".join(out) + "\r\n\r\n").encode() + payload)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()  # (cancelled when the server stops: the loop closes it)

    async def start_async(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0, backlog=4096)
        self.port = self._server.sockets[0].getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    # -- in a thread (tests) --------------------------------------------------------------------
    def start(self) -> RateLimitedServer:
        ready = threading.Event()

        def serve() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(self.start_async())
            ready.set()
            self._loop.run_forever()
            # Stopped: end the connections' handlers while the loop can still run them.
            tasks = asyncio.all_tasks(self._loop)
            for task in tasks:
                task.cancel()
            if tasks:
                done = asyncio.wait(tasks)
                self._loop.run_until_complete(done)
            self._loop.close()

        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        if self._loop is not None and self._server is not None:
            self._loop.call_soon_threadsafe(self._server.close)
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    def reset_counts(self) -> None:
        self.counts.clear()
        self.keys.clear()
        self.sent = self.limited = self.answered = 0


def stats_line(server: RateLimitedServer) -> str:
    return json.dumps({"sent": server.sent, "limited": server.limited, "answered": server.answered})


async def _main(argv: list[str]) -> None:
    rate, burst = float(argv[0]), float(argv[1])
    latency = float(argv[2]) if len(argv) > 2 else 0.0
    server = RateLimitedServer(rate, burst, latency)
    await server.start_async()
    print(f"PORT {server.port}", flush=True)
    loop = asyncio.get_running_loop()
    # Each line read on stdin ("stats", "reset") is answered with the counts; EOF stops.
    while True:
        line: Any = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
        if line.strip() == "reset":
            server.requests = Bucket(rate, burst)
            server.reset_counts()
        print("STATS " + stats_line(server), flush=True)


if __name__ == "__main__":
    asyncio.run(_main(sys.argv[1:]))
