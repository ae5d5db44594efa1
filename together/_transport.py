"""The one path every request takes: build → send with retries → check status → parse.

Everything here is sans-I/O except ``SyncTransport.send`` / ``AsyncTransport.send``, the
only two functions that differ between the clients.
"""

from __future__ import annotations

import copy
import logging
import os
import random
import threading
import time
import weakref
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from typing import Any, Generic, TypedDict, TypeVar

import httpx

from ._config import (
    RetryInfo,
    Settings,
    TimeoutTypes,
    parse_deadline,
    parse_headers,
    parse_max_retries,
    parse_timeout,
)
from ._errors import (
    APIError,
    APITimeoutError,
    connection_error,
    result_error,
    status_error,
    too_deep_error,
    too_large_error,
    undecodable_error,
)
from ._json import too_deep
from ._ratelimit import RateLimiter, await_slot, retry_after, wait_slot

T = TypeVar("T")

log = logging.getLogger("together")

INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
# A server asking for a longer pause than this is not waited for (it is retried after
# MAX_RETRY_DELAY-style backoff instead): nobody wants a call to hang for minutes.
MAX_RETRY_AFTER = 60.0
RETRY_STATUSES = frozenset({408, 409, 429})
IDEMPOTENCY_HEADER = "Idempotency-Key"
# Only these can create something twice when a retry follows a request the server did get.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CallOptions(TypedDict, total=False):
    """Per-call options every method accepts. ``timeout=None`` (``deadline=None``) turns
    the timeout (the deadline) off for the call; leaving it out uses the client's."""

    timeout: TimeoutTypes | None
    max_retries: int | None
    deadline: float | None
    extra_headers: Mapping[str, str] | None
    extra_query: Mapping[str, object] | None
    extra_body: Mapping[str, object] | None


OPTION_NAMES = frozenset(CallOptions.__annotations__)


def split_options(params: dict[str, Any]) -> tuple[dict[str, Any], CallOptions]:
    """Separate per-call options from API fields (in place: ``params`` keeps the fields)."""
    options: CallOptions = {}
    for name in OPTION_NAMES.intersection(params):
        options[name] = params.pop(name)  # type: ignore[literal-required]
    return params, options


class Call(Generic[T]):
    """What one method call will do: the request (from the generated endpoint's
    ``_get_kwargs``) and how to turn the response into the result. ``parse`` and
    ``stream`` are given the response and whether the client reads responses strictly
    (``strict_responses``). ``raw``, when set, is given the successful response (its body
    read unless the call streams) and the number of retries taken, and its result is the
    call's: how ``with_raw_response`` and ``with_streaming_response`` see the response."""

    __slots__ = ("options", "parse", "raw", "request", "stream")

    def __init__(
        self,
        request: dict[str, Any],
        parse: Callable[[httpx.Response, bool], T],
        options: CallOptions | None = None,
        stream: Callable[[httpx.Response, bool], Any] | None = None,
        raw: Callable[[httpx.Response, int], Any] | None = None,
    ) -> None:
        self.request = request
        self.parse = parse
        self.options: CallOptions = {} if options is None else options
        # For streaming calls: wraps the still-open successful response (SSE or raw bytes).
        self.stream = stream
        self.raw = raw

    def evolve(self, **changes: Any) -> Call[Any]:
        """A copy with some attributes changed."""
        fields = {name: getattr(self, name) for name in self.__slots__}
        fields.update(changes)
        return Call(**fields)


class _AsyncOnly:
    """The async view of a body that can be read either way (an upload's multipart body):
    httpx takes anything iterable as a sync body, which an AsyncClient refuses."""

    def __init__(self, body: Any) -> None:
        self._body = body

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._body.__aiter__()  # type: ignore[no-any-return]


def _async_body(content: Any) -> Any:
    if hasattr(content, "__aiter__") and hasattr(content, "__iter__"):
        return _AsyncOnly(content)
    return content


