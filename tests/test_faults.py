"""Faults: what each client raises when the network or the server misbehaves, how soon,
how often it retries, and that the API key never shows up in what a user gets to read.

Every case runs once with ``Together``, once with ``AsyncTogether`` and once with
``AsyncTogether`` over ``DefaultAioHttpClient`` (the ``api`` fixture; skipped without the
``[aiohttp]`` extra), with ``TOGETHER_LOG=debug`` on, and checks the key is absent from the error's
str, repr and traceback, from ``repr(client)`` and from the log records.
"""

from __future__ import annotations

import json
import logging
import time
import traceback
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import together
from together import AsyncTogether, Together

from .support import API_KEY
from .support.bodies import MESSAGES, MODEL, chat_completion, error_body
from .support.faultserver import CLOSE, RESET, FaultServer, Pause, response_head

PATH = "/v1/chat/completions"
QUICK_RETRY = {"retry-after-ms": "10"}  # real retries, short pauses
FAST = 5.0  # seconds: every fault must surface well within this


# -- fixtures -------------------------------------------------------------------------


@pytest.fixture
def logs(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> Iterator[Any]:
    """``TOGETHER_LOG=debug`` as a user chasing a fault would set it; records captured."""
    monkeypatch.setenv("TOGETHER_LOG", "debug")
    logger = logging.getLogger("together")
    handlers, level = list(logger.handlers), logger.level
    caplog.set_level(logging.DEBUG, logger="together")
    yield caplog
    for handler in logger.handlers[:]:
        if handler not in handlers:  # the one configure_logging added
            logger.removeHandler(handler)
    logger.setLevel(level)


class Api:
    """Makes one chat call through a fresh sync or async client, so a case is written once
    and runs for both; keeps the clients for the key check."""

    def __init__(self, flavor: str) -> None:
        self.flavor = flavor
        self.clients: list[Together | AsyncTogether] = []

    async def chat(self, base_url: str, *, max_retries: int = 0, **options: Any) -> Any:
        kwargs = {"model": MODEL, "messages": MESSAGES, **options}
        if self.flavor == "sync":
            with Together(api_key=API_KEY, base_url=base_url, max_retries=0, timeout=5) as base:
                client = base.with_options(max_retries=max_retries)
                self.clients += [base, client]
                return client.chat.completions.create(**kwargs)
        http_client = together.DefaultAioHttpClient() if self.flavor == "aiohttp" else None
        async with (
            AsyncTogether(
                api_key=API_KEY,
                base_url=base_url,
                max_retries=0,
                timeout=5,
                http_client=http_client,
            ) as abase,
            abase.with_options(max_retries=max_retries) as aclient,
        ):
            self.clients += [abase, aclient]
            return await aclient.chat.completions.create(**kwargs)

    async def fails(
        self, error: type[together.APIError], base_url: str, **kwargs: Any
    ) -> tuple[together.APIError, float]:
        """The error the call raises (it must be ``error``) and how long it took."""
        started = time.monotonic()
        with pytest.raises(error) as info:
            await self.chat(base_url, **kwargs)
        return info.value, time.monotonic() - started


@pytest.fixture(params=["sync", "async", "aiohttp"])
def api(request: pytest.FixtureRequest, logs: Any) -> Api:
    if request.param == "aiohttp":
        pytest.importorskip("httpx_aiohttp", reason="the [aiohttp] extra is not installed")
    return Api(request.param)


class Replies:
    """A pytest-httpserver handler answering request n with ``replies[n]`` (the last one
    repeats) and noting when each request arrived."""

    def __init__(self, *replies: tuple[int, str, dict[str, str]]) -> None:
        self.replies = replies
        self.times: list[float] = []

    def __call__(self, request: Request) -> Response:
        self.times.append(time.monotonic())
        status, body, given = self.replies[min(len(self.times), len(self.replies)) - 1]
        headers = dict(given)
        content_type = headers.pop("Content-Type", "application/json")
        return Response(body, status=status, headers=headers, content_type=content_type)


def serve(httpserver: HTTPServer, *replies: tuple[int, str, dict[str, str]]) -> Replies:
    handler = Replies(*replies)
    httpserver.expect_request(PATH, method="POST").respond_with_handler(handler)
    return handler


def ok() -> tuple[int, str, dict[str, str]]:
    return 200, json.dumps(chat_completion()), {}


def assert_key_hidden(api: Api, error: BaseException, logs: pytest.LogCaptureFixture) -> None:
    """The key is in no text the user sees: the error (with its causes), the clients, the
    logs; and the logs did record the call, so their check means something."""
    texts = {
        "str(error)": str(error),
        "repr(error)": repr(error),
        "repr(error.request)": repr(getattr(error, "request", None)),
        "traceback": "".join(traceback.format_exception(error)),
        "log": logs.text,
        **{f"repr(client {i})": repr(c) for i, c in enumerate(api.clients)},
    }
    for where, text in texts.items():
        assert API_KEY not in text, f"API key leaked in {where}"
    assert any(r.name == "together" for r in logs.records)


# -- the network ----------------------------------------------------------------------


@pytest.mark.anyio
async def test_connection_reset_before_the_response_raises_connection_error(
    api: Api, faults: FaultServer, logs: pytest.LogCaptureFixture
) -> None:
    faults.play([RESET])
    error, elapsed = await api.fails(together.APIConnectionError, faults.url())
    assert not isinstance(error, together.APITimeoutError)
    assert elapsed < FAST
    assert len(faults.requests) == 1
    assert_key_hidden(api, error, logs)


@pytest.mark.anyio
async def test_connection_reset_is_retried(api: Api, faults: FaultServer) -> None:
    faults.play([RESET], [RESET], [RESET])
    _, elapsed = await api.fails(together.APIConnectionError, faults.url(), max_retries=1)
    assert len(faults.requests) == 2
    assert elapsed < FAST


CUT_BODY = (
    response_head(headers=[("Content-Type", "application/json"), ("Content-Length", "1000")])
    + json.dumps(chat_completion()).encode()[:40]
)


@pytest.mark.anyio
async def test_server_closing_mid_body_raises_connection_error(
    api: Api, faults: FaultServer, logs: pytest.LogCaptureFixture
) -> None:
    faults.play([CUT_BODY, CLOSE])
    error, elapsed = await api.fails(together.APIConnectionError, faults.url())
    assert not isinstance(error, together.APITimeoutError)
    assert elapsed < FAST
    assert_key_hidden(api, error, logs)


@pytest.mark.anyio
async def test_body_cut_short_is_retried_like_a_reset(api: Api, faults: FaultServer) -> None:
    whole = json.dumps(chat_completion()).encode()
    head = response_head(
        headers=[
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(whole))),
            ("Connection", "close"),
        ]
    )
    faults.play([CUT_BODY, CLOSE], [head + whole, CLOSE])
    reply = await api.chat(faults.url(), max_retries=1)
    assert reply.choices[0].message.content == "Hello!"
    assert len(faults.requests) == 2


