"""client.evaluation (also client.evals): evaluation jobs (bodies from the spec's examples)."""

from __future__ import annotations

import pytest

from .support.httpserver import body_of, request_sent

PARAMETERS = {
    "judge": {
        "model": "Qwen/Qwen3.5-9B",
        "system_template": "Imagine you are a helpful assistant",
        "model_source": "serverless",
    },
    "labels": ["yes", "no"],
    "pass_labels": ["yes"],
    "model_to_evaluate": "output_column",
    "input_data_file_path": "file-1234-aefd",
}
RESULTS = {
    "generation_fail_count": 0,
    "judge_fail_count": 0,
    "invalid_label_count": 0,
    "result_file_id": "file-1234-aefd",
    "pass_percentage": 10,
    "label_counts": '{"yes": 10, "no": 0}',
}
JOB = {
    "workflow_id": "eval-1234aedf",
    "type": "classify",
    "owner_id": "user-1",
    "status": "completed",
    "status_updates": [
        {
            "status": "pending",
            "message": "Job is pending evaluation",
            "timestamp": "2025-07-23T17:10:04.837888Z",
        }
    ],
    "parameters": {},
    "created_at": "2025-07-23T17:10:04.837888Z",
    "updated_at": "2025-07-23T17:10:04.837888Z",
    "results": RESULTS,
}


def test_create_posts_type_and_parameters(client, httpserver):
    httpserver.expect_request("/v1/evaluation", method="POST").respond_with_json(
        {"workflow_id": "eval-1234-1244513", "status": "pending"}
    )
    result = client.evaluation.create(type="classify", parameters=PARAMETERS)
    request = request_sent(httpserver)
    assert (request.method, request.path, dict(request.args)) == ("POST", "/v1/evaluation", {})
    assert body_of(request) == {"type": "classify", "parameters": PARAMETERS}
    assert type(result).__name__ == "EvaluationResponse"
    assert result.workflow_id == "eval-1234-1244513"


def test_list_sends_status_and_limit_as_query(client, httpserver):
    httpserver.expect_request("/v1/evaluation", method="GET").respond_with_json([JOB])
    result = client.evaluation.list(status="completed", limit=5)
    request = request_sent(httpserver)
    assert dict(request.args) == {"status": "completed", "limit": "5"}
    assert body_of(request) is None
    assert [type(job).__name__ for job in result] == ["EvaluationJob"]
    assert result[0].workflow_id == "eval-1234aedf"


def test_list_leaves_the_specs_default_limit_to_the_server(client, httpserver):
    # The spec's default (limit=10) is the server's to apply: nothing the caller didn't
    # give is sent.
    httpserver.expect_request("/v1/evaluation", method="GET").respond_with_json([])
    assert client.evaluation.list() == []
    assert dict(request_sent(httpserver).args) == {}


def test_retrieve(client, httpserver):
    httpserver.expect_request("/v1/evaluation/eval-1234aedf", method="GET").respond_with_json(JOB)
    result = client.evaluation.retrieve("eval-1234aedf")
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("GET", {}, None)
    assert type(result).__name__ == "EvaluationJob"
    assert result.results.result_file_id == "file-1234-aefd"


def test_status(client, httpserver):
    httpserver.expect_request(
        "/v1/evaluation/eval-1234aedf/status", method="GET"
    ).respond_with_json({"status": "completed", "results": RESULTS})
    result = client.evaluation.status("eval-1234aedf")
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("GET", {}, None)
    assert type(result).__name__ == "GetEvaluationJobStatusAndResultsResponse200"
    assert result.status == "completed"


def test_list_models(client, httpserver):
    httpserver.expect_request("/v1/evaluation/model-list", method="GET").respond_with_json(
        {"model_list": ["Qwen/Qwen3.5-9B"]}
    )
    result = client.evaluation.list_models(model_source="serverless")
    request = request_sent(httpserver)
    assert dict(request.args) == {"model_source": "serverless"}
    assert type(result).__name__ == "GetModelListResponse200"
    assert result.model_list == ["Qwen/Qwen3.5-9B"]


def test_evals_is_the_same_namespace(client):
    assert client.evals is client.evaluation


@pytest.mark.anyio
async def test_async_status_is_the_same_call(aclient, httpserver):
    httpserver.expect_request("/v1/evaluation/e1/status", method="GET").respond_with_json(
        {"status": "pending"}
    )
    result = await aclient.evals.status("e1")
    assert request_sent(httpserver).method == "GET"
    assert result.status == "pending"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"type": ["classify"], "parameters": PARAMETERS}, "type"),
        ({"type": "classify", "parameters": "x"}, "parameters"),
        ({"type": 3, "parameters": PARAMETERS}, "type"),
    ],
)
def test_invalid_arguments_raise_naming_the_field_and_send_nothing(
    client, httpserver, kwargs, field
):
    with pytest.raises(TypeError, match=rf"\b{field}\b"):
        client.evaluation.create(**kwargs)
    assert httpserver.log == []
