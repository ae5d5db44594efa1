"""``batches.run(..., online=True)``: the same run through the live endpoints.

The same input, checks, output file (in input order, one line per request in the same
format) and resume as a Batch API run (script.py), but each request is sent to the
endpoint itself, ``concurrency`` at a time (threads on ``Together``, tasks on
``AsyncTogether``: the drivers' ``Concurrently``), paced by the client's rate limiter
(a run's own when the client has none), over a connection pool sized to ``concurrency``.

Each result is written to the run's index as it arrives, so a run started again after a
crash or Ctrl-C sends only the requests that have none. Each request carries an
Idempotency-Key made from the run and its ``custom_id``: one in flight at the crash and
sent again on resuming carries the same key, so the server can drop the duplicate.
"""

from __future__ import annotations

import hashlib
import json
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from .._download import destination
from .._drivers import Concurrently, Local, Script
from .._errors import APIConnectionError, APIError, APIStatusError
from .._ratelimit import RateLimiter
from .._resource import Resource
from .._transport import Call
from .._upload import show_progress
from .requests import MAX_BYTES, MAX_REQUESTS, endpoint_models
from .result import BatchRunProgress, BatchRunResult
from .script import progress_bar
from .store import Store

ONLINE = "online"
DEFAULT_CONCURRENCY = 64
# Options of a Batch API run that mean nothing online, with their defaults.
BATCH_ONLY = {
    "poll_interval": None,
    "retry_unreadable": False,
    "cancel_on_interrupt": False,
    "completion_window": "24h",
    "max_requests": MAX_REQUESTS,
    "max_bytes": MAX_BYTES,
}


def refuse_batch_options(options: dict[str, Any]) -> None:
    """ValueError naming the Batch API options given to an online run."""
    given = [name for name, default in BATCH_ONLY.items() if options.get(name) != default]
    if given:
        raise ValueError(
            f"batches.run: {', '.join(given)} only apply to Batch API runs, not online=True"
        )


def idempotency_key(run: str, custom_id: str) -> str:
    """The same for a request on every attempt and every resume of its run."""
    digest = hashlib.sha256(f"{run}\0{custom_id}".encode()).hexdigest()[:32]
    return f"together-run-{digest}"


class Feed:
    """The requests still to send, one at a time to whichever worker asks (from any
    thread): ``(seq, custom_id, body)`` in input order, read from the run's shard files,
    skipping those whose seq is not ``wanted``."""

    def __init__(self, lines: Iterator[tuple[int, bytes]], wanted: Callable[[int], bool]) -> None:
        self._lines = lines
        self._wanted = wanted
        self._lock = threading.Lock()

    def next(self) -> tuple[int, str, Any] | None:
        with self._lock:
            for seq, line in self._lines:
                if self._wanted(seq):
                    record = json.loads(line)
                    return seq, record["custom_id"], record["body"]
            return None


