"""Idempotency keys: every non-GET call carries one, the same on each of its attempts, so a
retry after a lost connection can't create the same completion or job twice."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from together import Together

from .support.bodies import CHAT_RESPONSE, MESSAGES

PATH = "/v1/chat/completions"
QUICK_RETRY = {"retry-after-ms": "10"}


def keys(httpserver: HTTPServer) -> list[str | None]:
    return [request.headers.get("Idempotency-Key") for request, _ in httpserver.log]


def test_post_carries_a_key(client, httpserver):
    httpserver.expect_request(PATH, method="POST").respond_with_json(CHAT_RESPONSE)
    client.chat.completions.create(model="m", messages=MESSAGES)
    [key] = keys(httpserver)
    assert key is not None and key.startswith("together-client-")


def test_retries_of_one_call_reuse_its_key(client, httpserver):
    httpserver.expect_ordered_request(PATH, method="POST").respond_with_json(
        {"error": {"message": "boom"}}, status=500, headers=QUICK_RETRY
    )
    httpserver.expect_ordered_request(PATH, method="POST").respond_with_json(CHAT_RESPONSE)
    client.chat.completions.create(model="m", messages=MESSAGES, max_retries=1)
    first, second = keys(httpserver)
    assert first is not None and first == second


@pytest.mark.anyio
async def test_async_retries_reuse_the_key_and_calls_differ(aclient, httpserver):
    httpserver.expect_ordered_request(PATH, method="POST").respond_with_json(
        {"error": {"message": "boom"}}, status=500, headers=QUICK_RETRY
    )
    httpserver.expect_ordered_request(PATH, method="POST").respond_with_json(CHAT_RESPONSE)
    httpserver.expect_ordered_request(PATH, method="POST").respond_with_json(CHAT_RESPONSE)
    await aclient.chat.completions.create(model="m", messages=MESSAGES, max_retries=1)
    await aclient.chat.completions.create(model="m", messages=MESSAGES)
    first, retry, other = keys(httpserver)
    assert first is not None and first == retry and other != first


def test_two_calls_carry_different_keys(client, httpserver):
    httpserver.expect_request(PATH, method="POST").respond_with_json(CHAT_RESPONSE)
    client.chat.completions.create(model="m", messages=MESSAGES)
    client.chat.completions.create(model="m", messages=MESSAGES)
    first, second = keys(httpserver)
    assert first is not None and second is not None and first != second


def test_delete_carries_a_key(client, httpserver):
    httpserver.expect_request("/v1/files/f1", method="DELETE").respond_with_json(
        {"id": "f1", "deleted": True}
    )
    client.files.delete("f1")
    [key] = keys(httpserver)
    assert key is not None


def test_get_carries_none(client, httpserver):
    httpserver.expect_request("/v1/models", method="GET").respond_with_json([])
    client.models.list()
    assert keys(httpserver) == [None]


@pytest.mark.parametrize("name", ["Idempotency-Key", "idempotency-key", "IDEMPOTENCY-KEY"])
def test_extra_headers_override_the_key_in_any_casing(client, httpserver, name):
    httpserver.expect_request(PATH, method="POST").respond_with_json(CHAT_RESPONSE)
    client.chat.completions.create(model="m", messages=MESSAGES, extra_headers={name: "mine"})
    request = httpserver.log[0][0]
    assert request.headers.getlist("Idempotency-Key") == ["mine"]


def test_default_headers_override_the_key(base_url, httpserver):
    httpserver.expect_request(PATH, method="POST").respond_with_json(CHAT_RESPONSE)
    with Together(
        api_key="k", base_url=base_url, default_headers={"idempotency-key": "fixed"}
    ) as client:
        client.chat.completions.create(model="m", messages=MESSAGES)
        other = client.with_options(default_headers={"idempotency-key": "other"})
        other.chat.completions.create(model="m", messages=MESSAGES)
    first, second = httpserver.log
    assert first[0].headers.getlist("Idempotency-Key") == ["fixed"]
    assert second[0].headers.getlist("Idempotency-Key") == ["other"]
