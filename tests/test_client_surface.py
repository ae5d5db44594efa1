"""The client's own surface: is_closed(), default_headers, copy()/with_options() with
the constructor's arguments and checks, timeout=None, max_retries, and closing (a client
closes only what it made; copies share the pool until the last of them is closed)."""

from __future__ import annotations

import inspect
from typing import Any

import httpx
import pytest

import together

API_KEY = "test-key"


def client_class(flavor: str) -> Any:
    return together.Together if flavor == "sync" else together.AsyncTogether


def http_class(flavor: str) -> Any:
    return httpx.Client if flavor == "sync" else httpx.AsyncClient


async def close(client: Any) -> None:
    result = client.close()
    if inspect.isawaitable(result):
        await result


async def list_models(client: Any) -> Any:
    result = client.models.list()
    return await result if inspect.isawaitable(result) else result


def recorder(seen: list[httpx.Request]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[])

    return httpx.MockTransport(handle)


# -- closing -----------------------------------------------------------------------------
@pytest.mark.anyio
async def test_is_closed_after_close_and_closing_twice_is_harmless(flavor, base_url, httpserver):
    httpserver.expect_request("/v1/models").respond_with_json([])
    client = client_class(flavor)(api_key=API_KEY, base_url=base_url)
    assert client.is_closed() is False
    await list_models(client)
    await close(client)
    assert client.is_closed() is True
    await close(client)
    assert client.is_closed() is True


@pytest.mark.anyio
async def test_copies_share_the_pool_until_the_last_of_them_is_closed(flavor, base_url, httpserver):
    httpserver.expect_request("/v1/models").respond_with_json([])
    original = client_class(flavor)(api_key=API_KEY, base_url=base_url)
    await list_models(original)
    copy = original.copy(max_retries=0)
    other = original.with_options(timeout=3)
    await close(copy)
    await close(copy)  # counted once
    assert copy.is_closed() and not original.is_closed()
    assert await list_models(original) == []  # the pool is still open
    await close(original)
    assert await list_models(other) == []
    await close(other)
    assert other._transport.client.is_closed  # the last one closed the pool


@pytest.mark.anyio
async def test_a_user_supplied_http_client_is_left_open(flavor, base_url):
    seen: list[httpx.Request] = []
    http_client = http_class(flavor)(transport=recorder(seen))
    client = client_class(flavor)(api_key=API_KEY, base_url=base_url, http_client=http_client)
    await list_models(client)
    await close(client)
    assert client.is_closed()
    assert not http_client.is_closed
    assert len(seen) == 1


# -- what a user's own http_client adds to each request ----------------------------------
@pytest.mark.anyio
async def test_an_http_clients_headers_are_sent_also_when_changed_after_the_client_was_made(
    flavor, base_url, httpserver
):
    httpserver.expect_request("/v1/models").respond_with_json([])
    http_client = http_class(flavor)(headers={"X-Mine": "1", "User-Agent": "mine/1"})
    client = client_class(flavor)(api_key=API_KEY, base_url=base_url, http_client=http_client)
    await list_models(client)
    http_client.headers["X-Later"] = "2"
    await list_models(client)
    http_client.headers = {"X-Replaced": "3"}
    await list_models(client)
    first, second, third = (request.headers for request, _ in httpserver.log)
    assert (first["X-Mine"], first["Authorization"]) == ("1", f"Bearer {API_KEY}")
    assert first["User-Agent"].startswith("together-client/")  # ours, over the client's
    assert "X-Later" not in first
    assert (second["X-Mine"], second["X-Later"]) == ("1", "2")
    assert "X-Mine" not in third and third["X-Replaced"] == "3"
    assert third["Authorization"] == f"Bearer {API_KEY}"
    await close(client)


@pytest.mark.anyio
async def test_an_http_clients_query_parameters_and_cookies_are_sent(flavor, base_url, httpserver):
    httpserver.expect_request("/v1/models").respond_with_json([])
    http_client = http_class(flavor)(params={"team": "a"}, cookies={"session": "s1"})
    client = client_class(flavor)(api_key=API_KEY, base_url=base_url, http_client=http_client)
    await list_models(client)
    request = httpserver.log[0][0]
    assert request.args["team"] == "a"
    assert request.cookies["session"] == "s1"
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    await close(client)


@pytest.mark.anyio
async def test_a_cookie_the_server_sets_is_sent_back_on_the_next_call(api, httpserver):
    httpserver.expect_request("/v1/models").respond_with_json(
        [], headers={"Set-Cookie": "route=r7; Path=/"}
    )
    await list_models(api)
    await list_models(api)
    first, second = (request for request, _ in httpserver.log)
    assert "route" not in first.cookies
    assert second.cookies["route"] == "r7"