class Run:
    """One online run's bookkeeping: what is done, the results as they arrive, progress."""

    def __init__(
        self,
        store: Store,
        path: str,
        progress: bool | None,
        on_progress: Callable[[BatchRunProgress], None] | None,
    ) -> None:
        self.store = store
        self.path = path  # the endpoint, relative to the client's base URL
        self.run_id = str(store.manifest["run"])
        self.lock = threading.Lock()  # workers of the sync client are threads
        self.callback = on_progress
        self.show = show_progress(progress)
        self.bar: Any = None
        self.round = 1
        self.done = 0
        self.total = 0

    # -- what to send ---------------------------------------------------------------------
    def start_round(self, round: int) -> Feed:
        """The round's requests: all those without a result (round 1), or those that
        failed (round 2, with ``retry_failed``). Counts them for progress."""
        db = self.store.db
        assert db is not None
        self.round = round
        if round == 1:
            finished = {seq for (seq,) in db.execute("SELECT seq FROM results")}
            self.total = int(self.store.manifest["total"])
            self.done = len(finished)
            wanted: Callable[[int], bool] = lambda seq: seq not in finished  # noqa: E731
        else:
            failed = {
                seq for (seq,) in db.execute("SELECT seq FROM results WHERE status != 'succeeded'")
            }
            self.total, self.done = len(failed), 0
            wanted = failed.__contains__
        self._draw()
        return Feed(self._lines(), wanted)

    def _lines(self) -> Iterator[tuple[int, bytes]]:
        """(seq, line) of every request: round 1's shards hold them all in input order."""
        seq = 0
        for shard in self.store.shards:
            if shard["round"] != 1:
                continue
            with self.store.shard_path(shard).open("rb") as lines:
                for line in lines:
                    if line.strip():
                        seq += 1
                        yield seq, line

    def call(self, custom_id: str, body: Any) -> Call[Any]:
        def parse(response: httpx.Response, strict: bool) -> tuple[int, Any]:
            return response.status_code, response.json()

        headers = {"Idempotency-Key": idempotency_key(self.run_id, custom_id)}
        request = {"method": "post", "url": self.path, "json": body}
        return Call(request, parse, {"extra_headers": headers})

    # -- the workers ------------------------------------------------------------------------
    def worker(self, feed: Feed) -> Script[None]:
        """Sends requests from ``feed`` one after another until it runs dry."""
        while (item := feed.next()) is not None:
            seq, custom_id, body = item
            row: dict[str, Any] = {"custom_id": custom_id}
            try:
                status, data = yield self.call(custom_id, body)
                row.update(status="succeeded", status_code=status, response=data)
            except APIStatusError as exc:
                row.update(status="failed", status_code=exc.status_code, error=_error(exc))
            except (APIConnectionError, APIError) as exc:
                row.update(status="failed", error={"message": str(exc)})
            self.record(seq, row)

    def record(self, seq: int, row: dict[str, Any]) -> None:
        """One result into the index, committed at once (a crash loses none written)."""
        with self.lock:
            db = self.store.db
            if db is None:  # the run ended (a second Ctrl-C left this thread behind)
                return
            db.execute(
                "INSERT OR REPLACE INTO results (seq, status, data) VALUES (?, ?, ?)",
                (seq, row["status"], json.dumps(row)),
            )
            db.commit()
            self.done += 1
            if self.callback is not None:
                self.callback(self.progress("request"))
            if self.bar is not None:
                self.bar.update(1)

    # -- progress -------------------------------------------------------------------------
    def progress(self, phase: str) -> BatchRunProgress:
        return BatchRunProgress(phase, self.round, self.done, self.total, ())

    def _draw(self) -> None:
        if not self.show:
            return
        self.close()
        desc = "online requests" if self.round == 1 else "online retries"
        self.bar = progress_bar(self.total, desc, self.done)
        self.show = self.bar is not None

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _error(exc: APIStatusError) -> dict[str, Any]:
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict):
            return error
    return {"message": str(exc)}


def online_script(
    batches: Resource[Any],
    requests: Any,
    *,
    endpoint: str,
    output: Any,
    retry_failed: bool,
    concurrency: int,
    progress: bool | None,
    on_progress: Callable[[BatchRunProgress], None] | None,
    **batch_only: Any,
) -> Script[BatchRunResult]:
    where = "batches.run"
    refuse_batch_options(batch_only)
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ValueError(f"{where}: concurrency must be a whole number >= 1, got {concurrency!r}")
    path = destination(output, where)
    if path.is_dir():
        raise ValueError(f"{where}: output must be a file path, not a folder: {str(path)!r}")
    models = endpoint_models(endpoint)
    if models.request is None:
        warnings.warn(
            f"{where}: {endpoint} is not an endpoint this library knows; "
            "the bodies are not checked",
            stacklevel=3,
        )
    store: Store = yield Local(
        Store.open, (path, requests, endpoint, models, MAX_REQUESTS, MAX_BYTES, ONLINE)
    )
    if store.manifest["done"] is not None:
        return store.result()
    limiter = batches._transport.limiter or RateLimiter()  # the client's, or the run's own
    run = Run(store, "/" + endpoint.removeprefix("/v1").lstrip("/"), progress, on_progress)
    try:
        for round in (1, 2) if retry_failed else (1,):
            feed = yield Local(run.start_round, (round,))
            if run.total - run.done > 0:
                workers = [run.worker(feed) for _ in range(min(concurrency, run.total - run.done))]
                yield Concurrently(workers, _transport(batches, concurrency, limiter))
        yield Local(store.write_output)
        if on_progress is not None:
            on_progress(run.progress("done"))
    except BaseException as exc:
        if not isinstance(exc, (Exception, GeneratorExit)):
            _interrupted(store, run, exc)
        raise
    finally:
        with run.lock:
            run.close()
            store.close()
    return store.result()


def _transport(batches: Resource[Any], concurrency: int, limiter: RateLimiter) -> Any:
    """The client's transport over a pool of ``concurrency`` connections kept alive
    (httpx keeps 20 by default; a user's own http_client is used as it is), paced by
    ``limiter``."""
    import copy

    transport = copy.copy(batches._transport.plain().sized(concurrency))
    transport.limiter = limiter
    return transport


def _interrupted(store: Store, run: Run, exc: BaseException) -> None:
    """Ctrl-C or cancellation: says how to go on (on stderr, and as a note on it)."""
    message = (
        f"batches.run interrupted: {run.done} of {run.total} requests done. Run the same "
        f"call again with output={str(store.output)!r} and online=True to send the rest "
        f"(state: {store.manifest_path})."
    )
    sys.stderr.write(message + "\n")
    if hasattr(exc, "add_note"):
        exc.add_note(message)
