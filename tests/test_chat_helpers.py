"""The chat helpers: ``parse`` (structured outputs), ``ChatCompletionAccumulator`` and
``stream`` (typed events, the final completion), ``function_tool`` and ``run_tools``.

Each runs the real client against a local server replaying the shapes the live API sends
(the recordings in ``../shared/real-responses``, and streams composed from them with
reasoning deltas and parallel tool calls split across many deltas), on both clients.
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import json
import re
import threading
import time
from pathlib import Path
from typing import Any, Literal, TypedDict

import attrs
import pytest
from pytest_httpserver import HTTPServer

import together
from together import AsyncTogether, Together
from together_generated.models.chat_completion_chunk import ChatCompletionChunk
from together_generated.models.chat_completion_response import ChatCompletionResponse
from together_generated.models.completion_chunk import CompletionChunk

from .support import API_KEY
from .support.clients import call

pytestmark = pytest.mark.anyio

FOLDER = Path(__file__).resolve().parents[2] / "shared" / "real-responses"
MODEL = "meta-llama/Llama-3.3-70B-Instruct-Turbo"
ASK = [{"role": "user", "content": "hi"}]


# -- shapes --------------------------------------------------------------------------


def completion(content: str | None, finish: str = "stop", **message: Any) -> dict[str, Any]:
    """A chat completion as the API sends it (the recordings' fields)."""
    return {
        "id": "o1",
        "object": "chat.completion",
        "created": 1758039022,
        "model": MODEL,
        "prompt": [],
        "choices": [
            {
                "index": 0,
                "finish_reason": finish,
                "seed": 1,
                "logprobs": None,
                "message": {"role": "assistant", "content": content, **message},
            }
        ],
        "usage": {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12},
    }


def tool_call(index: int, name: str, arguments: str, id: str | None = None) -> dict[str, Any]:
    return {
        "index": index,
        "id": id or f"call_{index}",
        "type": "function",
        "function": {"name": name, "arguments": arguments},
    }


def chunk(choices: list[dict[str, Any]], usage: Any = None) -> dict[str, Any]:
    return {
        "id": "o1",
        "object": "chat.completion.chunk",
        "created": 1758039022,
        "model": MODEL,
        "choices": choices,
        "usage": usage,
    }


def delta(index: int = 0, finish: str | None = None, **fields: Any) -> dict[str, Any]:
    return {"index": index, "delta": fields, "finish_reason": finish, "logprobs": None}


def sse(*payloads: Any, done: bool = True) -> str:
    return "".join(f"data: {json.dumps(p)}\n\n" for p in payloads) + (
        "data: [DONE]\n\n" if done else ""
    )


def recorded_chunks(path: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line[6:])
        for line in path.read_text().splitlines()
        if line.startswith("data: ") and line.strip() != "data: [DONE]"
    ]


def serve(httpserver: HTTPServer, *bodies: Any) -> None:
    """The answers of successive chat calls: a dict as JSON, a str as an event stream."""
    for body in bodies:
        handler = httpserver.expect_ordered_request("/v1/chat/completions", method="POST")
        if isinstance(body, str):
            handler.respond_with_data(body, content_type="text/event-stream")
        else:
            handler.respond_with_json(body)


def sent(httpserver: HTTPServer) -> list[dict[str, Any]]:
    return [json.loads(request.get_data()) for request, _ in httpserver.log]


# -- parse ----------------------------------------------------------------------------


@dataclasses.dataclass
class City:
    name: str
    population: int
    coastal: bool = False


class Point(TypedDict):
    x: float
    y: float


@attrs.define
class Tag:
    label: str
    color: Literal["red", "blue"]


class Mood(enum.Enum):
    HAPPY = "happy"
    SAD = "sad"


@dataclasses.dataclass
class Trip:
    cities: list[City]
    mood: Mood
    note: str | None = None


async def test_parse_sends_the_json_schema_shape_named_after_the_type(api, httpserver):
    serve(httpserver, completion('{"name": "Paris", "population": 2100000}'))
    await call(api, "chat.completions.parse", model=MODEL, messages=ASK, response_format=City)
    assert sent(httpserver)[0]["response_format"] == {
        "type": "json_schema",
        "json_schema": {
            "name": "City",
            "schema": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "population": {"type": "integer"},
                    "coastal": {"type": "boolean"},
                },
                "required": ["name", "population"],
                "additionalProperties": False,
            },
            "strict": True,
        },
    }


async def test_parse_gives_the_answer_as_an_instance_of_a_dataclass(api, httpserver):
    serve(httpserver, completion('{"name": "Paris", "population": 2100000}'))
    result = await call(
        api, "chat.completions.parse", model=MODEL, messages=ASK, response_format=City
    )
    assert isinstance(result, together.ParsedChatCompletion)
    assert isinstance(result, ChatCompletionResponse)
    assert result.choices[0].message.parsed == City("Paris", 2100000)
    assert result.usage.total_tokens == 12


