"""A generated endpoint module's public face over real HTTP, against a local server.

``together_generated`` is used here as ``together/`` uses it: an endpoint module's
``build_request`` gives the arguments of ``httpx.Client.request`` (sent here by a plain
``httpx.Client`` / ``httpx.AsyncClient`` with the bearer token), and its
``parse_response`` reads the answer. The server (pytest-httpserver) answers only the
request the spec describes: method, path, bearer token and JSON body, so a wrong request
gets no answer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from pytest_httpserver import HTTPServer

from together_generated import errors
from together_generated.api.chat import chat_completions
from together_generated.api.files import get_files, get_files_id, get_files_id_content
from together_generated.api.rl import list_training_sessions
from together_generated.models import (
    ChatCompletionRequest,
    ChatCompletionResponse,
    ChatCompletionSystemMessageParam,
    ChatCompletionUserMessageParam,
    FileList,
    FileResponse,
)
from together_generated.types import File

TOKEN = "k"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

CHAT_BODY = {
    "model": "Qwen/Qwen3.5-9B",
    "messages": [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "What are some fun things to do in New York?"},
    ],
    "max_tokens": 64,
    "temperature": 0.7,
}
CHAT_RESPONSE = {
    "id": "oGs6Zt9-62bZhn-9b0ef4e2fe5b4e8a",
    "object": "chat.completion",
    "created": 1717000000,
    "model": "Qwen/Qwen3.5-9B",
    "choices": [
        {
            "index": 0,
            "finish_reason": "stop",
            "message": {"role": "assistant", "content": "Walk the High Line."},
        }
    ],
    "usage": {"prompt_tokens": 31, "completion_tokens": 6, "total_tokens": 37},
}
FILE = {
    "id": "file-0123",
    "object": "file",
    "created_at": 1717000000,
    "filename": "train.jsonl",
    "bytes": 2048,
    "purpose": "fine-tune",
    "Processed": True,
    "FileType": "jsonl",
}


@pytest.fixture
def api(httpserver: HTTPServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=httpserver.url_for(""), headers=AUTH) as client:
        yield client
    httpserver.check_assertions()  # no request the server did not expect


@pytest.fixture
async def async_api(httpserver: HTTPServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=httpserver.url_for(""), headers=AUTH) as client:
        yield client
    httpserver.check_assertions()


def chat_request() -> ChatCompletionRequest:
    return ChatCompletionRequest(
        model="Qwen/Qwen3.5-9B",
        messages=[
            ChatCompletionSystemMessageParam(role="system", content="You are a helpful assistant."),
            ChatCompletionUserMessageParam(
                role="user", content="What are some fun things to do in New York?"
            ),
        ],
        max_tokens=64,
        temperature=0.7,
    )


def test_chat_completion_posts_the_json_body_and_parses_the_reply(
    api: httpx.Client, httpserver: HTTPServer
) -> None:
    httpserver.expect_oneshot_request(
        "/chat/completions", method="POST", headers=AUTH, json=CHAT_BODY
    ).respond_with_json(CHAT_RESPONSE)

    response = api.request(**chat_completions.build_request(body=chat_request()))

    completion = chat_completions.parse_response(response, strict=True)
    assert isinstance(completion, ChatCompletionResponse)
    assert completion.id == "oGs6Zt9-62bZhn-9b0ef4e2fe5b4e8a"
    assert completion.model == "Qwen/Qwen3.5-9B"
    assert completion.object == "chat.completion"
    assert completion.prompt is None  # optional (the overlay's chat-response-prompt-is-optional)
    assert "prompt" not in completion.to_dict()  # absent, not null
    [choice] = completion.choices
    assert choice.finish_reason == "stop"
    assert choice.message and choice.message.content == "Walk the High Line."
    assert choice.message.role == "assistant"
    assert completion.usage and completion.usage.total_tokens == 37
    assert completion.to_dict() == CHAT_RESPONSE


def test_an_error_status_is_not_read_as_a_result(api: httpx.Client, httpserver: HTTPServer) -> None:
    """Error statuses are the clients' to raise (together/_errors.py); parse_response
    reads successes only."""
    error = {"error": {"message": "Invalid API key", "type": "invalid_request_error"}}
    httpserver.expect_oneshot_request("/chat/completions", method="POST").respond_with_json(
        error, status=401
    )

    response = api.request(**chat_completions.build_request(body=chat_request()))

    with pytest.raises(errors.UnexpectedStatus) as caught:
        chat_completions.parse_response(response)
    assert caught.value.status_code == 401


def test_file_retrieve_puts_the_id_in_the_path(api: httpx.Client, httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request(
        "/files/file-0123", method="GET", headers=AUTH
    ).respond_with_json(FILE)

    file = get_files_id.parse_response(api.request(**get_files_id.build_request("file-0123")))

    assert file == FileResponse(
        id="file-0123",
        object="file",
        created_at=1717000000,
        filename="train.jsonl",
        bytes=2048,
        purpose="fine-tune",
        processed=True,
        file_type="jsonl",
    )


def test_file_content_comes_back_as_the_bytes_sent(
    api: httpx.Client, httpserver: HTTPServer
) -> None:
    """The spec declares this text/plain with format binary: the File holds the body's
    bytes as they came, not its text (which BytesIO would refuse)."""
    body = '{"text": "caf\u00e9 \u2615"}\n'.encode() + b"\xff\xfe not UTF-8\n"
    httpserver.expect_oneshot_request(
        "/files/file-0123/content", method="GET", headers=AUTH
    ).respond_with_data(body, content_type="text/plain")

    request = get_files_id_content.build_request("file-0123")
    content = get_files_id_content.parse_response(api.request(**request))

    assert isinstance(content, File)
    assert content.payload.read() == body


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"limit": "20"}, "limit: expected an integer, got str '20'"),
        ({"limit": 2.5}, "limit: expected an integer, got float 2.5"),
        ({"after": 7}, "after: expected a string, got int 7"),
        ({"status": 7}, "status: expected one of 'TRAINING_SESSION_STATUS_CREATING', "),
    ],
)
def test_a_query_parameter_of_the_wrong_type_is_refused_before_sending(
    httpserver: HTTPServer, query: dict[str, object], message: str
) -> None:
    with pytest.raises(TypeError) as caught:
        list_training_sessions.build_request(**query)  # type: ignore[arg-type]
    assert str(caught.value).startswith(message)
    assert httpserver.log == []


@pytest.mark.anyio
async def test_an_async_chat_completion(
    async_api: httpx.AsyncClient, httpserver: HTTPServer
) -> None:
    httpserver.expect_oneshot_request(
        "/chat/completions", method="POST", headers=AUTH, json=CHAT_BODY
    ).respond_with_json(CHAT_RESPONSE)

    response = await async_api.request(**chat_completions.build_request(body=chat_request()))

    completion = chat_completions.parse_response(response)

    assert isinstance(completion, ChatCompletionResponse)
    assert completion.choices[0].message
    assert completion.choices[0].message.content == "Walk the High Line."


@pytest.mark.anyio
async def test_an_async_file_list(async_api: httpx.AsyncClient, httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request("/files", method="GET", headers=AUTH).respond_with_json(
        {"data": [FILE, {**FILE, "id": "file-4567", "purpose": "eval"}]}
    )

    files = get_files.parse_response(await async_api.request(**get_files.build_request()))

    assert isinstance(files, FileList)
    assert [(f.id, f.purpose) for f in files.data] == [
        ("file-0123", "fine-tune"),
        ("file-4567", "eval"),
    ]
