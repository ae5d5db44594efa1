"""Results as people handle them: ``to_dict()``, ``to_json()``, ``model_dump()``,
``model_dump_json()``, the 1.x ``dict()`` / ``json()``, ``result["field"]``,
``dict(result)``; equality, copy and pickle; a result inside a pydantic model. The scripts
are written the way the official SDKs' READMEs and Together's docs handle results, and run
on both clients against a local server."""

from __future__ import annotations

import copy
import json
import pickle
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from together_generated.models import ChatCompletionResponse

from .support.bodies import MESSAGES, MODEL
from .support.clients import run

pytestmark = pytest.mark.anyio


def completion() -> dict[str, Any]:
    """A chat completion as the API sends it, with a field the spec doesn't know."""
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": MODEL,
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "index": 0,
                            "id": "call_1",
                            "type": "function",
                            "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                        }
                    ],
                },
                "finish_reason": "tool_calls",
            }
        ],
        "usage": {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12},
        "system_fingerprint": "fp-1",
    }


@pytest.fixture
def served(httpserver: HTTPServer) -> str:
    httpserver.expect_request("/v1/chat/completions", method="POST").respond_with_json(completion())
    return httpserver.url_for("/v1")


def ask(client: Any) -> Any:
    return client.chat.completions.create(model=MODEL, messages=MESSAGES)


async def test_model_dump_is_the_body_as_sent(flavor: str, served: str) -> None:
    response = await run(flavor, served, ask)
    assert response.model_dump() == completion()
    assert response.to_dict() == completion()
    assert response.dict() == completion()  # the 1.x spelling


async def test_model_dump_json_reads_back_as_the_body(flavor: str, served: str) -> None:
    response = await run(flavor, served, ask)
    assert json.loads(response.model_dump_json()) == completion()
    assert json.loads(response.to_json()) == completion()
    assert json.loads(response.json()) == completion()


async def test_a_dumped_result_reads_back_as_an_equal_result(flavor: str, served: str) -> None:
    response = await run(flavor, served, ask)
    again = ChatCompletionResponse.from_response(json.loads(response.model_dump_json()))
    assert again == response


async def test_a_tool_call_is_dumped_for_the_next_request(flavor: str, served: str) -> None:
    # The usual tool loop: the assistant's message goes back into the history as a dict.
    response = await run(flavor, served, ask)
    message = response.choices[0].message
    history = [*MESSAGES, message.model_dump(exclude_none=True)]
    tool_call = message.tool_calls[0]
    assert json.loads(tool_call.function.arguments) == {"city": "Paris"}
    assert history[-1] == {
        "role": "assistant",
        "tool_calls": [tool_call.model_dump()],
    }


def test_to_json_indents_by_two_and_model_dump_json_is_one_line() -> None:
    response = ChatCompletionResponse.from_response(completion())
    assert response.to_json().startswith('{\n  "')
    assert "\n" not in response.model_dump_json()
    assert response.model_dump_json(indent=4).startswith('{\n    "')
    assert "\n" not in response.to_json(indent=None)


def test_exclude_none_drops_nulls_at_every_level() -> None:
    response = ChatCompletionResponse.from_response(completion())
    dumped = response.model_dump(exclude_none=True)
    assert "content" not in dumped["choices"][0]["message"]
    assert (
        "content"
        not in json.loads(response.model_dump_json(exclude_none=True))["choices"][0]["message"]
    )
    assert response.model_dump()["choices"][0]["message"]["content"] is None


def test_mode_json_gives_values_json_can_write() -> None:
    from together_generated.models import FinetuneResponse

    job = FinetuneResponse.from_response(
        {"id": "ft-1", "status": "pending", "created_at": "2025-01-02T03:04:05Z"}
    )
    dumped = job.model_dump(mode="json")
    assert json.loads(json.dumps(dumped)) == dumped
    assert dumped["created_at"].startswith("2025-01-02T03:04:05")


@pytest.mark.parametrize("method", ["model_dump", "model_dump_json", "to_json", "dict", "json"])
def test_an_unknown_keyword_raises_naming_it(method: str) -> None:
    response = ChatCompletionResponse.from_response(completion())
    with pytest.raises(TypeError, match="by_alias"):
        getattr(response, method)(by_alias=True)


def test_an_unknown_mode_raises_naming_it() -> None:
    response = ChatCompletionResponse.from_response(completion())
    with pytest.raises(ValueError, match="'yaml'"):
        response.model_dump(mode="yaml")


# --- a result as a mapping of its JSON names ---------------------------------------------


async def test_a_field_is_read_by_its_json_name(flavor: str, served: str) -> None:
    response = await run(flavor, served, ask)
    assert response["choices"][0]["message"]["tool_calls"][0]["function"]["name"] == "get_weather"
    assert response["object"] == "chat.completion"
    assert response["usage"]["total_tokens"] == 12
    assert response["system_fingerprint"] == "fp-1"  # an additional property


