"""``wait`` on long-running jobs: against a local API whose jobs move through their
states, one status a poll, on both clients; and the command line's ``wait`` and
``--wait``, run as a subprocess."""

from __future__ import annotations

import asyncio
import inspect
import json
import signal
import subprocess
import time
import warnings
from collections.abc import Callable
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import together
from together import AsyncTogether, JobFailedError, Together, WaitTimeoutError
from together._status import DELETED, WAITERS
from together._wait import deletable, status_words

from .support import API_KEY
from .support.cli import COMMAND, ROOT, env_for
from .support.cli import together as run_cli

FAST = 0.005  # seconds between polls: the tests never sleep for long


# -- the status table against the spec -------------------------------------------


@pytest.mark.parametrize("path", sorted(WAITERS))
def test_the_table_places_every_status_word_of_the_spec(path: str):
    statuses = WAITERS[path]
    words = status_words(path)  # read from the generated model of the polled result
    assert words, f"{path}: no status enum found for {statuses.field}"
    placed = statuses.pending | statuses.success | statuses.failure
    assert not words - placed, f"{path}: _status.WAITERS doesn't place {sorted(words - placed)}"


@pytest.mark.parametrize("path", sorted(WAITERS))
def test_a_word_has_one_meaning(path: str):
    s = WAITERS[path]
    assert not (s.pending & s.success or s.pending & s.failure or s.success & s.failure)
    assert s.success


def test_every_namespace_the_issue_names_has_a_waiter():
    client = Together(api_key=API_KEY, base_url="http://127.0.0.1:9/v1")
    for name in ("fine_tuning", "endpoints", "batches", "evaluation", "evals", "videos"):
        assert callable(getattr(client, name).wait), name
    for name in ("jobs", "clusters", "deployments"):
        assert callable(getattr(client, name).wait), name
    client.close()


# -- a local API whose jobs move ---------------------------------------------------

# namespace → (the job's URL, its id, its body for a status and an error message)
Body = Callable[[str, "str | None"], dict[str, Any]]
JOBS: dict[str, tuple[str, str, Body]] = {
    "fine_tuning": ("/v1/fine-tunes/ft-1", "ft-1", lambda s, m: {"id": "ft-1", "status": s}),
    "endpoints": ("/v1/endpoints/ep-1", "ep-1", lambda s, m: {"id": "ep-1", "state": s}),
    "batches": (
        "/v1/batches/b-1",
        "b-1",
        lambda s, m: {"id": "b-1", "status": s, "error": m},
    ),
    "evaluation": (
        "/v1/evaluation/ev-1",
        "ev-1",
        lambda s, m: {"workflow_id": "ev-1", "status": s, "results": {"error": m} if m else None},
    ),
    "videos": (
        "/v1/videos/v-1",
        "v-1",
        lambda s, m: {"id": "v-1", "status": s, "error": {"message": m} if m else None},
    ),
    "jobs": (
        "/v1/jobs/j-1",
        "j-1",
        lambda s, m: {
            "job_id": "j-1",
            "status": s,
            "status_updates": [
                {"status": s, "message": m or "ok", "timestamp": "2026-01-01T00:00:00Z"}
            ],
        },
    ),
    "clusters": (
        "/v1/compute/clusters/c-1",
        "c-1",
        lambda s, m: {"cluster_id": "c-1", "status": s},
    ),
    "deployments": ("/v1/deployments/d-1", "d-1", lambda s, m: {"id": "d-1", "status": s}),
}


class Job:
    """One job on the local API: each poll moves it to its next status (the last one
    stays); ``None`` as a status answers 404 (the job is gone). Fine-tuning's events
    appear one per poll, the last ones with the final status."""

    def __init__(
        self,
        server: HTTPServer,
        path: str,
        statuses: list[str | None],
        message: str | None = None,
        events: list[dict[str, Any]] | None = None,
    ) -> None:
        self.url, self.id, self.body = JOBS[path]
        self.statuses, self.message, self.polls = statuses, message, 0
        self.events = events or []
        server.expect_request(self.url, method="GET").respond_with_handler(self.retrieve)
        server.expect_request(self.url + "/events").respond_with_handler(self.list_events)

    def retrieve(self, request: Request) -> Response:
        status = self.statuses[min(self.polls, len(self.statuses) - 1)]
        self.polls += 1
        if status is None:
            return Response(json.dumps({"error": {"message": "not found"}}), status=404)
        final = self.polls >= len(self.statuses)
        body = self.body(status, self.message if final else None)
        return Response(json.dumps(body), content_type="application/json")

    def list_events(self, request: Request) -> Response:
        # As many events as polls so far; all of them once the final status was read.
        final = self.polls >= len(self.statuses)
        shown = self.events if final else self.events[: self.polls]
        return Response(json.dumps({"data": shown}), content_type="application/json")