def build_request(
    client: httpx.Client | httpx.AsyncClient,
    settings: Settings,
    base_headers: dict[str, str],
    default_timeout: Any,
    call: Call[Any],
    keyed: bool = False,
    merged_headers: httpx.Headers | None = None,
) -> httpx.Request:
    """The httpx request of ``call``. ``keyed``: the client's own headers already carry
    an Idempotency-Key. ``merged_headers``: the client's headers with ``base_headers`` on
    top, when the client adds nothing else to a request (see ``_Transport.build``): the
    request is then made here, as ``client.build_request`` would make it, without merging
    the same headers again on every call."""
    kwargs = dict(call.request)
    options = call.options
    # This call's own headers: what the operation sets, then extra_headers.
    headers: dict[str, str] = kwargs.pop("headers", None) or {}
    names: set[str] = set()
    if options.get("extra_headers"):
        # Checked as default_headers are: a line break would otherwise reach the socket
        # layer and come back as a connection error after pointless retries.
        extra = dict(parse_headers(options["extra_headers"], "extra_headers"))
        # Header names ignore case: an override in another casing replaces, not doubles.
        names = {name.lower() for name in extra}
        headers = {k: v for k, v in headers.items() if k.lower() not in names}
        headers.update(extra)
        keyed = keyed or IDEMPOTENCY_HEADER.lower() in names
    if "content" in kwargs and isinstance(client, httpx.AsyncClient):
        kwargs["content"] = _async_body(kwargs["content"])
    method = kwargs.pop("method")
    if not keyed and method.upper() not in IDEMPOTENT_METHODS:
        # One key per call: retries resend this very request, so the server sees the same
        # key on each attempt and can drop a duplicate (a second chat completion or job).
        headers = {**headers, IDEMPOTENCY_HEADER: "together-client-" + os.urandom(16).hex()}
    params = kwargs.pop("params", None)
    if options.get("extra_query"):
        params = {**(params or {}), **(options["extra_query"] or {})}
    if params:
        params = {k: v for k, v in params.items() if v is not None}
    if options.get("extra_body"):
        body = kwargs.get("json")
        if body is not None and not isinstance(body, dict):
            raise TypeError("extra_body can only be used with a JSON object body")
        kwargs["json"] = {**(body or {}), **(options["extra_body"] or {})}
    # Absent, not None, means "the client's timeout": None is an explicit "no timeout".
    timeout = parse_timeout(options["timeout"], "timeout") if "timeout" in options else None
    if timeout is None:
        timeout = default_timeout
    url = parsed_url(settings.base_url + kwargs.pop("url"))
    if merged_headers is None or "files" in kwargs:
        every = {k: v for k, v in base_headers.items() if k.lower() not in names}
        every.update(headers)
        if "files" in kwargs:  # multipart: httpx sets the boundary itself
            every.pop("Content-Type", None)
        return client.build_request(
            method, url, params=params or None, headers=every, timeout=timeout, **kwargs
        )
    # What client.build_request would make, less the merging and parsing done already.
    if headers:
        merged_headers = httpx.Headers(merged_headers)
        merged_headers.update(headers)  # (replacing the client's and ours, in any casing)
    if timeout is httpx.USE_CLIENT_DEFAULT:
        timeout = client.timeout
    return httpx.Request(
        method,
        url,
        params=params or None,
        headers=merged_headers,
        extensions={"timeout": timeout.as_dict()},
        **kwargs,
    )


# Each URL requested, parsed: parsing one costs about as much as the rest of building a
# request. Bounded (ids in paths make URLs many), and emptied when full.
_URLS: dict[str, httpx.URL] = {}
_MAX_URLS = 512


def parsed_url(text: str) -> httpx.URL:
    url = _URLS.get(text)
    if url is None:
        if len(_URLS) >= _MAX_URLS:
            _URLS.clear()
        url = _URLS[text] = httpx.URL(text)
    return url


def should_retry(response: httpx.Response) -> bool:
    header: str | None = response.headers.get("x-should-retry")
    if header in ("true", "false"):
        return header == "true"
    status: int = response.status_code
    return status in RETRY_STATUSES or status >= 500


def retry_delay(attempt: int, response: httpx.Response | None) -> float:
    """Seconds to wait before retry number ``attempt`` (1-based)."""
    if response is not None:
        asked = retry_after(response)
        if asked is not None and 0 <= asked <= MAX_RETRY_AFTER:
            return asked
    # The exponent is capped: 2.0 ** 1024 overflows a float, and the cap is reached long
    # before (a client may allow thousands of retries).
    delay: float = min(INITIAL_RETRY_DELAY * 2.0 ** min(attempt - 1, 64), MAX_RETRY_DELAY)
    return delay * (1 - 0.25 * random.random())  # jitter: spread out clients that failed together


# Transport errors raised before anything reached the network: retrying can't help, and
# they are the caller's (or the environment's) to fix, so they propagate as they are
# (unless a redirect, which is the server's doing, led there).
LOCAL_ERRORS = (httpx.LocalProtocolError, httpx.UnsupportedProtocol)


