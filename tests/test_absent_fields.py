"""An optional field that is left out (by the answer, or by the caller) reads as None and is
typed ``X | None``; it is still told apart from an explicit null, so that what was not sent
or not received is not written back. ``Unset`` is in no field's type and in no repr."""

from __future__ import annotations

import copy
import importlib
import json
import pickle
import typing
from pathlib import Path
from typing import Any

import httpx

import together_generated.models as models
from together import Together
from together_generated.models.chat_completion_chunk import ChatCompletionChunk
from together_generated.models.chat_completion_request import ChatCompletionRequest
from together_generated.models.chat_completion_response import ChatCompletionResponse
from together_generated.models.prompt_part_item import PromptPartItem
from together_generated.models.usage_data import UsageData

ROOT = Path(__file__).resolve().parents[1]

ANSWER = {
    "id": "c1",
    "object": "chat.completion",
    "created": 1,
    "model": "m",
    "choices": [
        {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "hi"}}
    ],
}


def test_an_absent_optional_field_of_an_answer_reads_as_none() -> None:
    answer = ChatCompletionResponse.from_response(ANSWER)
    assert answer.usage is None
    assert answer.prompt is None
    assert answer.warnings is None
    assert "Unset" not in repr(answer)


def test_an_absent_optional_field_read_strictly_reads_as_none_too() -> None:
    answer = ChatCompletionResponse.from_dict(ANSWER)
    assert (answer.usage, answer.prompt, answer.warnings) == (None, None, None)
    assert answer == ChatCompletionResponse.from_response(ANSWER)
    assert "Unset" not in repr(answer)


def test_an_optional_field_is_typed_x_or_none() -> None:
    ChatCompletionResponse.from_response(ANSWER)  # (imports the models it refers to)
    hints = typing.get_type_hints(ChatCompletionResponse)
    assert hints["usage"] == UsageData | None
    assert hints["prompt"] == list[PromptPartItem] | None
    assert hints["id"] is str


def test_no_model_field_and_no_typed_method_mentions_unset() -> None:
    for name in models.__all__:
        model = getattr(models, name)
        annotations = getattr(model, "__annotations__", {})
        assert not [f for f, a in annotations.items() if "Unset" in str(a)], name
    assert "Unset" not in (ROOT / "together" / "_api.pyi").read_text()


def test_reading_an_absent_field_leaves_it_absent() -> None:
    body = {**ANSWER, "extra": 1}
    answer = ChatCompletionResponse.from_response(body)
    assert answer.usage is None and answer.usage is None  # read twice: not cached as null
    assert answer.to_dict() == body


def test_an_explicit_null_is_kept_and_written_back() -> None:
    body = {**ANSWER, "usage": None}
    for read in (ChatCompletionResponse.from_response, ChatCompletionResponse.from_dict):
        answer = read(body)
        assert answer.usage is None
        assert answer.to_dict() == body


def test_a_stream_chunk_round_trips_without_extra_nulls() -> None:
    body = {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [
            {"index": 0, "finish_reason": None, "delta": {"role": "assistant", "content": "Hel"}}
        ],
    }
    chunk = ChatCompletionChunk.from_response(body)
    assert chunk.usage is None
    assert chunk.choices[0].delta.reasoning is None
    assert chunk.to_dict() == body


def test_copies_and_pickles_keep_absent_fields_absent() -> None:
    body = {**ANSWER, "extra": 1}
    for answer in (
        ChatCompletionResponse.from_response(body),
        ChatCompletionResponse.from_dict(body),
    ):
        for twin in (
            copy.copy(answer),
            copy.deepcopy(answer),
            pickle.loads(pickle.dumps(answer)),
        ):
            assert twin == answer
            assert twin.usage is None
            assert twin.to_dict() == body


def test_a_request_built_without_a_field_does_not_send_it() -> None:
    request = ChatCompletionRequest(messages=[], model="m")
    assert request.temperature is None
    assert "Unset" not in repr(request)
    assert request.to_dict() == {"messages": [], "model": "m"}
    assert ChatCompletionRequest.from_dict({"messages": [], "model": "m"}) == request
    # An explicit None is a value (the spec's null): it is sent.
    given = ChatCompletionRequest(messages=[], model="m", temperature=None)
    assert given.to_dict() == {"messages": [], "model": "m", "temperature": None}


def test_a_call_sends_only_the_arguments_given() -> None:
    sent: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(200, json=ANSWER)

    transport = httpx.MockTransport(handler)
    http = httpx.Client(transport=transport, base_url="http://x/v1")
    with Together(api_key="k", base_url="http://x/v1", http_client=http, max_retries=0) as client:
        answer = client.chat.completions.create(
            model="m", messages=[{"role": "user", "content": "hi"}], max_tokens=5
        )
    assert sent == [
        {"model": "m", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 5}
    ]
    assert answer.usage is None
    assert "Unset" not in repr(answer)


def test_every_model_reads_an_absent_optional_field_as_none() -> None:
    # Each model with optional fields, built from nothing but its required fields (None):
    # every optional field reads as None, and none is written back.
    checked = 0
    for name in models.__all__:
        model = getattr(models, name)
        module = importlib.import_module(model.__module__)
        optional = getattr(module, "_OPTIONAL", None)
        if not optional or not hasattr(model, "from_response"):
            continue
        instance = model.from_response({})
        for field in optional:
            assert getattr(instance, field) is None, (name, field)
        assert "Unset" not in repr(instance), name
        checked += 1
    assert checked > 100
