"""The official SDK 3.x's public behaviours that this client matches, one test each, on
both clients. Those it deliberately does differently are listed, with the reasons, in the
README ("Deliberate differences from the official SDK 3.x")."""

from __future__ import annotations

import inspect
import json
from typing import Any

import pytest
from werkzeug import Request, Response

import together

from .support import API_KEY
from .support.bodies import CASES
from .support.clients import done, open_client

SESSION = {"id": "s1", "status": "PENDING", "base_model": "m"}


def sent(httpserver: Any) -> Any:
    return httpserver.log[-1][0]


@pytest.mark.anyio
async def test_with_raw_response_gives_the_response_and_parse_gives_the_result(
    flavor, base_url, httpserver
):
    httpserver.expect_request("/v1/models").respond_with_json([], headers={"x-a": "1"})
    async with open_client(flavor, base_url) as c:
        raw = await done(c.models.with_raw_response.list())
        assert (raw.status_code, raw.headers["x-a"], raw.retries_taken) == (200, "1", 0)
        assert raw.http_request.url.path == "/v1/models"
        parsed = raw.parse()
        assert inspect.isawaitable(parsed) == (flavor == "async")  # as in 3.x
        assert await done(parsed) == []


@pytest.mark.anyio
async def test_with_streaming_response_is_a_context_manager_that_closes_the_body(
    flavor, base_url, httpserver
):
    httpserver.expect_request("/v1/models").respond_with_json([])
    async with open_client(flavor, base_url) as c:
        manager = c.models.with_streaming_response.list()
        if flavor == "sync":
            with manager as response:
                assert response.parse() == []
        else:
            async with manager as response:
                assert await response.parse() == []
        assert response.is_closed


@pytest.mark.anyio
@pytest.mark.parametrize(("status", "error"), CASES)
async def test_an_error_status_raises_the_error_named_for_it(
    flavor, status, error, base_url, httpserver
):
    httpserver.expect_request("/v1/models").respond_with_json(
        {"error": {"message": "no"}}, status=status
    )
    async with open_client(flavor, base_url) as c:
        with pytest.raises(error) as caught:
            await done(c.models.list())
    assert caught.value.status_code == status
    assert isinstance(caught.value, together.APIStatusError)


@pytest.mark.anyio
async def test_retries_follow_max_retries_and_x_should_retry(flavor, base_url, httpserver):
    def busy(request: Request) -> Response:
        return Response("busy", status=500, headers={"retry-after-ms": "1"})

    httpserver.expect_request("/v1/models").respond_with_handler(busy)
    async with open_client(flavor, base_url, max_retries=2) as c:
        with pytest.raises(together.InternalServerError):
            await done(c.models.list())
    assert len(httpserver.log) == 3
    httpserver.clear()
    httpserver.expect_request("/v1/models").respond_with_data(
        "no", status=500, headers={"x-should-retry": "false"}
    )
    async with open_client(flavor, base_url, max_retries=2) as c:
        with pytest.raises(together.InternalServerError):
            await done(c.models.list())
    assert len(httpserver.log) == 1


def test_max_retries_none_is_a_type_error(flavor):
    cls = together.Together if flavor == "sync" else together.AsyncTogether
    with pytest.raises(TypeError, match="max_retries"):
        cls(api_key=API_KEY, max_retries=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="max_retries"):
        cls(api_key=API_KEY).copy(max_retries=None)  # type: ignore[arg-type]


def test_timeout_none_means_no_timeout_and_reads_back_as_none(flavor):
    cls = together.Together if flavor == "sync" else together.AsyncTogether
    assert cls(api_key=API_KEY, timeout=None).timeout is None
    assert cls(api_key=API_KEY).copy(timeout=None).timeout is None
    assert cls(api_key=API_KEY).with_options(timeout=None).timeout is None


def test_default_headers_with_set_default_headers_is_a_value_error(flavor):
    cls = together.Together if flavor == "sync" else together.AsyncTogether
    with pytest.raises(ValueError, match="set_default_headers"):
        cls(api_key=API_KEY).copy(default_headers={"A": "1"}, set_default_headers={"B": "2"})


@pytest.mark.anyio
async def test_a_large_max_retries_never_overflows_the_backoff(flavor, base_url, httpserver):
    """2,000 retries allowed: each pause is still the capped backoff (the server answers
    on the third attempt; the pauses are kept short by its Retry-After)."""
    from together._transport import retry_delay

    assert 0 < retry_delay(2000, None) <= 8.0
    for _ in range(2):
        httpserver.expect_ordered_request("/v1/models").respond_with_json(
            {"error": {"message": "busy"}}, status=503, headers={"retry-after-ms": "1"}
        )
    httpserver.expect_ordered_request("/v1/models").respond_with_json([])
    async with open_client(flavor, base_url, max_retries=2000) as c:
        assert await done(c.models.list()) == []


