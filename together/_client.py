"""``Together`` and ``AsyncTogether``: one constructor, settings resolved once, resources
built eagerly over one shared transport and the client's one effect driver."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from types import MappingProxyType, TracebackType
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

import httpx

from . import _config
from ._drivers import AsyncDriver, SyncDriver
from ._namespaces import build
from ._ratelimit import RateLimiter
from ._resource import M
from ._transport import AsyncTransport, Pool, SyncTransport, configure_logging, reset_after_fork

if TYPE_CHECKING:
    # The namespaces and methods (made at run time from the operation table), as the
    # generated stub together/_api.pyi types them.
    from ._api import AsyncAPI as _AsyncAPI
    from ._api import SyncAPI as _SyncAPI
else:
    _SyncAPI = _AsyncAPI = object

_Self = TypeVar("_Self", bound="_BaseClient[Any]")
_NO_TIMEOUT = httpx.Timeout(None)


class _SharedPool:
    """A connection pool and how many open clients use it (a client and its copies): the
    last of them to close closes it, if this library created it."""

    def __init__(self, pool: Pool[Any], owned: bool) -> None:
        self.pool = pool
        self.owned = owned
        self.users = 1
        self._lock = threading.Lock()
        reset_after_fork(self)

    def _forked(self) -> None:
        self._lock = threading.Lock()  # (it may have been held by a thread left behind)

    def join(self) -> None:
        with self._lock:
            self.users += 1

    def leave(self, client: _BaseClient[Any]) -> bool:
        """``client`` closed (once, however many threads close it): whether the pool is now
        to be closed."""
        with self._lock:
            if client._closed:
                return False
            client._closed = True
            self.users -= 1
            return self.users == 0 and self.owned and self.pool.created


def _headers_argument(
    default_headers: Mapping[str, str] | None, supplied_headers: Mapping[str, str] | None
) -> Mapping[str, str] | None:
    if supplied_headers is not None:
        if default_headers is not None:
            raise TypeError("pass default_headers or supplied_headers, not both")
        return supplied_headers
    return default_headers


def _timeout_argument(timeout: Any, http_client: Any) -> Any:
    if (
        isinstance(timeout, _config.NotGiven)
        and http_client is not None
        and http_client.timeout != _config.HTTPX_DEFAULT_TIMEOUT
    ):
        # The user built that client with this timeout: a default (or TOGETHER_TIMEOUT)
        # sent on every request would silently replace it.
        return http_client.timeout
    return timeout


def _limiter_argument(rate_limit: object, shared: RateLimiter | None) -> RateLimiter | None:
    """The limiter for ``rate_limit`` ("auto": ``shared`` if there is one, else a new one;
    None: none)."""
    if rate_limit is None:
        return None
    if rate_limit != "auto":
        raise ValueError(f'rate_limit must be "auto" or None, got {rate_limit!r:.80}')
    return shared if shared is not None else RateLimiter()


def _limits(connections: int | None, keep_alive: int | None = None) -> dict[str, Any]:
    """httpx's defaults, or room for ``connections`` open at once, ``keep_alive`` of
    them (default: all) kept alive between requests."""
    if connections is None:
        return {}
    kept = connections if keep_alive is None else min(keep_alive, connections)
    return {"limits": httpx.Limits(max_connections=connections, max_keepalive_connections=kept)}


def _max_retries_argument(max_retries: int | _config.NotGiven) -> int | None:
    """None when not given (the environment's or the default), else checked."""
    if isinstance(max_retries, _config.NotGiven):
        return None
    return _config.parse_max_retries(max_retries, "max_retries")


class _BaseClient(Generic[M]):
    _transport: M

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: _config.TimeoutTypes | _config.NotGiven | None = _config.NOT_GIVEN,
        max_retries: int | _config.NotGiven = _config.NOT_GIVEN,
        default_headers: Mapping[str, str] | None = None,
        supplied_headers: Mapping[str, str] | None = None,
        http_client: Any = None,
        strict_responses: bool = False,
        deadline: float | None = None,
        on_retry: Callable[[_config.RetryInfo], object] | None = None,
        max_response_bytes: int | None = _config.DEFAULT_MAX_RESPONSE_BYTES,
        rate_limit: Literal["auto"] | None = None,
    ) -> None:
        """Settings not passed come from the environment (see the README's table):
        ``TOGETHER_API_KEY``, ``TOGETHER_BASE_URL``, ``TOGETHER_TIMEOUT``,
        ``TOGETHER_MAX_RETRIES``. ``supplied_headers`` is the 1.x name of
        ``default_headers``. ``strict_responses=True`` makes a response that strays from
        the spec raise APIResponseValidationError (by default it is kept as received).
        ``timeout=None`` turns timeouts off. ``max_retries`` is a whole number >= 0
        (``None`` is a TypeError). A user's own ``http_client`` keeps the timeout
        it was built with unless ``timeout`` is passed here (one left at httpx's 5 s
        default gets this library's default instead); ``close()`` leaves it open.
        ``deadline`` (seconds, or ``TOGETHER_DEADLINE``; off by default) bounds each whole
        call: all attempts, the pauses between them and the reading of the body (of a
        stream: until its headers). ``on_retry(info)`` is called before each pause to
        retry a call (a 429, a 5xx, a network error), with a ``together.RetryInfo``
        (``retry``, ``delay``, ``status_code``, ``error``, ``request``): to show that a
        call is waiting, or to count retries. ``max_response_bytes`` (256 MiB by default;
        None: no limit) bounds a JSON body once decoded, so that a compressed bomb costs
        bounded memory (binary downloads and streams are not bounded by it).
        ``rate_limit="auto"`` paces every call of this client and its copies by the
        rate-limit headers the API sends (per endpoint and model: below the limit, all
        callers paused after a 429; see the README). Raises AuthenticationError when no
        API key is found and ValueError/TypeError naming any malformed setting."""
        default_headers = _headers_argument(default_headers, supplied_headers)
        self._check_http_client(http_client)
        settings = _config.resolve(
            api_key=api_key,
            base_url=base_url,
            timeout=_timeout_argument(timeout, http_client),
            max_retries=_max_retries_argument(max_retries),
            default_headers=default_headers,
            strict_responses=strict_responses,
            deadline=deadline,
            on_retry=on_retry,
            max_response_bytes=max_response_bytes,
        )
        configure_logging()
        self._limiter = _limiter_argument(rate_limit, None)
        self._start(settings, http_client, None)

    def _check_http_client(self, http_client: Any) -> None:
        if http_client is not None and not isinstance(http_client, self._http_client_class):
            raise TypeError(
                f"http_client must be an {self._http_client_class.__module__}."
                f"{self._http_client_class.__name__}, got {type(http_client).__name__}"
            )

    def _start(
        self, settings: _config.Settings, http_client: Any, shared: _SharedPool | None
    ) -> None:
        """Use ``shared`` (another client's pool), else ``http_client``, else a new pool."""
        if shared is None:
            if http_client is None:
                pool = Pool(
                    lambda: self._new_http_client(settings),
                    defaults=settings,
                    sized=lambda n: self._new_http_client(settings, n),
                )
            else:
                pool = Pool(lambda: http_client)
            # A DefaultAioHttpClient is made for the client, which closes it; a user's
            # own http_client is left open.
            owned = http_client is None or getattr(http_client, "_owned_by_together", False)
            if http_client is not None:
                _ = pool.client  # given, so created: the last client to close closes it if owned
            shared = _SharedPool(pool, owned=owned)
        else:
            shared.join()
        self._shared = shared
        self._closed = False
        self._setup(settings, shared.pool)

    def _setup(self, settings: _config.Settings, pool: Pool[Any]) -> None:
        self._settings = settings
        self._transport = self._transport_class(settings, pool)
        self._transport.limiter = self._limiter
        self._driver = self._driver_class(self._transport)
        build(self, self._driver)

    # -- settings -------------------------------------------------------------
    @property
    def api_key(self) -> str:
        return self._settings.api_key

    @property
    def base_url(self) -> str:
        return self._settings.base_url

    @property
    def timeout(self) -> httpx.Timeout | None:
        """The timeout of each request; None when timeouts are off (``timeout=None``)."""
        timeout = self._settings.timeout
        return None if timeout == _NO_TIMEOUT else timeout

    @property
    def max_retries(self) -> int:
        return self._settings.max_retries

    @property
    def deadline(self) -> float | None:
        return self._settings.deadline

    @property
    def max_response_bytes(self) -> int | None:
        return self._settings.max_response_bytes

    @property
    def rate_limit(self) -> Literal["auto"] | None:
        """ "auto" when this client paces its calls by the API's rate-limit headers."""
        return None if self._limiter is None else "auto"

    @property
    def default_headers(self) -> Mapping[str, str]:
        """The headers every request carries (read-only): authorization, user agent,
        ``Accept``, then your ``default_headers``. Per call, ``extra_headers`` add more."""
        return MappingProxyType(self._settings.headers())

    def with_options(
        self: _Self,
        *,
        api_key: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: _config.TimeoutTypes | _config.NotGiven | None = _config.NOT_GIVEN,
        max_retries: int | _config.NotGiven = _config.NOT_GIVEN,
        default_headers: Mapping[str, str] | None = None,
        supplied_headers: Mapping[str, str] | None = None,
        set_default_headers: Mapping[str, str] | None = None,
        http_client: Any = None,
        strict_responses: bool | None = None,
        deadline: float | _config.NotGiven | None = _config.NOT_GIVEN,
        on_retry: Callable[[_config.RetryInfo], object]
        | _config.NotGiven
        | None = _config.NOT_GIVEN,
        max_response_bytes: int | _config.NotGiven | None = _config.NOT_GIVEN,
        rate_limit: Literal["auto"] | _config.NotGiven | None = _config.NOT_GIVEN,
    ) -> _Self:
        """A client with some settings changed, checked as the constructor checks them;
        the rest are this client's. ``default_headers`` (or ``supplied_headers``) are
        added to this client's, ``set_default_headers`` replace them. ``timeout=None``
        turns timeouts off, ``deadline=None`` the deadline, ``on_retry=None`` the
        hook. Without ``http_client`` the
        copy shares this client's connection pool, which stays open until the last of
        the clients sharing it is closed. The copy shares this client's rate limiter
        (``rate_limit=None`` turns it off for the copy)."""
        added = _headers_argument(default_headers, supplied_headers)
        if added is not None and set_default_headers is not None:
            # ValueError, as in the official SDK 3.x
            raise ValueError("pass default_headers or set_default_headers, not both")
        self._check_http_client(http_client)
        old = self._settings
        timeout = _timeout_argument(timeout, http_client)
        retries = _max_retries_argument(max_retries)
        headers = (
            _config.parse_headers(set_default_headers, "set_default_headers")
            if set_default_headers is not None
            else old.default_headers + _config.parse_headers(added, "default_headers")
        )
        settings = _config.Settings(
            api_key=old.api_key if api_key is None else _config.parse_api_key(api_key, "api_key"),
            base_url=old.base_url
            if base_url is None
            else _config.parse_base_url(base_url, "base_url"),
            timeout=old.timeout
            if isinstance(timeout, _config.NotGiven)
            else _config.parse_timeout(timeout, "timeout"),
            max_retries=old.max_retries
            if retries is None
            else _config.parse_max_retries(retries, "max_retries"),
            default_headers=headers,
            strict_responses=old.strict_responses
            if strict_responses is None
            else _config.parse_flag(strict_responses, "strict_responses"),
            deadline=old.deadline
            if isinstance(deadline, _config.NotGiven)
            else _config.parse_deadline(deadline, "deadline"),
            on_retry=old.on_retry
            if isinstance(on_retry, _config.NotGiven)
            else _config.parse_hook(on_retry, "on_retry"),
            max_response_bytes=old.max_response_bytes
            if isinstance(max_response_bytes, _config.NotGiven)
            else _config.parse_max_response_bytes(max_response_bytes, "max_response_bytes"),
        )
        clone = object.__new__(type(self))
        clone._limiter = (
            self._limiter
            if isinstance(rate_limit, _config.NotGiven)
            else _limiter_argument(rate_limit, self._limiter)
        )
        clone._start(settings, http_client, None if http_client is not None else self._shared)
        return clone

    copy = with_options

    # -- lifecycle ------------------------------------------------------------
    def is_closed(self) -> bool:
        """Whether ``close()`` was called on this client (or its ``http_client`` closed)."""
        pool = self._shared.pool
        return self._closed or (pool.created and pool.client.is_closed)

    def _release(self) -> bool:
        """Mark this client closed; whether its pool must now be closed: this library made
        it and this was the last open client using it. Closing twice does nothing."""
        return self._shared.leave(self)

    # -- raw responses --------------------------------------------------------
    @property
    def with_raw_response(self) -> Any:
        """Every namespace as its ``with_raw_response``:
        ``client.with_raw_response.chat.completions.create(...)``."""
        from ._response import ResponseView

        return ResponseView(self, streaming=False)

    @property
    def with_streaming_response(self) -> Any:
        """Every namespace as its ``with_streaming_response``."""
        from ._response import ResponseView

        return ResponseView(self, streaming=True)

    # -- requests to paths the spec doesn't have yet ---------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: Mapping[str, Any] | None = None,
        files: Any = None,
        cast_to: Any = None,
        stream: bool = False,
        **options: Any,
    ) -> Any:
        """Send ``method path`` (relative to the base URL) with the client's retries,
        errors and per-call options (``timeout=``, ``extra_headers=``, ...). ``body`` goes
        as JSON, ``params`` as the query, ``files`` as multipart. ``cast_to`` picks the
        result: None (the JSON), a generated model, ``bytes``, ``str`` or
        ``httpx.Response``; ``stream=True`` gives a Stream. On AsyncTogether, awaitable."""
        from ._generic import generic_call

        call = generic_call(
            method,
            path,
            body=body,
            params=params,
            files=files,
            cast_to=cast_to,
            stream=stream,
            options=options,
        )
        return self._driver.run(call)

    def get(self, path: str, **kwargs: Any) -> Any:
        """``request("GET", path, ...)``."""
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        """``request("POST", path, ...)``."""
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Any:
        """``request("PUT", path, ...)``."""
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Any:
        """``request("PATCH", path, ...)``."""
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        """``request("DELETE", path, ...)``."""
        return self.request("DELETE", path, **kwargs)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, api_key='***')"

    _transport_class: Any
    _driver_class: Any
    _http_client_class: type[httpx.Client] | type[httpx.AsyncClient]

    @staticmethod
    def _new_http_client(settings: _config.Settings, connections: int | None = None) -> Any:
        raise NotImplementedError


