"""``client.batches.run(..., online=True)`` against a local server that enforces a rate
limit (tests/support/ratelimitserver.py): every request answered, results in input order, a
resume that sends nothing twice, few 429s; the same on both clients."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from together import AsyncTogether, BatchRunProgress, Together
from together._batch.online import idempotency_key
from together._batch.requests import InvalidRequests

from .support.batchserver import BatchServer
from .support.ratelimitserver import RateLimitedServer

ROOT = Path(__file__).resolve().parents[1]
KEY = "sk-test-online"
COUNT = 300


@pytest.fixture
def server() -> Iterator[RateLimitedServer]:
    srv = RateLimitedServer(rate=200, burst=20, latency=0.01).start()
    yield srv
    srv.stop()


def chat(text: str) -> dict[str, Any]:
    return {"model": "m", "messages": [{"role": "user", "content": text}]}


def run(flavor: str, base_url: str, requests: Any, output: Path, **kwargs: Any) -> Any:
    """client.batches.run(online=True) on the client of this flavor."""
    kwargs.setdefault("online", True)
    if kwargs["online"]:
        kwargs.setdefault("concurrency", 16)
    if flavor == "sync":
        with Together(api_key=KEY, base_url=base_url) as client:
            return client.batches.run(requests, output=output, **kwargs)

    async def go() -> Any:
        async with AsyncTogether(api_key=KEY, base_url=base_url) as client:
            return await client.batches.run(requests, output=output, **kwargs)

    return asyncio.run(go())


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_every_request_is_answered_and_written_in_input_order(flavor, server, tmp_path):
    result = run(flavor, server.url, [chat(f"q{i}") for i in range(COUNT)], tmp_path / "o.jsonl")
    assert (result.total, result.succeeded, result.failed, result.not_run) == (COUNT, COUNT, 0, 0)
    out = lines(tmp_path / "o.jsonl")
    assert [r["custom_id"] for r in out] == [f"request-{i + 1}" for i in range(COUNT)]
    assert [r["response"]["choices"][0]["message"]["content"] for r in out] == [
        f"echo: q{i}" for i in range(COUNT)
    ]
    assert {r["status"] for r in out} == {"succeeded"} and {r["status_code"] for r in out} == {200}
    assert server.limited / server.sent < 0.02
    assert all(n == 1 for n in server.counts.values())


def test_the_result_iterates_typed_responses(server, tmp_path):
    result = run("sync", server.url, [chat("hello")], tmp_path / "o.jsonl")
    (item,) = list(result)
    assert item.ok and item.response.choices[0].message.content == "echo: hello"
    assert result.batch_ids == []


def test_a_failed_request_is_written_with_its_status_and_error(flavor, server, tmp_path):
    requests = [chat("q0"), chat("please-fail"), chat("q2")]
    result = run(flavor, server.url, requests, tmp_path / "o.jsonl")
    assert (result.succeeded, result.failed) == (2, 1)
    failed = lines(tmp_path / "o.jsonl")[1]
    assert failed == {
        "custom_id": "request-2",
        "status": "failed",
        "status_code": 400,
        "error": {"message": "you asked for it"},
    }


class Stop(Exception):
    pass


def stop_after(n: int) -> Any:
    def on_progress(progress: BatchRunProgress) -> None:
        if progress.phase == "request" and progress.done >= n:
            raise Stop

    return on_progress


def test_a_stopped_run_resumes_without_sending_a_finished_request_again(flavor, server, tmp_path):
    requests = tmp_path / "in.jsonl"
    requests.write_text("".join(json.dumps(chat(f"q{i}")) + "\n" for i in range(COUNT)))
    output = tmp_path / "o.jsonl"
    with pytest.raises(Stop):
        run(flavor, server.url, requests, output, on_progress=stop_after(100))
    db = sqlite3.connect(tmp_path / "o.jsonl.batch" / "index.sqlite3")
    written = {
        json.loads(data)["response"]["choices"][0]["message"]["content"][len("echo: ") :]
        for (data,) in db.execute("SELECT data FROM results")
    }
    db.close()
    assert 100 <= len(written) < COUNT and not output.exists()
    keys_before = {content: list(keys) for content, keys in server.keys.items()}

    result = run(flavor, server.url, requests, output)
    assert result.succeeded == COUNT
    assert [r["response"]["choices"][0]["message"]["content"] for r in lines(output)] == [
        f"echo: q{i}" for i in range(COUNT)
    ]
    for content in written:  # never sent again, 429s included
        assert server.keys[content] == keys_before[content]
    # one in flight when the run stopped is sent again with the same key
    for content, keys in server.keys.items():
        assert len(set(keys)) == 1, content


def test_the_idempotency_key_is_the_runs_and_the_custom_ids(server, tmp_path):
    run("sync", server.url, [{"custom_id": "a", "body": chat("x")}], tmp_path / "o.jsonl")
    manifest = json.loads((tmp_path / "o.jsonl.batch" / "manifest.json").read_text())
    assert manifest["mode"] == "online"
    assert server.keys["x"] == [idempotency_key(manifest["run"], "a")]


def test_running_again_after_success_sends_nothing(flavor, server, tmp_path):
    run(flavor, server.url, [chat("q")], tmp_path / "o.jsonl")
    sent = server.sent
    result = run(flavor, server.url, [chat("q")], tmp_path / "o.jsonl")
    assert result.succeeded == 1 and server.sent == sent


def test_invalid_requests_are_refused_before_anything_is_sent(server, tmp_path):
    with pytest.raises(InvalidRequests, match="request 2"):
        run("sync", server.url, [chat("q"), {"model": "m"}], tmp_path / "o.jsonl")
    assert server.sent == 0


@pytest.mark.parametrize(
    "option",
    [
        {"poll_interval": 5},
        {"cancel_on_interrupt": True},
        {"max_requests": 10},
        {"max_bytes": 1000},
        {"completion_window": "48h"},
    ],
)
def test_batch_api_options_are_refused_online(server, tmp_path, option):
    (name,) = option
    with pytest.raises(ValueError, match=name):
        run("sync", server.url, [chat("q")], tmp_path / "o.jsonl", **option)
    assert server.sent == 0


def test_concurrency_without_online_is_refused(server, tmp_path):
    with pytest.raises(ValueError, match="concurrency"):
        run("sync", server.url, [chat("q")], tmp_path / "o.jsonl", online=False, concurrency=8)


@pytest.mark.parametrize("concurrency", [0, -1, 2.5, True])
def test_a_bad_concurrency_is_refused(server, tmp_path, concurrency):
    with pytest.raises(ValueError, match="concurrency"):
        run("sync", server.url, [chat("q")], tmp_path / "o.jsonl", concurrency=concurrency)


def test_an_online_run_is_not_resumed_through_the_batch_api(server, tmp_path):
    with pytest.raises(Stop):
        run(
            "sync",
            server.url,
            [chat(f"q{i}") for i in range(50)],
            tmp_path / "o.jsonl",
            on_progress=stop_after(5),
        )
    with (
        BatchServer() as batch_api,
        pytest.raises(ValueError, match="made with online=True; resume it"),
    ):
        run(
            "sync",
            batch_api.url,
            [chat(f"q{i}") for i in range(50)],
            tmp_path / "o.jsonl",
            online=False,
        )


def test_a_batch_api_run_is_not_resumed_online(server, tmp_path):
    with BatchServer() as batch_api:
        batch_api.hold = True

        def submitted(progress: BatchRunProgress) -> None:
            if progress.phase == "create":
                raise Stop

        with pytest.raises(Stop):
            run(
                "sync",
                batch_api.url,
                [chat("q")],
                tmp_path / "o.jsonl",
                online=False,
                on_progress=submitted,
            )
    with pytest.raises(ValueError, match=r"made with online=False \(the Batch API\); resume"):
        run("sync", server.url, [chat("q")], tmp_path / "o.jsonl")
    assert server.sent == 0


def test_the_pool_follows_concurrency(server, tmp_path):
    """Every worker keeps its connection: no more connections than workers, although
    httpx's default pool keeps only 20 alive."""
    run(
        "async",
        server.url,
        [chat(f"q{i}") for i in range(200)],
        tmp_path / "o.jsonl",
        concurrency=40,
    )
    assert server.connections <= 40 + 1  # (+1: the first request, alone)


def test_the_cli_runs_online_and_waits(server, tmp_path):
    requests = tmp_path / "in.jsonl"
    requests.write_text("".join(json.dumps(chat(f"q{i}")) + "\n" for i in range(20)))
    out = tmp_path / "o.jsonl"
    env = {"TOGETHER_API_KEY": KEY, "TOGETHER_BASE_URL": server.url, "PATH": "/usr/bin:/bin"}
    args = ["batches", "run", str(requests), "-o", str(out), "--online", "--concurrency", "4"]
    done = subprocess.run(
        [sys.executable, "-m", "together", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "output": str(out),
        "succeeded": 20,
        "failed": 0,
        "not_run": 0,
    }
    assert len(lines(out)) == 20
