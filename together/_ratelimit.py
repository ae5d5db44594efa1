"""The rate limiter a client shares with its copies (``Together(rate_limit="auto")``).

Together limits each model's requests and tokens per second, and says so on every answer:

| header                  | meaning                                    |
|-------------------------|--------------------------------------------|
| ``x-ratelimit-limit``   | requests permitted per second              |
| ``x-ratelimit-remaining``| requests left before the limit            |
| ``x-ratelimit-reset``   | seconds until the limit resets             |
| ``x-tokenlimit-limit``  | tokens permitted per second                |
| ``x-tokenlimit-remaining``| tokens left                              |

A 429 (``Retry-After``) means a caller went over; a 503 means the model is at capacity.
The limits adapt to recent successful traffic, so a steady pace beats bursts.

So, per (endpoint, model): the first request goes alone and brings the headers; then
requests leave at a steady pace, a share of the limit that starts at one half and grows to
nearly all of it (slots nobody took are made up for while ``x-ratelimit-remaining`` says
the server has room); each request books its slot (and its estimated tokens against the token
limit), so however many threads or tasks call, they leave one after another. A 429 pauses
every caller until its ``Retry-After`` and lowers the pace; a 503 lowers it more; the
pace then grows again. Without the headers, only the pauses apply.

The pause a server asks for (``retry_after``) is read here, for the transport's retries too.

Written for both clients: ``reserve`` and ``observe`` compute under a thread lock and
never wait; the transport sleeps (``time.sleep`` or ``asyncio.sleep``) for what they say.
"""

from __future__ import annotations

import email.utils
import json
import re
import threading
import time
from typing import Any, NamedTuple

import httpx

START_SHARE = 0.5  # of the limit, at first and after each cut
TOP_SHARE = 0.98  # the pace never goes past this share of the limit
GROWTH = 0.5  # share of the limit gained per second without a 429 or 503
MAX_CATCH_UP = 1.0  # seconds of slots that may go at once when the server has room
CUT_429 = 0.75  # the pace after a 429, as a share of what it was
CUT_503 = 0.5
PAUSE_WITHOUT_RETRY_AFTER = 1.0  # seconds, after a 429 or 503 that says nothing
PROBE_WAIT = 0.02  # seconds between looks while the first request is out
CHARS_PER_TOKEN = 4  # a rough estimate of a prompt's tokens from its JSON text
_TOTAL_TOKENS = re.compile(rb'"total_tokens"\s*:\s*(\d+)')


class Key(NamedTuple):
    endpoint: str
    model: str | None


class Slot(NamedTuple):
    """What ``reserve`` gives: wait ``delay`` seconds, then send (unless ``paused``
    changed meanwhile: a 429 arrived, book again)."""

    delay: float
    key: Key
    tokens: float
    paused: int
    sent: float  # when the request is to leave (monotonic clock)


def retry_after(response: httpx.Response) -> float | None:
    """The pause the server asked for, in seconds (retry-after-ms, then Retry-After)."""
    headers = response.headers
    try:
        if "retry-after-ms" in headers:
            return float(headers["retry-after-ms"]) / 1000
    except ValueError:
        pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        date = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None  # not a date either ("soon"): the usual backoff applies
    return date.timestamp() - time.time()


def _number(headers: httpx.Headers, name: str) -> float | None:
    value = headers.get(name)
    if value is None:
        return None
    try:
        number = float(value.rstrip("s"))
    except ValueError:
        return None
    return number if number >= 0 else None


def estimate_tokens(request: dict[str, Any]) -> float:
    """A request's tokens, roughly: its JSON body's length / 4, plus ``max_tokens``."""
    body = request.get("json")
    if not isinstance(body, dict):
        return 1.0
    prompt = len(json.dumps(body, default=str)) / CHARS_PER_TOKEN
    most = body.get("max_tokens")
    return prompt + (float(most) if isinstance(most, (int, float)) else 0.0)


class _Bucket:
    """One (endpoint, model)'s pace."""

    def __init__(self) -> None:
        self.limit: float | None = None  # requests per second, once a header said it
        self.token_limit: float | None = None
        self.known = False  # whether an answer came (with or without the headers)
        self.probing = False
        self.share = START_SHARE
        self.grown_at = time.monotonic()
        self.next_free = 0.0  # when the next request may leave
        # How far behind the clock next_free may be, so that slots nobody took (the
        # start, a pause of the callers) are taken at once: only while the server says
        # it has that many left.
        self.catch_up = 0.0
        self.next_token_free = 0.0
        self.paused_until = 0.0
        self.paused = 0  # how many pauses so far: a slot booked before one is stale
        self.cut_at = 0.0  # requests sent before this were sent at the old pace
        self.token_ratio = 1.0  # actual tokens / estimated, as seen lately

    def grow(self, now: float) -> None:
        self.share = min(TOP_SHARE, self.share + GROWTH * (now - self.grown_at))
        self.grown_at = now

    def cut(self, factor: float, sent: float, now: float) -> None:
        """Lower the pace, once for the requests that left at the pace that failed."""
        if sent >= self.cut_at:
            self.share = max(0.05, self.share * factor)
            self.cut_at = now
            self.grown_at = now

    def pause(self, seconds: float, now: float) -> None:
        until = now + seconds
        if until > self.paused_until:
            self.paused_until = until
            self.paused += 1
        self.next_free = max(self.next_free, until)
        self.next_token_free = max(self.next_token_free, until)