class Together(_BaseClient[SyncTransport], _SyncAPI):
    """The synchronous client. ``with Together() as client: ...`` closes it at the end."""

    _transport_class = SyncTransport
    _driver_class = SyncDriver
    _http_client_class = httpx.Client

    @staticmethod
    def _new_http_client(
        settings: _config.Settings, connections: int | None = None
    ) -> httpx.Client:
        return httpx.Client(
            timeout=settings.timeout,
            headers=settings.headers(),
            follow_redirects=True,
            **_limits(connections),
        )

    def close(self) -> None:
        """Close this client. Its connection pool is closed with the last open client
        sharing it (copies share it); a user-supplied ``http_client`` is left open.
        Closing twice is harmless."""
        if self._release():
            self._transport.client.close()

    def __enter__(self) -> Together:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncTogether(_BaseClient[AsyncTransport], _AsyncAPI):
    """The asyncio client: the same resources, whose methods are awaited."""

    _transport_class = AsyncTransport
    _driver_class = AsyncDriver
    _http_client_class = httpx.AsyncClient

    @staticmethod
    def _new_http_client(
        settings: _config.Settings, connections: int | None = None
    ) -> httpx.AsyncClient:
        # httpcore's async pool looks at every idle connection on each request: with 64
        # kept alive an online run sent 3-4x fewer requests per CPU second than with
        # httpx's 20 (measured on loopback), so only the number open follows.
        return httpx.AsyncClient(
            timeout=settings.timeout,
            headers=settings.headers(),
            follow_redirects=True,
            **_limits(connections, keep_alive=20),
        )

    async def close(self) -> None:
        """As ``Together.close``."""
        import asyncio

        self._shared.pool.bind(asyncio.get_running_loop())  # (a pool of a closed loop: dropped)
        if self._release():
            await self._transport.client.aclose()

    async def __aenter__(self) -> AsyncTogether:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
