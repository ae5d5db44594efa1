"""Fine-tuning: what each method sends and what it returns; downloads to disk or as bytes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

import together

from .support.bodies import JOB, LIMITS, MODEL_BYTES

EVENT = {
    "object": "fine-tune-event",
    "created_at": "2026-01-01T00:00:00Z",
    "message": "Training started",
    "type": "training_start",
    "param_count": 1,
    "token_count": 2,
    "total_steps": 3,
    "wandb_url": "",
    "step": 0,
    "checkpoint_path": "",
    "model_path": "",
    "training_offset": 0,
    "hash": "h",
}
CHECKPOINT = {
    "step": 10,
    "path": "s3://x",
    "created_at": "2026-01-01T00:00:00Z",
    "checkpoint_type": "adapter",
}


def sent_json(httpserver: HTTPServer) -> Any:
    return json.loads(httpserver.log[-1][0].data)


def query(httpserver: HTTPServer) -> dict[str, str]:
    return dict(httpserver.log[-1][0].args)


def test_create_posts_exactly_the_given_fields(client, httpserver):
    httpserver.expect_request("/v1/fine-tunes", method="POST").respond_with_json(JOB)
    job = client.fine_tuning.create(
        training_file="file-1",
        model="meta-llama/Meta-Llama-3.1-8B-Instruct-Reference",
        n_epochs=3,
        training_type={"type": "Lora", "lora_r": 8, "lora_alpha": 16},
    )
    assert sent_json(httpserver) == {
        "training_file": "file-1",
        "model": "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference",
        "n_epochs": 3,
        "training_type": {"type": "Lora", "lora_r": 8, "lora_alpha": 16},
    }
    assert type(job).__name__ == "FinetuneResponseTruncated"
    assert (job.id, job.status) == ("ft-1", "running")


def test_create_refuses_a_wrong_field_type_and_sends_nothing(client, httpserver):
    with pytest.raises(TypeError, match="n_epochs"):
        client.fine_tuning.create(training_file="file-1", model="m", n_epochs="three")
    assert httpserver.log == []


@pytest.mark.anyio
async def test_async_create(aclient, httpserver):
    httpserver.expect_request("/v1/fine-tunes", method="POST").respond_with_json(JOB)
    job = await aclient.fine_tuning.create(training_file="file-1", model="m")
    assert job.id == "ft-1"
    assert sent_json(httpserver) == {"training_file": "file-1", "model": "m"}


def test_list_is_typed_and_iterable(client, httpserver):
    httpserver.expect_request("/v1/fine-tunes", method="GET").respond_with_json(
        {"data": [JOB, {**JOB, "id": "ft-2"}]}
    )
    jobs = client.fine_tuning.list()
    assert type(jobs).__name__ == "FinetuneTruncatedList"
    assert [job.id for job in jobs] == ["ft-1", "ft-2"]
    assert len(jobs) == 2


def test_retrieve(client, httpserver):
    httpserver.expect_request("/v1/fine-tunes/ft-1", method="GET").respond_with_json(
        {"id": "ft-1", "status": "completed", "model_output_name": "me/model-ft"}
    )
    job = client.fine_tuning.retrieve("ft-1")
    assert type(job).__name__ == "FinetuneResponse"
    assert (job.id, job.status, job.model_output_name) == ("ft-1", "completed", "me/model-ft")


def test_cancel_posts(client, httpserver):
    httpserver.expect_request("/v1/fine-tunes/ft-1/cancel", method="POST").respond_with_json(
        {**JOB, "status": "cancel_requested"}
    )
    assert client.fine_tuning.cancel("ft-1").status == "cancel_requested"


def test_delete_sends_no_deprecated_force_unless_given(client, httpserver):
    httpserver.expect_request("/v1/fine-tunes/ft-1", method="DELETE").respond_with_json(
        {"message": "deleted"}
    )
    result = client.fine_tuning.delete("ft-1")
    assert (type(result).__name__, result.message) == ("FinetuneDeleteResponse", "deleted")
    assert query(httpserver) == {}
    client.fine_tuning.delete("ft-1", force=True)
    assert query(httpserver) == {"force": "true"}


def test_list_events(client, httpserver):
    httpserver.expect_request("/v1/fine-tunes/ft-1/events", method="GET").respond_with_json(
        {"data": [EVENT]}
    )
    events = client.fine_tuning.list_events("ft-1")
    assert type(events).__name__ == "FinetuneListEvents"
    assert [e.message for e in events] == ["Training started"]


def test_list_checkpoints(client, httpserver):
    httpserver.expect_request("/v1/fine-tunes/ft-1/checkpoints", method="GET").respond_with_json(
        {"data": [CHECKPOINT]}
    )
    checkpoints = client.fine_tuning.list_checkpoints("ft-1")
    assert type(checkpoints).__name__ == "FinetuneListCheckpoints"
    assert [(c.step, c.checkpoint_type) for c in checkpoints] == [(10, "adapter")]


def test_estimate_price(client, httpserver):
    httpserver.expect_request("/v1/fine-tunes/estimate-price", method="POST").respond_with_json(
        {"estimated_total_price": 12.5, "allowed_to_proceed": True}
    )
    estimate = client.fine_tuning.estimate_price(training_file="file-1", model="m", n_epochs=2)
    assert sent_json(httpserver) == {"training_file": "file-1", "model": "m", "n_epochs": 2}
    assert (estimate.estimated_total_price, estimate.allowed_to_proceed) == (12.5, True)


def test_model_limits_and_its_1x_name(client, httpserver):
    httpserver.expect_request("/v1/fine-tunes/models/limits", method="GET").respond_with_json(
        LIMITS
    )
    limits = client.fine_tuning.model_limits(model_name="org/model")
    assert query(httpserver) == {"model_name": "org/model"}
    assert type(limits).__name__ == "FineTuneModelLimits"
    assert limits.max_num_epochs == 20
    client.fine_tuning.get_model_limits(model="org/other")
    assert query(httpserver) == {"model_name": "org/other"}


def test_supported_models(client, httpserver):
    httpserver.expect_request("/v1/fine-tunes/models/supported", method="GET").respond_with_json(
        {"models": ["a", "b"]}
    )
    assert client.fine_tuning.supported_models().models == ["a", "b"]


@pytest.mark.anyio
async def test_async_reads(aclient, httpserver):
    httpserver.expect_request("/v1/fine-tunes/ft-1").respond_with_json(
        {"id": "ft-1", "status": "queued"}
    )
    httpserver.expect_request("/v1/fine-tunes/ft-1/events").respond_with_json({"data": [EVENT]})
    httpserver.expect_request("/v1/fine-tunes/models/limits").respond_with_json(LIMITS)
    assert (await aclient.fine_tuning.retrieve("ft-1")).status == "queued"
    assert len(await aclient.fine_tuning.list_events("ft-1")) == 1
    assert (await aclient.fine_tuning.model_limits(model_name="m")).model_name == "m"


def test_empty_id_is_refused_before_sending(client, httpserver):
    for method in (
        client.fine_tuning.retrieve,
        client.fine_tuning.cancel,
        client.fine_tuning.delete,
    ):
        with pytest.raises(ValueError, match="non-empty"):
            method("")
    assert httpserver.log == []


# -- downloads -----------------------------------------------------------------------------


def expect_download(httpserver: HTTPServer, **headers: str) -> None:
    httpserver.expect_request("/v1/finetune/download", method="GET").respond_with_data(
        MODEL_BYTES, content_type="application/octet-stream", headers=headers
    )


def test_content_returns_the_bytes_with_the_query(client, httpserver):
    expect_download(httpserver)
    data = client.fine_tuning.content(ft_id="ft-1", checkpoint="adapter", checkpoint_step=10)
    assert data == MODEL_BYTES
    assert query(httpserver) == {"ft_id": "ft-1", "checkpoint": "adapter", "checkpoint_step": "10"}
    assert httpserver.log[-1][0].headers["Accept"].startswith("application/octet-stream")


def test_download_writes_the_file_and_returns_its_path(client, httpserver, tmp_path):
    expect_download(httpserver)
    target = tmp_path / "model.tar.zst"
    assert client.fine_tuning.download("ft-1", output=target, checkpoint_step=5) == target
    assert target.read_bytes() == MODEL_BYTES
    assert query(httpserver) == {"ft_id": "ft-1", "checkpoint_step": "5"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.tar.zst"]


def test_download_reads_the_step_from_the_id_and_the_1x_checkpoint_type(client, httpserver):
    expect_download(httpserver)
    client.fine_tuning.download("ft-1:20", checkpoint_type="merged")
    assert query(httpserver) == {"ft_id": "ft-1", "checkpoint_step": "20", "checkpoint": "merged"}
    client.fine_tuning.download("ft-1", checkpoint_type="default")
    assert query(httpserver) == {"ft_id": "ft-1"}


def test_download_into_a_folder_uses_the_served_name(client, httpserver, tmp_path):
    expect_download(httpserver, **{"Content-Disposition": "attachment; filename=model-ft.tar.zst"})
    assert client.fine_tuning.download("ft-1", output=tmp_path) == tmp_path / "model-ft.tar.zst"


@pytest.mark.anyio
async def test_async_download_to_disk_and_as_bytes(aclient, httpserver, tmp_path):
    expect_download(httpserver)
    path = await aclient.fine_tuning.download("ft-1", output=tmp_path / "m.bin")
    assert isinstance(path, Path) and path.read_bytes() == MODEL_BYTES
    assert await aclient.fine_tuning.content(ft_id="ft-1") == MODEL_BYTES


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"checkpoint": 5}, TypeError, "checkpoint: expected one of .*; got 5"),
        ({"checkpoint_type": "best"}, ValueError, "checkpoint_type must be one of"),
        ({"checkpoint_step": "10"}, TypeError, "checkpoint_step: expected an integer"),
        ({"id": "ft-1:3", "checkpoint_step": 4}, ValueError, "names a step"),
        ({"output": f"{__file__}/model.bin"}, ValueError, "is a file, not a folder"),
    ],
)
def test_bad_download_arguments_send_nothing(client, httpserver, kwargs, error, match):
    kwargs = {"id": "ft-1", **kwargs}
    with pytest.raises(error, match=match):
        client.fine_tuning.download(kwargs.pop("id"), **kwargs)
    assert httpserver.log == []


def test_download_error_status_raises_and_leaves_no_file(client, httpserver, tmp_path):
    httpserver.expect_request("/v1/finetune/download").respond_with_json(
        {"error": {"message": "checkpoint not found"}}, status=404
    )
    with pytest.raises(together.NotFoundError, match="checkpoint not found"):
        client.fine_tuning.download("ft-1", output=tmp_path / "m.bin")
    assert list(tmp_path.iterdir()) == []