async def test_parse_reads_nested_dataclasses_enums_typeddicts_and_attrs_classes(api, httpserver):
    serve(
        httpserver,
        completion('{"cities": [{"name": "Oslo", "population": 700000}], "mood": "happy"}'),
        completion('{"x": 1, "y": 2.5}'),
        completion('{"label": "a", "color": "red"}'),
    )
    trip = await call(
        api, "chat.completions.parse", model=MODEL, messages=ASK, response_format=Trip
    )
    point = await call(
        api, "chat.completions.parse", model=MODEL, messages=ASK, response_format=Point
    )
    tag = await call(api, "chat.completions.parse", model=MODEL, messages=ASK, response_format=Tag)
    assert trip.choices[0].message.parsed == Trip([City("Oslo", 700000)], Mood.HAPPY)
    assert point.choices[0].message.parsed == {"x": 1.0, "y": 2.5}
    assert tag.choices[0].message.parsed == Tag("a", "red")
    schema = sent(httpserver)[0]["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["mood"] == {"enum": ["happy", "sad"]}
    assert schema["properties"]["note"] == {"anyOf": [{"type": "string"}, {"type": "null"}]}


async def test_parse_with_a_json_schema_dict_gives_the_parsed_json(api, httpserver):
    schema = {"title": "Answer", "type": "object", "properties": {"n": {"type": "integer"}}}
    serve(httpserver, completion('{"n": 3}'))
    result = await call(
        api, "chat.completions.parse", model=MODEL, messages=ASK, response_format=schema
    )
    assert result.choices[0].message.parsed == {"n": 3}
    assert sent(httpserver)[0]["response_format"]["json_schema"]["name"] == "Answer"


@pytest.mark.parametrize(
    "response_format",
    [
        {"type": "json_object", "schema": {"type": "object"}},
        {"type": "regex", "pattern": "yes|no"},
    ],
)
async def test_parse_passes_json_object_and_regex_formats_through(api, httpserver, response_format):
    serve(httpserver, completion('{"ok": true}'))
    await call(
        api, "chat.completions.parse", model=MODEL, messages=ASK, response_format=response_format
    )
    assert sent(httpserver)[0]["response_format"] == response_format


async def test_parse_leaves_parsed_out_of_to_dict(api, httpserver):
    body = completion('{"name": "Paris", "population": 1}')
    serve(httpserver, body)
    result = await call(
        api, "chat.completions.parse", model=MODEL, messages=ASK, response_format=City
    )
    assert result.to_dict() == body


async def test_an_answer_cut_at_the_token_limit_raises_length_finish_reason_error(api, httpserver):
    serve(httpserver, completion('{"name": "Par', finish="length"))
    with pytest.raises(together.LengthFinishReasonError, match="max_tokens") as caught:
        await call(api, "chat.completions.parse", model=MODEL, messages=ASK, response_format=City)
    assert caught.value.content == '{"name": "Par'


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"name": "Paris"}', "missing field 'population'"),
        ('{"name": "Paris", "population": "many"}', r"\$\.population: expected an integer"),
        ("Paris has 2 million people", "Expecting value"),
    ],
)
async def test_an_answer_that_does_not_fit_the_type_raises_with_the_raw_text(
    api, httpserver, text, problem
):
    serve(httpserver, completion(text))
    with pytest.raises(together.StructuredOutputError, match=problem) as caught:
        await call(api, "chat.completions.parse", model=MODEL, messages=ASK, response_format=City)
    assert caught.value.content == text
    assert isinstance(caught.value, ValueError)


async def test_parse_takes_per_call_options_and_checks_arguments_before_sending(api, httpserver):
    serve(httpserver, completion('{"name": "P", "population": 1}'))
    await call(
        api,
        "chat.completions.parse",
        model=MODEL,
        messages=ASK,
        response_format=City,
        max_tokens=9,
        extra_headers={"X-Trace": "t1"},
        timeout=3,
    )
    request = httpserver.log[0][0]
    assert request.headers["X-Trace"] == "t1"
    assert json.loads(request.get_data())["max_tokens"] == 9
    with pytest.raises(TypeError, match="max_token'; did you mean 'max_tokens'"):
        await call(
            api, "chat.completions.parse", model=MODEL, messages=ASK, response_format=City,
            max_token=9,
        )  # fmt: skip
    with pytest.raises(TypeError, match="response_format must be"):
        await call(api, "chat.completions.parse", model=MODEL, messages=ASK, response_format=int)
    assert len(httpserver.log) == 1


# -- the accumulator ------------------------------------------------------------------

