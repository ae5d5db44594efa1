"""``None`` for an optional argument means "not given".

Where the spec doesn't allow null it is left out of the request (as the 1.x SDK did),
at the top level and inside the dicts and models passed; where it allows null it is
sent as null. The rest of the body is sent as given. Code that passes ``None`` for
every option a user left unset, as wrapping libraries do, runs unchanged. User-style
calls on both clients against a local server.
"""

from __future__ import annotations

import json
import operator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from together import AsyncTogether
from together_generated.models import ChatCompletionUserMessageParam

from .support.bodies import MODEL, chat_completion

pytestmark = pytest.mark.anyio

HI = [{"role": "user", "content": "Hi"}]
CHAT_REPLY = chat_completion()


async def send(api: Any, method: str, **arguments: Any) -> Any:
    """``api.<method>(**arguments)``, the way a user writes it on either client."""
    result = operator.attrgetter(method)(api)(**arguments)
    return await result if isinstance(api, AsyncTogether) else result


async def chat(api: Any, httpserver: HTTPServer, **arguments: Any) -> Any:
    """A chat completion with ``arguments``; returns the body the server received."""
    httpserver.expect_request("/v1/chat/completions", method="POST").respond_with_json(CHAT_REPLY)
    reply = await send(api, "chat.completions.create", **arguments)
    assert reply.choices[0].message.content == "Hello!"
    (request, _response), *_ = httpserver.log
    return json.loads(request.get_data())


async def test_none_for_optional_arguments_leaves_them_out(
    api: Any, httpserver: HTTPServer
) -> None:
    body = await chat(
        api,
        httpserver,
        model=MODEL,
        messages=HI,
        stop=None,
        temperature=None,
        max_tokens=None,
        top_p=None,
        response_format=None,
        tools=None,
        tool_choice=None,
        reasoning_effort=None,
        stream=None,
    )
    assert body == {"model": MODEL, "messages": HI}


async def test_none_inside_a_message_is_left_out_where_it_cant_be_null(
    api: Any, httpserver: HTTPServer
) -> None:
    messages = [
        {"role": "system", "content": "Be brief.", "name": None},
        {"role": "user", "content": "Hi", "name": None},
    ]
    body = await chat(api, httpserver, model=MODEL, messages=messages)
    assert body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
    ]


async def test_none_at_the_top_and_inside_a_message_are_both_left_out(
    api: Any, httpserver: HTTPServer
) -> None:
    messages = [{"role": "user", "content": "Hi", "name": None}]
    body = await chat(api, httpserver, model=MODEL, messages=messages, stop=None, top_k=None)
    assert body == {"model": MODEL, "messages": HI}


async def test_none_is_sent_as_null_where_the_spec_allows_it(
    api: Any, httpserver: HTTPServer
) -> None:
    call = {"id": "call-1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    history = [
        *HI,
        # an assistant turn that only called a tool: its content is null
        {"role": "assistant", "content": None, "tool_calls": [call], "name": None},
        {"role": "tool", "tool_call_id": "call-1", "content": "42"},
    ]
    body = await chat(api, httpserver, model=MODEL, messages=history, seed=None)
    assert body["messages"][1] == {"role": "assistant", "content": None, "tool_calls": [call]}
    assert "seed" not in body


async def test_none_in_a_model_passed_is_left_out_too(api: Any, httpserver: HTTPServer) -> None:
    message = ChatCompletionUserMessageParam(role="user", content="Hi", name=None)
    body = await chat(api, httpserver, model=MODEL, messages=[message])
    assert body["messages"] == HI


async def test_the_rest_of_the_body_is_sent_as_given(api: Any, httpserver: HTTPServer) -> None:
    # A JSON schema is the user's own data: its nulls are values, not "not given".
    schema = {"type": "object", "properties": {"x": {"default": None}}}
    response_format = {"type": "json_schema", "json_schema": {"name": "x", "schema": schema}}
    body = await chat(
        api, httpserver, model=MODEL, messages=HI, max_tokens=None, response_format=response_format
    )
    assert body == {"model": MODEL, "messages": HI, "response_format": response_format}


async def test_none_for_a_query_parameter_leaves_it_out(api: Any, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v1/endpoints", method="GET").respond_with_json(
        {"object": "list", "data": []}
    )
    await send(api, "endpoints.list", type=None, usage_type=None)
    assert dict(httpserver.log[0][0].args) == {}


@pytest.mark.parametrize(
    "arguments",
    [{"model": None}, {"messages": None}, {"messages": [{"role": "user", "content": None}]}],
)
async def test_none_for_a_required_field_is_refused_before_sending(
    api: Any, httpserver: HTTPServer, arguments: dict[str, Any]
) -> None:
    with pytest.raises(TypeError):
        await send(api, "chat.completions.create", **{"model": MODEL, "messages": HI, **arguments})
    assert httpserver.log == []


def test_the_stub_says_optional_arguments_take_none() -> None:
    from together._stubgen import render

    stub = render()
    assert "stop: Sequence[str] | None = ..." in stub
    assert "max_tokens: int | None = ..." in stub
