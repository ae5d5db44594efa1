"""``rate_limit="auto"``: one limiter for a client and its copies, paced by the
rate-limit headers of a real local server that enforces a token bucket
(tests/support/ratelimitserver.py)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from together import AsyncTogether, Together
from together._ratelimit import RateLimiter

from .support.ratelimitserver import RateLimitedServer

MODEL = "m"


@pytest.fixture
def server() -> Iterator[RateLimitedServer]:
    srv = RateLimitedServer(rate=100, burst=10).start()
    yield srv
    srv.stop()


def ask(client: Together, n: int) -> str:
    reply = client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": f"q{n}"}]
    )
    return str(reply.choices[0].message.content)


async def aask(client: AsyncTogether, n: int) -> str:
    reply = await client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": f"q{n}"}]
    )
    return str(reply.choices[0].message.content)


def test_concurrent_tasks_stay_under_the_limit(server: RateLimitedServer) -> None:
    async def main() -> list[str]:
        async with AsyncTogether(api_key="k", base_url=server.url, rate_limit="auto") as c:
            return await asyncio.gather(*(aask(c, n) for n in range(150)))

    started = time.monotonic()
    answers = asyncio.run(main())
    elapsed = time.monotonic() - started
    assert answers == [f"echo: q{n}" for n in range(150)]
    assert server.limited <= 3  # of 150
    assert elapsed >= (150 - 10) / 100 * 0.9  # not faster than the bucket allows


def test_without_the_limiter_the_same_burst_is_refused_often(server: RateLimitedServer) -> None:
    async def main() -> None:
        async with AsyncTogether(api_key="k", base_url=server.url, max_retries=0) as c:
            await asyncio.gather(*(aask(c, n) for n in range(150)), return_exceptions=True)

    asyncio.run(main())
    assert server.limited > 50


def test_threads_of_the_sync_client_share_one_pace(server: RateLimitedServer) -> None:
    answers: list[str] = []
    with Together(api_key="k", base_url=server.url, rate_limit="auto") as client:

        def work(start: int) -> None:
            for n in range(start, start + 15):
                answers.append(ask(client, n))

        threads = [threading.Thread(target=work, args=(i * 15,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sorted(answers) == sorted(f"echo: q{n}" for n in range(120))
    assert server.limited <= 3


def test_copies_share_the_limiter_and_can_turn_it_off() -> None:
    client = Together(api_key="k", base_url="http://127.0.0.1:9/v1", rate_limit="auto")
    copy = client.with_options(timeout=5)
    assert copy._transport.limiter is client._transport.limiter is not None
    assert copy.rate_limit == "auto"
    off = client.with_options(rate_limit=None)
    assert off._transport.limiter is None and off.rate_limit is None
    again = off.with_options(rate_limit="auto")
    assert again._transport.limiter is not None
    assert Together(api_key="k").rate_limit is None


def test_a_bad_rate_limit_names_the_setting() -> None:
    with pytest.raises(ValueError, match="rate_limit"):
        Together(api_key="k", rate_limit="fast")  # type: ignore[arg-type]


def _answer(status: int, **headers: str) -> httpx.Response:
    return httpx.Response(status, headers=headers, content=b"{}")


def _reserved_after(limiter: RateLimiter, status: int, **headers: str) -> float:
    """The wait another caller of the same endpoint and model is given after the first
    request got ``status`` with ``headers``."""
    request = {"method": "post", "url": "/chat/completions", "json": {"model": MODEL}}
    key = limiter.key(request)
    first = limiter.reserve(key, 1.0)
    limiter.observe(first, _answer(status, **headers))
    return limiter.reserve(key, 1.0).delay


def test_a_429_pauses_every_caller_for_its_retry_after() -> None:
    assert _reserved_after(RateLimiter(), 429, **{"retry-after": "2"}) == pytest.approx(2, abs=0.1)


def test_a_503_pauses_too_and_slows_the_pace() -> None:
    limiter = RateLimiter()
    assert _reserved_after(limiter, 503, **{"x-ratelimit-limit": "10"}) >= 0.9
    (bucket,) = limiter._buckets.values()
    assert bucket.share < 0.5


def test_the_pace_starts_below_the_limit_and_grows() -> None:
    limiter = RateLimiter()
    request = {"method": "post", "url": "/chat/completions", "json": {"model": MODEL}}
    key = limiter.key(request)
    limiter.observe(limiter.reserve(key, 1), _answer(200, **{"x-ratelimit-limit": "100"}))
    first = [limiter.reserve(key, 1).sent for _ in range(2)]
    assert first[1] - first[0] == pytest.approx(1 / 50, rel=0.1)  # half the limit
    (bucket,) = limiter._buckets.values()
    bucket.grown_at -= 10  # ten seconds later, without a 429
    later = [limiter.reserve(key, 1).sent for _ in range(2)]
    assert later[1] - later[0] == pytest.approx(1 / 98, rel=0.1)


def test_models_have_their_own_pace() -> None:
    limiter = RateLimiter()
    a = {"method": "post", "url": "/chat/completions", "json": {"model": "a"}}
    b = {"method": "post", "url": "/chat/completions", "json": {"model": "b"}}
    slot = limiter.reserve(limiter.key(a), 1)
    limiter.observe(slot, _answer(429, **{"retry-after": "5"}))
    assert limiter.reserve(limiter.key(b), 1).delay == 0


def test_the_token_limit_paces_large_requests(server: RateLimitedServer) -> None:
    limiter = RateLimiter()
    request = {"method": "post", "url": "/x", "json": {"model": MODEL, "max_tokens": 50}}
    key = limiter.key(request)
    headers = {"x-ratelimit-limit": "1000", "x-tokenlimit-limit": "100"}
    limiter.observe(limiter.reserve(key, 50), _answer(200, **headers))
    slots = [limiter.reserve(key, 50).sent for _ in range(2)]
    # 50 tokens at half of 100 tokens per second: one second apart, not 1/500 s
    assert slots[1] - slots[0] == pytest.approx(1.0, rel=0.1)