class RateLimiter:
    """Paces the requests of a client and its copies, per (endpoint, model); thread-safe,
    and shared by tasks of any event loop (it never awaits while holding its lock)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[Key, _Bucket] = {}

    def __repr__(self) -> str:
        return f"RateLimiter({len(self._buckets)} endpoint/model pairs)"

    @staticmethod
    def key(request: dict[str, Any]) -> Key:
        body = request.get("json")
        model = body.get("model") if isinstance(body, dict) else None
        return Key(f"{request.get('method', '')} {request.get('url', '')}", model)

    def reserve(self, key: Key, tokens: float) -> Slot:
        """Book the next slot for a request of ``key`` estimated at ``tokens``."""
        now = time.monotonic()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket()
            if not bucket.known:
                if bucket.probing:  # the first request is out: wait for its headers
                    return Slot(PROBE_WAIT, key, tokens, -1, now)
                bucket.probing = True
                return Slot(0.0, key, tokens, bucket.paused, now)
            start = max(now, bucket.paused_until)
            if bucket.limit is not None:
                bucket.grow(now)
                start = max(start - bucket.catch_up, bucket.next_free, bucket.paused_until)
                bucket.next_free = start + 1.0 / (bucket.limit * bucket.share)
                start = max(start, now)
            if bucket.token_limit is not None:
                start = max(start, bucket.next_token_free)
                cost = tokens * bucket.token_ratio
                bucket.next_token_free = start + cost / (bucket.token_limit * bucket.share)
            return Slot(start - now, key, tokens, bucket.paused, start)

    def stale(self, slot: Slot) -> bool:
        """Whether a pause started while ``slot`` was waiting (book again then)."""
        if slot.paused < 0:
            return True
        with self._lock:
            bucket = self._buckets[slot.key]
            return bucket.paused != slot.paused and bucket.paused_until > time.monotonic()

    def release(self, slot: Slot) -> None:
        """The request of ``slot`` got no answer (a connection error): if it was the
        first, another may now be first."""
        with self._lock:
            bucket = self._buckets.get(slot.key)
            if bucket is not None and not bucket.known:
                bucket.probing = False

    def observe(self, slot: Slot, response: httpx.Response) -> None:
        """Learn from the answer to the request of ``slot``."""
        headers = response.headers
        now = time.monotonic()
        status = response.status_code
        with self._lock:
            bucket = self._buckets[slot.key]
            bucket.known = True
            bucket.probing = False
            limit = _number(headers, "x-ratelimit-limit")
            if limit:
                if bucket.limit is None:
                    bucket.grown_at = now
                bucket.limit = limit
            token_limit = _number(headers, "x-tokenlimit-limit")
            if token_limit:
                bucket.token_limit = token_limit
            if status == 429 or status == 503:
                bucket.catch_up = 0.0
                asked = retry_after(response)
                wait = asked if asked is not None and asked >= 0 else PAUSE_WITHOUT_RETRY_AFTER
                bucket.pause(min(wait, 60.0), now)
                bucket.cut(CUT_429 if status == 429 else CUT_503, slot.sent, now)
                return
            remaining = _number(headers, "x-ratelimit-remaining")
            reset = _number(headers, "x-ratelimit-reset")
            if remaining is not None and bucket.limit:
                spare = max(remaining - 2, 0) / bucket.limit  # (2: others in flight)
                bucket.catch_up = min(spare, MAX_CATCH_UP)
            if remaining is not None and remaining < 1 and reset:
                bucket.pause(min(reset, 60.0), now)  # none left: wait for the reset
            token_remaining = _number(headers, "x-tokenlimit-remaining")
            if token_remaining is not None and token_remaining < 1 and reset:
                bucket.pause(min(reset, 60.0), now)
            if bucket.token_limit is not None and slot.tokens > 0 and response.is_success:
                used = _used_tokens(response)
                if used is not None:
                    seen = used / slot.tokens
                    bucket.token_ratio = 0.8 * bucket.token_ratio + 0.2 * seen


def _used_tokens(response: httpx.Response) -> int | None:
    """``usage.total_tokens`` of a JSON answer already read (None for a stream)."""
    try:
        content = response.content
    except httpx.ResponseNotRead:
        return None
    match = _TOTAL_TOKENS.search(content[-2048:])
    return int(match.group(1)) if match else None


def wait_slot(limiter: RateLimiter, request: dict[str, Any]) -> Slot:
    """Blocks until the request may leave; its slot, for ``observe``."""
    key, tokens = limiter.key(request), estimate_tokens(request)
    while True:
        slot = limiter.reserve(key, tokens)
        if slot.delay > 0:
            time.sleep(slot.delay)
        if not limiter.stale(slot):
            return slot


async def await_slot(limiter: RateLimiter, request: dict[str, Any]) -> Slot:
    """As ``wait_slot``, for a task."""
    import asyncio

    key, tokens = limiter.key(request), estimate_tokens(request)
    while True:
        slot = limiter.reserve(key, tokens)
        if slot.delay > 0:
            await asyncio.sleep(slot.delay)
        if not limiter.stale(slot):
            return slot