CHAT_STREAMS = sorted(FOLDER.glob("*_chat_stream_*.sse")) + sorted(
    FOLDER.glob("*_chat_chunk_*.sse")
)
# Recorded streams and the non-streamed responses to the same request.
PAIRS = [
    ("openllmetryjs_chat_stream_1.sse", "openllmetryjs_chat_1.json"),
    ("openllmetryjs_chat_stream_3.sse", "openllmetryjs_chat_4.json"),
]
CHUNK_ONLY = {"seed", "text", "token_id", "prompt"}


def fold(payloads: list[dict[str, Any]]) -> together.ChatCompletionAccumulator:
    acc = together.ChatCompletionAccumulator()
    for payload in payloads:
        acc.add(ChatCompletionChunk.from_response(payload))
    return acc


def keys(value: Any, drop: set[str] = CHUNK_ONLY) -> Any:
    """The shape of a JSON value: its keys, nested, without the values."""
    if isinstance(value, dict):
        return {k: keys(v, drop) for k, v in value.items() if k not in drop}
    if isinstance(value, list):
        return [keys(v, drop) for v in value[:1]]
    return None


@pytest.mark.parametrize("path", CHAT_STREAMS, ids=lambda p: p.name)
def test_the_accumulator_rebuilds_a_chat_completion_from_each_recorded_stream(path):
    payloads = recorded_chunks(path)
    completion = fold(payloads).completion
    assert isinstance(completion, ChatCompletionResponse)
    assert completion.object_ == "chat.completion"
    assert completion.id == payloads[0]["id"]
    usage = [p["usage"] for p in payloads if p.get("usage")]
    assert completion.to_dict()["usage"] == (usage[-1] if usage else None)
    for index in {c["index"] for p in payloads for c in p["choices"]}:
        mine = [c for p in payloads for c in p["choices"] if c["index"] == index]
        text = [c["delta"].get("content") for c in mine if c["delta"].get("content") is not None]
        message = completion.choices[index].message
        assert message.content == ("".join(text) if text else None)
        assert message.role == "assistant"
        finish = [c["finish_reason"] for c in mine if c["finish_reason"]]
        assert completion.choices[index].finish_reason == (finish[-1] if finish else None)


@pytest.mark.parametrize(("stream", "body"), PAIRS)
def test_the_accumulator_gives_the_fields_a_non_streamed_call_returns(stream, body):
    folded = fold(recorded_chunks(FOLDER / stream)).completion.to_dict()
    whole = json.loads((FOLDER / body).read_text())
    assert keys(folded) == keys(whole)
    assert folded["object"] == whole["object"]


def test_the_accumulator_joins_tool_call_arguments_by_index_like_the_recorded_response():
    payloads = recorded_chunks(FOLDER / "openllmetryjs_chat_stream_2.sse")
    message = fold(payloads).completion.choices[0].message
    assert [c.to_dict() for c in message.tool_calls] == [
        tool_call(0, "get_current_weather", '{"location": "Boston, MA", "unit": "fahrenheit"}',
                  "call_gy9cscnhxyt8k7eakmsfk6ou"),
        tool_call(1, "get_tomorrow_weather", '{"location": "Chicago, IL", "unit": "fahrenheit"}',
                  "call_s4jlq0l9gmmna048buag7nc3"),
    ]  # fmt: skip
    # This recording's chunks carry no usage (its request asked for none): the rest of the
    # fields are the non-streamed tool-call response's.
    whole = json.loads((FOLDER / "openllmetryjs_chat_2.json").read_text())
    without_usage = CHUNK_ONLY | {"usage"}
    assert keys(fold(payloads).completion.to_dict(), without_usage) == keys(whole, without_usage)


def test_content_that_arrived_as_an_empty_string_stays_an_empty_string():
    payloads = recorded_chunks(FOLDER / "llamastack_chat_stream_2.sse")
    assert fold(payloads).completion.choices[0].message.content == ""


PARALLEL = [
    chunk([delta(role="assistant", content=None, reasoning="Two ")]),
    chunk([delta(reasoning="cities.")]),
    chunk([delta(tool_calls=[{"index": 0, "id": "c0", "type": "function",
                              "function": {"name": "weather", "arguments": ""}}])]),
    chunk([delta(tool_calls=[{"index": 0, "function": {"arguments": '{"ci'}}])]),
    chunk([delta(tool_calls=[{"index": 1, "id": "c1", "type": "function",
                              "function": {"name": "weather", "arguments": '{"city"'}}])]),
    chunk([delta(tool_calls=[{"index": 0, "function": {"arguments": 'ty": "Oslo"}'}}])]),
    chunk([delta(tool_calls=[{"index": 1, "function": {"arguments": ': "Rome"}'}}])]),
    chunk([delta(finish="tool_calls", content="")],
          usage={"prompt_tokens": 3, "completion_tokens": 9, "total_tokens": 12}),
]  # fmt: skip


