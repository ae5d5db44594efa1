"""The batch run, written once for both clients as a script (see drive.py).

Each step is recorded in the manifest before the next one starts, so that a run started
again after a crash repeats nothing it finished: a shard with a file id is not uploaded
again, a shard with a batch id gets no second batch. The one gap, a crash after the
server created a batch and before its id was written down, is closed on resuming: a
shard uploaded but without a batch is looked for in the batch list by its input file.
"""

from __future__ import annotations

import importlib
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .._download import destination
from .._drivers import Local, Script, Sleep
from .._resource import Resource, call_of
from .._status import WAITERS
from .._upload import show_progress
from .._wait import poll_delays
from .requests import MAX_BYTES, MAX_REQUESTS, endpoint_models
from .result import BatchRunProgress, BatchRunResult, BatchStatus
from .store import Store

# A batch's resting states, and the pauses between polls: as ``batches.wait`` has them.
TERMINAL = WAITERS["batches"].success | WAITERS["batches"].failure


def _record(shard: dict[str, Any], job: Any) -> None:
    """The job's state, as retrieved, into its shard's entry."""
    status = job.status
    shard["status"] = None if status is None else str(status)
    percent = job.progress or 0.0
    done = int(shard["count"] * min(max(float(percent), 0.0), 100.0) / 100)
    shard["done"] = shard["count"] if shard["status"] == "COMPLETED" else done
    shard["output_file_id"] = job.output_file_id
    shard["error_file_id"] = job.error_file_id
    shard["error"] = job.error


def progress_bar(total: int, desc: str, initial: int = 0) -> Any:
    """A tqdm bar of requests on stderr, or None without tqdm (an optional extra)."""
    try:
        tqdm = importlib.import_module("tqdm.auto").tqdm
    except ImportError:
        return None
    return tqdm(total=total, initial=initial, desc=desc, unit="req", file=sys.stderr)


class Reporter:
    """Progress after each step: to ``on_progress``, and as a bar of requests on stderr
    when one is shown (as for uploads: when stderr is a terminal, or ``progress=True``)."""

    def __init__(
        self, progress: bool | None, on_progress: Callable[[BatchRunProgress], None] | None
    ) -> None:
        self.callback = on_progress
        self.bar: Any = None
        self.show = show_progress(progress)

    def __call__(self, phase: str, store: Store) -> None:
        shards = store.current()
        batches = tuple(
            BatchStatus(s["batch_id"], s["status"], s["done"], s["count"]) for s in shards
        )
        done, total = sum(b.done for b in batches), sum(b.total for b in batches)
        if self.callback is not None:
            self.callback(BatchRunProgress(phase, store.manifest["round"], done, total, batches))
        if self.show and phase in ("poll", "done"):
            self._draw(done, total, store.manifest["round"])

    def _draw(self, done: int, total: int, round: int) -> None:
        if self.bar is None or self.bar.total != total:
            self.close()
            self.bar = progress_bar(total, "batch requests" if round == 1 else "batch retries")
            if self.bar is None:
                self.show = False
                return
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def run_script(
    batches: Resource[Any],
    files: Resource[Any],
    requests: Any,
    *,
    endpoint: str,
    output: Any,
    poll_interval: float | None,
    retry_failed: bool,
    retry_unreadable: bool,
    cancel_on_interrupt: bool,
    completion_window: str | None,
    max_requests: int,
    max_bytes: int,
    progress: bool | None,
    on_progress: Callable[[BatchRunProgress], None] | None,
) -> Script[BatchRunResult]:
    """``batches.run`` through the Batch API: its calls are the methods of ``batches``,
    its uploads and downloads those of ``files`` (the same client's), yielded unsent."""
    where = "batches.run"
    path = destination(output, where)
    if path.is_dir():
        raise ValueError(f"{where}: output must be a file path, not a folder: {str(path)!r}")
    if poll_interval is not None and not poll_interval > 0:
        raise ValueError(f"{where}: poll_interval must be a positive number of seconds")
    if not 0 < max_requests <= MAX_REQUESTS or not 0 < max_bytes <= MAX_BYTES:
        raise ValueError(
            f"{where}: max_requests and max_bytes go up to {MAX_REQUESTS} and {MAX_BYTES}"
        )
    models = endpoint_models(endpoint)
    if models.request is None:
        warnings.warn(
            f"{where}: {endpoint} is not an endpoint this library knows; "
            "the bodies are not checked",
            stacklevel=3,
        )
    store: Store = yield Local(
        Store.open, (path, requests, endpoint, models, max_requests, max_bytes)
    )
    if store.manifest["done"] is not None:
        store.close()
        return store.result()
    report = Reporter(progress, on_progress)
    try:
        if store.resumed:
            yield from _adopt(store, batches)
        while True:
            for shard in store.current():
                yield from _submit(
                    store, shard, files, batches, endpoint, completion_window, progress
                )
                report("create", store)
            yield from _wait(store, batches, poll_interval, report)
            for shard in store.current():
                yield from _download(store, shard, files)
            report("download", store)
            retry = (retry_failed, retry_unreadable)
            if (
                any(retry)
                and store.manifest["round"] == 1
                and (yield Local(store.unfinished, retry))
            ):
                yield Local(store.write_retry_shards, (max_requests, max_bytes, *retry))
                continue
            break
        yield Local(store.write_output)
        report("done", store)
    except BaseException as exc:
        if isinstance(exc, (Exception, GeneratorExit)):
            raise
        yield from _interrupted(store, batches, cancel_on_interrupt, exc)
        raise
    finally:
        report.close()
        store.close()
    return store.result()


