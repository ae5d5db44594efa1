"""Strict on names and kinds, open on values.

A value of the right JSON kind that the spec doesn't list (an enum value, a kind of
object in a union) is sent as given, with one ``together.UnknownValueWarning`` per
process for each field and value, pointing at the caller's line; an unknown keyword, a
missing required field or a value of the wrong kind still raises before anything is
sent. User-style calls on both clients against a local server.
"""

from __future__ import annotations

import json
import operator
import uuid
import warnings
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

import together
from together import AsyncTogether, Together

from .support import API_KEY
from .support.bodies import MODEL, chat_completion
from .support.cli import together as run_cli

pytestmark = pytest.mark.anyio

HI = [{"role": "user", "content": "Hi"}]
CHAT_REPLY = chat_completion()
IMAGE_REPLY = {"id": "i-1", "model": MODEL, "object": "list", "data": []}


async def send(api: Any, method: str, **arguments: Any) -> Any:
    """``api.<method>(**arguments)``, the way a user writes it on either client."""
    result = operator.attrgetter(method)(api)(**arguments)
    return await result if isinstance(api, AsyncTogether) else result


def serve(httpserver: HTTPServer, path: str = "/v1/chat/completions", reply: Any = None) -> None:
    httpserver.expect_request(path, method="POST").respond_with_json(reply or CHAT_REPLY)


def sent(httpserver: HTTPServer) -> Any:
    (request, _response), *_ = httpserver.log
    return json.loads(request.get_data())


def fresh(prefix: str) -> str:
    """A value never sent before in this process (warnings are once per field and value)."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def unknown_value_warnings(caught: list[warnings.WarningMessage]) -> list[warnings.WarningMessage]:
    return [w for w in caught if issubclass(w.category, together.UnknownValueWarning)]


async def test_a_regex_response_format_is_sent_as_documented(
    api: Any, httpserver: HTTPServer
) -> None:
    serve(httpserver)
    regex = {"type": "regex", "pattern": "(positive|negative|neutral)"}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        await send(api, "chat.completions.create", model=MODEL, messages=HI, response_format=regex)
    assert sent(httpserver)["response_format"] == regex
    assert unknown_value_warnings(caught) == []


async def test_an_enum_value_the_spec_does_not_list_is_sent_with_one_warning(
    api: Any, httpserver: HTTPServer
) -> None:
    serve(httpserver)
    effort = fresh("extreme")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(2):
            await send(
                api, "chat.completions.create", model=MODEL, messages=HI, reasoning_effort=effort
            )
    assert [json.loads(r.get_data())["reasoning_effort"] for r, _ in httpserver.log] == [
        effort,
        effort,
    ]
    [warning] = unknown_value_warnings(caught)
    assert str(warning.message) == (
        f"ChatCompletionRequest.reasoning_effort: {effort!r} is not a value the spec lists"
        " ('high', 'low', 'medium'); sent as given"
    )
    assert warning.filename == __file__  # the caller's line, not the client's


async def test_a_kind_of_object_the_spec_does_not_list_is_sent_with_a_warning(
    api: Any, httpserver: HTTPServer
) -> None:
    serve(httpserver)
    response_format = {"type": fresh("grammar"), "grammar": "root ::= 'yes' | 'no'", "x": None}
    with pytest.warns(together.UnknownValueWarning) as caught:
        await send(
            api,
            "chat.completions.create",
            model=MODEL,
            messages=HI,
            response_format=response_format,
        )
    assert sent(httpserver)["response_format"] == response_format  # as given, its None too
    message = str(caught[0].message)
    assert message.startswith(
        f"ChatCompletionRequest.response_format.type: {response_format['type']!r}"
    )
    assert "'text', 'json_schema', 'json_object', 'regex'" in message
    assert caught[0].filename == __file__


async def test_a_role_the_spec_does_not_list_is_sent_with_a_warning(
    api: Any, httpserver: HTTPServer
) -> None:
    serve(httpserver)
    role = fresh("developer")
    messages = [{"role": role, "content": "Be brief."}, *HI]
    with pytest.warns(together.UnknownValueWarning, match=rf"role: '{role}' .*'system', 'user'"):
        await send(api, "chat.completions.create", model=MODEL, messages=messages)
    assert sent(httpserver)["messages"] == messages


@pytest.fixture
def nothing_warned_yet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget which values were warned about (once per process), for a test that sends a
    value another test sends too."""
    monkeypatch.setattr(together._open_values, "_seen", set())


@pytest.mark.usefixtures("nothing_warned_yet")
async def test_an_image_response_format_the_spec_does_not_list_is_sent(
    api: Any, httpserver: HTTPServer
) -> None:
    serve(httpserver, "/v1/images/generations", IMAGE_REPLY)
    with pytest.warns(together.UnknownValueWarning, match="'base64', 'url'") as caught:
        await send(
            api, "images.generate", model=MODEL, prompt="a tortoise", response_format="b64_json"
        )
    assert sent(httpserver)["response_format"] == "b64_json"
    assert caught[0].filename == __file__