def test_parallel_tool_calls_split_across_deltas_and_reasoning_are_rebuilt():
    completion = fold(PARALLEL).completion
    message = completion.choices[0].message
    assert message.reasoning == "Two cities."
    assert [(c.id, c.function.name, c.function.arguments) for c in message.tool_calls] == [
        ("c0", "weather", '{"city": "Oslo"}'),
        ("c1", "weather", '{"city": "Rome"}'),
    ]
    assert completion.choices[0].finish_reason == "tool_calls"
    assert completion.usage.total_tokens == 12


def test_several_choices_are_folded_each_on_its_own():
    payloads = [
        chunk([delta(0, role="assistant", content="A"), delta(1, role="assistant", content="X")]),
        chunk([delta(1, content="Y", finish="length"), delta(0, content="B", finish="stop")]),
    ]
    choices = fold(payloads).completion.choices
    assert [(c.index, c.message.content, c.finish_reason) for c in choices] == [
        (0, "AB", "stop"),
        (1, "XY", "length"),
    ]


def test_logprobs_are_gathered_into_the_responses_shape():
    payloads = [
        chunk([{**delta(content="Hi", token_id=5), "logprobs": -0.5}]),
        chunk([{**delta(content="!", token_id=6, finish="stop"), "logprobs": -1.25}]),
    ]
    logprobs = fold(payloads).completion.choices[0].logprobs
    assert logprobs.tokens == ["Hi", "!"]
    assert logprobs.token_logprobs == [-0.5, -1.25]
    assert logprobs.token_ids == [5, 6]


def test_the_completion_so_far_can_be_read_at_any_time():
    acc = fold(PARALLEL[:4])
    assert acc.completion.choices[0].message.tool_calls[0].function.arguments == '{"ci'
    assert acc.completion.choices[0].finish_reason is None


@pytest.mark.parametrize(
    "path", sorted(FOLDER.glob("*_completion_stream_*.sse")), ids=lambda p: p.name
)
def test_the_same_accumulator_folds_a_completions_stream(path):
    payloads = recorded_chunks(path)
    acc = together.ChatCompletionAccumulator()
    for payload in payloads:
        acc.add(CompletionChunk.from_response(payload))
    folded = acc.text_completion
    assert folded.object_ == "text.completion"
    assert folded.choices[0].text == "".join(p["choices"][0]["text"] for p in payloads)
    assert folded.usage.to_dict() == payloads[-1]["usage"]
    source = path.name.partition("_")[0]
    whole = json.loads((FOLDER / f"{source}_completion_1.json").read_text())
    assert keys(folded.to_dict()) == keys(whole)
    with pytest.raises(TypeError, match="text_completion"):
        acc.completion  # noqa: B018


# -- stream ---------------------------------------------------------------------------


async def events_of(api: Any, **kwargs: Any) -> tuple[list[Any], Any]:
    """Every event of ``chat.completions.stream(...)`` and its final completion."""
    manager = api.chat.completions.stream(model=MODEL, messages=ASK, **kwargs)
    if isinstance(api, AsyncTogether):
        async with manager as stream:
            events = [event async for event in stream]
            return events, await stream.get_final_completion()
    with manager as stream:
        events = list(stream)
        return events, stream.get_final_completion()


async def test_stream_yields_typed_events_named_as_openai_python_users_know(api, httpserver):
    serve(httpserver, sse(*PARALLEL[:2], chunk([delta(content="Hel")]), chunk([delta(content="lo")]),
                          *PARALLEL[2:]))  # fmt: skip
    events, final = await events_of(api)
    kinds = [e.type for e in events if e.type != "chunk"]
    assert kinds == [
        "reasoning.delta", "reasoning.delta", "content.delta", "content.delta",
        *["tool_calls.function.arguments.delta"] * 4,
        "reasoning.done",
        "tool_calls.function.arguments.done", "tool_calls.function.arguments.done",
        "content.done",
    ]  # fmt: skip
    assert sum(e.type == "chunk" for e in events) == len(PARALLEL) + 2
    content = [e for e in events if e.type == "content.delta"]
    assert [(e.delta, e.snapshot) for e in content] == [("Hel", "Hel"), ("lo", "Hello")]
    done = [e for e in events if e.type == "tool_calls.function.arguments.done"]
    assert [(e.index, e.name, e.arguments) for e in done] == [
        (0, "weather", '{"city": "Oslo"}'),
        (1, "weather", '{"city": "Rome"}'),
    ]
    assert final.choices[0].message.content == "Hello"
    assert final.choices[0].message.reasoning == "Two cities."
    assert sent(httpserver)[0]["stream"] is True


async def test_the_final_completion_of_a_recorded_stream_is_the_accumulators(api, httpserver):
    path = FOLDER / "llamastack_chat_stream_1.sse"
    serve(httpserver, path.read_text())
    _, final = await events_of(api)
    assert final.to_dict() == fold(recorded_chunks(path)).completion.to_dict()


