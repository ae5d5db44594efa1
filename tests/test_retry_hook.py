"""``on_retry``: a client option called before each pause to retry a call, told which
retry it is, how long the pause is and why (the status, or the network error)."""

from __future__ import annotations

import httpx
import pytest
from pytest_httpserver import HTTPServer

from together import APIConnectionError, AsyncTogether, RetryInfo, Together

from .support import API_KEY

FILES = {"object": "list", "data": []}


def _rate_limited_twice(httpserver: HTTPServer) -> None:
    for _ in range(2):
        httpserver.expect_ordered_request("/v1/files").respond_with_json(
            {"error": {"message": "slow down"}}, status=429, headers={"retry-after-ms": "20"}
        )
    httpserver.expect_ordered_request("/v1/files").respond_with_json(FILES)


def test_on_retry_is_told_each_retry_of_a_429_before_its_pause(httpserver: HTTPServer):
    _rate_limited_twice(httpserver)
    seen: list[RetryInfo] = []
    with Together(
        api_key=API_KEY, base_url=httpserver.url_for("/v1"), max_retries=2, on_retry=seen.append
    ) as client:
        client.files.list()
    assert [(i.retry, i.status_code, i.error) for i in seen] == [(1, 429, None), (2, 429, None)]
    assert all(i.delay == pytest.approx(0.02) for i in seen)
    assert seen[0].request.url.path == "/v1/files"


@pytest.mark.anyio
async def test_the_async_client_calls_on_retry_too(httpserver: HTTPServer):
    _rate_limited_twice(httpserver)
    seen: list[int] = []
    async with AsyncTogether(
        api_key=API_KEY,
        base_url=httpserver.url_for("/v1"),
        max_retries=2,
        on_retry=lambda info: seen.append(info.retry),
    ) as client:
        await client.files.list()
    assert seen == [1, 2]


def test_a_network_error_is_retried_with_the_error_and_no_status():
    seen: list[RetryInfo] = []
    with (
        Together(
            api_key=API_KEY, base_url="http://127.0.0.1:9/v1", max_retries=1, on_retry=seen.append
        ) as client,
        pytest.raises(APIConnectionError),
    ):
        client.files.list()
    assert len(seen) == 1 and seen[0].status_code is None
    assert isinstance(seen[0].error, httpx.ConnectError)


def test_with_options_keeps_replaces_or_removes_the_hook(httpserver: HTTPServer):
    def hook(info: RetryInfo) -> None:
        pass

    client = Together(api_key=API_KEY, base_url=httpserver.url_for("/v1"), on_retry=hook)
    assert client.with_options(timeout=5)._settings.on_retry is hook
    assert client.with_options(on_retry=None)._settings.on_retry is None
    with pytest.raises(TypeError, match="on_retry must be a function"):
        Together(api_key=API_KEY, on_retry="print")  # type: ignore[arg-type]
    client.close()