def max_retries_for(settings: Settings, call: Call[Any]) -> int:
    override = call.options.get("max_retries")
    return settings.max_retries if override is None else parse_max_retries(override, "max_retries")


def deadline_for(settings: Settings, call: Call[Any]) -> float | None:
    if "deadline" in call.options:  # None here turns the client's deadline off
        return parse_deadline(call.options["deadline"], "deadline")
    return settings.deadline


class _DeadlineStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body that raises ReadTimeout once the call's deadline has passed: the
    read timeout bounds each read, so a server dripping bytes would never trip it."""

    def __init__(self, stream: Any, deadline: float) -> None:
        self.stream = stream
        self.deadline = deadline

    def _check(self) -> None:
        if time.monotonic() >= self.deadline:
            raise httpx.ReadTimeout("the call's deadline passed while reading the response")

    def __iter__(self) -> Iterator[bytes]:
        for part in self.stream:
            self._check()
            yield part

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for part in self.stream:
            self._check()
            yield part

    def close(self) -> None:
        self.stream.close()

    async def aclose(self) -> None:
        await self.stream.aclose()


class _Attempts:
    """Retry bookkeeping shared by both transports: decides, they sleep and send."""

    def __init__(self, settings: Settings, call: Call[Any], request: httpx.Request) -> None:
        self.request = request
        self.limit = max_retries_for(settings, call)
        self.retries = 0
        self.started = time.monotonic()
        seconds = deadline_for(settings, call)
        self.deadline = None if seconds is None else self.started + seconds
        self.streaming = call.stream is not None
        self.timeouts: dict[str, float | None] = dict(request.extensions.get("timeout", {}))
        self.on_retry = settings.on_retry

    def _retrying(self, delay: float, status: int | None, error: Exception | None) -> float:
        """Count a retry about to happen after ``delay`` and tell ``on_retry``."""
        self.retries += 1
        if self.on_retry is not None:
            self.on_retry(RetryInfo(self.retries, delay, status, error, self.request))
        return delay

    def before_attempt(self) -> None:
        """With a deadline: raise APITimeoutError once it has passed, else cap each of this
        attempt's timeouts (connect, write, read, pool) to the time left."""
        if self.deadline is None:
            return
        left = self.deadline - time.monotonic()
        if left <= 0:
            self._log(None)
            raise APITimeoutError(self.request)
        self.request.extensions["timeout"] = {
            phase: left if value is None else min(value, left)
            for phase, value in self.timeouts.items()
        }

    def received(self, response: httpx.Response) -> None:
        """With a deadline: bound the reading of the body by it, except a successful
        stream's, which may rightly last long and gets its own timeouts back."""
        if self.deadline is None:
            return
        if self.streaming and response.is_success:
            # httpcore looks the read timeout up in this same dict when the body is first
            # iterated, so the stream reads with the timeout the user chose.
            self.request.extensions["timeout"] = self.timeouts
        else:
            response.stream = _DeadlineStream(response.stream, self.deadline)

    def _fits(self, delay: float) -> bool:
        """Whether a retry after ``delay`` would still start before the deadline."""
        return self.deadline is None or time.monotonic() + delay < self.deadline

    def after_error(self, exc: httpx.RequestError) -> float:
        """Delay before retrying a transport error; raises when retries (or the time
        before the deadline) are used up, and re-raises an error of local making (nothing
        went over the network) at once. What a redirect caused (a loop, a URL of another
        scheme) is an APIConnectionError at once: asking again would go the same way."""
        if isinstance(exc, LOCAL_ERRORS) and not self._redirected(exc):
            self._log(None)
            raise exc
        if isinstance(exc, LOCAL_ERRORS) or not isinstance(exc, httpx.TransportError):
            self._log(None)
            raise connection_error(exc, self.request) from exc
        delay = retry_delay(self.retries + 1, None)
        if self.retries >= self.limit or not self._fits(delay):
            self._log(None)
            raise connection_error(exc, self.request) from exc
        return self._retrying(delay, None, exc)

    def _redirected(self, exc: httpx.RequestError) -> bool:
        """Whether ``exc`` happened on a request a redirect made (not the one sent)."""
        try:
            failed = exc.request
        except RuntimeError:  # (an error raised without its request)
            return False
        return failed is not self.request and failed.url != self.request.url

    def unreadable(self, response: httpx.Response, exc: httpx.DecodingError) -> APIError:
        """The error for a body that can't be decoded (a corrupt gzip, ...)."""
        self._log(response)
        return undecodable_error(response, exc)

    def after_response(self, response: httpx.Response) -> float | None:
        """Delay before retrying ``response``, or None when it is the final answer (also
        when the retry could not start before the deadline)."""
        if response.is_success or self.retries >= self.limit or not should_retry(response):
            self._log(response)
            return None
        delay = retry_delay(self.retries + 1, response)
        if not self._fits(delay):
            self._log(response)
            return None
        log.info(
            "retrying %s %s after %s in %.2fs",
            self.request.method,
            self.request.url,
            response.status_code,
            delay,
        )
        return self._retrying(delay, response.status_code, None)

    def _log(self, response: httpx.Response | None) -> None:
        if log.isEnabledFor(logging.INFO):
            log.info(
                "%s %s %s %.3fs retries=%d",
                self.request.method,
                self.request.url,
                response.status_code if response is not None else "failed",
                time.monotonic() - self.started,
                self.retries,
            )