async def test_dict_of_a_result_has_the_keys_the_body_had(flavor: str, served: str) -> None:
    response = await run(flavor, served, ask)
    as_dict = dict(response)
    assert set(as_dict) == set(completion())
    assert as_dict["choices"] is response.choices
    assert list(response.keys()) == list(as_dict)


def test_in_covers_the_fields_present_and_the_additional_properties() -> None:
    response = ChatCompletionResponse.from_response(completion())
    assert "usage" in response and "system_fingerprint" in response
    assert "prompt" not in response  # a declared field the body lacks
    assert "nothing" not in response


def test_a_key_the_body_lacks_raises_key_error() -> None:
    response = ChatCompletionResponse.from_response(completion())
    with pytest.raises(KeyError, match="prompt"):
        response["prompt"]
    with pytest.raises(KeyError, match="nothing"):
        response["nothing"]
    assert response.get("nothing") is None
    assert response.get("prompt", []) == []
    assert response.get("model") == MODEL


def test_assigning_a_declared_name_sets_the_field() -> None:
    response = ChatCompletionResponse.from_response(completion())
    response["model"] = "other"
    response["note"] = "kept"
    assert response.model == "other"
    assert response.additional_properties["note"] == "kept"
    assert response.to_dict()["model"] == "other"
    del response["note"]
    assert "note" not in response


def test_a_field_whose_attribute_is_spelled_otherwise_is_read_by_its_json_name() -> None:
    from together_generated.models import FileResponse

    file = FileResponse.from_response(
        {"id": "f", "object": "file", "created_at": 1, "filename": "a.jsonl", "bytes": 3,
         "purpose": "fine-tune", "Processed": True, "FileType": "jsonl", "LineCount": 1}
    )  # fmt: skip
    assert file["FileType"] == file.file_type == "jsonl"
    assert "FileType" in dict(file) and "file_type" not in dict(file)


# --- equality, copy, pickle ----------------------------------------------------------------


async def test_a_result_survives_pickle_and_copy(flavor: str, served: str) -> None:
    response = await run(flavor, served, ask)
    for again in (
        pickle.loads(pickle.dumps(response)),
        copy.copy(response),
        copy.deepcopy(response),
    ):
        assert again == response
        assert again.model_dump() == completion()


def test_results_of_equal_bodies_are_equal_and_others_are_not() -> None:
    body = completion()
    assert ChatCompletionResponse.from_response(body) == ChatCompletionResponse.from_response(
        completion()
    )
    body["model"] = "other"
    assert ChatCompletionResponse.from_response(body) != ChatCompletionResponse.from_response(
        completion()
    )


# --- the official SDK's names --------------------------------------------------------------


async def test_a_fine_tune_has_the_official_sdks_name_for_its_output(
    flavor: str, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/v1/fine-tunes/ft-1").respond_with_json(
        {"id": "ft-1", "status": "completed", "model_output_name": "me/llama-ft"}
    )
    job = await run(flavor, httpserver.url_for("/v1"), lambda c: c.fine_tuning.retrieve("ft-1"))
    assert job.x_model_output_name == job.model_output_name == "me/llama-ft"


# --- pydantic (a dev dependency; never imported by the client itself) --------------------


def test_a_result_is_a_field_of_a_pydantic_model() -> None:
    pydantic = pytest.importorskip("pydantic")

    class Answer(pydantic.BaseModel):
        question: str
        completion: ChatCompletionResponse

    response = ChatCompletionResponse.from_response(completion())
    answer = Answer(question="weather?", completion=response)
    assert answer.completion is response  # an instance passes as it is
    assert answer.model_dump()["completion"] == completion()
    assert json.loads(answer.model_dump_json())["completion"] == completion()
    read = Answer.model_validate({"question": "q", "completion": completion()})  # a dict is read
    assert read.completion == response
    with pytest.raises(pydantic.ValidationError, match="ChatCompletionResponse"):
        Answer(question="q", completion="not a completion")


def test_a_pydantic_model_holding_a_result_has_a_json_schema() -> None:
    pydantic = pytest.importorskip("pydantic")

    class Answer(pydantic.BaseModel):
        completion: ChatCompletionResponse

    schema = Answer.model_json_schema()
    inner = schema["properties"]["completion"]
    assert inner["title"] == "ChatCompletionResponse"
    assert inner["properties"]["id"] == {"type": "string"}
    assert inner["properties"]["choices"] == {"type": "array"}
    assert set(inner["required"]) == {"id", "choices", "created", "model", "object"}


def test_importing_together_does_not_import_pydantic() -> None:
    import subprocess
    import sys

    code = "import together, together_generated.models.chat_completion_response, sys; print('pydantic' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