def wait(flavor: str, base_url: str, path: str, *args: Any, **kwargs: Any) -> Any:
    """``client.<path>.wait(...)`` on the client of this flavor, polling fast."""
    kwargs.setdefault("poll_interval", FAST)
    if flavor == "sync":
        with Together(api_key=API_KEY, base_url=base_url, max_retries=0, timeout=5) as c:
            return getattr(c, path).wait(*args, **kwargs)

    async def go() -> Any:
        async with AsyncTogether(api_key=API_KEY, base_url=base_url, max_retries=0) as c:
            return await getattr(c, path).wait(*args, **kwargs)

    return asyncio.run(go())


def first(words: frozenset[str]) -> str:
    return sorted(words)[0]


def event(i: int, message: str, level: str = "info") -> dict[str, Any]:
    return {
        "object": "fine-tune-event",
        "created_at": f"2026-01-01T00:00:{i:02}Z",
        "message": message,
        "type": "job_error" if level == "error" else "job_start",
        "level": level,
    }


@pytest.mark.parametrize("path", sorted(JOBS))
def test_wait_returns_the_final_object_calling_on_update_per_new_status(
    httpserver: HTTPServer, flavor: str, path: str
):
    s = WAITERS[path]
    pending, success = first(s.pending), first(s.success)
    job = Job(httpserver, path, [pending, pending, pending, success])
    seen: list[str] = []
    final = wait(
        flavor,
        httpserver.url_for("/v1"),
        path,
        job.id,
        on_update=lambda obj: seen.append(str(getattr(obj, s.field))),
    )
    assert str(getattr(final, s.field)) == success
    assert seen == [pending, success]  # each new status once
    assert job.polls == 4


@pytest.mark.parametrize("path", sorted(JOBS))
def test_a_failed_job_raises_with_its_message_and_final_object(
    httpserver: HTTPServer, flavor: str, path: str
):
    s = WAITERS[path]
    failure = "error" if path == "fine_tuning" else first(s.failure)
    events = [event(0, "started"), event(1, "CUDA out of memory at step 3", "error")]
    has_message = bool(s.message) or s.events is not None
    Job(
        httpserver,
        path,
        [first(s.pending), failure],
        "CUDA out of memory at step 3",
        events=events,
    )
    with pytest.raises(JobFailedError) as caught:
        wait(flavor, httpserver.url_for("/v1"), path, JOBS[path][1])
    error = caught.value
    assert isinstance(error, together.TogetherError)
    assert str(getattr(error.job, s.field)) == failure and error.status == failure
    assert f"{JOBS[path][1]} ended {failure}" in str(error)
    if has_message:
        assert "CUDA out of memory at step 3" in str(error)


@pytest.mark.parametrize("path", ["batches", "videos"])
def test_raise_on_failure_false_returns_the_failed_object(
    httpserver: HTTPServer, flavor: str, path: str
):
    failure = first(WAITERS[path].failure)
    Job(httpserver, path, [failure], "boom")
    final = wait(flavor, httpserver.url_for("/v1"), path, JOBS[path][1], raise_on_failure=False)
    assert str(final.status) == failure


@pytest.mark.parametrize("path", sorted(JOBS))
def test_timeout_bounds_the_whole_wait_and_names_the_last_status(
    httpserver: HTTPServer, flavor: str, path: str
):
    pending = first(WAITERS[path].pending)
    Job(httpserver, path, [pending])
    started = time.monotonic()
    with pytest.raises(WaitTimeoutError) as caught:
        wait(flavor, httpserver.url_for("/v1"), path, JOBS[path][1], timeout=0.1)
    assert time.monotonic() - started < 3
    error = caught.value
    assert isinstance(error, TimeoutError) and isinstance(error, together.TogetherError)
    assert error.status == pending and repr(pending) in str(error)
    assert str(getattr(error.job, WAITERS[path].field)) == pending


