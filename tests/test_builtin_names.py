"""Fields and arguments named like Python builtins (``type``, ``object``, ``bytes``,
``input``, ``format``, ...) keep their JSON names: ``event.type``, ``m.type == "chat"``,
``chunk.object``, ``file.bytes``, ``endpoints.list(type=...)``. The ``_`` spellings of
earlier versions (``type_``) still work, unlisted. Each script below is written the way
Together's docs and the official SDKs' READMEs use the client, and runs on both clients
against a local server."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import typing
from typing import Any

import attrs
import pytest
from pytest_httpserver import HTTPServer

import together_generated.models

from .support.bodies import MESSAGES, MODEL
from .support.clients import run
from .support.realtime import speech, talk, text
from .support.streams import DONE, HELLO, serve_sse
from .support.wsserver import RealtimeServer

pytestmark = pytest.mark.anyio


MODELS = [
    {
        "id": "meta-llama/Llama-3.3-70B-Instruct-Turbo",
        "object": "model",
        "created": 1,
        "type": "chat",
    },
    {"id": "BAAI/bge-large-en-v1.5", "object": "model", "created": 1, "type": "embedding"},
    {"id": "openai/whisper-large-v3", "object": "model", "created": 1, "type": "transcribe"},
]
FILE = {
    "id": "file-1",
    "object": "file",
    "created_at": 1_700_000_000,
    "filename": "train.jsonl",
    "bytes": 2048,
    "purpose": "fine-tune",
    "Processed": True,
    "FileType": "jsonl",
    "LineCount": 10,
}


async def test_models_are_filtered_by_their_type(flavor: str, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v1/models").respond_with_json(MODELS)
    models = await run(flavor, httpserver.url_for("/v1"), lambda client: client.models.list())
    chat_models = [m.id for m in models if m.type == "chat"]
    assert chat_models == ["meta-llama/Llama-3.3-70B-Instruct-Turbo"]
    assert [m.object for m in models] == ["model"] * 3


async def test_a_stream_chunk_has_its_object(flavor: str, httpserver: HTTPServer) -> None:
    serve_sse(httpserver, HELLO + DONE)
    chunks = await run(
        flavor,
        httpserver.url_for("/v1"),
        lambda client: client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True),
    )
    assert {chunk.object for chunk in chunks} == {"chat.completion.chunk"}


async def test_a_file_has_its_bytes(flavor: str, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v1/files/file-1").respond_with_json(FILE)
    file = await run(flavor, httpserver.url_for("/v1"), lambda c: c.files.retrieve("file-1"))
    assert (file.bytes, file.object, file.filename) == (2048, "file", "train.jsonl")


async def test_realtime_events_are_told_apart_by_their_type(
    flavor: str, realtime_server: RealtimeServer
) -> None:
    events = await talk(flavor, realtime_server, speech(voice="tara"), text("Hi."))
    audio = b"".join(
        event.delta.encode()
        for event in events
        if event.type == "conversation.item.audio_output.delta"
    )
    assert audio
    assert events[0].type == "session.created"
    assert events[-1].type == "conversation.item.audio_output.done"


async def test_a_query_parameter_named_type_is_taken_by_that_name(
    flavor: str, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/v1/endpoints", query_string="type=dedicated").respond_with_json(
        {"object": "list", "data": []}
    )
    await run(flavor, httpserver.url_for("/v1"), lambda c: c.endpoints.list(type="dedicated"))
    assert len(httpserver.log) == 1


async def test_a_body_field_named_input_is_taken_by_that_name(
    flavor: str, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/v1/embeddings", method="POST").respond_with_json(
        {
            "object": "list",
            "model": "m",
            "data": [{"object": "embedding", "index": 0, "embedding": [0.5]}],
        }
    )
    result = await run(
        flavor, httpserver.url_for("/v1"), lambda c: c.embeddings.create(model="m", input="hello")
    )
    assert json.loads(httpserver.log[0][0].get_data()) == {"model": "m", "input": "hello"}
    assert result.data[0].object == "embedding"


# --- the spellings of earlier versions ---------------------------------------------------


async def test_the_underscore_spelling_still_reads_the_field(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v1/files/file-1").respond_with_json(FILE)
    file = await run("sync", httpserver.url_for("/v1"), lambda c: c.files.retrieve("file-1"))
    assert (file.bytes_, file.object_) == (2048, "file")


async def test_the_underscore_spelling_of_an_absent_optional_field_reads_none(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/v1/models").respond_with_json(
        [{"id": "m", "object": "model", "created": 1}]
    )
    models = await run("sync", httpserver.url_for("/v1"), lambda c: c.models.list())
    assert (models[0].type, models[0].type_) == (None, None)


def test_only_builtin_named_fields_have_the_underscore_spelling() -> None:
    from together_generated.models import FileResponse

    file = FileResponse.from_response(FILE)
    with pytest.raises(AttributeError, match="filename_"):
        file.filename_  # noqa: B018
    with pytest.raises(AttributeError, match="list_"):
        file.list_  # noqa: B018


def test_a_model_is_still_built_with_the_underscore_spelling() -> None:
    from together_generated.models import FileResponse

    fields = {"id": "f", "created_at": 1, "filename": "a.jsonl", "purpose": "fine-tune"}
    fields |= {"processed": True, "file_type": "jsonl"}
    old = FileResponse(object_="file", bytes_=2048, **fields)
    assert old == FileResponse(object="file", bytes=2048, **fields)
    assert "bytes" in inspect.signature(FileResponse).parameters  # the documented name
    with pytest.raises(TypeError, match="id_"):
        FileResponse(
            id_="f", object="file", bytes=1, **{k: v for k, v in fields.items() if k != "id"}
        )


async def test_the_underscore_spelling_of_a_keyword_still_works(
    flavor: str, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/v1/endpoints", query_string="type=dedicated").respond_with_json(
        {"object": "list", "data": []}
    )
    httpserver.expect_request("/v1/embeddings", method="POST").respond_with_json(
        {"object": "list", "model": "m", "data": []}
    )
    await run(flavor, httpserver.url_for("/v1"), lambda c: c.endpoints.list(type_="dedicated"))
    await run(
        flavor, httpserver.url_for("/v1"), lambda c: c.embeddings.create(model="m", input_="a")
    )
    assert json.loads(httpserver.log[1][0].get_data()) == {"model": "m", "input": "a"}


def test_a_misspelled_keyword_is_not_pointed_at_the_underscore_spelling(
    httpserver: HTTPServer,
) -> None:
    from together import Together

    client = Together(api_key="k", base_url=httpserver.url_for("/v1"))
    with pytest.raises(TypeError, match="did you mean 'type'") as caught:
        client.endpoints.list(typ="dedicated")
    assert "type_" not in str(caught.value)
    assert httpserver.log == []


# --- the generated models ----------------------------------------------------------------


def generated_models() -> list[type[Any]]:
    found = []
    for info in pkgutil.iter_modules(together_generated.models.__path__):
        module = importlib.import_module(f"together_generated.models.{info.name}")
        if hasattr(module, "_lazy_imports"):  # the models it refers to, as globals
            module._lazy_imports()
        found += [
            obj
            for obj in vars(module).values()
            if isinstance(obj, type) and attrs.has(obj) and obj.__module__ == module.__name__
        ]
    return found


def test_every_model_has_type_hints_that_resolve() -> None:
    models = generated_models()
    assert len(models) > 300
    for model in models:
        hints = typing.get_type_hints(model)
        assert set(hints) >= {field.name for field in attrs.fields(model)}, model


def test_builtin_named_fields_are_attributes_by_their_json_name() -> None:
    names = {field.name for model in generated_models() for field in attrs.fields(model)}
    assert {"type", "object", "bytes", "input", "format", "hash", "license"} <= names
    assert not {name for name in names if name.endswith("_")}