@pytest.mark.anyio
async def test_an_http_client_that_builds_requests_its_own_way_builds_ours(
    flavor, base_url, httpserver
):
    httpserver.expect_request("/v1/models").respond_with_json([])

    class Tagging(http_class(flavor)):  # type: ignore[misc]
        def build_request(self, *args: Any, **kwargs: Any) -> httpx.Request:
            request = super().build_request(*args, **kwargs)
            request.headers["X-Tag"] = "built-here"
            return request

    client = client_class(flavor)(api_key=API_KEY, base_url=base_url, http_client=Tagging())
    await list_models(client)
    headers = httpserver.log[0][0].headers
    assert (headers["X-Tag"], headers["Authorization"]) == ("built-here", f"Bearer {API_KEY}")
    await close(client)


# -- default_headers ---------------------------------------------------------------------
def test_default_headers_are_a_read_only_mapping_of_what_every_request_carries(flavor):
    client = client_class(flavor)(api_key=API_KEY, default_headers={"X-Team": "a"})
    headers = client.default_headers
    assert headers["X-Team"] == "a"
    assert headers["Authorization"] == f"Bearer {API_KEY}"
    with pytest.raises(TypeError):
        headers["X-Team"] = "b"  # type: ignore[index]


# -- copy / with_options -------------------------------------------------------------------
def test_copy_accepts_every_constructor_argument(flavor):
    cls = client_class(flavor)
    constructor = set(inspect.signature(cls.__init__).parameters) - {"self"}
    assert constructor <= set(inspect.signature(cls.copy).parameters)
    assert cls.copy is cls.with_options


@pytest.mark.parametrize(
    ("setting", "value", "error"),
    [
        ("max_retries", None, TypeError),
        ("max_retries", -1, ValueError),
        ("max_retries", 1.5, TypeError),
        ("timeout", -1, ValueError),
        ("base_url", "ftp://x", ValueError),
        ("deadline", 0, ValueError),
        ("default_headers", {"X": "a\nb"}, ValueError),
        ("http_client", object(), TypeError),
    ],
)
def test_copy_checks_its_arguments_as_the_constructor_does(flavor, setting, value, error):
    cls = client_class(flavor)
    with pytest.raises(error, match=setting):
        cls(api_key=API_KEY, **{setting: value})
    with pytest.raises(error, match=setting):
        cls(api_key=API_KEY).copy(**{setting: value})


def test_copy_keeps_what_is_not_given_and_changes_what_is(flavor):
    client = client_class(flavor)(api_key=API_KEY, max_retries=4, default_headers={"A": "1"})
    copy = client.copy(timeout=7, supplied_headers={"B": "2"})
    assert (copy.max_retries, copy.timeout) == (4, httpx.Timeout(7))
    assert (copy.default_headers["A"], copy.default_headers["B"]) == ("1", "2")
    replaced = client.copy(set_default_headers={"C": "3"})
    assert "A" not in replaced.default_headers and replaced.default_headers["C"] == "3"
    with pytest.raises(TypeError, match="supplied_headers"):
        client.copy(default_headers={"A": "1"}, supplied_headers={"B": "2"})
    with pytest.raises(ValueError, match="set_default_headers"):
        client.copy(default_headers={"A": "1"}, set_default_headers={"B": "2"})


@pytest.mark.anyio
async def test_copy_with_an_http_client_sends_through_it_and_leaves_it_open(flavor, base_url):
    seen: list[httpx.Request] = []
    http_client = http_class(flavor)(transport=recorder(seen))
    client = client_class(flavor)(api_key=API_KEY, base_url=base_url)
    copy = client.copy(http_client=http_client)
    await list_models(copy)
    assert [request.url.path for request in seen] == ["/v1/models"]
    await close(copy)
    assert not http_client.is_closed
    assert not client.is_closed()
    await close(client)


# -- timeout and max_retries ---------------------------------------------------------------
@pytest.mark.anyio
async def test_timeout_none_sends_requests_without_a_timeout(flavor, base_url):
    seen: list[httpx.Request] = []
    http_client = http_class(flavor)(transport=recorder(seen))
    client = client_class(flavor)(
        api_key=API_KEY, base_url=base_url, http_client=http_client, timeout=None
    )
    assert client.timeout is None
    await list_models(client)
    await list_models(client.copy(timeout=None))
    for request in seen:
        assert set(request.extensions["timeout"].values()) == {None}


def test_max_retries_not_given_comes_from_the_environment(flavor, monkeypatch):
    monkeypatch.setenv("TOGETHER_MAX_RETRIES", "5")
    assert client_class(flavor)(api_key=API_KEY).max_retries == 5
    assert client_class(flavor)(api_key=API_KEY, max_retries=0).max_retries == 0