@pytest.mark.parametrize("path", sorted(JOBS))
def test_ctrl_c_stops_the_waiting_and_sends_nothing_else(httpserver: HTTPServer, path: str):
    Job(httpserver, path, [first(WAITERS[path].pending)])

    def interrupt(obj: Any) -> None:
        raise KeyboardInterrupt  # as if Ctrl-C came during the wait

    with pytest.raises(KeyboardInterrupt):
        wait("sync", httpserver.url_for("/v1"), path, JOBS[path][1], on_update=interrupt)
    assert [r.method for r, _ in httpserver.log] == ["GET"]  # no cancel, no delete


@pytest.mark.parametrize("path", sorted(JOBS))
def test_cancelling_the_task_stops_the_waiting_and_sends_nothing_else(
    httpserver: HTTPServer, path: str
):
    job = Job(httpserver, path, [first(WAITERS[path].pending)])

    async def go() -> None:
        async with AsyncTogether(api_key=API_KEY, base_url=httpserver.url_for("/v1")) as c:
            task = asyncio.create_task(getattr(c, path).wait(job.id, poll_interval=FAST))
            while job.polls < 3:
                await asyncio.sleep(FAST)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    asyncio.run(go())
    assert {r.method for r, _ in httpserver.log} == {"GET"}


def test_the_last_events_are_delivered_after_the_final_status_each_once(
    httpserver: HTTPServer, flavor: str
):
    events = [event(i, f"step {i}") for i in range(3)] + [event(9, "job complete")]
    Job(httpserver, "fine_tuning", ["running", "running", "completed"], events=events)
    got: list[str] = []
    final = wait(
        flavor,
        httpserver.url_for("/v1"),
        "fine_tuning",
        "ft-1",
        on_event=lambda e: got.append(e.message),
    )
    assert final.status == "completed"
    # "job complete" was written as the job ended: it is read after the final status.
    assert got == ["step 0", "step 1", "step 2", "job complete"]


def test_a_failed_fine_tune_says_why_from_its_last_error_event(httpserver: HTTPServer):
    events = [event(0, "started"), event(1, "bad row 12", "error"), event(2, "stopped")]
    # The error event is written with the final status, after the last poll.
    Job(httpserver, "fine_tuning", ["running", "error"], events=events)
    with pytest.raises(JobFailedError, match="ft-1 ended error: bad row 12"):
        wait("sync", httpserver.url_for("/v1"), "fine_tuning", "ft-1")


def test_waiting_again_delivers_only_newer_events_unless_replay(httpserver: HTTPServer):
    events = [event(i, f"step {i}") for i in range(3)]
    job = Job(httpserver, "fine_tuning", ["running", "completed"], events=events[:2])
    with Together(api_key=API_KEY, base_url=httpserver.url_for("/v1")) as client:
        first_wait: list[str] = []
        client.fine_tuning.wait(
            "ft-1", poll_interval=FAST, on_event=lambda e: first_wait.append(e.message)
        )
        job.events, job.polls = events, 0
        again: list[str] = []
        client.fine_tuning.wait(
            "ft-1", poll_interval=FAST, on_event=lambda e: again.append(e.message)
        )
        job.polls = 0
        replayed: list[str] = []
        client.fine_tuning.wait(
            "ft-1", poll_interval=FAST, replay=True, on_event=lambda e: replayed.append(e.message)
        )
    assert first_wait == ["step 0", "step 1"]
    assert again == ["step 2"]
    assert replayed == ["step 0", "step 1", "step 2"]


def test_wait_takes_the_object_create_returned(httpserver: HTTPServer, flavor: str):
    httpserver.expect_request("/v1/batches", method="POST").respond_with_json(
        {"job": {"id": "b-1", "status": "VALIDATING"}, "warning": None}
    )
    Job(httpserver, "batches", ["IN_PROGRESS", "COMPLETED"])
    url = httpserver.url_for("/v1")
    with Together(api_key=API_KEY, base_url=url) as client:
        created = client.batches.create(input_file_id="file-1", endpoint="/v1/chat/completions")
    assert wait(flavor, url, "batches", created).status == "COMPLETED"
    assert wait(flavor, url, "batches", created.job).status == "COMPLETED"
    with pytest.raises(TypeError, match=r"batches\.wait: expected an id or the object"):
        wait(flavor, url, "batches", 42)


# What each create returns, as the API sends it (only the fields that hold the id).
CREATED = {
    "fine_tuning": {"id": "ft-1", "status": "pending"},
    "endpoints": {"id": "ep-1", "state": "PENDING"},
    "batches": {"job": {"id": "b-1"}},
    "evaluation": {"workflow_id": "ev-1", "status": "pending"},
    "videos": {"id": "v-1", "status": "in_progress"},
    "jobs": {"data": {"job_id": "j-1"}, "message": "started"},
    "clusters": {"cluster_id": "c-1"},
    "deployments": {"id": "d-1"},
}


