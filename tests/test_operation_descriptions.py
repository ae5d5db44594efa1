"""The generated description of each operation: what ``together/`` builds methods from."""

from __future__ import annotations

import importlib
import inspect
import re

import httpx
import pytest

from together_generated.operations import OPERATIONS
from together_generated.types import Operation


def normalize(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


@pytest.mark.parametrize("info", OPERATIONS, ids=lambda info: info.key)
def test_each_listed_operation_loads_its_description(info):
    op = info.load()
    assert isinstance(op, Operation)
    assert (op.method, normalize(op.path)) == (info.method, normalize(info.path))
    # The description's path template names its placeholders as build_request's arguments.
    path_names = {p.python_name for p in op.parameters_in("path")}
    assert path_names == {part[1:-1] for part in op.path.split("/") if part.startswith("{")}


def test_the_index_lists_every_operation_once():
    keys = [info.key for info in OPERATIONS]
    assert len(keys) == len(set(keys))
    assert len([i for i in OPERATIONS if not i.websocket]) >= 94  # 96 at the pin


def test_streaming_operations_name_their_chunk_model():
    chunks = {info.key: info.stream_chunk for info in OPERATIONS if info.stream_chunk}
    assert chunks == {
        "POST /chat/completions": "ChatCompletionChunk",
        "POST /completions": "CompletionChunk",
        "POST /audio/speech": "AudioSpeechStreamChunk",
    }


def test_a_description_holds_its_chunk_model_as_the_class():
    from together_generated.models.chat_completion_chunk import ChatCompletionChunk

    op = next(i for i in OPERATIONS if i.key == "POST /chat/completions").load()
    assert op.stream_chunk is ChatCompletionChunk
    assert next(i for i in OPERATIONS if i.key == "GET /batches").load().stream_chunk is None


def test_the_index_says_what_each_description_says():
    for info in OPERATIONS:
        op = info.load()
        assert info.returns == op.result_type, info.key
        chunk = op.stream_chunk.__name__ if op.stream_chunk is not None else None
        assert info.stream_chunk == chunk, info.key


def test_an_endpoint_module_shows_only_its_description_and_its_two_functions():
    import together_generated

    for info in OPERATIONS:
        module = importlib.import_module(f"together_generated.api.{info.module}")
        functions = {
            name
            for name, value in vars(module).items()
            if inspect.isfunction(value)
            and value.__module__ == module.__name__
            and not name.startswith("_")
        }
        assert functions == {"build_request", "parse_response"}, info.key
        assert module.OPERATION.build_request is module.build_request
        assert module.OPERATION.parse_response is module.parse_response
    assert not hasattr(together_generated, "Client")


def test_a_description_builds_the_request_and_reads_the_answer():
    op = next(i for i in OPERATIONS if i.key == "GET /batches/{id}").load()
    request = op.build_request(id="batch-1")
    assert (request["method"].upper(), request["url"]) == ("GET", "/batches/batch-1")
    answer = httpx.Response(200, json={"id": "batch-1", "status": "SOMETHING_NEW"})
    job = op.parse_response(answer)
    assert (job.id, job.status) == ("batch-1", "SOMETHING_NEW")
    assert op.success_models and op.success_models[0].__name__ == "BatchJob"


def test_a_wrong_parameter_type_is_refused_by_name():
    op = next(i for i in OPERATIONS if i.key == "GET /evaluation").load()
    with pytest.raises(TypeError, match="limit"):
        op.build_request(limit="ten")


def test_spec_defaults_are_left_to_the_server():
    # The spec gives defaults (context_length_exceeded_behavior="error", limit=10); a
    # request built without them does not carry them.
    from together_generated.models.chat_completion_request import ChatCompletionRequest

    body = ChatCompletionRequest.from_dict({"model": "m", "messages": []})
    assert body.context_length_exceeded_behavior is None
    assert body.to_dict() == {"model": "m", "messages": []}
    op = next(i for i in OPERATIONS if i.key == "GET /evaluation").load()
    assert op.build_request().get("params") == {}


def test_a_description_lists_its_body_fields_with_their_kinds_and_choices():
    op = next(i for i in OPERATIONS if i.key == "POST /chat/completions").load()
    fields = {f.name: f for f in op.fields}
    assert (fields["messages"].required, fields["messages"].kind) == (True, "array")
    assert (fields["model"].required, fields["model"].kind) == (True, "string")
    assert (fields["max_tokens"].required, fields["max_tokens"].kind) == (False, "integer")
    assert fields["temperature"].kind == "number"
    assert fields["context_length_exceeded_behavior"].choices == ("error", "truncate")
    assert all(f.location == "body" for f in op.fields)
    listing = next(i for i in OPERATIONS if i.key == "GET /evaluation").load()
    limit = next(p for p in listing.parameters if p.name == "limit")
    assert (limit.location, limit.kind, limit.required) == ("query", "integer", False)


@pytest.mark.parametrize(
    ("asked", "member"),
    [
        ("json", "AudioTranslationJsonResponse"),
        ("verbose_json", "AudioTranslationVerboseJsonResponse"),
        (None, "AudioTranslationJsonResponse"),  # not asked: by its fields
    ],
)
def test_parse_response_reads_a_union_as_the_member_the_request_asked_for(asked, member):
    op = next(i for i in OPERATIONS if i.key == "POST /audio/translations").load()
    answer = httpx.Response(200, json={"text": "Bonjour."})
    request = {"model": "m"} if asked is None else {"model": "m", "response_format": asked}
    assert op.parse_response(answer, request=request).__class__.__name__ == member