@pytest.mark.anyio
async def test_headers_slower_than_the_call_timeout_raise_timeout_error(
    api: Api, faults: FaultServer, logs: pytest.LogCaptureFixture
) -> None:
    faults.play([Pause(5)])
    error, elapsed = await api.fails(together.APITimeoutError, faults.url(), timeout=0.5)
    assert 0.4 < elapsed < 2
    assert_key_hidden(api, error, logs)


# -- statuses and retries -------------------------------------------------------------


@pytest.mark.anyio
async def test_503_storm_makes_max_retries_plus_one_requests_then_raises(
    api: Api, httpserver: HTTPServer, logs: pytest.LogCaptureFixture
) -> None:
    replies = serve(httpserver, (503, error_body("overloaded"), dict(QUICK_RETRY)))
    error, elapsed = await api.fails(
        together.InternalServerError, httpserver.url_for("/v1"), max_retries=2
    )
    assert len(replies.times) == 3
    assert error.status_code == 503
    assert "overloaded" in str(error)
    assert elapsed < FAST
    assert_key_hidden(api, error, logs)


@pytest.mark.anyio
async def test_max_retries_zero_makes_one_request(api: Api, httpserver: HTTPServer) -> None:
    replies = serve(httpserver, (503, error_body("overloaded"), dict(QUICK_RETRY)))
    await api.fails(together.InternalServerError, httpserver.url_for("/v1"), max_retries=0)
    assert len(replies.times) == 1


