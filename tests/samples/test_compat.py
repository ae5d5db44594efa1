"""What the spec's own code samples (``make samples``) need beyond the official names:
each test pins one of the forms they use, against a local server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from together import Together

BATCH_JOB = {
    "id": "01234567-8901-2345-6789-012345678901",
    "user_id": "user-1",
    "input_file_id": "file-1",
    "file_size_bytes": 10,
    "status": "IN_PROGRESS",
    "job_deadline": "2024-01-15T15:30:00Z",
    "created_at": "2024-01-15T14:30:00Z",
    "endpoint": "/v1/chat/completions",
    "progress": 0.0,
}
LINES = b'{"a": 1}\n{"a": 2}\n'


def sent_json(httpserver: HTTPServer) -> Any:
    assert len(httpserver.log) == 1
    return json.loads(httpserver.log[0][0].data)


# -- 3.x: with_streaming_response ---------------------------------------------------------
def test_streaming_response_gives_the_open_body_line_by_line(client, httpserver):
    httpserver.expect_request("/v1/files/file-1/content", method="GET").respond_with_data(LINES)
    with client.files.with_streaming_response.content(id="file-1") as response:
        assert response.status_code == 200
        assert list(response.iter_lines()) == ['{"a": 1}', '{"a": 2}']
    assert response.http_response.is_closed


def test_streaming_response_sends_nothing_before_its_with_block(client, httpserver):
    httpserver.expect_request("/v1/finetune/download").respond_with_data(LINES)
    opened = client.fine_tuning.with_streaming_response.content(ft_id="ft-1")
    assert len(httpserver.log) == 0
    with opened as response:
        assert response.read() == LINES
    assert httpserver.log[0][0].args["ft_id"] == "ft-1"


def test_streaming_response_saves_speech_to_a_file(client, httpserver, tmp_path: Path):
    httpserver.expect_request("/v1/audio/speech", method="POST").respond_with_data(b"RIFF")
    with client.audio.speech.with_streaming_response.create(
        model="m", input="hi", voice="v"
    ) as response:
        response.stream_to_file(tmp_path / "a.wav")
    assert (tmp_path / "a.wav").read_bytes() == b"RIFF"


def test_streaming_response_raises_the_usual_error_for_a_failure(client, httpserver):
    import together

    httpserver.expect_request("/v1/files/nope/content").respond_with_json(
        {"error": {"message": "no such file"}}, status=404
    )
    with (
        pytest.raises(together.NotFoundError),
        client.files.with_streaming_response.content(id="nope"),
    ):
        pass


def test_streaming_response_offers_only_api_methods(client):
    with pytest.raises(AttributeError, match="check"):
        client.files.with_streaming_response.check  # noqa: B018 - a local method


@pytest.mark.anyio
async def test_async_streaming_response_is_an_async_context_manager(aclient, httpserver):
    httpserver.expect_request("/v1/files/file-1/content").respond_with_data(LINES)
    async with aclient.files.with_streaming_response.content(id="file-1") as response:
        assert [line async for line in response.aiter_lines()] == ['{"a": 1}', '{"a": 2}']


# -- 1.x result shapes ---------------------------------------------------------------------
def test_speech_audio_is_bytes_that_save_themselves(client, httpserver, tmp_path: Path):
    httpserver.expect_request("/v1/audio/speech", method="POST").respond_with_data(b"RIFF")
    audio = client.audio.speech.create(model="m", input="hi", voice="v")
    assert audio == b"RIFF" and isinstance(audio, bytes)
    audio.stream_to_file(tmp_path / "a.wav")
    assert (tmp_path / "a.wav").read_bytes() == b"RIFF"


def test_create_batch_takes_the_file_id_first_and_answers_like_the_job(client, httpserver):
    httpserver.expect_request("/v1/batches", method="POST").respond_with_json(
        {"job": BATCH_JOB, "warning": "w"}, status=201
    )
    batch = client.batches.create_batch("file-1", endpoint="/v1/chat/completions")
    assert sent_json(httpserver) == {"input_file_id": "file-1", "endpoint": "/v1/chat/completions"}
    assert (str(batch.id), batch.status, batch.warning) == (BATCH_JOB["id"], "IN_PROGRESS", "w")
    assert batch.id == batch.job.id
    assert type(batch).__name__ == "BatchJobWithWarning"
    with pytest.raises(AttributeError, match="no_such_field"):
        batch.no_such_field  # noqa: B018


def test_model_upload_takes_name_and_source_in_order_and_answers_with_the_job_id(
    client, httpserver
):
    data = {"job_id": "job-1", "model_name": "n", "model_id": "i", "model_source": "s"}
    httpserver.expect_request("/v1/models", method="POST").respond_with_json(
        {"data": data, "message": "ok"}
    )
    result = client.models.upload("n", "hf/repo")
    assert sent_json(httpserver) == {"model_name": "n", "model_source": "hf/repo"}
    assert (result.job_id, result.data.job_id, result.message) == ("job-1", "job-1", "ok")


# -- 1.x flat arguments ---------------------------------------------------------------------
ENDPOINT = {
    "object": "endpoint",
    "id": "endpoint-1",
    "name": "n",
    "display_name": "d",
    "model": "m",
    "hardware": "h",
    "type": "dedicated",
    "owner": "me",
    "state": "STARTED",
    "autoscaling": {"min_replicas": 2, "max_replicas": 5},
    "created_at": "2024-01-15T14:30:00Z",
}


def test_endpoint_replicas_as_1x_arguments_make_the_autoscaling_field(client, httpserver):
    httpserver.expect_request("/v1/endpoints", method="POST").respond_with_json(ENDPOINT)
    client.endpoints.create(model="m", hardware="h", min_replicas=2, max_replicas=5)
    assert sent_json(httpserver)["autoscaling"] == {"min_replicas": 2, "max_replicas": 5}


def test_endpoint_replicas_twice_is_refused(client, httpserver):
    with pytest.raises(TypeError, match="not both"):
        client.endpoints.create(
            model="m", hardware="h", autoscaling={"min_replicas": 1}, min_replicas=2
        )
    with pytest.raises(TypeError, match="autoscaling"):
        client.endpoints.create(model="m", hardware="h")
    assert len(httpserver.log) == 0


def test_evaluation_from_1x_arguments_sends_the_parameters_object(client, httpserver):
    httpserver.expect_request("/v1/evaluation", method="POST").respond_with_json(
        {"workflow_id": "eval-1", "status": "pending"}
    )
    result = client.evaluation.create(
        type="classify",
        judge_model_name="judge",
        judge_system_template="be fair",
        input_data_file_path="file-1",
        labels=["good", "bad"],
        pass_labels=["good"],
        model_to_evaluate="m",
    )
    assert result.workflow_id == "eval-1"
    assert sent_json(httpserver) == {
        "type": "classify",
        "parameters": {
            "judge": {"model": "judge", "model_source": "serverless", "system_template": "be fair"},
            "input_data_file_path": "file-1",
            "labels": ["good", "bad"],
            "pass_labels": ["good"],
            "model_to_evaluate": "m",
        },
    }


def test_evaluation_takes_parameters_or_1x_arguments_not_both(client, httpserver):
    with pytest.raises(TypeError, match="not both"):
        client.evaluation.create(type="classify", parameters={}, labels=["a", "b"])
    assert len(httpserver.log) == 0


# -- 3.x: client.beta ------------------------------------------------------------------------
def test_beta_holds_deployments_and_clusters_under_the_3x_names(client: Together):
    jig = client.beta.jig
    assert type(jig).deploy is type(client.deployments).create
    assert type(jig).destroy is type(client.deployments).delete
    assert jig.storage.volumes is jig.volumes
    assert hasattr(jig.queue, "submit")
    assert type(client.beta.clusters) is type(client.clusters)