async def test_text_stream_yields_the_text_alone(api, httpserver):
    serve(httpserver, (FOLDER / "llamastack_chat_stream_3.sse").read_text())
    manager = api.chat.completions.stream(model=MODEL, messages=ASK)
    if isinstance(api, AsyncTogether):
        async with manager as stream:
            pieces = [text async for text in stream.text_stream]
    else:
        with manager as stream:
            pieces = list(stream.text_stream)
    assert "".join(pieces) == 'The Latin name for the Sun is "Sol".'


async def test_stream_with_response_format_parses_the_final_message(api, httpserver):
    pieces = ['{"name": "Pa', 'ris", "population": 2}']
    serve(httpserver, sse(*[chunk([delta(content=p)]) for p in pieces],
                          chunk([delta(content="", finish="stop")])))  # fmt: skip
    events, final = await events_of(api, response_format=City)
    assert final.choices[0].message.parsed == City("Paris", 2)
    assert [e.parsed for e in events if e.type == "content.done"] == [City("Paris", 2)]
    assert sent(httpserver)[0]["response_format"]["json_schema"]["name"] == "City"


def test_get_final_completion_after_an_early_exit_returns_what_arrived(client, httpserver):
    serve(httpserver, (FOLDER / "hfhub_chat_stream_1.sse").read_text())
    with client.chat.completions.stream(model=MODEL, messages=ASK) as stream:
        for event in stream:
            if event.type == "content.delta" and len(event.snapshot) > 10:
                break
    final = stream.get_final_completion()
    text = final.choices[0].message.content
    assert 10 < len(text) < 40 and "Deep learning".startswith(text[:13])
    assert final.choices[0].finish_reason is None


def test_get_final_completion_reads_the_rest_of_an_open_stream(client, httpserver):
    serve(httpserver, (FOLDER / "hfhub_chat_stream_1.sse").read_text())
    with client.chat.completions.stream(model=MODEL, messages=ASK) as stream:
        next(iter(stream))
        final = stream.get_final_completion()
    assert final.choices[0].finish_reason == "length"


def test_stream_checks_its_arguments_when_called_and_sends_nothing(client, httpserver):
    with pytest.raises(TypeError, match="temprature"):
        client.chat.completions.stream(model=MODEL, messages=ASK, temprature=1)
    with pytest.raises(TypeError, match="always streams"):
        client.chat.completions.stream(model=MODEL, messages=ASK, stream=True)
    assert httpserver.log == []


# -- function_tool --------------------------------------------------------------------


def get_weather(city: str, days: int = 1, unit: Literal["c", "f"] = "c") -> str:
    """The weather forecast of a city.

    Args:
        city: The city's name.
        days: How many days ahead.
    """
    return f"{city}: sunny for {days} day(s), 20{unit}"


def test_function_tool_describes_a_function_from_its_signature_and_docstring():
    tool = together.function_tool(get_weather)
    assert tool.to_param() == {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "The weather forecast of a city.",
            "parameters": {
                "type": "object",
                "properties": {
                    "city": {"type": "string", "description": "The city's name."},
                    "days": {"type": "integer", "description": "How many days ahead."},
                    "unit": {"enum": ["c", "f"]},
                },
                "required": ["city"],
                "additionalProperties": False,
            },
        },
    }
    assert tool("Oslo") == "Oslo: sunny for 1 day(s), 20c"


def test_function_tool_takes_a_class_as_the_arguments():
    tool = together.function_tool(City)
    assert tool.name == "City"
    assert tool.parameters["required"] == ["name", "population"]


# -- run_tools ------------------------------------------------------------------------


def asks_for(*calls: dict[str, Any]) -> dict[str, Any]:
    return completion(None, finish="tool_calls", tool_calls=list(calls))


async def test_run_tools_runs_the_calls_and_asks_again_until_the_model_answers(api, httpserver):
    first = json.loads((FOLDER / "aiproxyswift_chat_tool_calls.json").read_text())
    serve(httpserver, first, completion("Sunny in Tokyo."))

    def get_weather(location: str, num_days: str) -> dict[str, Any]:
        return {"location": location, "days": num_days, "sky": "sunny"}

    result = await call(
        api, "chat.completions.run_tools", model=MODEL, messages=ASK, tools=[get_weather]
    )
    assert result.completion.choices[0].message.content == "Sunny in Tokyo."
    bodies = sent(httpserver)
    assert bodies[0]["tools"][0]["function"]["name"] == "get_weather"
    assert bodies[1]["messages"][1] == {
        "role": "assistant",
        "content": None,
        "tool_calls": first["choices"][0]["message"]["tool_calls"],
    }
    assert bodies[1]["messages"][2]["role"] == "tool"
    assert bodies[1]["messages"][2]["tool_call_id"] == "call_rl70039f6p72yhvvo1pkds8a"
    assert result.messages == [
        *ASK,
        *bodies[1]["messages"][1:],
        {"role": "assistant", "content": "Sunny in Tokyo."},
    ]