@pytest.mark.parametrize("path", sorted(JOBS))
def test_wait_finds_the_id_in_what_create_returned(path: str):
    import together_generated.models as models
    from together._resource import describe
    from together._wait import id_of, method_module

    result = describe(method_module(WAITERS[path].create)).result_type
    created = getattr(models, result).from_response(CREATED[path])
    assert id_of(created, WAITERS[path], "w") == JOBS[path][1]


def test_until_names_another_state(httpserver: HTTPServer, flavor: str):
    # An endpoint being stopped: still STARTED at the first poll, then STOPPING.
    Job(httpserver, "endpoints", ["STARTED", "STOPPING", "STOPPED"])
    final = wait(flavor, httpserver.url_for("/v1"), "endpoints", "ep-1", until="STOPPED")
    assert final.state == "STOPPED"


def test_a_stopped_endpoint_does_not_start_by_itself(httpserver: HTTPServer):
    Job(httpserver, "endpoints", ["STOPPED"])
    with pytest.raises(JobFailedError, match="ep-1 ended STOPPED"):
        wait("sync", httpserver.url_for("/v1"), "endpoints", "ep-1")


def test_until_deleted_waits_for_a_404(httpserver: HTTPServer, flavor: str):
    assert deletable("endpoints") and not deletable("videos")
    job = Job(httpserver, "endpoints", ["STOPPING", "STOPPING", None])
    assert wait(flavor, httpserver.url_for("/v1"), "endpoints", "ep-1", until=DELETED) is None
    assert job.polls == 3


def test_a_404_otherwise_raises_not_found(httpserver: HTTPServer, flavor: str):
    Job(httpserver, "videos", [None])
    with pytest.raises(together.NotFoundError):
        wait(flavor, httpserver.url_for("/v1"), "videos", "v-1")


