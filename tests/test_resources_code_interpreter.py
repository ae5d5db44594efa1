"""client.code_interpreter: execute code, list sessions (bodies from the spec's examples)."""

from __future__ import annotations

import pytest

from .support.httpserver import body_of, request_sent

SUCCESS = {
    "errors": None,
    "data": {
        "outputs": [{"data": "Hello world!\n", "type": "stdout"}],
        "session_id": "ses_abcDEF123",
        "status": "success",
    },
}
SESSIONS = {
    "data": {
        "sessions": [
            {
                "execute_count": 1,
                "expires_at": "2024-01-02T03:04:05Z",
                "id": "ses_abcDEF123",
                "last_execute_at": "2024-01-02T03:04:05Z",
                "started_at": "2024-01-02T03:04:05Z",
            }
        ]
    }
}


def test_execute_posts_the_code_and_returns_the_outputs(client, httpserver):
    httpserver.expect_request("/v1/tci/execute", method="POST").respond_with_json(SUCCESS)
    result = client.code_interpreter.execute(
        code='print("Hello world!")', language="python", session_id="ses_abcDEF123"
    )
    request = request_sent(httpserver)
    assert (request.method, request.path, dict(request.args)) == ("POST", "/v1/tci/execute", {})
    assert body_of(request) == {
        "code": 'print("Hello world!")',
        "language": "python",
        "session_id": "ses_abcDEF123",
    }
    assert type(result).__name__ == "SuccessfulExecution"
    assert result.data.outputs[0].data == "Hello world!\n"


def test_a_failed_execution_comes_back_as_failed_execution(client, httpserver):
    httpserver.expect_request("/v1/tci/execute", method="POST").respond_with_json(
        {"data": None, "errors": ["SyntaxError: invalid syntax"]}
    )
    result = client.code_interpreter.execute(code="print(", language="python")
    assert type(result).__name__ == "FailedExecution"
    assert result.data is None


def test_sessions_list(client, httpserver):
    httpserver.expect_request("/v1/tci/sessions", method="GET").respond_with_json(SESSIONS)
    result = client.code_interpreter.sessions.list()
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("GET", {}, None)
    assert type(result).__name__ == "SessionListResponse"
    assert result.data.sessions[0].id == "ses_abcDEF123"


def test_run_is_the_1x_name_of_execute(client):
    namespace = type(client.code_interpreter).__dict__
    assert namespace["run"] is namespace["execute"]


@pytest.mark.anyio
async def test_async_execute_is_the_same_call(aclient, httpserver):
    httpserver.expect_request("/v1/tci/execute", method="POST").respond_with_json(SUCCESS)
    result = await aclient.code_interpreter.run(code="1 + 1", language="python")
    assert body_of(request_sent(httpserver)) == {"code": "1 + 1", "language": "python"}
    assert result.data.session_id == "ses_abcDEF123"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"code": 1, "language": "python"}, "code"),
        ({"code": "x", "language": 5}, "language"),
        ({"code": "x", "language": "python", "files": "a.txt"}, "files"),
    ],
)
def test_invalid_arguments_raise_naming_the_field_and_send_nothing(
    client, httpserver, kwargs, field
):
    with pytest.raises(TypeError, match=rf"\b{field}\b"):
        client.code_interpreter.execute(**kwargs)
    assert httpserver.log == []
