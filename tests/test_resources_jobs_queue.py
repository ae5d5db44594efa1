"""client.jobs (model-upload jobs) and client.queue (bodies from the spec's examples)."""

from __future__ import annotations

import pytest

from .support.httpserver import body_of, request_sent

JOB = {
    "type": "model_upload",
    "job_id": "job-a15dad11-8d8e-4007-97c5-a211304de284",
    "status": "Complete",
    "status_updates": [
        {"status": "Complete", "message": "Job is Complete", "timestamp": "2025-03-11T22:36:12Z"}
    ],
    "args": {
        "description": "Finetuned Qwen2.5-72B-Instruct by Unsloth",
        "modelName": "necolinehubner/Qwen2.5-72B-Instruct",
        "modelSource": "unsloth/Qwen2.5-72B-Instruct",
    },
    "created_at": "2025-03-11T22:05:43Z",
    "updated_at": "2025-03-11T22:36:12Z",
}
JOB_STATUS = {
    "created_at": "2024-01-02T03:04:05Z",
    "info": {},
    "inputs": {"prompt": "hi"},
    "model": "my-model",
    "outputs": {"text": "hello"},
    "priority": 0,
    "request_id": "req-1",
    "retries": 0,
    "status": "done",
}


def test_jobs_list(client, httpserver):
    httpserver.expect_request("/v1/jobs", method="GET").respond_with_json({"data": [JOB]})
    result = client.jobs.list()
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("GET", {}, None)
    assert type(result).__name__ == "JobsInfoSuccessResponse"
    assert [job.job_id for job in result.data] == [JOB["job_id"]]


def test_jobs_retrieve_puts_the_id_in_the_path(client, httpserver):
    httpserver.expect_request(f"/v1/jobs/{JOB['job_id']}", method="GET").respond_with_json(JOB)
    result = client.jobs.retrieve(JOB["job_id"])
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("GET", {}, None)
    assert type(result).__name__ == "JobInfoSuccessResponse"
    assert result.status_updates[0].message == "Job is Complete"


def test_queue_submit_posts_the_arguments(client, httpserver):
    httpserver.expect_request("/v1/queue/submit", method="POST").respond_with_json(
        {"requestId": "req-1"}
    )
    result = client.queue.submit(model="my-model", payload={"prompt": "hi"}, priority=2)
    request = request_sent(httpserver)
    assert (request.method, request.path, dict(request.args)) == ("POST", "/v1/queue/submit", {})
    assert body_of(request) == {"model": "my-model", "payload": {"prompt": "hi"}, "priority": 2}
    assert type(result).__name__ == "QueueJobResponse"
    assert result.request_id == "req-1"


def test_queue_retrieve_sends_request_id_and_model_as_query(client, httpserver):
    httpserver.expect_request("/v1/queue/status", method="GET").respond_with_json(JOB_STATUS)
    result = client.queue.retrieve(request_id="req-1", model="my-model")
    request = request_sent(httpserver)
    assert dict(request.args) == {"request_id": "req-1", "model": "my-model"}
    assert body_of(request) is None
    assert type(result).__name__ == "QueueJobStatusResponse"
    assert result.status == "done"


def test_queue_cancel_posts_model_and_request_id(client, httpserver):
    httpserver.expect_request("/v1/queue/cancel", method="POST").respond_with_json(
        {"status": "canceled"}
    )
    result = client.queue.cancel(model="my-model", request_id="req-1")
    request = request_sent(httpserver)
    assert (request.method, dict(request.args)) == ("POST", {})
    assert body_of(request) == {"model": "my-model", "request_id": "req-1"}
    assert type(result).__name__ == "QueueCancelResponse"
    assert result.status == "canceled"


def test_queue_metrics(client, httpserver):
    httpserver.expect_request("/v1/queue/metrics", method="GET").respond_with_json(
        {"messages_running": 1, "messages_waiting": 3, "total_jobs": 4}
    )
    result = client.queue.metrics(model="my-model")
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == (
        "GET",
        {"model": "my-model"},
        None,
    )
    assert type(result).__name__ == "QueueMetricsResponse"
    assert result.messages_waiting == 3


def test_queue_status_is_retrieve(client):
    namespace = type(client.queue).__dict__
    assert namespace["status"] is namespace["retrieve"]


@pytest.mark.anyio
async def test_async_jobs_and_queue_are_the_same_calls(aclient, httpserver):
    httpserver.expect_request("/v1/jobs", method="GET").respond_with_json({"data": []})
    httpserver.expect_request("/v1/queue/status", method="GET").respond_with_json(JOB_STATUS)
    assert (await aclient.jobs.list()).data == []
    assert (await aclient.queue.status(request_id="req-1", model="my-model")).request_id == "req-1"
    assert dict(httpserver.log[1][0].args) == {"request_id": "req-1", "model": "my-model"}


@pytest.mark.parametrize(
    ("call", "error", "field"),
    [
        (lambda c: c.queue.submit(model=3, payload={}), TypeError, "model"),
        (lambda c: c.queue.submit(model="m", payload={}, priority="high"), TypeError, "priority"),
        (lambda c: c.queue.cancel(model="m", request_id=["r"]), TypeError, "request_id"),
        (lambda c: c.queue.retrieve(request_id="r"), TypeError, "model"),
        (lambda c: c.jobs.retrieve(""), ValueError, "job_id"),
    ],
)
def test_invalid_arguments_raise_naming_the_field_and_send_nothing(
    client, httpserver, call, error, field
):
    with pytest.raises(error, match=rf"\b{field}\b"):
        call(client)
    assert httpserver.log == []