async def test_a_query_value_the_spec_does_not_list_is_sent_with_a_warning(
    api: Any, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/v1/endpoints", method="GET").respond_with_json(
        {"object": "list", "data": []}
    )
    kind = fresh("serverless")
    with pytest.warns(together.UnknownValueWarning, match=f"type: '{kind}'") as caught:
        await send(api, "endpoints.list", type=kind)
    assert httpserver.log[0][0].args["type"] == kind
    assert caught[0].filename == __file__


async def test_a_hand_written_method_warns_at_the_callers_line(
    api: Any, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/v1/finetune/download", method="GET").respond_with_data(b"model")
    checkpoint = fresh("final")
    with pytest.warns(together.UnknownValueWarning, match=f"checkpoint: '{checkpoint}'") as caught:
        data = await send(api, "fine_tuning.content", ft_id="ft-1", checkpoint=checkpoint)
    assert data == b"model"
    assert httpserver.log[0][0].args["checkpoint"] == checkpoint
    assert caught[0].filename == __file__


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"reasoning_effort": 5}, TypeError, "reasoning_effort: expected one of"),
        ({"response_format": {"type": 5}}, TypeError, "type: expected one of"),
        ({"response_format": {"type": "regex"}}, TypeError, "missing required field 'pattern'"),
        ({"messages": [{"role": 5, "content": "x"}]}, TypeError, "role: expected one of"),
        ({"messages": [{"role": "user"}]}, TypeError, "missing required field 'content'"),
        ({"temperature": "hot"}, TypeError, "temperature: expected a number"),
        ({"temprature": 0.5}, TypeError, "unexpected keyword argument 'temprature'"),
        ({"model": None}, TypeError, "model: expected a string"),
    ],
)
async def test_a_wrong_name_kind_or_missing_field_still_raises_before_sending(
    api: Any, httpserver: HTTPServer, arguments: dict[str, Any], error: type, message: str
) -> None:
    serve(httpserver)
    with pytest.raises(error, match=message):
        await send(api, "chat.completions.create", **{"model": MODEL, "messages": HI, **arguments})
    assert httpserver.log == []


async def test_an_openai_style_tool_choice_is_sent(api: Any, httpserver: HTTPServer) -> None:
    serve(httpserver)
    tools = [{"type": "function", "function": {"name": "get_weather", "parameters": {}}}]
    tool_choice = {"type": "function", "function": {"name": "get_weather"}}
    await send(
        api,
        "chat.completions.create",
        model=MODEL,
        messages=HI,
        tools=tools,
        tool_choice=tool_choice,
    )
    assert sent(httpserver)["tool_choice"] == tool_choice


async def test_tool_calls_sent_back_without_index_are_sent(
    api: Any, httpserver: HTTPServer
) -> None:
    serve(httpserver)
    call = {"id": "call-1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    history = [
        *HI,
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "call-1", "content": "42"},
    ]
    await send(api, "chat.completions.create", model=MODEL, messages=history)
    assert sent(httpserver)["messages"] == history


async def test_a_tool_call_sent_back_still_needs_its_id(api: Any, httpserver: HTTPServer) -> None:
    serve(httpserver)
    call = {"type": "function", "function": {"name": "f", "arguments": "{}"}}
    history = [*HI, {"role": "assistant", "content": None, "tool_calls": [call]}]
    with pytest.raises(TypeError, match="missing required field 'id'"):
        await send(api, "chat.completions.create", model=MODEL, messages=history)
    assert httpserver.log == []


def test_the_cli_sends_an_unlisted_value_with_the_warning(
    base_url: str, httpserver: HTTPServer
) -> None:
    serve(httpserver, "/v1/images/generations", IMAGE_REPLY)
    done = run_cli(
        base_url, "images", "generate", "--model", MODEL, "--prompt", "a tortoise",
        "--response-format", "b64_json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert sent(httpserver)["response_format"] == "b64_json"
    assert "UnknownValueWarning" in done.stderr and "'b64_json'" in done.stderr


def test_warnings_as_errors_refuse_an_unlisted_value_before_sending(
    client: Together, httpserver: HTTPServer
) -> None:
    serve(httpserver)
    with warnings.catch_warnings():
        warnings.simplefilter("error", together.UnknownValueWarning)
        with pytest.raises(together.UnknownValueWarning):
            client.chat.completions.create(
                model=MODEL, messages=HI, reasoning_effort=fresh("extreme")
            )
    assert httpserver.log == []


def test_the_warning_is_a_user_warning_exported_by_together() -> None:
    assert issubclass(together.UnknownValueWarning, UserWarning)
    assert "UnknownValueWarning" in together.__all__


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        ({"finish_reason": fresh("paused")}, "finish_reason: expected one of"),
        ({"seed": None}, "seed: null where the spec doesn't allow it"),
    ],
)
async def test_a_strict_client_still_refuses_what_the_spec_does_not_list(
    base_url: str, httpserver: HTTPServer, choice: dict[str, Any], message: str
) -> None:
    reply = {**CHAT_REPLY, "choices": [{**CHAT_REPLY["choices"][0], **choice}]}
    serve(httpserver, reply=reply)
    client = Together(api_key=API_KEY, base_url=base_url, strict_responses=True)
    with client, pytest.raises(together.APIResponseValidationError, match=message):
        client.chat.completions.create(model=MODEL, messages=HI)