def content_of(response: httpx.Response, strict: bool = False) -> bytes:
    """A binary body as it came (never parsed as JSON)."""
    return response.content


def finish(call: Call[T], response: httpx.Response, strict: bool, base_url: str | None = None) -> T:
    """Raise for an error status (``base_url``: the client's, for the hint of a 404),
    else parse. A body that can't be read as the result (not JSON, nested too deep, JSON
    of the wrong kind; with ``strict``, anything off the spec) raises
    APIResponseValidationError holding the status and the raw body."""
    if response.status_code >= 400:
        raise status_error(response, base_url)
    if call.parse is not content_of and too_deep(response.content):
        raise too_deep_error(response)
    try:
        return call.parse(response, strict)
    except Exception as exc:
        raise result_error(response, exc) from exc


C = TypeVar("C", httpx.Client, httpx.AsyncClient)

# What a process made by fork() must not share with its parent: the pools this library
# created (and the locks of the clients sharing them). Reset once, in the child, by the
# hook below, so that no call pays for a process-id check.
_FORK_SENSITIVE: weakref.WeakSet[Any] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for item in list(_FORK_SENSITIVE):
        item._forked()


if hasattr(os, "register_at_fork"):  # (not on Windows, which has no fork)
    os.register_at_fork(after_in_child=_after_fork_in_child)


def reset_after_fork(item: Any) -> None:
    """Have ``item._forked()`` called in a child process right after a fork."""
    _FORK_SENSITIVE.add(item)


class Pool(Generic[C]):
    """A client's connection pool, created on first use: building an httpx client loads the
    TLS certificates, which would otherwise dominate the cost of constructing a client.
    Exactly one is created however many threads make their first call at once."""

    def __init__(
        self,
        factory: Callable[[], C],
        defaults: Settings | None = None,
        sized: Callable[[int], C] | None = None,
    ) -> None:
        self._factory: Callable[[], C] = factory
        # Makes the same client with room for n connections (None: a user's own client).
        self._sized: Callable[[int], C] | None = sized
        self._client: C | None = None
        self._lock = threading.Lock()
        # The settings whose headers and timeout the client was built with, when this
        # library built it (None for a user's own client).
        self.defaults = defaults
        self.loop: Any = None  # the asyncio client's: the event loop of the pool's connections
        reset_after_fork(self)

    def _forked(self) -> None:
        """In a forked child: the parent's keep-alive connections are the parent's (both
        processes writing to one socket would read each other's answers), so a pool this
        library built is dropped, without closing it (a graceful close would end the
        parent's connections too), and made anew on the next call. A user's own client is
        theirs to replace. The lock may have been held by a thread that the fork left behind."""
        self._lock = threading.Lock()
        if self.defaults is not None:
            self._client = None

    def bind(self, loop: Any) -> None:
        """Called by the asyncio client with the running event loop: connections belong to
        the loop they were opened in, and one whose loop has closed (an earlier
        ``asyncio.run``) fails with "Event loop is closed". A pool this library built is
        dropped (not closed: closing needs that loop) and made anew for ``loop``."""
        if self.loop is not loop:
            if self.loop is not None and self.defaults is not None:
                self._client = None
            self.loop = loop

    @property
    def client(self) -> C:
        client = self._client
        if client is None:
            # Locked only until the pool exists: threads racing here would each build a
            # pool, and all but the last would leak their connections (close() never sees
            # them). Checked again under the lock, as another thread may have won.
            with self._lock:
                client = self._client
                if client is None:
                    client = self._client = self._factory()
        return client

    @property
    def created(self) -> bool:
        return self._client is not None

    def resized(self, connections: int) -> Pool[C] | None:
        """A new pool like this one keeping up to ``connections`` open, or None when this
        one is a user's own http_client."""
        sized = self._sized
        if sized is None:
            return None
        return Pool(lambda: sized(connections), self.defaults, sized)


