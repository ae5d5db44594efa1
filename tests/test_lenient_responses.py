"""Responses parse as the live API sends them: a value the spec does not describe (a new enum
value, null, a missing field, another JSON type, an unknown field) is kept as received rather
than refused. Only a body that is not JSON, or JSON of the wrong kind where an object is
required, raises APIResponseValidationError; ``strict_responses=True`` restores the spec's
checks. Every behaviour is checked on both clients, and on streams where they apply."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer

import together

from .support.clients import call, call_stream, open_client

pytestmark = pytest.mark.anyio

MODEL = "meta-llama/Llama-3.3-70B-Instruct-Turbo"
MESSAGES = [{"role": "user", "content": "hi"}]
BATCH_ID = "0b4e8e43-2ff6-4d1e-9a49-6dc5e1b0c1a7"


# -- calling either client alike -------------------------------------------------------


# -- valid bodies as the spec describes them; each test applies one deviation -----------


def choice(**fields: Any) -> dict[str, Any]:
    return {
        "index": 0,
        "message": {"role": "assistant", "content": "Hello"},
        "finish_reason": "stop",
        **fields,
    }


def chat_completion(**fields: Any) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": MODEL,
        "choices": [choice()],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        **fields,
    }


def chat_chunk(delta: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1_700_000_000,
        "model": MODEL,
        "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
    }


HELLO = chat_chunk({"role": "assistant", "content": "Hel"})


def batch_job(**fields: Any) -> dict[str, Any]:
    return {
        "id": BATCH_ID,
        "user_id": "user-1",
        "input_file_id": "file-in",
        "file_size_bytes": 1024,
        "status": "IN_PROGRESS",
        "job_deadline": "2025-06-12T06:11:22.752345Z",
        "created_at": "2025-06-11T06:11:22.752350Z",
        "endpoint": "/v1/chat/completions",
        "progress": 50.0,
        "model_id": MODEL,
        **fields,
    }


def model_info(**fields: Any) -> dict[str, Any]:
    return {"id": MODEL, "object": "model", "created": 1_700_000_000, "type": "chat", **fields}


def file_info(**fields: Any) -> dict[str, Any]:
    return {
        "id": "file-1",
        "object": "file",
        "created_at": 1_700_000_000,
        "filename": "train.jsonl",
        "bytes": 1024,
        "purpose": "fine-tune",
        "Processed": True,
        "FileType": "jsonl",
        **fields,
    }


# -- serving ---------------------------------------------------------------------------


def serve_json(httpserver: HTTPServer, path: str, body: Any, method: str = "GET") -> None:
    httpserver.expect_request(f"/v1{path}", method=method).respond_with_json(body)


def serve_chat(httpserver: HTTPServer, body: Any) -> None:
    serve_json(httpserver, "/chat/completions", body, method="POST")


def serve_chat_stream(httpserver: HTTPServer, *payloads: Any) -> None:
    """One event per payload (JSON-encoded), then ``[DONE]``."""
    events = "".join(f"data: {json.dumps(p)}\n\n" for p in payloads) + "data: [DONE]\n\n"
    httpserver.expect_request("/v1/chat/completions", method="POST").respond_with_data(
        events, content_type="text/event-stream"
    )


async def chat(client: Any) -> Any:
    return await call(client, "chat.completions.create", model=MODEL, messages=MESSAGES)


async def chat_stream(client: Any, into: list[Any] | None = None) -> list[Any]:
    return await call_stream(
        client, "chat.completions.create", into, model=MODEL, messages=MESSAGES
    )


# -- 1. stream chunks with nulls and a missing role --------------------------------------

NULL_TOKEN_AND_TOOL_CALLS = chat_chunk({"content": "lo", "token_id": None, "tool_calls": None})


async def test_stream_chunk_with_null_token_id_and_tool_calls_and_no_role_arrives(
    api: Any, httpserver: HTTPServer
) -> None:
    serve_chat_stream(httpserver, HELLO, NULL_TOKEN_AND_TOOL_CALLS, chat_chunk({"content": "!"}))
    chunks = await chat_stream(api)
    assert [c.choices[0].delta.content for c in chunks] == ["Hel", "lo", "!"]
    delta = chunks[1].choices[0].delta
    assert delta.token_id is None
    assert delta.tool_calls is None
    # The spec requires a delta's role: missing, it reads as None.
    assert delta.role is None


async def test_missing_optional_field_reads_as_none(api: Any, httpserver: HTTPServer) -> None:
    serve_chat_stream(httpserver, HELLO)
    [chunk] = await chat_stream(api)
    assert chunk.choices[0].delta.reasoning is None
    assert chunk.usage is None
    assert "usage" not in chunk.to_dict()  # absent, not null


# -- 2.-5. values outside the spec's enums and formats are kept --------------------------


async def test_model_type_outside_the_enum_is_kept(api: Any, httpserver: HTTPServer) -> None:
    serve_json(httpserver, "/models", [model_info(), model_info(id="m-audio", type="audio")])
    models = await call(api, "models.list")
    assert [m.type for m in models] == ["chat", "audio"]


async def test_batch_status_outside_the_enum_and_id_that_is_not_a_uuid_are_kept(
    api: Any, httpserver: HTTPServer
) -> None:
    body = batch_job(id="batch-xyz789", status="CANCELLING")
    serve_json(httpserver, "/batches/batch-xyz789", body)
    job = await call(api, "batches.retrieve", "batch-xyz789")
    assert type(job.id) is str
    assert job.id == "batch-xyz789"
    assert type(job.status) is str
    assert job.status == "CANCELLING"


async def test_file_purpose_outside_the_enum_is_kept(api: Any, httpserver: HTTPServer) -> None:
    # "eval-output" is in the pinned spec's enum already; this value is not.
    serve_json(httpserver, "/files", {"data": [file_info(purpose="fine-tune-output")]})
    files = await call(api, "files.list")
    assert files.data[0].purpose == "fine-tune-output"


async def test_finish_reason_outside_the_enum_is_kept(api: Any, httpserver: HTTPServer) -> None:
    serve_chat(httpserver, chat_completion(choices=[choice(finish_reason="new_reason")]))
    result = await chat(api)
    assert result.choices[0].finish_reason == "new_reason"


# -- 6. unknown fields ------------------------------------------------------------------


async def test_unknown_field_is_readable(api: Any, httpserver: HTTPServer) -> None:
    serve_chat(httpserver, chat_completion(new_field={"a": 1}))
    result = await chat(api)
    assert result.additional_properties["new_field"] == {"a": 1}
    assert result["new_field"] == {"a": 1}


# -- 7. values of another type than the spec's -------------------------------------------


async def test_null_in_a_non_nullable_field_is_kept(api: Any, httpserver: HTTPServer) -> None:
    serve_chat(httpserver, chat_completion(created=None))
    result = await chat(api)
    assert result.created is None
    assert result.choices[0].message.content == "Hello"


async def test_float_where_an_integer_is_expected_is_kept(api: Any, httpserver: HTTPServer) -> None:
    serve_chat(httpserver, chat_completion(created=1.5))
    assert (await chat(api)).created == 1.5


async def test_date_time_that_does_not_parse_is_kept_as_the_string(
    api: Any, httpserver: HTTPServer
) -> None:
    serve_json(httpserver, f"/batches/{BATCH_ID}", batch_job(created_at="yesterday"))
    job = await call(api, "batches.retrieve", BATCH_ID)
    assert job.created_at == "yesterday"


# -- 8. what still raises ---------------------------------------------------------------

NOT_JSON = {"text-plain": ("oops", "text/plain"), "broken-json": ("not json{", "application/json")}
NOT_AN_OBJECT = {"array": [1, 2], "string": "a string"}


@pytest.mark.parametrize(("body", "content_type"), NOT_JSON.values(), ids=NOT_JSON)
async def test_body_that_is_not_json_raises_validation_error_holding_the_text(
    api: Any, httpserver: HTTPServer, body: str, content_type: str
) -> None:
    httpserver.expect_request("/v1/chat/completions").respond_with_data(
        body, content_type=content_type
    )
    with pytest.raises(together.APIResponseValidationError) as info:
        await chat(api)
    assert info.value.status_code == 200
    assert isinstance(info.value.response, httpx.Response)
    assert info.value.body == body


@pytest.mark.parametrize("body", NOT_AN_OBJECT.values(), ids=NOT_AN_OBJECT)
async def test_json_that_is_not_an_object_raises_validation_error_holding_the_json(
    api: Any, httpserver: HTTPServer, body: Any
) -> None:
    serve_chat(httpserver, body)
    with pytest.raises(together.APIResponseValidationError) as info:
        await chat(api)
    assert info.value.status_code == 200
    assert isinstance(info.value.response, httpx.Response)
    assert info.value.body == body


async def test_stream_event_that_is_not_an_object_raises_after_the_chunks_before_it(
    api: Any, httpserver: HTTPServer
) -> None:
    serve_chat_stream(httpserver, HELLO, [1, 2])
    received: list[Any] = []
    with pytest.raises(together.APIResponseValidationError) as info:
        await chat_stream(api, into=received)
    assert [c.choices[0].delta.content for c in received] == ["Hel"]
    assert info.value.body == [1, 2]


# -- 9. strict_responses=True checks against the spec ------------------------------------


async def test_responses_are_lenient_unless_strict_is_asked_for(
    flavor: str, base_url: str, httpserver: HTTPServer
) -> None:
    serve_chat(httpserver, chat_completion(created=None))
    async with open_client(flavor, base_url, strict_responses=False) as client:
        assert (await chat(client)).created is None


async def test_strict_client_parses_a_body_that_fits_the_spec(
    flavor: str, base_url: str, httpserver: HTTPServer
) -> None:
    serve_chat(httpserver, chat_completion())
    async with open_client(flavor, base_url, strict_responses=True) as client:
        assert (await chat(client)).choices[0].message.content == "Hello"


STRICT_CASES = {
    "model-type-audio": (
        "/models",
        [model_info(type="audio")],
        "models.list",
        (),
    ),
    "batch-status-cancelling": (
        "/batches/batch-xyz789",
        batch_job(id="batch-xyz789", status="CANCELLING"),
        "batches.retrieve",
        ("batch-xyz789",),
    ),
    "batch-created-at-yesterday": (
        f"/batches/{BATCH_ID}",
        batch_job(created_at="yesterday"),
        "batches.retrieve",
        (BATCH_ID,),
    ),
}


@pytest.mark.parametrize(
    ("path", "body", "method", "args"), STRICT_CASES.values(), ids=STRICT_CASES
)
async def test_strict_client_refuses_a_value_the_spec_does_not_allow(
    flavor: str, base_url: str, httpserver: HTTPServer, path: str, body: Any, method: str, args: Any
) -> None:
    serve_json(httpserver, path, body)
    async with open_client(flavor, base_url, strict_responses=True) as client:
        with pytest.raises(together.APIResponseValidationError) as info:
            await call(client, method, *args)
    assert info.value.body == body


STRICT_CHAT_CASES = {
    "created-null": chat_completion(created=None),
    "created-float": chat_completion(created=1.5),
    "finish-reason-new": chat_completion(choices=[choice(finish_reason="new_reason")]),
}


@pytest.mark.parametrize("body", STRICT_CHAT_CASES.values(), ids=STRICT_CHAT_CASES)
async def test_strict_client_refuses_a_chat_completion_that_does_not_fit_the_spec(
    flavor: str, base_url: str, httpserver: HTTPServer, body: Any
) -> None:
    serve_chat(httpserver, body)
    async with open_client(flavor, base_url, strict_responses=True) as client:
        with pytest.raises(together.APIResponseValidationError) as info:
            await chat(client)
    assert info.value.body == body


async def test_strict_client_refuses_a_stream_chunk_after_the_chunks_before_it(
    flavor: str, base_url: str, httpserver: HTTPServer
) -> None:
    serve_chat_stream(httpserver, HELLO, NULL_TOKEN_AND_TOOL_CALLS)
    received: list[Any] = []
    async with open_client(flavor, base_url, strict_responses=True) as client:
        with pytest.raises(together.APIResponseValidationError) as info:
            await chat_stream(client, into=received)
    assert [c.choices[0].delta.content for c in received] == ["Hel"]
    assert info.value.body == NULL_TOKEN_AND_TOOL_CALLS


async def test_with_options_makes_a_strict_client_and_leaves_the_original_lenient(
    api: Any, httpserver: HTTPServer
) -> None:
    serve_chat(httpserver, chat_completion(choices=[choice(finish_reason="new_reason")]))
    with pytest.raises(together.APIResponseValidationError):
        await chat(api.with_options(strict_responses=True))
    assert (await chat(api)).choices[0].finish_reason == "new_reason"
