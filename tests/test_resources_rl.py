"""client.rl: training sessions, their operations, and checkpoints (bodies from the spec's
field examples)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .support.httpserver import body_of, request_sent

SESSION_ID = "123e4567-e89b-12d3-a456-426614174000"
OPERATION_ID = "550e8400-e29b-41d4-a716-446655440000"
OPS = f"/v1/rl/training-sessions/{SESSION_ID}/operations"
SESSION = {
    "id": SESSION_ID,
    "status": "TRAINING_SESSION_STATUS_RUNNING",
    "base_model": "meta-llama/Meta-Llama-3-8B-Instruct",
    "inference_checkpoints": [
        {
            "id": SESSION_ID,
            "step": "42",
            "created_at": "2026-01-02T00:00:00Z",
            "registration": {
                "model_name": "username/Meta-Llama-3-8B-rl-step-42-20260216",
                "registered_at": "2026-01-02T00:00:00Z",
            },
        }
    ],
    "training_checkpoints": [
        {"id": SESSION_ID, "step": "42", "created_at": "2026-01-02T00:00:00Z"}
    ],
    "step": "100",
    "created_at": "2026-01-02T00:00:00Z",
    "updated_at": "2026-01-02T00:00:05Z",
    "lora_config": {"rank": 8, "alpha": 16, "dropout": 0.05},
}
TOKENS = {"chunks": [{"encoded_text": {"tokens": ["123", "456", "789"]}}]}
FORWARD_BACKWARD = {
    "samples": [
        {
            "model_input": TOKENS,
            "loss_inputs": {
                "target_tokens": {"data": ["123", "456", "789"], "dtype": "D_TYPE_INT64"},
                "loss_mask": {"data": ["0", "0", "1"], "dtype": "D_TYPE_INT64"},
            },
        }
    ],
    "loss": {"type": "LOSS_TYPE_CROSS_ENTROPY", "cross_entropy_params": {}},
}


def operation(
    output: dict[str, Any], status: str = "TRAINING_OPERATION_STATUS_COMPLETED"
) -> dict[str, Any]:
    return {"id": OPERATION_ID, "status": status, "output": output}


# --- sessions -----------------------------------------------------------------------------


def test_create_posts_the_arguments(client, httpserver):
    httpserver.expect_request("/v1/rl/training-sessions", method="POST").respond_with_json(SESSION)
    result = client.rl.training_sessions.create(
        base_model="meta-llama/Meta-Llama-3-8B-Instruct", lora_config={"rank": 8, "alpha": 16}
    )
    request = request_sent(httpserver)
    assert (request.method, request.path, dict(request.args)) == (
        "POST",
        "/v1/rl/training-sessions",
        {},
    )
    assert body_of(request) == {
        "base_model": "meta-llama/Meta-Llama-3-8B-Instruct",
        "lora_config": {"rank": 8, "alpha": 16},
    }
    assert type(result).__name__ == "RLTrainingSession"
    assert result.lora_config.rank == 8


def test_list_sends_the_filters_as_query(client, httpserver):
    httpserver.expect_request("/v1/rl/training-sessions", method="GET").respond_with_json(
        {"data": [SESSION], "meta": {"limit": 20, "has_more": True}}
    )
    result = client.rl.training_sessions.list(
        status="TRAINING_SESSION_STATUS_RUNNING", limit=20, after="c1"
    )
    request = request_sent(httpserver)
    assert dict(request.args) == {
        "status": "TRAINING_SESSION_STATUS_RUNNING",
        "limit": "20",
        "after": "c1",
    }
    assert body_of(request) is None
    assert type(result).__name__ == "RLTrainingSessionsListResponse"
    assert result.meta.has_more is True
    assert [s.base_model for s in result.data] == ["meta-llama/Meta-Llama-3-8B-Instruct"]


def test_a_query_parameter_given_as_none_is_left_out(client, httpserver):
    httpserver.expect_request("/v1/rl/training-sessions", method="GET").respond_with_json(
        {"data": [], "meta": {"limit": 20, "has_more": False}}
    )
    client.rl.training_sessions.list(status=None, limit=5, after=None)
    assert dict(request_sent(httpserver).args) == {"limit": "5"}


def test_retrieve(client, httpserver):
    httpserver.expect_request(
        f"/v1/rl/training-sessions/{SESSION_ID}", method="GET"
    ).respond_with_json(SESSION)
    result = client.rl.training_sessions.retrieve(SESSION_ID)
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("GET", {}, None)
    assert type(result).__name__ == "RLTrainingSession"
    assert result.training_checkpoints[0].step == "42"


def test_stop_posts_without_a_body(client, httpserver):
    stopping = {**SESSION, "status": "TRAINING_SESSION_STATUS_STOPPING"}
    httpserver.expect_request(
        f"/v1/rl/training-sessions/{SESSION_ID}/stop", method="POST"
    ).respond_with_json(stopping)
    result = client.rl.training_sessions.stop(SESSION_ID)
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("POST", {}, None)
    assert type(result).__name__ == "RLTrainingSession"
    assert result.status == "TRAINING_SESSION_STATUS_STOPPING"


# --- operations ---------------------------------------------------------------------------


def test_forward_backward_posts_samples_and_loss(client, httpserver):
    httpserver.expect_request(f"{OPS}/forward-backward", method="POST").respond_with_json(
        operation({}, "TRAINING_OPERATION_STATUS_PENDING")
    )
    result = client.rl.training_sessions.forward_backward(SESSION_ID, **FORWARD_BACKWARD)
    request = request_sent(httpserver)
    assert (request.method, dict(request.args)) == ("POST", {})
    assert body_of(request) == FORWARD_BACKWARD
    assert type(result).__name__ == "RLForwardBackwardOperation"
    assert result.status == "TRAINING_OPERATION_STATUS_PENDING"


def test_retrieve_forward_backward(client, httpserver):
    httpserver.expect_request(
        f"{OPS}/forward-backward/{OPERATION_ID}", method="GET"
    ).respond_with_json(operation({"loss": 2.345, "metrics": {}}))
    result = client.rl.training_sessions.retrieve_forward_backward(
        OPERATION_ID, session_id=SESSION_ID
    )
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("GET", {}, None)
    assert type(result).__name__ == "RLForwardBackwardOperation"
    assert result.output.loss == 2.345


def test_optim_step(client, httpserver):
    httpserver.expect_request(f"{OPS}/optim-step", method="POST").respond_with_json(
        operation({"step": "100"})
    )
    adamw = {"beta1": 0.9, "beta2": 0.95, "eps": 1e-08, "weight_decay": 0.1}
    result = client.rl.training_sessions.optim_step(
        SESSION_ID, learning_rate=0.0001, adamw_params=adamw
    )
    request = request_sent(httpserver)
    assert (request.method, dict(request.args)) == ("POST", {})
    assert body_of(request) == {"learning_rate": 0.0001, "adamw_params": adamw}
    assert type(result).__name__ == "RLOptimStepOperation"
    assert result.output.step == "100"


def test_retrieve_optim_step(client, httpserver):
    httpserver.expect_request(f"{OPS}/optim-step/{OPERATION_ID}", method="GET").respond_with_json(
        operation({"step": "101"})
    )
    result = client.rl.training_sessions.retrieve_optim_step(OPERATION_ID, session_id=SESSION_ID)
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("GET", {}, None)
    assert type(result).__name__ == "RLOptimStepOperation"
    assert result.output.step == "101"


def test_sample(client, httpserver):
    httpserver.expect_request(f"{OPS}/sample", method="POST").respond_with_json(
        operation({}, "TRAINING_OPERATION_STATUS_PENDING")
    )
    sampling = {"max_tokens": 100, "temperature": 1, "stop": ["\n", "END"], "seed": "42"}
    result = client.rl.training_sessions.sample(
        SESSION_ID, prompts=[TOKENS], sampling_params=sampling, num_samples=2
    )
    request = request_sent(httpserver)
    assert (request.method, dict(request.args)) == ("POST", {})
    assert body_of(request) == {"prompts": [TOKENS], "sampling_params": sampling, "num_samples": 2}
    assert type(result).__name__ == "RLSampleOperation"
    assert result.id == OPERATION_ID


def test_retrieve_sample(client, httpserver):
    sequence = {
        "tokens": ["123", "456", "789"],
        "logprobs": [-0.5, -1.2, -0.3],
        "stop_reason": "length",
    }
    httpserver.expect_request(f"{OPS}/sample/{OPERATION_ID}", method="GET").respond_with_json(
        operation({"rollouts": [{"sequences": [sequence]}]})
    )
    result = client.rl.training_sessions.retrieve_sample(OPERATION_ID, session_id=SESSION_ID)
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("GET", {}, None)
    assert type(result).__name__ == "RLSampleOperation"
    assert result.output.rollouts[0].sequences[0].logprobs == [-0.5, -1.2, -0.3]


def test_create_inference_checkpoint_posts_without_a_body(client, httpserver):
    httpserver.expect_request(f"{OPS}/inference-checkpoint", method="POST").respond_with_json(
        operation({}, "TRAINING_OPERATION_STATUS_PENDING")
    )
    result = client.rl.training_sessions.create_inference_checkpoint(SESSION_ID)
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("POST", {}, None)
    assert type(result).__name__ == "RLInferenceCheckpointOperation"
    assert result.status == "TRAINING_OPERATION_STATUS_PENDING"


def test_retrieve_inference_checkpoint(client, httpserver):
    httpserver.expect_request(
        f"{OPS}/inference-checkpoint/{OPERATION_ID}", method="GET"
    ).respond_with_json(operation({"model_name": "username/Meta-Llama-3-8B-rl-step-42-20260216"}))
    result = client.rl.training_sessions.retrieve_inference_checkpoint(
        OPERATION_ID, session_id=SESSION_ID
    )
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("GET", {}, None)
    assert type(result).__name__ == "RLInferenceCheckpointOperation"
    assert result.output.model_name == "username/Meta-Llama-3-8B-rl-step-42-20260216"


@pytest.mark.operation("POST /rl/training-sessions/{session_id}/operations/training-checkpoint")
def test_create_training_checkpoint_posts_without_a_body(client, httpserver):
    httpserver.expect_request(f"{OPS}/training-checkpoint", method="POST").respond_with_json(
        operation({}, "TRAINING_OPERATION_STATUS_PENDING")
    )
    result = client.rl.training_sessions.create_training_checkpoint(SESSION_ID)
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("POST", {}, None)
    assert type(result).__name__ == "RLTrainingCheckpointOperation"
    assert result.id == OPERATION_ID


@pytest.mark.operation(
    "GET /rl/training-sessions/{session_id}/operations/training-checkpoint/{operation_id}"
)
def test_retrieve_training_checkpoint(client, httpserver):
    httpserver.expect_request(
        f"{OPS}/training-checkpoint/{OPERATION_ID}", method="GET"
    ).respond_with_json(operation({"checkpoint_id": "ckpt-1"}))
    result = client.rl.training_sessions.retrieve_training_checkpoint(
        OPERATION_ID, session_id=SESSION_ID
    )
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("GET", {}, None)
    assert type(result).__name__ == "RLTrainingCheckpointOperation"
    assert result.output.checkpoint_id == "ckpt-1"


# --- checkpoints --------------------------------------------------------------------------


def test_checkpoint_download_returns_the_signed_urls(client, httpserver):
    # The spec answers with JSON (presigned URLs per file), not the files' bytes.
    files = [
        {
            "filename": "model-00001-of-00002.safetensors",
            "url": "https://storage.example/1",
            "size": "123456789",
        }
    ]
    httpserver.expect_request("/v1/rl/checkpoints/ckpt-1/download", method="GET").respond_with_json(
        {"data": files}
    )
    result = client.rl.checkpoints.download("ckpt-1", variant="CHECKPOINT_VARIANT_MERGED")
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == (
        "GET",
        {"variant": "CHECKPOINT_VARIANT_MERGED"},
        None,
    )
    assert type(result).__name__ == "RLCheckpointDownloadResponse"
    assert result.data[0].url == "https://storage.example/1"


def test_the_3x_namespaces_sessions_and_operations_are_training_sessions(client):
    assert client.rl.sessions is client.rl.training_sessions
    assert client.rl.operations is client.rl.training_sessions


@pytest.mark.anyio
async def test_async_operation_and_its_poll_are_the_same_calls(aclient, httpserver):
    httpserver.expect_request(f"{OPS}/optim-step", method="POST").respond_with_json(
        operation({}, "TRAINING_OPERATION_STATUS_PENDING")
    )
    httpserver.expect_request(f"{OPS}/optim-step/{OPERATION_ID}", method="GET").respond_with_json(
        operation({"step": "1"})
    )
    started = await aclient.rl.training_sessions.optim_step(SESSION_ID, learning_rate=0.001)
    done = await aclient.rl.training_sessions.retrieve_optim_step(started.id, session_id=SESSION_ID)
    assert json.loads(httpserver.log[0][0].data) == {"learning_rate": 0.001}
    assert done.output.step == "1"


@pytest.mark.parametrize(
    ("call", "error", "field"),
    [
        (lambda c: c.rl.training_sessions.create(base_model=1), TypeError, "base_model"),
        (
            lambda c: c.rl.training_sessions.forward_backward(SESSION_ID, samples="x", loss={}),
            TypeError,
            "samples",
        ),
        (
            lambda c: c.rl.training_sessions.sample(SESSION_ID, prompts=[{"chunks": "x"}]),
            TypeError,
            "chunks",
        ),
        (
            lambda c: c.rl.training_sessions.optim_step(SESSION_ID, learning_rate="fast"),
            TypeError,
            "learning_rate",
        ),
        (lambda c: c.rl.training_sessions.retrieve_sample(OPERATION_ID), TypeError, "session_id"),
        (
            lambda c: c.rl.training_sessions.retrieve_sample("", session_id=SESSION_ID),
            ValueError,
            "operation_id",
        ),
        (lambda c: c.rl.checkpoints.download("ckpt-1"), TypeError, "variant"),
        # query parameters
        (lambda c: c.rl.training_sessions.list(limit="20"), TypeError, "limit"),
        (lambda c: c.rl.training_sessions.list(limit=True), TypeError, "limit"),
        (lambda c: c.rl.training_sessions.list(status=1), TypeError, "status"),
        (lambda c: c.rl.training_sessions.list(after=7), TypeError, "after"),
    ],
)
def test_invalid_arguments_raise_naming_the_field_and_send_nothing(
    client, httpserver, call, error, field
):
    with pytest.raises(error, match=rf"\b{field}\b"):
        call(client)
    assert httpserver.log == []