def read_capped(response: httpx.Response, limit: int | None) -> None:
    """``response.read()``, raising (too_large_error) once the decoded body passes
    ``limit`` bytes: a few MB of gzip must not become GBs in memory."""
    if limit is None:
        response.read()
        return
    parts: list[bytes] = []
    size = 0
    for part in response.iter_bytes():
        size += len(part)
        if size > limit:
            raise too_large_error(response, limit, b"".join(parts))
        parts.append(part)
    response._content = b"".join(parts)  # (what read() sets)


async def aread_capped(response: httpx.Response, limit: int | None) -> None:
    """``read_capped`` for the asyncio client."""
    if limit is None:
        await response.aread()
        return
    parts: list[bytes] = []
    size = 0
    async for part in response.aiter_bytes():
        size += len(part)
        if size > limit:
            raise too_large_error(response, limit, b"".join(parts))
        parts.append(part)
    response._content = b"".join(parts)


_STOCK_BUILDS = (httpx.Client.build_request, httpx.AsyncClient.build_request)


class _Transport(Generic[C]):
    def __init__(self, settings: Settings, pool: Pool[C]) -> None:
        self.settings = settings
        self.pool: Pool[C] = pool
        # Headers and timeout go on each request unless the client already carries them
        # (sending them again makes httpx replace its own on every request).
        on_client = pool.defaults is settings
        self.headers = {} if on_client else settings.headers()
        self.timeout: Any = httpx.USE_CLIENT_DEFAULT if on_client else settings.timeout
        self.strict = settings.strict_responses
        self.max_body = settings.max_response_bytes
        self._keyed: bool | None = None
        # (client, its headers as they were, them with ours on top): see build().
        self._merged: tuple[Any, list[tuple[bytes, bytes]], httpx.Headers] | None = None
        self.adapt: Callable[[Call[Any]], Call[Any]] | None = None
        # Shared by the client and its copies when it was made with rate_limit="auto".
        self.limiter: RateLimiter | None = None

    def adapted(self, adapt: Callable[[Call[Any]], Call[Any]]) -> Any:
        """This transport (same pool, same settings), sending each call as ``adapt(call)``:
        a resource over it runs its own methods' code and gets what ``adapt`` makes of them
        (the raw-response views)."""
        view = copy.copy(self)
        view.adapt = adapt
        return view

    def plain(self) -> Any:
        """This transport without the adaptation of ``adapted`` (itself when it has none)."""
        if self.adapt is None:
            return self
        plain = copy.copy(self)
        plain.adapt = None
        return plain

    @property
    def client(self) -> C:
        return self.pool.client

    def sized(self, connections: int) -> Any:
        """This transport over a new pool that keeps up to ``connections`` open (httpx's
        default keeps 20), for many calls at once; itself over a user's own http_client.
        The caller closes the new pool."""
        pool = self.pool.resized(connections)
        if pool is None:
            return self
        view = copy.copy(self)
        view.pool = pool
        return view

    def build(self, call: Call[Any]) -> httpx.Request:
        """The httpx request of ``call``."""
        client = self.client
        return build_request(
            client,
            self.settings,
            self.headers,
            self.timeout,
            call,
            self.keyed,
            self._merged_headers(client),
        )

    def _merged_headers(self, client: C) -> httpx.Headers | None:
        """The client's headers with ours on top, as ``client.build_request`` merges them
        for each request: kept until the client's headers change. None when the client
        would add more (query parameters, cookies) or builds requests its own way: then
        it builds each one."""
        if client.params or client.cookies or type(client).build_request not in _STOCK_BUILDS:
            return None
        current = client.headers.raw
        merged = self._merged
        if merged is None or merged[0] is not client or merged[1] != current:
            headers = httpx.Headers(client.headers)
            headers.update(self.headers)
            merged = self._merged = (client, current, headers)
        return merged[2]

    @property
    def keyed(self) -> bool:
        """Whether the client's own headers (default_headers, a user's http_client) set an
        Idempotency-Key: looked up once, not on every call."""
        if self._keyed is None:
            names = [name for name, _ in self.settings.default_headers]
            self._keyed = IDEMPOTENCY_HEADER in self.client.headers or any(
                name.lower() == IDEMPOTENCY_HEADER.lower() for name in names
            )
        return self._keyed