@pytest.mark.anyio
async def test_429_then_200_succeeds_after_one_retry(api: Api, httpserver: HTTPServer) -> None:
    replies = serve(httpserver, (429, error_body("slow down"), dict(QUICK_RETRY)), ok())
    reply = await api.chat(httpserver.url_for("/v1"), max_retries=2)
    assert reply.choices[0].message.content == "Hello!"
    assert len(replies.times) == 2


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, together.BadRequestError),
        (401, together.AuthenticationError),
        (404, together.NotFoundError),
    ],
)
async def test_client_errors_are_not_retried(
    api: Api,
    httpserver: HTTPServer,
    logs: pytest.LogCaptureFixture,
    status: int,
    error: type[together.APIError],
) -> None:
    replies = serve(httpserver, (status, error_body(f"nope {status}"), {}))
    raised, _ = await api.fails(error, httpserver.url_for("/v1"), max_retries=2)
    assert len(replies.times) == 1
    assert f"nope {status}" in str(raised)
    assert_key_hidden(api, raised, logs)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("header", "value", "pause"),
    [("Retry-After", "1", 1.0), ("retry-after-ms", "300", 0.3)],
)
async def test_retry_after_sets_the_pause(
    api: Api, httpserver: HTTPServer, header: str, value: str, pause: float
) -> None:
    replies = serve(httpserver, (429, error_body("slow down"), {header: value}), ok())
    await api.chat(httpserver.url_for("/v1"), max_retries=1)
    first, second = replies.times
    assert pause - 0.05 <= second - first < pause + 0.5


# -- bodies that do not fit -----------------------------------------------------------

NOT_JSON = '{"id": "chatcmpl-1", "choices": ['
NOT_AN_OBJECT = json.dumps([chat_completion()])


@pytest.mark.anyio
@pytest.mark.parametrize("body", [NOT_JSON, NOT_AN_OBJECT], ids=["invalid-json", "wrong-kind"])
async def test_200_body_not_fitting_the_model_raises_validation_error_with_the_raw_body(
    api: Api, httpserver: HTTPServer, logs: pytest.LogCaptureFixture, body: str
) -> None:
    serve(httpserver, (200, body, {}))
    error, elapsed = await api.fails(together.APIResponseValidationError, httpserver.url_for("/v1"))
    assert isinstance(error, together.APIResponseValidationError)
    assert error.response.status_code == 200
    assert error.body == (body if body is NOT_JSON else json.loads(body))
    assert elapsed < FAST
    assert_key_hidden(api, error, logs)


BAD_GATEWAY = """<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
"""


@pytest.mark.anyio
async def test_html_502_page_raises_internal_server_error_with_a_readable_snippet(
    api: Api, httpserver: HTTPServer, logs: pytest.LogCaptureFixture
) -> None:
    serve(httpserver, (502, BAD_GATEWAY, {"Content-Type": "text/html"}))
    error, _ = await api.fails(together.InternalServerError, httpserver.url_for("/v1"))
    message = str(error)
    assert error.status_code == 502
    assert "502 Bad Gateway" in message
    assert "\n" not in message and len(message) < 600
    assert error.body == BAD_GATEWAY
    assert_key_hidden(api, error, logs)
