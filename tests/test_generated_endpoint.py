"""The generated endpoint functions over real HTTP, against a local server.

``together_generated`` is used here exactly as ``together/`` uses it: an
``AuthenticatedClient`` pointed at a base URL, an endpoint module's ``sync_detailed`` /
``sync`` / ``asyncio``. The server (pytest-httpserver) answers only the request the spec
describes: method, path, bearer token and JSON body, so a wrong request gets no answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from http import HTTPStatus

import pytest
from pytest_httpserver import HTTPServer

from together_generated.api.chat import chat_completions
from together_generated.api.files import get_files, get_files_id, get_files_id_content
from together_generated.api.rl import list_training_sessions
from together_generated.client import AuthenticatedClient
from together_generated.models import (
    ChatCompletionRequest,
    ChatCompletionResponse,
    ChatCompletionSystemMessageParam,
    ChatCompletionUserMessageParam,
    ErrorData,
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
def api(httpserver: HTTPServer) -> Iterator[AuthenticatedClient]:
    with AuthenticatedClient(
        base_url=httpserver.url_for(""), token=TOKEN, raise_on_unexpected_status=True
    ) as client:
        yield client
    httpserver.check_assertions()  # no request the server did not expect


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


def test_chat_completion_posts_the_json_body_with_bearer_auth_and_parses_the_reply(
    api: AuthenticatedClient, httpserver: HTTPServer
) -> None:
    httpserver.expect_oneshot_request(
        "/chat/completions", method="POST", headers=AUTH, json=CHAT_BODY
    ).respond_with_json(CHAT_RESPONSE)

    response = chat_completions.sync_detailed(client=api, body=chat_request())

    assert response.status_code == HTTPStatus.OK
    completion = response.parsed
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
    assert response.headers["content-type"] == "application/json"


def test_a_documented_error_status_parses_into_its_model(
    api: AuthenticatedClient, httpserver: HTTPServer
) -> None:
    error = {"error": {"message": "Invalid API key", "type": "invalid_request_error"}}
    httpserver.expect_oneshot_request("/chat/completions", method="POST").respond_with_json(
        error, status=401
    )

    response = chat_completions.sync_detailed(client=api, body=chat_request())

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert isinstance(response.parsed, ErrorData)
    assert response.parsed.error.message == "Invalid API key"
    assert response.parsed.error.type == "invalid_request_error"


def test_file_retrieve_puts_the_id_in_the_path(
    api: AuthenticatedClient, httpserver: HTTPServer
) -> None:
    httpserver.expect_oneshot_request(
        "/files/file-0123", method="GET", headers=AUTH
    ).respond_with_json(FILE)

    file = get_files_id.sync("file-0123", client=api)

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
    api: AuthenticatedClient, httpserver: HTTPServer
) -> None:
    """The spec declares this text/plain with format binary: the File holds the body's
    bytes as they came, not its text (which BytesIO would refuse)."""
    body = '{"text": "caf\u00e9 \u2615"}\n'.encode() + b"\xff\xfe not UTF-8\n"
    httpserver.expect_oneshot_request(
        "/files/file-0123/content", method="GET", headers=AUTH
    ).respond_with_data(body, content_type="text/plain")

    content = get_files_id_content.sync("file-0123", client=api)

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
    api: AuthenticatedClient, httpserver: HTTPServer, query: dict[str, object], message: str
) -> None:
    with pytest.raises(TypeError) as caught:
        list_training_sessions.sync_detailed(client=api, **query)  # type: ignore[arg-type]
    assert str(caught.value).startswith(message)
    assert httpserver.log == []


@pytest.mark.anyio
async def test_asyncio_chat_completion(api: AuthenticatedClient, httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request(
        "/chat/completions", method="POST", headers=AUTH, json=CHAT_BODY
    ).respond_with_json(CHAT_RESPONSE)

    completion = await chat_completions.asyncio(client=api, body=chat_request())

    assert isinstance(completion, ChatCompletionResponse)
    assert completion.choices[0].message
    assert completion.choices[0].message.content == "Walk the High Line."


@pytest.mark.anyio
async def test_asyncio_file_list(api: AuthenticatedClient, httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request("/files", method="GET", headers=AUTH).respond_with_json(
        {"data": [FILE, {**FILE, "id": "file-4567", "purpose": "eval"}]}
    )

    files = await get_files.asyncio(client=api)

    assert isinstance(files, FileList)
    assert [(f.id, f.purpose) for f in files.data] == [
        ("file-0123", "fine-tune"),
        ("file-4567", "eval"),
    ]
