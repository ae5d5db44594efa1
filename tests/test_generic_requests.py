"""client.get / post / put / patch / delete: paths the spec doesn't have, with the same
transport, errors and options as every method."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

import together
from together_generated.models import BatchJob

API_KEY = "test-key"


async def call(flavor: str, base_url: str, method: str, *args: Any, **kwargs: Any) -> Any:
    if flavor == "sync":
        with together.Together(api_key=API_KEY, base_url=base_url, max_retries=0) as client:
            return getattr(client, method)(*args, **kwargs)
    async with together.AsyncTogether(api_key=API_KEY, base_url=base_url, max_retries=0) as ac:
        return await getattr(ac, method)(*args, **kwargs)


@pytest.mark.anyio
async def test_post_sends_json_and_query_and_returns_the_json(flavor, base_url, httpserver):
    httpserver.expect_request(
        "/v1/new/thing", method="POST", query_string="page=2", json={"a": [1, 2]}
    ).respond_with_json({"ok": True, "n": 3})
    result = await call(
        flavor, base_url, "post", "/new/thing", body={"a": [1, 2]}, params={"page": 2}
    )
    assert result == {"ok": True, "n": 3}
    request = httpserver.log[0][0]
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert request.headers["Idempotency-Key"].startswith("together-client-")


@pytest.mark.anyio
async def test_cast_to_a_generated_model_reads_it_leniently(flavor, base_url, httpserver):
    httpserver.expect_request("/v1/batches/b1", method="GET").respond_with_json(
        {"id": "b1", "status": "SOMETHING_NEW"}
    )
    job = await call(flavor, base_url, "get", "/batches/b1", cast_to=BatchJob)
    assert isinstance(job, BatchJob)
    assert (job.id, job.status) == ("b1", "SOMETHING_NEW")


@pytest.mark.anyio
async def test_cast_to_bytes_str_and_response(flavor, base_url, httpserver):
    httpserver.expect_request("/v1/raw").respond_with_data(b"\x00\x01", content_type="x/y")
    assert await call(flavor, base_url, "get", "/raw", cast_to=bytes) == b"\x00\x01"
    response = await call(flavor, base_url, "get", "/raw", cast_to=httpx.Response)
    assert (response.status_code, response.headers["content-type"]) == (200, "x/y")
    httpserver.expect_request("/v1/text").respond_with_data("hé", content_type="text/plain")
    assert await call(flavor, base_url, "get", "/text", cast_to=str) == "hé"


@pytest.mark.anyio
async def test_an_error_status_raises_the_same_typed_error(flavor, base_url, httpserver):
    httpserver.expect_request("/v1/gone", method="DELETE").respond_with_json(
        {"error": {"message": "no such thing"}}, status=404
    )
    with pytest.raises(together.NotFoundError, match="no such thing"):
        await call(flavor, base_url, "delete", "/gone")


@pytest.mark.anyio
async def test_per_call_options_apply_and_unknown_ones_are_refused(flavor, base_url, httpserver):
    httpserver.expect_request("/v1/x", method="PATCH").respond_with_json({})
    await call(flavor, base_url, "patch", "/x", body={}, extra_headers={"X-Test": "1"})
    assert httpserver.log[0][0].headers["X-Test"] == "1"
    with pytest.raises(TypeError, match="time_out"):
        await call(flavor, base_url, "put", "/x", time_out=3)
    assert len(httpserver.log) == 1


@pytest.mark.anyio
async def test_stream_yields_each_event_as_json(flavor, base_url, httpserver):
    events = b"".join(b"data: " + json.dumps({"i": i}).encode() + b"\n\n" for i in range(3))
    httpserver.expect_request("/v1/events", method="POST").respond_with_data(
        events + b"data: [DONE]\n\n", content_type="text/event-stream"
    )
    if flavor == "sync":
        client = together.Together(api_key=API_KEY, base_url=base_url)
        with client, client.post("/events", body={}, stream=True) as stream:
            assert [item["i"] for item in stream] == [0, 1, 2]
    else:
        async with together.AsyncTogether(api_key=API_KEY, base_url=base_url) as client:
            stream = await client.post("/events", body={}, stream=True)
            async with stream:
                assert [item["i"] async for item in stream] == [0, 1, 2]
    assert httpserver.log[0][0].headers["Accept"] == "text/event-stream"


def test_a_path_is_checked_before_anything_is_sent(client, httpserver):
    for bad in ("", None, "."):
        with pytest.raises((TypeError, ValueError)):
            client.get(bad)
    assert httpserver.log == []