def test_copy_is_with_options_and_keeps_the_class_and_settings(flavor):
    cls = together.Together if flavor == "sync" else together.AsyncTogether
    original = cls(api_key=API_KEY, base_url="http://127.0.0.1:9/v1", max_retries=3)
    copy = original.copy(api_key="other-key")
    assert type(copy) is cls and copy is not original
    assert (copy.api_key, copy.base_url, copy.max_retries) == (
        "other-key",
        "http://127.0.0.1:9/v1",
        3,
    )
    assert cls.copy is cls.with_options


def test_default_headers_carry_the_key(flavor):
    cls = together.Together if flavor == "sync" else together.AsyncTogether
    assert cls(api_key=API_KEY).default_headers["Authorization"] == f"Bearer {API_KEY}"


@pytest.mark.anyio
async def test_a_client_is_closed_after_its_with_block(flavor, base_url):
    async with open_client(flavor, base_url) as c:
        assert not c.is_closed()
    assert c.is_closed()


@pytest.mark.anyio
async def test_post_training_reaches_the_rl_operations_by_their_3x_names(
    flavor, base_url, httpserver
):
    httpserver.expect_request("/v1/rl/training-sessions", method="POST").respond_with_json(SESSION)
    httpserver.expect_request("/v1/rl/training-sessions/s1/stop", method="POST").respond_with_json(
        SESSION
    )
    httpserver.expect_request("/v1/rl/checkpoints/ck1/download").respond_with_json({})
    async with open_client(flavor, base_url) as c:
        assert c.post_training is c.rl
        session = await done(c.post_training.sessions.create(base_model="m"))
        assert session.id == "s1"
        await done(c.post_training.sessions.stop("s1"))
        assert callable(c.post_training.operations.forward_backward)
        assert callable(c.post_training.operations.retrieve_sample)
        await done(c.post_training.checkpoints.download("ck1", variant="CHECKPOINT_VARIANT_MERGED"))
    assert [r.path for r, _ in httpserver.log] == [
        "/v1/rl/training-sessions",
        "/v1/rl/training-sessions/s1/stop",
        "/v1/rl/checkpoints/ck1/download",
    ]


@pytest.mark.anyio
async def test_per_call_extra_headers_query_and_body(flavor, base_url, httpserver):
    httpserver.expect_request("/v1/embeddings", method="POST").respond_with_json(
        {"object": "list", "model": "m", "data": []}
    )
    async with open_client(flavor, base_url) as c:
        await done(
            c.embeddings.create(
                model="m",
                input="x",
                extra_headers={"X-Extra": "1"},
                extra_query={"q": "2"},
                extra_body={"more": 3},
            )
        )
    request = sent(httpserver)
    assert (request.headers["X-Extra"], request.args["q"]) == ("1", "2")
    assert json.loads(request.data)["more"] == 3


@pytest.mark.anyio
async def test_a_stream_ends_at_done_and_an_error_payload_raises(flavor, base_url, httpserver):
    httpserver.expect_request("/v1/chat/completions").respond_with_data(
        b'data: {"id": "a", "choices": []}\n\ndata: [DONE]\n\n',
        content_type="text/event-stream",
    )
    async with open_client(flavor, base_url) as c:
        stream = await done(
            c.chat.completions.create(model="m", messages=[], stream=True)  # type: ignore[call-overload]
        )
        ids = [x.id for x in stream] if flavor == "sync" else [x.id async for x in stream]
    assert ids == ["a"]
    httpserver.clear()
    httpserver.expect_request("/v1/chat/completions").respond_with_data(
        b'data: {"error": {"message": "overloaded"}}\n\n', content_type="text/event-stream"
    )
    async with open_client(flavor, base_url) as c:
        stream = await done(c.chat.completions.create(model="m", messages=[], stream=True))
        with pytest.raises(together.APIError, match="overloaded"):
            _ = [x for x in stream] if flavor == "sync" else [x async for x in stream]


@pytest.mark.anyio
async def test_generic_get_casts_to_the_given_type(flavor, base_url, httpserver):
    httpserver.expect_request("/v1/whoami").respond_with_json({"user": "u"})
    async with open_client(flavor, base_url) as c:
        assert await done(c.get("/whoami", cast_to=object)) == {"user": "u"}
