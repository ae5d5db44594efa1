"""``with_raw_response`` and ``with_streaming_response``: on every method of both clients,
the HTTP response of the call (headers, status, retries) with the usual result one
``parse()`` away."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from werkzeug import Request, Response

import together
from together._namespaces import layout
from together_generated.models import ChatCompletionResponse

from .support import API_KEY
from .support.clients import done, open_client, opened

CHAT = {
    "id": "c1",
    "object": "chat.completion",
    "created": 1,
    "model": "m",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}}],
}
MESSAGES = [{"role": "user", "content": "hi"}]
SSE = b'data: {"id": "c1", "choices": []}\n\ndata: [DONE]\n\n'


async def collect(flavor: str, chunks: Any) -> list[Any]:
    if flavor == "sync":
        return list(chunks)
    return [chunk async for chunk in chunks]


# -- both views ------------------------------------------------------------------------
@pytest.mark.anyio
@pytest.mark.parametrize("view", ["with_raw_response", "with_streaming_response"])
async def test_a_failure_raises_the_usual_error(flavor, view, base_url, httpserver):
    httpserver.expect_request("/v1/models").respond_with_json(
        {"error": {"message": "slow down"}}, status=429
    )
    async with open_client(flavor, base_url) as c:
        with pytest.raises(together.RateLimitError, match="slow down"):
            result = getattr(c.models, view).list()
            if view == "with_raw_response":
                await done(result)
            else:
                async with opened(flavor, result):
                    pass


# -- with_raw_response -----------------------------------------------------------------
@pytest.mark.anyio
async def test_raw_response_gives_headers_status_request_and_the_usual_result(
    flavor, base_url, httpserver
):
    httpserver.expect_request("/v1/chat/completions", method="POST").respond_with_json(
        CHAT, headers={"x-request-id": "req-1", "x-ratelimit-remaining": "9"}
    )
    async with open_client(flavor, base_url) as c:
        raw = await done(c.chat.completions.with_raw_response.create(model="m", messages=MESSAGES))
        assert isinstance(
            raw, together.APIResponse if flavor == "sync" else together.AsyncAPIResponse
        )
        assert raw.status_code == 200
        assert raw.headers["x-ratelimit-remaining"] == "9"
        assert raw.request_id == "req-1"
        assert raw.http_request.method == "POST"
        assert raw.http_request.url.path == "/v1/chat/completions"
        assert isinstance(raw.http_response, httpx.Response)
        assert raw.retries_taken == 0
        assert raw.is_closed  # the body was read
        result = await done(raw.parse())
    assert isinstance(result, ChatCompletionResponse)
    assert result.choices[0].message.content == "hi"
    assert await done(raw.parse()) is result  # parsed once


@pytest.mark.anyio
async def test_raw_response_counts_the_retries_it_took(flavor, base_url, httpserver):
    answers = iter([Response("busy", status=503, headers={"retry-after-ms": "1"})])

    def handler(request: Request) -> Response:
        return next(answers, Response(json.dumps([]), content_type="application/json"))

    httpserver.expect_request("/v1/models").respond_with_handler(handler)
    async with open_client(flavor, base_url, max_retries=2) as c:
        raw = await done(c.models.with_raw_response.list())
    assert (raw.status_code, raw.retries_taken) == (200, 1)
    assert await done(raw.parse()) == []


@pytest.mark.anyio
async def test_raw_parse_of_a_body_that_is_not_the_result_raises_validation_error(
    flavor, base_url, httpserver
):
    httpserver.expect_request("/v1/chat/completions").respond_with_data("<html>")
    async with open_client(flavor, base_url) as c:
        raw = await done(c.chat.completions.with_raw_response.create(model="m", messages=MESSAGES))
        assert await done(raw.text()) == "<html>"
        with pytest.raises(together.APIResponseValidationError):
            await done(raw.parse())


@pytest.mark.anyio
async def test_raw_response_of_a_stream_parses_to_the_stream(flavor, base_url, httpserver):
    httpserver.expect_request("/v1/chat/completions").respond_with_data(
        SSE, content_type="text/event-stream"
    )
    async with open_client(flavor, base_url) as c:
        raw = await done(
            c.chat.completions.with_raw_response.create(model="m", messages=MESSAGES, stream=True)
        )
        assert raw.headers["content-type"] == "text/event-stream"
        stream = await done(raw.parse())
        assert isinstance(stream, together.Stream if flavor == "sync" else together.AsyncStream)
        assert [chunk.id for chunk in await collect(flavor, stream)] == ["c1"]


@pytest.mark.anyio
async def test_hand_written_methods_have_raw_responses_too(flavor, base_url, httpserver):
    httpserver.expect_request("/v1/files/f1/content").respond_with_data(b"\x00\x01")
    httpserver.expect_request("/v1/batches", method="POST").respond_with_json(
        {"job": {"id": "b1"}}, status=201
    )
    async with open_client(flavor, base_url) as c:
        content = await done(c.files.with_raw_response.content("f1"))
        assert await done(content.parse()) == b"\x00\x01"
        batch = await done(
            c.batches.with_raw_response.create(
                input_file_id="f", endpoint="/v1/chat/completions", completion_window="24h"
            )
        )
        assert batch.status_code == 201
        assert (await done(batch.parse())).id == "b1"  # the 1.x view of the result


@pytest.mark.anyio
async def test_raw_download_to_a_file_writes_it_when_parsed(
    flavor, base_url, httpserver, tmp_path: Path
):
    httpserver.expect_request("/v1/files/f1/content").respond_with_data(b"DATA")
    async with open_client(flavor, base_url) as c:
        raw = await done(c.files.with_raw_response.content("f1", output=tmp_path / "out.bin"))
        assert raw.status_code == 200
        path = await done(raw.parse())
    assert Path(path).read_bytes() == b"DATA"


@pytest.mark.anyio
async def test_views_reach_nested_namespaces_from_a_parent_or_the_client(
    flavor, base_url, httpserver
):
    httpserver.expect_request("/v1/chat/completions").respond_with_json(CHAT)
    async with open_client(flavor, base_url) as c:
        for view in (c.chat.with_raw_response, c.with_raw_response.chat):
            raw = await done(view.completions.create(model="m", messages=MESSAGES))
            assert raw.status_code == 200


def test_views_offer_only_api_methods(flavor):
    c = (together.Together if flavor == "sync" else together.AsyncTogether)(api_key=API_KEY)
    for view in (c.files.with_raw_response, c.files.with_streaming_response):
        with pytest.raises(AttributeError, match="check"):
            view.check  # noqa: B018 - local work, no response
        with pytest.raises(AttributeError, match="nope"):
            view.nope  # noqa: B018


def test_every_method_of_the_table_has_both_views(flavor):
    c = (together.Together if flavor == "sync" else together.AsyncTogether)(api_key=API_KEY)
    count = 0
    for path, methods in layout().items():
        resource = c
        for part in path.split("."):
            resource = getattr(resource, part)
        for name in methods:
            assert callable(getattr(resource.with_raw_response, name)), f"{path}.{name}"
            assert callable(getattr(resource.with_streaming_response, name)), f"{path}.{name}"
            count += 1
    assert count > 100


# -- with_streaming_response -----------------------------------------------------------
@pytest.mark.anyio
async def test_streaming_response_reads_the_body_as_it_arrives_and_closes_it(
    flavor, base_url, httpserver
):
    httpserver.expect_request("/v1/models").respond_with_data(
        '[{"id": "a"},\n{"id": "b"}]', headers={"x-request-id": "r2"}
    )
    async with open_client(flavor, base_url) as c:
        manager = c.models.with_streaming_response.list()
        assert len(httpserver.log) == 0  # sent when the block starts
        async with opened(flavor, manager) as response:
            assert (response.status_code, response.headers["x-request-id"]) == (200, "r2")
            assert not response.is_closed
            assert await collect(flavor, response.iter_lines()) == ['[{"id": "a"},', '{"id": "b"}]']
        assert response.is_closed


@pytest.mark.anyio
async def test_streaming_response_parses_to_the_usual_result(flavor, base_url, httpserver):
    httpserver.expect_request("/v1/chat/completions").respond_with_json(CHAT)
    async with open_client(flavor, base_url) as c:
        manager = c.chat.completions.with_streaming_response.create(model="m", messages=MESSAGES)
        async with opened(flavor, manager) as response:
            result = await done(response.parse())
            assert response.retries_taken == 0
    assert isinstance(result, ChatCompletionResponse)


@pytest.mark.anyio
async def test_streaming_response_of_a_stream_call_parses_to_the_stream(
    flavor, base_url, httpserver
):
    httpserver.expect_request("/v1/chat/completions").respond_with_data(
        SSE, content_type="text/event-stream"
    )
    async with open_client(flavor, base_url) as c:
        manager = c.chat.completions.with_streaming_response.create(
            model="m", messages=MESSAGES, stream=True
        )
        async with opened(flavor, manager) as response:
            chunks = await collect(flavor, await done(response.parse()))
    assert [chunk.id for chunk in chunks] == ["c1"]


@pytest.mark.anyio
async def test_streaming_response_writes_a_binary_body_to_a_file(
    flavor, base_url, httpserver, tmp_path: Path
):
    httpserver.expect_request("/v1/audio/speech", method="POST").respond_with_data(b"RIFF" * 4)
    async with open_client(flavor, base_url) as c:
        for how in ("stream_to_file", "write_to_file"):
            manager = c.audio.speech.with_streaming_response.create(
                model="m", input="hi", voice="v"
            )
            async with opened(flavor, manager) as response:
                await done(getattr(response, how)(tmp_path / f"{how}.wav"))
            assert (tmp_path / f"{how}.wav").read_bytes() == b"RIFF" * 4


@pytest.mark.anyio
async def test_streaming_response_must_be_entered_as_its_client_wants(flavor, base_url):
    async with open_client(flavor, base_url) as c:
        manager = c.models.with_streaming_response.list()
        if flavor == "sync":
            with pytest.raises(TypeError, match="with"):
                async with manager:
                    pass
        else:
            with pytest.raises(TypeError, match="async with"), manager:
                pass


@pytest.mark.anyio
async def test_async_streaming_response_keeps_the_aiter_names(base_url, httpserver):
    httpserver.expect_request("/v1/models").respond_with_data(b"abc")
    async with (
        open_client("async", base_url) as c,
        c.models.with_streaming_response.list() as response,
    ):
        assert [b async for b in response.aiter_bytes()] == [b"abc"]
