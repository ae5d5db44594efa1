"""client.batches: what each method sends and what it returns (bodies from the spec's
field examples)."""

from __future__ import annotations

import pytest

from together_generated.models import BatchJob

from .support.httpserver import body_of, request_sent

BATCH_JOB = {
    "id": "01234567-8901-2345-6789-012345678901",
    "user_id": "user_789xyz012",
    "input_file_id": "file-input123abc456def",
    "file_size_bytes": 1048576,
    "status": "IN_PROGRESS",
    "job_deadline": "2024-01-15T15:30:00Z",
    "created_at": "2024-01-15T14:30:00Z",
    "endpoint": "/v1/chat/completions",
    "progress": 75.0,
    "model_id": "Qwen/Qwen3.5-9B",
    "output_file_id": "file-output789xyz012ghi",
    "error_file_id": "file-errors456def789jkl",
}


def test_create_posts_the_arguments_and_returns_job_with_warning(client, httpserver):
    httpserver.expect_request("/v1/batches", method="POST").respond_with_json(
        {"job": BATCH_JOB, "warning": "file is large"}, status=201
    )
    result = client.batches.create(
        endpoint="/v1/chat/completions", input_file_id="file-id", completion_window="24h"
    )
    request = request_sent(httpserver)
    assert (request.method, request.path, dict(request.args)) == ("POST", "/v1/batches", {})
    assert body_of(request) == {
        "endpoint": "/v1/chat/completions",
        "input_file_id": "file-id",
        "completion_window": "24h",
    }
    assert type(result).__name__ == "BatchJobWithWarning"
    assert str(result.job.id) == BATCH_JOB["id"]  # format: uuid
    assert result.warning == "file is large"


def test_list_returns_batch_jobs(client, httpserver):
    httpserver.expect_request("/v1/batches", method="GET").respond_with_json([BATCH_JOB])
    result = client.batches.list()
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("GET", {}, None)
    assert [type(job).__name__ for job in result] == ["BatchJob"]
    assert result[0].progress == 75.0


def test_retrieve_puts_the_id_in_the_path(client, httpserver):
    httpserver.expect_request(f"/v1/batches/{BATCH_JOB['id']}", method="GET").respond_with_json(
        BATCH_JOB
    )
    result = client.batches.retrieve(BATCH_JOB["id"])
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("GET", {}, None)
    assert type(result).__name__ == "BatchJob"
    assert result.status == "IN_PROGRESS"


def test_retrieve_accepts_the_uuid_a_job_came_back_with(client, httpserver):
    httpserver.expect_request(f"/v1/batches/{BATCH_JOB['id']}", method="GET").respond_with_json(
        BATCH_JOB
    )
    job = BatchJob.from_dict(BATCH_JOB)
    assert client.batches.retrieve(job.id).user_id == "user_789xyz012"


def test_cancel_posts_without_a_body(client, httpserver):
    cancelled = {**BATCH_JOB, "status": "CANCELLED"}
    httpserver.expect_request("/v1/batches/b1/cancel", method="POST").respond_with_json(cancelled)
    result = client.batches.cancel("b1")
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("POST", {}, None)
    assert type(result).__name__ == "BatchJob"
    assert result.status == "CANCELLED"


def test_the_1x_names_are_the_same_methods(client, httpserver):
    httpserver.expect_request("/v1/batches/b1", method="GET").respond_with_json(BATCH_JOB)
    assert client.batches.get_batch("b1").user_id == "user_789xyz012"
    for old, new in [
        ("get_batch", "retrieve"),
        ("list_batches", "list"),
        ("cancel_batch", "cancel"),
    ]:
        assert type(client.batches).__dict__[old] is type(client.batches).__dict__[new]


def test_the_1x_create_batch_takes_the_file_id_first(client, httpserver):
    httpserver.expect_request("/v1/batches", method="POST").respond_with_json(
        {"job": BATCH_JOB}, status=201
    )
    client.batches.create_batch("file-1", endpoint="/v1/chat/completions")
    assert body_of(request_sent(httpserver)) == {
        "input_file_id": "file-1",
        "endpoint": "/v1/chat/completions",
    }


@pytest.mark.anyio
async def test_async_create_is_the_same_call(aclient, httpserver):
    httpserver.expect_request("/v1/batches", method="POST").respond_with_json(
        {"job": BATCH_JOB}, status=201
    )
    result = await aclient.batches.create(endpoint="/v1/chat/completions", input_file_id="f")
    assert body_of(request_sent(httpserver)) == {
        "endpoint": "/v1/chat/completions",
        "input_file_id": "f",
    }
    assert result.job.model_id == "Qwen/Qwen3.5-9B"


@pytest.mark.parametrize(
    ("call", "error", "field"),
    [
        (lambda c: c.batches.create(endpoint=5, input_file_id="f"), TypeError, "endpoint"),
        (
            lambda c: c.batches.create(endpoint="/v1/chat/completions", input_file_id=["f"]),
            TypeError,
            "input_file_id",
        ),
        (
            lambda c: c.batches.create(
                endpoint="/v1/chat/completions", input_file_id="f", priority="high"
            ),
            TypeError,
            "priority",
        ),
        (lambda c: c.batches.retrieve(""), ValueError, "id"),
        (lambda c: c.batches.cancel(None), TypeError, "id"),
    ],
)
def test_invalid_arguments_raise_naming_the_field_and_send_nothing(
    client, httpserver, call, error, field
):
    with pytest.raises(error, match=rf"\b{field}\b"):
        call(client)
    assert httpserver.log == []