async def test_tool_results_are_sent_back_as_json_text(api, httpserver):
    serve(httpserver, asks_for(tool_call(0, "get_weather", '{"city": "Oslo", "days": 2}')),
          completion("ok"))  # fmt: skip
    await call(api, "chat.completions.run_tools", model=MODEL, messages=ASK, tools=[get_weather])
    tool_message = sent(httpserver)[1]["messages"][-1]
    assert tool_message == {
        "role": "tool",
        "tool_call_id": "call_0",
        "content": "Oslo: sunny for 2 day(s), 20c",
    }


async def test_a_tool_that_raises_sends_its_error_to_the_model_with_the_key_redacted(
    api, httpserver
):
    def leaky(city: str) -> str:
        raise RuntimeError(f"upstream refused key {API_KEY} for {city}")

    serve(httpserver, asks_for(tool_call(0, "leaky", '{"city": "Oslo"}')), completion("sorry"))
    await call(api, "chat.completions.run_tools", model=MODEL, messages=ASK, tools=[leaky])
    text = sent(httpserver)[1]["messages"][-1]["content"]
    assert text == "Error: RuntimeError: upstream refused key [redacted] for Oslo"
    assert API_KEY not in json.dumps(sent(httpserver))


async def test_raise_tool_errors_raises_the_tools_exception(api, httpserver):
    def broken(city: str) -> str:
        raise LookupError(city)

    serve(httpserver, asks_for(tool_call(0, "broken", '{"city": "Oslo"}')))
    with pytest.raises(LookupError, match="Oslo"):
        await call(
            api, "chat.completions.run_tools", model=MODEL, messages=ASK, tools=[broken],
            raise_tool_errors=True,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("name", "arguments", "answer"),
    [
        ("get_time", "{}", "Error: there is no tool named 'get_time' (tools: get_weather)"),
        ("get_weather", '{"days": 2}', "Error: invalid arguments for get_weather: missing argument 'city'"),
        ("get_weather", '{"city": 5}', "Error: invalid arguments for get_weather: city: expected a string, got 5"),
        ("get_weather", '{"city": "a", "when": 1}', "Error: invalid arguments for get_weather: unexpected argument 'when'"),
        ("get_weather", '{"city": ', "Error: invalid arguments for get_weather: the arguments are not JSON"),
    ],
)  # fmt: skip
async def test_unknown_tools_and_invalid_arguments_are_reported_to_the_model(
    api, httpserver, name, arguments, answer
):
    serve(httpserver, asks_for(tool_call(0, name, arguments)), completion("ok"))
    await call(api, "chat.completions.run_tools", model=MODEL, messages=ASK, tools=[get_weather])
    assert sent(httpserver)[1]["messages"][-1]["content"].startswith(answer)


async def test_reaching_max_rounds_raises_tool_run_error_with_the_conversation(api, httpserver):
    ask = asks_for(tool_call(0, "get_weather", '{"city": "Oslo"}'))
    serve(httpserver, ask, ask)
    with pytest.raises(together.ToolRunError, match="max_rounds=2") as caught:
        await call(
            api, "chat.completions.run_tools", model=MODEL, messages=ASK, tools=[get_weather],
            max_rounds=2,
        )  # fmt: skip
    error = caught.value
    assert error.completion.choices[0].finish_reason == "tool_calls"
    assert [m["role"] for m in error.messages] == ["user", "assistant", "tool", "assistant"]
    assert len(httpserver.log) == 2


async def test_the_calls_of_one_round_run_at_once(api, httpserver):
    started: list[float] = []

    def slow(city: str) -> str:
        started.append(time.monotonic())
        time.sleep(0.3)
        return city

    calls = [tool_call(i, "slow", json.dumps({"city": c})) for i, c in enumerate("ABC")]
    serve(httpserver, asks_for(*calls), completion("done"))
    began = time.monotonic()
    await call(api, "chat.completions.run_tools", model=MODEL, messages=ASK, tools=[slow])
    assert time.monotonic() - began < 0.8
    assert [m["content"] for m in sent(httpserver)[1]["messages"][-3:]] == ["A", "B", "C"]


async def test_parallel_tool_calls_false_runs_them_one_by_one(api, httpserver):
    running: list[int] = []
    most = 0
    lock = threading.Lock()

    def count(city: str) -> str:
        nonlocal most
        with lock:
            running.append(1)
            most = max(most, len(running))
        time.sleep(0.05)
        with lock:
            running.pop()
        return city

    calls = [tool_call(i, "count", json.dumps({"city": c})) for i, c in enumerate("AB")]
    serve(httpserver, asks_for(*calls), completion("done"))
    await call(
        api, "chat.completions.run_tools", model=MODEL, messages=ASK, tools=[count],
        parallel_tool_calls=False,
    )  # fmt: skip
    assert most == 1
    assert "parallel_tool_calls" not in sent(httpserver)[0]


