"""client.batches.run end to end against a fake Batch API (tests/support/batchserver.py): the
requests are checked, sharded, uploaded and run; the results come back in input order;
a run survives Ctrl-C and a crash without creating a batch twice."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from together import AsyncTogether, BatchRunResult, Together
from together._batch.requests import InvalidRequests

from .support.batchserver import BatchServer

ROOT = Path(__file__).resolve().parents[1]
KEY = "sk-test-batch"
FAST = 0.002  # seconds between polls


def chat(text: str) -> dict[str, Any]:
    return {"model": "m", "messages": [{"role": "user", "content": text}]}


def run(flavor: str, batch_server: BatchServer, requests: Any, output: Path, **kwargs: Any) -> Any:
    """client.batches.run on the client of this flavor, polling fast."""
    kwargs.setdefault("poll_interval", FAST)
    if flavor == "sync":
        with Together(api_key=KEY, base_url=batch_server.url, max_retries=0) as client:
            return client.batches.run(requests, output=output, **kwargs)

    async def go() -> Any:
        async with AsyncTogether(api_key=KEY, base_url=batch_server.url, max_retries=0) as client:
            return await client.batches.run(requests, output=output, **kwargs)

    return asyncio.run(go())


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def write_jsonl(path: Path, items: list[Any]) -> Path:
    path.write_text("".join(json.dumps(item) + "\n" for item in items))
    return path


# -- results ------------------------------------------------------------------------------
def test_results_are_written_in_input_order_though_batches_answer_out_of_order(
    flavor, batch_server, tmp_path
):
    texts = [f"q{i}" for i in range(12)]
    result = run(
        flavor, batch_server, [chat(t) for t in texts], tmp_path / "out.jsonl", max_requests=5
    )
    out = lines(tmp_path / "out.jsonl")
    assert [o["custom_id"] for o in out] == [f"request-{i}" for i in range(1, 13)]
    replies = [o["response"]["choices"][0]["message"]["content"] for o in out]
    assert replies == [f"echo: {t}" for t in texts]
    assert len(batch_server.created) == 3  # 5 + 5 + 2
    assert (result.total, result.succeeded, result.failed, result.not_run) == (12, 12, 0, 0)


def test_the_result_iterates_the_output_typed_with_the_endpoints_response_model(
    flavor, batch_server, tmp_path
):
    result = run(flavor, batch_server, [chat("a"), chat("b please-error")], tmp_path / "o.jsonl")
    assert isinstance(result, BatchRunResult)
    first, second = list(result)
    assert type(first.response).__name__ == "ChatCompletionResponse"
    assert first.ok and first.response.choices[0].message.content == "echo: a"
    assert not second.ok and second.status == "failed" and second.response is None
    assert second.error == {"message": "the model could not answer", "code": "model_error"}
    assert [r.custom_id for r in result.failures()] == ["request-2"]


def test_embeddings_results_are_typed_too(batch_server, tmp_path):
    body = {"model": "e", "input": "hello"}
    result = run("sync", batch_server, [body], tmp_path / "o.jsonl", endpoint="/v1/embeddings")
    (only,) = list(result)
    assert type(only.response).__name__ == "EmbeddingsResponse"
    assert batch_server.created[0]["endpoint"] == "/v1/embeddings"


def test_batches_are_polled_through_validating_and_in_progress_to_completed(
    flavor, batch_server, tmp_path
):
    seen: list[tuple[str, tuple[Any, ...]]] = []
    run(
        flavor,
        batch_server,
        [chat("a"), chat("b")],
        tmp_path / "o.jsonl",
        max_requests=1,
        on_progress=lambda p: seen.append((p.phase, tuple(b.status for b in p.batches))),
    )
    assert ("create", ("VALIDATING", "VALIDATING")) in seen
    assert ("poll", ("IN_PROGRESS", "IN_PROGRESS")) in seen
    assert ("poll", ("COMPLETED", "COMPLETED")) in seen
    assert seen[-1][0] == "done"
    assert len(batch_server.calls("GET", "/v1/batches/")) == 4  # two polls of each batch


def test_partial_failures_come_from_the_error_file_and_failed_statuses(
    flavor, batch_server, tmp_path
):
    requests = [chat("ok"), chat("please-error"), chat("please-fail"), chat("ok too")]
    result = run(flavor, batch_server, requests, tmp_path / "o.jsonl")
    out = lines(tmp_path / "o.jsonl")
    assert [o["status"] for o in out] == ["succeeded", "failed", "failed", "succeeded"]
    assert out[1]["error"]["code"] == "model_error"  # from the error file
    assert out[2]["status_code"] == 400 and out[2]["error"] == {"message": "bad input"}
    assert (result.succeeded, result.failed, result.not_run) == (2, 2, 0)


def test_a_request_in_neither_file_is_reported_as_not_run(flavor, batch_server, tmp_path):
    result = run(flavor, batch_server, [chat("please-skip"), chat("fine")], tmp_path / "o.jsonl")
    first = lines(tmp_path / "o.jsonl")[0]
    assert first["status"] == "not_run"
    assert result.batch_ids[0] in first["error"]["message"]
    assert (result.succeeded, result.not_run) == (1, 1)


def test_a_jsonl_file_keeps_its_custom_ids(batch_server, tmp_path):
    path = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {"custom_id": "alpha", "body": chat("a")},
            chat("b"),
            {"custom_id": "gamma", "body": chat("c")},
        ],
    )
    run("sync", batch_server, path, tmp_path / "o.jsonl")
    assert [o["custom_id"] for o in lines(tmp_path / "o.jsonl")] == ["alpha", "request-2", "gamma"]


def test_shards_keep_within_the_request_and_byte_limits(batch_server, tmp_path):
    requests = [chat("x" * 50) for _ in range(10)]
    line_size = len(
        json.dumps({"custom_id": "request-10", "body": requests[0]}, separators=(",", ":"))
    )
    run("sync", batch_server, requests, tmp_path / "o.jsonl", max_bytes=3 * line_size + 3)
    sizes = [f["bytes"] for f in batch_server.files.values() if f["purpose"] == "batch-api"]
    assert len(sizes) == 4 and max(sizes) <= 3 * line_size + 3  # 3 + 3 + 3 + 1
    assert all(f["filename"].endswith(".jsonl") for f in batch_server.files.values())


# -- refused before anything is uploaded ---------------------------------------------------
@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"model": "m", "messages": "not a list"}, "line 2: "),
        (
            {"messages": [{"role": "user", "content": "no model"}]},
            "line 2: missing required argument 'model'",
        ),
        ({**chat("s"), "stream": True}, "line 2: stream: true is not allowed"),
        ({"custom_id": "x" * 65, "body": chat("long id")}, "line 2: custom_id is 65 characters"),
        (
            {"custom_id": "a", "body": chat("again")},
            "line 2: duplicate custom_id 'a' (first at line 1)",
        ),
    ],
)
def test_an_invalid_line_is_refused_before_any_upload(batch_server, tmp_path, bad, message):
    path = write_jsonl(tmp_path / "in.jsonl", [{"custom_id": "a", "body": chat("a")}, bad])
    with pytest.raises(InvalidRequests, match=None) as caught:
        run("sync", batch_server, path, tmp_path / "o.jsonl")
    assert message in str(caught.value)
    assert batch_server.log == []
    assert not (tmp_path / "o.jsonl.batch").exists()


def test_every_problem_is_listed_with_its_position(flavor, batch_server, tmp_path):
    requests = [chat("ok"), {"model": 1}, chat("ok"), "not a body"]
    with pytest.raises(InvalidRequests) as caught:
        run(flavor, batch_server, requests, tmp_path / "o.jsonl")
    assert [p.split(":")[0] for p in caught.value.problems] == ["request 2", "request 4"]
    assert batch_server.log == []


def test_a_line_that_is_not_json_is_named(batch_server, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(chat("a")) + "\n{oops\n")
    with pytest.raises(InvalidRequests, match="line 2: not JSON"):
        run("sync", batch_server, path, tmp_path / "o.jsonl")
    assert batch_server.log == []


# -- retry -----------------------------------------------------------------------------------
def test_failed_requests_are_resubmitted_once_when_asked(flavor, batch_server, tmp_path):
    requests = [chat("fine"), chat("please-error-once"), chat("please-error"), chat("please-skip")]
    result = run(flavor, batch_server, requests, tmp_path / "o.jsonl", retry_failed=True)
    assert [o["status"] for o in lines(tmp_path / "o.jsonl")] == [
        "succeeded",
        "succeeded",
        "failed",
        "not_run",
    ]
    assert len(batch_server.created) == 2  # the first round, then one retry
    retried = batch_server.files[batch_server.created[1]["input_file_id"]]
    assert retried["bytes"] < batch_server.files[batch_server.created[0]["input_file_id"]]["bytes"]
    assert len(result.batch_ids) == 2


def test_without_retry_failed_nothing_is_resubmitted(batch_server, tmp_path):
    run("sync", batch_server, [chat("please-error-once")], tmp_path / "o.jsonl")
    assert len(batch_server.created) == 1


# -- interruption and resuming ---------------------------------------------------------------
def interrupt_when_polling(progress: Any) -> None:
    if progress.phase == "poll":
        raise KeyboardInterrupt


def test_ctrl_c_leaves_the_batches_running_and_says_how_to_resume(batch_server, tmp_path, capsys):
    batch_server.hold.set()
    output = tmp_path / "o.jsonl"
    requests = [chat(f"q{i}") for i in range(4)]
    with pytest.raises(KeyboardInterrupt):
        run(
            "sync",
            batch_server,
            requests,
            output,
            max_requests=2,
            on_progress=interrupt_when_polling,
        )
    message = capsys.readouterr().err
    assert "left running" in message and "again" in message and str(output) in message
    assert batch_server.calls("POST", "/v1/batches/") == []  # nothing cancelled
    batch_server.hold.clear()
    result = run("sync", batch_server, requests, output)
    assert len(batch_server.created) == 2 and result.succeeded == 4


def test_ctrl_c_cancels_the_batches_when_asked(batch_server, tmp_path, capsys):
    batch_server.hold.set()
    with pytest.raises(KeyboardInterrupt):
        run(
            "sync",
            batch_server,
            [chat("a"), chat("b")],
            tmp_path / "o.jsonl",
            max_requests=1,
            cancel_on_interrupt=True,
            on_progress=interrupt_when_polling,
        )
    assert len(batch_server.calls("POST", "/v1/batches/")) == 2
    assert all(job["status"] == "CANCELLED" for job in batch_server.jobs.values())
    assert "cancelled the running batches" in capsys.readouterr().err


@pytest.mark.parametrize("cancel", [False, True])
def test_cancelling_the_async_task_acts_as_ctrl_c(batch_server, tmp_path, cancel):
    batch_server.hold.set()

    async def go() -> None:
        async with AsyncTogether(api_key=KEY, base_url=batch_server.url, max_retries=0) as client:
            task = asyncio.ensure_future(
                client.batches.run(
                    [chat("a"), chat("b")],
                    output=tmp_path / "o.jsonl",
                    poll_interval=FAST,
                    max_requests=1,
                    cancel_on_interrupt=cancel,
                )
            )
            while len(batch_server.calls("GET", "/v1/batches/")) < 4:
                await asyncio.sleep(FAST)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    asyncio.run(go())
    assert len(batch_server.calls("POST", "/v1/batches/")) == (2 if cancel else 0)


def test_a_run_killed_after_creating_its_batches_resumes_without_creating_them_again(
    batch_server, tmp_path
):
    batch_server.hold.set()  # the batches stay IN_PROGRESS while the child polls them
    source = write_jsonl(tmp_path / "in.jsonl", [chat(f"q{i}") for i in range(7)])
    output = tmp_path / "o.jsonl"
    script = tmp_path / "child.py"
    script.write_text(
        textwrap.dedent(f"""
        from together import Together
        client = Together(api_key={KEY!r}, base_url={batch_server.url!r}, max_retries=0)
        client.batches.run({str(source)!r}, output={str(output)!r}, poll_interval=0.01,
                           max_requests=3, progress=False)
        """)
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # this checkout's together
    child = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 20
        while len(batch_server.calls("GET", "/v1/batches/")) < 6:  # every batch polled twice
            assert child.poll() is None, "the child ended before it was killed"
            assert time.monotonic() < deadline, "the child never polled its batches"
            time.sleep(0.01)
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(10)
    assert len(batch_server.created) == 3
    batch_server.hold.clear()
    result = run("sync", batch_server, source, output)
    assert len(batch_server.created) == 3  # each shard's batch was created exactly once
    assert sorted(c["input_file_id"] for c in batch_server.created) == sorted(
        set(c["input_file_id"] for c in batch_server.created)
    )
    assert result.succeeded == 7
    assert [o["custom_id"] for o in lines(output)] == [f"request-{i}" for i in range(1, 8)]


def test_a_batch_created_but_not_recorded_is_found_again_by_its_input_file(batch_server, tmp_path):
    batch_server.hold.set()
    output = tmp_path / "o.jsonl"
    with pytest.raises(KeyboardInterrupt):
        run("sync", batch_server, [chat("a")], output, on_progress=interrupt_when_polling)
    manifest_path = tmp_path / "o.jsonl.batch" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["shards"][0]["batch_id"] = None  # as if killed before the id was written
    manifest_path.write_text(json.dumps(manifest))
    batch_server.hold.clear()
    result = run("sync", batch_server, [chat("a")], output)
    assert len(batch_server.created) == 1 and result.succeeded == 1
    assert ("GET", "/v1/batches") in batch_server.log  # the list, where it was found


def test_running_again_after_success_returns_the_result_without_a_request(
    flavor, batch_server, tmp_path
):
    output = tmp_path / "o.jsonl"
    first = run(flavor, batch_server, [chat("a")], output)
    sent = len(batch_server.log)
    again = run(flavor, batch_server, [chat("a")], output)
    assert len(batch_server.log) == sent and again == first
    assert [p.name for p in (tmp_path / "o.jsonl.batch").iterdir()] == ["manifest.json"]


def test_a_changed_input_file_is_not_mistaken_for_the_run_to_resume(batch_server, tmp_path):
    source = write_jsonl(tmp_path / "in.jsonl", [chat("a")])
    run("sync", batch_server, source, tmp_path / "o.jsonl")
    write_jsonl(source, [chat("a"), chat("b")])
    os.utime(source, ns=(1, 1))
    with pytest.raises(ValueError, match="the input file has changed"):
        run("sync", batch_server, source, tmp_path / "o.jsonl")
