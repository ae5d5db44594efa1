"""Inference methods: what each sends, what it returns, and what it refuses to send."""

from __future__ import annotations

import json

import pytest
from pytest_httpserver import HTTPServer

import together
from together import Together

from .support import API_KEY
from .support.bodies import CHAT_RESPONSE

MESSAGES = [{"role": "user", "content": "Hello"}]


def sent_json(httpserver: HTTPServer, index: int = -1) -> object:
    return json.loads(httpserver.log[index][0].data)


def test_chat_sends_post_with_exact_body_auth_and_user_agent(client, httpserver):
    httpserver.expect_request("/v1/chat/completions", method="POST").respond_with_json(
        CHAT_RESPONSE
    )
    result = client.chat.completions.create(model="m", messages=MESSAGES, max_tokens=5)
    request = httpserver.log[0][0]
    assert sent_json(httpserver) == {"model": "m", "messages": MESSAGES, "max_tokens": 5}
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert request.headers["User-Agent"].startswith("together-client/")
    assert request.headers["Content-Type"] == "application/json"
    assert type(result).__name__ == "ChatCompletionResponse"
    assert result.choices[0].message.content == "hi"
    assert result.usage.total_tokens == 2


def test_generated_models_are_accepted_as_arguments(client, httpserver):
    from together_generated.models import ChatCompletionUserMessageParam

    httpserver.expect_request("/v1/chat/completions").respond_with_json(CHAT_RESPONSE)
    message = ChatCompletionUserMessageParam.from_dict({"role": "user", "content": "Hello"})
    client.chat.completions.create(model="m", messages=[message])
    assert sent_json(httpserver)["messages"] == MESSAGES


@pytest.mark.anyio
async def test_async_chat_is_the_same_call(aclient, httpserver):
    httpserver.expect_request("/v1/chat/completions", method="POST").respond_with_json(
        CHAT_RESPONSE
    )
    result = await aclient.chat.completions.create(model="m", messages=MESSAGES)
    assert result.id == "c1"
    assert sent_json(httpserver) == {"model": "m", "messages": MESSAGES}


@pytest.mark.parametrize(
    ("kwargs", "error", "field"),
    [
        ({"messages": MESSAGES, "model": "m", "temperature": "hot"}, TypeError, "temperature"),
        ({"messages": "Hello", "model": "m"}, TypeError, "messages"),
        ({"messages": [{"role": 5, "content": "x"}], "model": "m"}, TypeError, "messages"),
        ({"messages": MESSAGES, "model": 7}, TypeError, "model"),
    ],
)
def test_invalid_arguments_raise_naming_the_field_and_send_nothing(
    client, httpserver, kwargs, error, field
):
    with pytest.raises(error, match=field):
        client.chat.completions.create(**kwargs)
    assert httpserver.log == []


def test_missing_required_nested_field_is_refused_naming_it(client, httpserver):
    with pytest.raises((TypeError, ValueError), match=r"ChatCompletionRequest\.messages"):
        client.chat.completions.create(model="m", messages=[{"role": "user"}])
    with pytest.raises(TypeError, match=r"RerankRequest\.documents"):
        client.rerank.create(model="m", query="q", documents=None)
    assert httpserver.log == []


def test_per_call_options_reach_the_request(client, httpserver):
    httpserver.expect_request("/v1/embeddings").respond_with_json(
        {
            "object": "list",
            "model": "m",
            "data": [{"object": "embedding", "embedding": [0.5], "index": 0}],
        }
    )
    client.embeddings.create(
        model="m",
        input="hi",
        extra_headers={"X-Trace": "t1"},
        extra_query={"debug": "1"},
        extra_body={"custom": True},
        timeout=3,
    )
    request = httpserver.log[0][0]
    assert request.headers["X-Trace"] == "t1"
    assert request.args["debug"] == "1"
    assert sent_json(httpserver) == {"model": "m", "input": "hi", "custom": True}


def test_default_headers_are_sent_on_every_call(base_url, httpserver):
    httpserver.expect_request("/v1/models").respond_with_json([])
    with Together(api_key="k", base_url=base_url, default_headers={"X-Team": "a"}) as client:
        client.models.list()
    assert httpserver.log[0][0].headers["X-Team"] == "a"


def test_embeddings(client, httpserver):
    httpserver.expect_request("/v1/embeddings", method="POST").respond_with_json(
        {
            "object": "list",
            "model": "m",
            "data": [{"object": "embedding", "embedding": [0.1, 0.2], "index": 0}],
        }
    )
    result = client.embeddings.create(model="m", input=["a"])
    assert result.data[0].embedding == [0.1, 0.2]
    assert sent_json(httpserver) == {"model": "m", "input": ["a"]}