async def test_async_tools_run_as_tasks_on_the_async_client(aclient, httpserver):
    async def fetch(city: str) -> str:
        await asyncio.sleep(0.2)
        return city.upper()

    calls = [tool_call(i, "fetch", json.dumps({"city": c})) for i, c in enumerate("xyz")]
    serve(httpserver, asks_for(*calls), completion("done"))
    began = time.monotonic()
    result = await aclient.chat.completions.run_tools(model=MODEL, messages=ASK, tools=[fetch])
    assert time.monotonic() - began < 0.55
    assert [m["content"] for m in result.messages[2:5]] == ["X", "Y", "Z"]


def test_an_async_tool_on_the_sync_client_is_a_type_error_before_any_call(client, httpserver):
    async def fetch(city: str) -> str:
        return city

    with pytest.raises(TypeError, match="fetch is an async function; use AsyncTogether"):
        client.chat.completions.run_tools(model=MODEL, messages=ASK, tools=[fetch])
    assert httpserver.log == []


async def test_run_tools_passes_other_arguments_and_options_to_each_call(api, httpserver):
    serve(httpserver, asks_for(tool_call(0, "get_weather", '{"city": "Oslo"}')), completion("k"))
    await call(
        api, "chat.completions.run_tools", model=MODEL, messages=ASK, tools=[get_weather],
        temperature=0.1, extra_headers={"X-Run": "r"}, deadline=10,
    )  # fmt: skip
    for request, _ in httpserver.log:
        assert json.loads(request.get_data())["temperature"] == 0.1
        assert request.headers["X-Run"] == "r"


def test_hand_written_methods_show_their_own_signatures():
    import inspect

    client = Together(api_key="k")
    parse = inspect.signature(client.chat.completions.parse).parameters
    assert list(parse) == ["model", "messages", "response_format", "params"]
    run = inspect.signature(client.chat.completions.run_tools).parameters
    assert run["max_rounds"].default == 10
    assert inspect.signature(client.chat.completions.stream).return_annotation == (
        "ChatCompletionStreamManager[T]"
    )


# -- the CLI --------------------------------------------------------------------------


def test_cli_chat_json_schema_prints_the_parsed_json(httpserver, tmp_path):
    from .support.cli import together as run_cli

    schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    (tmp_path / "schema.json").write_text(json.dumps(schema))
    serve(httpserver, completion('{"city":"Oslo"}'))
    done = run_cli(
        httpserver.url_for("/v1"), "chat", "A city?", "-m", "m",
        "--json-schema", str(tmp_path / "schema.json"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"city": "Oslo"}
    body = sent(httpserver)[0]
    assert "stream" not in body
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "response", "schema": schema, "strict": True},
    }


# -- pydantic models, when the user passes one ------------------------------------------


async def test_parse_reads_a_pydantic_model_with_its_own_schema_and_validation(api, httpserver):
    pydantic = pytest.importorskip("pydantic")

    class Capital(pydantic.BaseModel):
        name: str
        population: int

    serve(httpserver, completion('{"name": "Rome", "population": "2800000"}'),
          completion('{"name": "Rome"}'))  # fmt: skip
    result = await call(
        api, "chat.completions.parse", model=MODEL, messages=ASK, response_format=Capital
    )
    assert result.choices[0].message.parsed == Capital(name="Rome", population=2800000)
    shape = sent(httpserver)[0]["response_format"]["json_schema"]
    assert shape["name"] == "Capital"
    assert shape["schema"] == Capital.model_json_schema()
    with pytest.raises(together.StructuredOutputError, match="population") as caught:
        await call(
            api, "chat.completions.parse", model=MODEL, messages=ASK, response_format=Capital
        )
    assert caught.value.content == '{"name": "Rome"}'


try:  # (a dev dependency; the Python 3.10 run goes without it)
    import pydantic
except ImportError:  # pragma: no cover
    pydantic = None  # type: ignore[assignment]

if pydantic is not None:

    class Query(pydantic.BaseModel):
        city: str
        days: int = 1

    def forecast(query: Query) -> Query:
        return Query(city=query.city.upper(), days=query.days)


async def test_a_tool_takes_pydantic_arguments_and_returns_a_pydantic_result(api, httpserver):
    pytest.importorskip("pydantic")

    arguments = '{"query": {"city": "oslo", "days": 2}}'
    serve(httpserver, asks_for(tool_call(0, "forecast", arguments)), completion("ok"))
    await call(api, "chat.completions.run_tools", model=MODEL, messages=ASK, tools=[forecast])
    assert json.loads(sent(httpserver)[1]["messages"][-1]["content"]) == {"city": "OSLO", "days": 2}
    schema = sent(httpserver)[0]["tools"][0]["function"]["parameters"]
    assert schema["properties"]["query"] == Query.model_json_schema()