def _submit(
    store: Store,
    shard: dict[str, Any],
    files: Resource[Any],
    batches: Resource[Any],
    endpoint: str,
    completion_window: str | None,
    progress: bool | None,
) -> Script[None]:
    """Uploads the shard and creates its batch, unless the manifest says it was done."""
    if shard["file_id"] is None:
        uploaded = yield call_of(
            files,
            "upload",
            store.shard_path(shard),
            purpose="batch-api",
            check=False,
            progress=progress,
        )
        shard["file_id"] = str(uploaded.id)
        store.save()
    if shard["batch_id"] is None:
        extra = {} if completion_window is None else {"completion_window": completion_window}
        created = yield call_of(
            batches, "create", input_file_id=shard["file_id"], endpoint=endpoint, **extra
        )
        warning = getattr(created, "warning", None)
        if warning:
            warnings.warn(f"batch for {shard['name']}: {warning}", stacklevel=2)
        job = created.job
        shard["batch_id"] = str(job.id)
        _record(shard, job)
        store.save()


def _adopt(store: Store, batches: Resource[Any]) -> Script[None]:
    """Shards uploaded whose batch id was never written down: their batch, if the server
    made one, is the one reading their file (each shard's file is uploaded once)."""
    orphans = {s["file_id"]: s for s in store.shards if s["file_id"] and not s["batch_id"]}
    if not orphans:
        return
    jobs = yield call_of(batches, "list")
    for job in jobs:
        shard = orphans.get(job.input_file_id)
        if shard is not None and shard["batch_id"] is None:
            shard["batch_id"] = str(job.id)
            _record(shard, job)
    store.save()


def _wait(
    store: Store, batches: Resource[Any], poll_interval: float | None, report: Reporter
) -> Script[None]:
    """Polls the round's batches until each has ended."""
    delays = poll_delays(poll_interval)
    while True:
        pending = [s for s in store.current() if s["status"] not in TERMINAL]
        if not pending:
            return
        yield Sleep(next(delays))
        for shard in pending:
            _record(shard, (yield call_of(batches, "retrieve", shard["batch_id"])))
        store.save()
        report("poll", store)


def _download(store: Store, shard: dict[str, Any], files: Resource[Any]) -> Script[None]:
    """The shard's output and error files, into the index."""
    if shard["ingested"]:
        return
    for kind in ("output", "error"):
        file_id = shard[f"{kind}_file_id"]
        if file_id:
            path = store.download_path(shard, kind)
            yield call_of(files, "content", file_id, output=path, progress=False)
            yield Local(store.ingest, (path, store.shards.index(shard)))
            yield Local(Path.unlink, (path,))
    shard["ingested"] = True
    store.save()


def _interrupted(
    store: Store, batches: Resource[Any], cancel: bool, exc: BaseException
) -> Script[None]:
    """Ctrl-C or cancellation: cancels the running batches when asked, and says how to
    go on (on stderr, and as a note on the exception)."""
    running = [s for s in store.current() if s["batch_id"] and s["status"] not in TERMINAL]
    ids = ", ".join(s["batch_id"] for s in running) or "none"
    if cancel and running:
        for shard in running:
            try:
                _record(shard, (yield call_of(batches, "cancel", shard["batch_id"])))
            except Exception as error:  # best effort: say which could not be cancelled
                sys.stderr.write(f"could not cancel batch {shard['batch_id']}: {error}\n")
        store.save()
        message = f"batches.run interrupted: cancelled the running batches ({ids})."
    else:
        message = f"batches.run interrupted: batches left running: {ids}."
    message += (
        f" Run the same call again with output={str(store.output)!r} to "
        f"{'collect what they did' if cancel else 'resume'} (state: {store.manifest_path})."
    )
    sys.stderr.write(message + "\n")
    if hasattr(exc, "add_note"):
        exc.add_note(message)