def test_completions(client, httpserver):
    httpserver.expect_request("/v1/completions", method="POST").respond_with_json(
        {
            "id": "x",
            "object": "text.completion",
            "created": 1,
            "model": "m",
            "choices": [{"text": "!", "index": 0, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
    )
    result = client.completions.create(model="m", prompt="Say", max_tokens=3)
    assert result.choices[0].text == "!"
    assert sent_json(httpserver) == {"model": "m", "prompt": "Say", "max_tokens": 3}


def test_images_generate(client, httpserver):
    httpserver.expect_request("/v1/images/generations", method="POST").respond_with_json(
        {
            "id": "i",
            "model": "m",
            "object": "list",
            "data": [{"index": 0, "url": "https://x/y.png", "type": "url"}],
        }
    )
    result = client.images.generate(model="m", prompt="a cat", steps=4)
    assert result.data[0].url == "https://x/y.png"
    assert sent_json(httpserver) == {"model": "m", "prompt": "a cat", "steps": 4}


def test_rerank(client, httpserver):
    httpserver.expect_request("/v1/rerank", method="POST").respond_with_json(
        {
            "object": "rerank",
            "model": "m",
            "results": [{"index": 1, "relevance_score": 0.9, "document": {}}],
        }
    )
    result = client.rerank.create(model="m", query="q", documents=["a", "b"], top_n=1)
    assert result.results[0].index == 1
    assert sent_json(httpserver) == {
        "model": "m",
        "query": "q",
        "documents": ["a", "b"],
        "top_n": 1,
    }


def test_models_list_and_query(client, httpserver):
    httpserver.expect_request(
        "/v1/models", method="GET", query_string="dedicated=true"
    ).respond_with_json([{"id": "m1", "object": "model", "created": 1, "type": "chat"}])
    models = client.models.list(dedicated=True)
    assert [m.id for m in models] == ["m1"]


def test_models_upload(client, httpserver):
    httpserver.expect_request("/v1/models", method="POST").respond_with_json(
        {
            "data": {"job_id": "j", "model_name": "n", "model_id": "i", "model_source": "s"},
            "message": "ok",
        }
    )
    result = client.models.upload(model_name="n", model_source="hf/repo")
    assert result.message == "ok"
    assert sent_json(httpserver) == {"model_name": "n", "model_source": "hf/repo"}


def test_audio_speech_returns_bytes(client, httpserver):
    httpserver.expect_request("/v1/audio/speech", method="POST").respond_with_data(
        b"RIFF....", content_type="audio/wav"
    )
    audio = client.audio.speech.create(model="m", input="hi", voice="v")
    assert audio == b"RIFF...."
    assert sent_json(httpserver) == {"model": "m", "input": "hi", "voice": "v"}


def test_audio_transcription_uploads_multipart(client, httpserver, tmp_path):
    path = tmp_path / "a.wav"
    path.write_bytes(b"WAVDATA")
    httpserver.expect_request("/v1/audio/transcriptions", method="POST").respond_with_json(
        {"text": "hello"}
    )
    result = client.audio.transcriptions.create(file=path, language="en")
    request = httpserver.log[0][0]
    assert request.headers["Content-Type"].startswith("multipart/form-data")
    assert request.files["file"].read() == b"WAVDATA"
    assert request.files["file"].filename == "a.wav"
    assert request.form["language"] == "en"
    assert result.text == "hello"


def test_audio_transcription_of_missing_file_sends_nothing(client, httpserver, tmp_path):
    with pytest.raises(ValueError, match="no such file"):
        client.audio.transcriptions.create(file=tmp_path / "missing.wav")
    assert httpserver.log == []


def test_voices_list(client, httpserver):
    httpserver.expect_request("/v1/voices", method="GET").respond_with_json(
        {"data": [{"model": "m", "voices": [{"id": "v1", "name": "V"}]}]}
    )
    assert client.audio.voices.list().data[0].voices[0].name == "V"


def test_videos_create_and_retrieve(client, httpserver):
    job = {
        "id": "v1",
        "object": "video",
        "model": "m",
        "status": "in_progress",
        "created_at": 1,
        "seconds": "4",
        "size": "720p",
    }
    httpserver.expect_request("/v1/videos", method="POST").respond_with_json(job)
    httpserver.expect_request("/v1/videos/v1", method="GET").respond_with_json(job)
    assert client.videos.create(model="m", prompt="waves").id == "v1"
    assert client.videos.retrieve("v1").status == "in_progress"


def test_error_status_is_raised_not_returned(client, httpserver):
    httpserver.expect_request("/v1/chat/completions").respond_with_json(
        {"error": {"message": "bad model"}}, status=400
    )
    with pytest.raises(together.BadRequestError, match="bad model"):
        client.chat.completions.create(model="x", messages=MESSAGES)