class SyncTransport(_Transport[httpx.Client]):
    def send(self, call: Call[T]) -> T:
        if self.adapt is not None:
            call = self.adapt(call)
        request = self.build(call)
        attempts = _Attempts(self.settings, call, request)
        streaming = call.stream is not None
        limit = None if call.parse is content_of else self.max_body  # (binary: not capped)
        limiter, slot = self.limiter, None
        while True:
            attempts.before_attempt()
            if limiter is not None:
                slot = wait_slot(limiter, call.request)
            # Only network faults are retried; any other exception (a bug in a custom
            # transport, a header httpx refuses) propagates as it is.
            try:
                response = self.client.send(request, stream=True)
            except httpx.RequestError as exc:
                if limiter is not None and slot is not None:
                    limiter.release(slot)
                time.sleep(attempts.after_error(exc))
                continue
            try:
                attempts.received(response)
                if not streaming:
                    # The body is read here (as httpx does without stream=True) so that the
                    # deadline can bound it: a body cut short is then a transport error like
                    # a reset, and is retried the same way.
                    read_capped(response, limit)
                if limiter is not None and slot is not None:
                    limiter.observe(slot, response)
                delay = attempts.after_response(response)
                if delay is None:
                    if call.raw is not None and response.is_success:
                        return call.raw(response, attempts.retries)  # type: ignore[no-any-return]
                    if streaming and response.is_success:
                        return call.stream(response, self.strict)  # type: ignore[misc, no-any-return]
                    if streaming:
                        read_capped(response, limit)  # the error's body, for its message
                    return finish(call, response, self.strict, self.settings.base_url)
            except httpx.TransportError as exc:  # the body was cut short (or too slow)
                response.close()
                if limiter is not None and slot is not None:
                    limiter.release(slot)
                time.sleep(attempts.after_error(exc))
                continue
            except httpx.DecodingError as exc:
                response.close()
                raise attempts.unreadable(response, exc) from exc
            except BaseException:
                response.close()  # a streamed response must not keep its connection
                raise
            response.close()
            time.sleep(delay)


class AsyncTransport(_Transport[httpx.AsyncClient]):
    async def send(self, call: Call[T]) -> T:
        import asyncio  # not at module level: the sync client should not pay for it

        if self.adapt is not None:
            call = self.adapt(call)
        if self.pool.loop is not (loop := asyncio.get_running_loop()):
            self.pool.bind(loop)
        request = self.build(call)
        attempts = _Attempts(self.settings, call, request)
        streaming = call.stream is not None
        limit = None if call.parse is content_of else self.max_body
        limiter, slot = self.limiter, None
        while True:
            attempts.before_attempt()
            if limiter is not None:
                slot = await await_slot(limiter, call.request)
            try:
                response = await self.client.send(request, stream=True)
            except httpx.RequestError as exc:
                if limiter is not None and slot is not None:
                    limiter.release(slot)
                await asyncio.sleep(attempts.after_error(exc))
                continue
            try:
                attempts.received(response)
                if not streaming:
                    await aread_capped(response, limit)
                if limiter is not None and slot is not None:
                    limiter.observe(slot, response)
                delay = attempts.after_response(response)
                if delay is None:
                    if call.raw is not None and response.is_success:
                        return call.raw(response, attempts.retries)  # type: ignore[no-any-return]
                    if streaming and response.is_success:
                        return call.stream(response, self.strict)  # type: ignore[misc, no-any-return]
                    if streaming:
                        await aread_capped(response, limit)
                    return finish(call, response, self.strict, self.settings.base_url)
            except httpx.TransportError as exc:
                await response.aclose()
                if limiter is not None and slot is not None:
                    limiter.release(slot)
                await asyncio.sleep(attempts.after_error(exc))
                continue
            except httpx.DecodingError as exc:
                await response.aclose()
                raise attempts.unreadable(response, exc) from exc
            except BaseException:
                await response.aclose()
                raise
            await response.aclose()
            await asyncio.sleep(delay)


def configure_logging() -> None:
    """``TOGETHER_LOG=info|debug`` turns on this library's log lines (never the API key)."""
    level = os.environ.get("TOGETHER_LOG", "").lower()
    if level in ("info", "debug") and not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.DEBUG if level == "debug" else logging.INFO)