def test_import_together_does_not_import_pydantic():
    import subprocess
    import sys

    code = (
        "import sys, together; together.ChatCompletionAccumulator; print('pydantic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- the README's examples, run against the test server ---------------------------------

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_examples() -> list[str]:
    """The section's Python blocks, each run with the test's client: a block that makes
    its own (``client = Together()``, for the README's type check) has that line left out."""
    text = README.read_text()
    section = text[text.index("\n## Chat helpers\n") : text.index("\n## Realtime\n")]
    blocks = [block.split("```", 1)[0] for block in section.split("```python\n")[1:]]
    return [re.sub(r"(?m)^client = .*Together\(\)\n", "", block) for block in blocks]


def test_the_readme_has_an_example_for_each_helper():
    examples = readme_examples()
    assert [next(m for m in ("parse(", "stream(", "Accumulator", "run_tools(") if m in e)
            for e in examples] == ["parse(", "stream(", "Accumulator", "run_tools("]  # fmt: skip


def test_the_readme_examples_run_against_the_test_server(client, httpserver, capsys):
    parse, stream, accumulator, tools = readme_examples()
    serve(httpserver, completion('{"name": "Oslo", "population": 717710}'))
    exec(parse, {"client": client})
    assert capsys.readouterr().out == "Oslo 717710\n"
    recorded = (FOLDER / "llamastack_chat_stream_1.sse").read_text()
    serve(httpserver, recorded, recorded)
    exec(stream, {"client": client})
    out = capsys.readouterr().out
    assert out.startswith("Hello! It's nice to meet you.") and "stop UsageData(" in out
    exec(accumulator, {"client": client})
    assert "Hello! It's nice to meet you." in capsys.readouterr().out
    ask = asks_for(tool_call(0, "get_weather", '{"city": "Oslo", "days": 2}'))
    serve(httpserver, ask, completion("Sunny, two days."))
    exec(tools, {"client": client})
    out = capsys.readouterr().out
    assert "Sunny, two days." in out and out.endswith("\n4\n")
    assert sent(httpserver)[-1]["messages"][2]["content"] == "Oslo: sunny for 2 days"


# -- run_tools_stream -------------------------------------------------------------------


def streamed_tool_round() -> str:
    """A streamed answer calling get_weather, its arguments split across deltas."""
    return sse(
        chunk([delta(role="assistant", content=None)]),
        chunk([delta(tool_calls=[{"index": 0, "id": "c0", "type": "function",
                                  "function": {"name": "get_weather", "arguments": '{"ci'}}])]),
        chunk([delta(tool_calls=[{"index": 0, "function": {"arguments": 'ty": "Oslo"}'}}])]),
        chunk([delta(finish="tool_calls", content="")]),
    )  # fmt: skip


def streamed_answer(*pieces: str) -> str:
    return sse(*[chunk([delta(content=p)]) for p in pieces],
               chunk([delta(content="", finish="stop")]))  # fmt: skip


async def test_run_tools_stream_yields_each_rounds_events_and_the_result(api, httpserver):
    serve(httpserver, streamed_tool_round(), streamed_answer("Sun", "ny."))
    run = api.chat.completions.run_tools_stream(model=MODEL, messages=ASK, tools=[get_weather])
    if isinstance(api, AsyncTogether):
        async with run:
            events = [e async for e in run]
            result = await run.get_final_result()
    else:
        with run:
            events = list(run)
            result = run.get_final_result()
    kinds = [e.type for e in events if e.type != "chunk"]
    assert kinds == [
        "tool_calls.function.arguments.delta", "tool_calls.function.arguments.delta",
        "tool_calls.function.arguments.done", "content.done",
        "content.delta", "content.delta", "content.done",
    ]  # fmt: skip
    assert result.completion.choices[0].message.content == "Sunny."
    assert [m["role"] for m in result.messages] == ["user", "assistant", "tool", "assistant"]
    bodies = sent(httpserver)
    assert [b["stream"] for b in bodies] == [True, True]
    assert bodies[1]["messages"][1]["tool_calls"] == [
        tool_call(0, "get_weather", '{"city": "Oslo"}', "c0")
    ]
    assert bodies[1]["messages"][2]["content"] == "Oslo: sunny for 1 day(s), 20c"


def test_leaving_run_tools_stream_early_stops_the_run(client, httpserver):
    serve(httpserver, streamed_tool_round(), streamed_answer("never"))
    with client.chat.completions.run_tools_stream(
        model=MODEL, messages=ASK, tools=[get_weather]
    ) as run:
        for event in run:
            if event.type == "tool_calls.function.arguments.delta":
                break
    assert len(httpserver.log) == 1
    with pytest.raises(RuntimeError, match="stopped before it ended"):
        run.get_final_result()