def test_an_unknown_status_keeps_polling_with_one_warning(httpserver: HTTPServer):
    Job(httpserver, "videos", ["queued_somewhere", "queued_somewhere", "completed"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        final = wait("sync", httpserver.url_for("/v1"), "videos", "v-1")
    assert final.status == "completed"
    found = [str(w.message) for w in caught if "queued_somewhere" in str(w.message)]
    assert len(found) == 1 and "still waiting" in found[0]


def test_a_job_without_a_status_yet_is_still_pending(httpserver: HTTPServer, flavor: str):
    answers = iter([{"id": "d-1"}, {"id": "d-1", "status": "Ready"}])
    httpserver.expect_request("/v1/deployments/d-1").respond_with_handler(
        lambda request: Response(json.dumps(next(answers)), content_type="application/json")
    )
    final = wait(flavor, httpserver.url_for("/v1"), "deployments", "d-1")
    assert final.status == "Ready" and len(httpserver.log) == 2


def test_bad_arguments_raise_before_any_request(httpserver: HTTPServer):
    url = httpserver.url_for("/v1")
    with pytest.raises(ValueError, match="poll_interval"):
        wait("sync", url, "videos", "v-1", poll_interval=0)
    with pytest.raises(ValueError, match="timeout"):
        wait("sync", url, "videos", "v-1", timeout=-1)
    with pytest.raises(TypeError, match="on_event"):
        wait("sync", url, "videos", "v-1", on_event=print)
    assert httpserver.log == []


def test_backoff_starts_short_and_grows_to_a_ceiling():
    from together._wait import LONGEST_POLL, poll_delays

    delays = poll_delays(None)
    got = [next(delays) for _ in range(20)]
    assert got[0] == 1.5 and got[1] > got[0] and got[-1] == LONGEST_POLL
    fixed = poll_delays(0.25)
    assert [next(fixed) for _ in range(3)] == [0.25, 0.25, 0.25]


def test_wait_shows_its_real_signature_on_both_clients():
    for client in (Together(api_key=API_KEY), AsyncTogether(api_key=API_KEY)):
        signature = inspect.signature(client.fine_tuning.wait)
        assert list(signature.parameters) == [
            "id",
            "timeout",
            "poll_interval",
            "on_update",
            "raise_on_failure",
            "until",
            "on_event",
            "replay",
        ]
        assert "FinetuneResponse" in str(signature.return_annotation)
        assert "on_event" not in inspect.signature(client.batches.wait).parameters
        assert "raise_on_failure" in (client.evals.wait.__doc__ or "")


def test_the_errors_are_exported():
    assert {"JobFailedError", "WaitTimeoutError"} <= set(together.__all__)
    assert issubclass(together.WaitTimeoutError, TimeoutError)


# -- the command line ---------------------------------------------------------------


def test_cli_wait_reattaches_showing_progress_on_stderr(httpserver: HTTPServer):
    events = [event(0, "started"), event(1, "done training")]
    Job(httpserver, "fine_tuning", ["running", "completed"], events=events)
    done = run_cli(
        httpserver.url_for("/v1"), "fine-tuning", "wait", "ft-1", "--poll-interval", "0.01"
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "completed"  # the final object
    assert "started" in done.stderr and "done training" in done.stderr
    assert "ft-1: running" in done.stderr and "ft-1: completed" in done.stderr


def test_cli_wait_of_a_failed_job_exits_1_with_its_reason(httpserver: HTTPServer):
    Job(httpserver, "videos", ["in_progress", "failed"], "content policy")
    done = run_cli(httpserver.url_for("/v1"), "videos", "wait", "v-1", "--poll-interval", "0.01")
    assert done.returncode == 1
    assert "JobFailedError" in done.stderr and "content policy" in done.stderr


def test_cli_wait_timeout_is_reported_as_a_timeout(httpserver: HTTPServer):
    Job(httpserver, "clusters", ["InstallingDrivers"])
    done = run_cli(
        httpserver.url_for("/v1"),
        "clusters",
        "wait",
        "c-1",
        "--poll-interval",
        "0.01",
        "--max-wait",
        "0.1",
    )
    assert done.returncode == 1
    assert "WaitTimeoutError" in done.stderr and "InstallingDrivers" in done.stderr


def test_cli_create_wait_waits_for_the_created_job(httpserver: HTTPServer):
    httpserver.expect_request("/v1/endpoints", method="POST").respond_with_json(
        {"id": "ep-1", "state": "PENDING"}
    )
    Job(httpserver, "endpoints", ["STARTING", "STARTED"])
    done = run_cli(
        httpserver.url_for("/v1"),
        "endpoints",
        "create",
        "--model",
        "m",
        "--hardware",
        "h",
        "--autoscaling",
        '{"min_replicas": 1, "max_replicas": 1}',
        "--wait",
        "--poll-interval",
        "0.01",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["state"] == "STARTED"
    assert "ep-1: STARTING" in done.stderr


def test_cli_fine_tuning_create_wait_shows_the_last_events_and_the_reason(
    httpserver: HTTPServer,
):
    # create shows the model's limits and the price estimate first
    httpserver.expect_request("/v1/fine-tunes/models/limits").respond_with_json({})
    httpserver.expect_request("/v1/fine-tunes/estimate-price").respond_with_json({})
    httpserver.expect_request("/v1/fine-tunes", method="POST").respond_with_json(
        {"id": "ft-1", "status": "pending"}
    )
    # The error event is written as the job ends: only the read after "error" has it.
    events = [event(0, "started"), event(1, "epoch 1"), event(2, "bad row 12", "error")]
    Job(httpserver, "fine_tuning", ["running", "running", "error"], events=events)
    done = run_cli(
        httpserver.url_for("/v1"),
        "fine-tuning",
        "create",
        "--training-file",
        "file-1",
        "--model",
        "m",
        "--wait",
        "--poll-interval",
        "0.01",
    )
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert lines[-3:-1] == ["ft-1: error", "2026-01-01T00:00:02Z  bad row 12"]
    assert lines[-1] == "error: JobFailedError: fine_tuning.wait: ft-1 ended error: bad row 12"


def test_cli_ctrl_c_stops_waiting_not_the_job(httpserver: HTTPServer):
    Job(httpserver, "fine_tuning", ["running"])
    process = subprocess.Popen(
        [*COMMAND, "fine-tuning", "wait", "ft-1", "--poll-interval", "0.05"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env_for(httpserver.url_for("/v1")),
    )
    try:
        deadline = time.monotonic() + 30
        while not any("fine-tunes/ft-1" in r.path for r, _ in httpserver.log):
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.02)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode in (130, 1), err
    assert "stopped waiting" in err and "together fine-tuning wait ft-1" in err
    assert "Traceback" not in err
    assert all(r.method == "GET" for r, _ in httpserver.log)  # no cancel was sent
