"""Methods show and check their arguments: signatures from the operations' descriptions,
an unknown keyword refused before anything is sent, naming the nearest valid one."""

from __future__ import annotations

import inspect
import json

import pytest

import together
from together import AsyncTogether, Together


def test_a_derived_method_shows_the_specs_fields_in_its_signature():
    client = Together(api_key="k")
    signature = inspect.signature(client.chat.completions.create)
    params = signature.parameters
    assert params["model"].kind is inspect.Parameter.KEYWORD_ONLY
    assert params["model"].default is inspect.Parameter.empty  # required
    assert params["max_tokens"].default is not inspect.Parameter.empty  # optional
    assert params["max_tokens"].annotation == "int | None"  # None: not given
    assert params["options"].kind is inspect.Parameter.VAR_KEYWORD
    retrieve = inspect.signature(client.batches.retrieve).parameters
    assert list(retrieve) == ["id", "options"]
    doc = client.chat.completions.create.__doc__ or ""
    assert doc.startswith("POST /chat/completions: Create chat completion")
    assert "Returns ChatCompletionResponse" in doc and "Stream of ChatCompletionChunk" in doc


@pytest.mark.parametrize(
    ("call", "wrong", "nearest"),
    [
        (
            lambda c: c.chat.completions.create(model="m", messages=[], max_token=5),
            "max_token",
            "max_tokens",
        ),
        (
            lambda c: c.chat.completions.create(model="m", messages=[], temprature=0.5),
            "temprature",
            "temperature",
        ),
        (lambda c: c.batches.retrieve("b-1", time_out=1), "time_out", "timeout"),
    ],
)
def test_an_unknown_keyword_is_refused_naming_the_nearest(client, httpserver, call, wrong, nearest):
    with pytest.raises(
        TypeError, match=f"unexpected keyword argument '{wrong}'; did you mean '{nearest}'"
    ):
        call(client)
    assert httpserver.log == []


def test_a_field_is_taken_by_its_spec_name_or_its_python_name(client, httpserver):
    httpserver.expect_request("/v1/embeddings", method="POST").respond_with_json(
        {"object": "list", "model": "m", "data": []}
    )
    client.embeddings.create(model="m", input="a")
    client.embeddings.create(model="m", input_="b")
    sent = [json.loads(request.get_data()) for request, _ in httpserver.log]
    assert sent == [{"model": "m", "input": "a"}, {"model": "m", "input": "b"}]


def test_a_field_the_spec_lacks_goes_in_extra_body(client, httpserver):
    httpserver.expect_request("/v1/embeddings", method="POST").respond_with_json(
        {"object": "list", "model": "m", "data": []}
    )
    client.embeddings.create(model="m", input="a", extra_body={"encoding_format": "base64"})
    sent = json.loads(httpserver.log[0][0].get_data())
    assert sent == {"model": "m", "input": "a", "encoding_format": "base64"}


@pytest.mark.anyio
async def test_the_async_client_streams_an_async_stream_that_a_plain_for_refuses(httpserver):
    events = b'data: {"id": "1", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": []}\n\ndata: [DONE]\n\n'
    httpserver.expect_request("/v1/chat/completions").respond_with_data(
        events, content_type="text/event-stream"
    )
    async with AsyncTogether(api_key="k", base_url=httpserver.url_for("/v1")) as client:
        stream = await client.chat.completions.create(model="m", messages=[], stream=True)
        assert isinstance(stream, together.AsyncStream)
        with pytest.raises(TypeError, match="not iterable"):
            iter(stream)  # type: ignore[call-overload]
        async with stream:
            assert [chunk.id async for chunk in stream] == ["1"]
