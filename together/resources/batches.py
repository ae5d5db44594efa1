"""Batch inference jobs, and ``run``: many requests through the Batch API in one call.
The other methods are derived from the spec; ``create`` gives 1.x's view of its result."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from .._compat import inner_view
from .._drivers import Script
from .._resource import M, Resource, script
from .._shape import Extra, Hook

if TYPE_CHECKING:
    from .._batch.result import BatchRunProgress, BatchRunResult
    from .._transport import Call


def _job_view(call: Call[Any], given: dict[str, Any]) -> Call[Any]:
    """The job's fields can also be read on the result itself (``.id``), as on the job
    1.x's ``create_batch(file_id, endpoint)`` returned; ``.job`` and ``.warning`` as
    the spec has them."""
    from together_generated.models.batch_job_with_warning import BatchJobWithWarning

    return inner_view(call, BatchJobWithWarning, "job")


def _file_id(params: dict[str, Any], where: str) -> None:
    """1.x's ``create_batch(file_id=...)``: the spec's ``input_file_id``."""
    if params.get("file_id") is not None:
        if params.get("input_file_id") is not None:
            raise TypeError(f"{where}: pass input_file_id or file_id, not both")
        params["input_file_id"] = params.pop("file_id")
    params.pop("file_id", None)


class Batches(Resource[M]):
    # create() and 1.x's create_batch(file_id, endpoint) are derived from the spec.
    HOOKS: ClassVar[dict[str, Hook]] = {
        "create": Hook(after=_job_view),
        "create_batch": Hook(
            keywords=(Extra("file_id", "str | None"),),
            adapt=_file_id,
            after=_job_view,
        ),
    }

    @script
    def run(
        self,
        /,
        requests: str | os.PathLike[str] | Iterable[Mapping[str, Any]],
        *,
        output: str | os.PathLike[str],
        endpoint: str = "/v1/chat/completions",
        poll_interval: float | None = None,
        retry_failed: bool = False,
        retry_unreadable: bool = False,
        cancel_on_interrupt: bool = False,
        completion_window: str | None = "24h",
        max_requests: int = 50_000,
        max_bytes: int = 100_000_000,
        progress: bool | None = None,
        on_progress: Callable[[BatchRunProgress], None] | None = None,
        online: bool = False,
        concurrency: int = 64,
    ) -> Script[BatchRunResult]:
        """Runs many requests through the Batch API and writes their results, in input
        order, to ``output`` (one JSON line each: ``custom_id``, ``status`` and the
        ``response`` body or the ``error``). Returns a BatchRunResult that iterates the
        same results (typed with the endpoint's response model) and counts them.

        ``requests`` is a JSONL path or an iterable; each item (line) is a request body
        or ``{"custom_id": ..., "body": ...}``. Every body is checked against the
        endpoint's request model first: InvalidRequests (a ValueError) lists each bad
        line, duplicate ``custom_id`` or ``stream: true``, and nothing is uploaded.
        Missing ``custom_id``s become ``request-N`` (N: the position in the input).

        The requests are split into shards of at most ``max_requests`` and
        ``max_bytes`` (the documented limits by default), each uploaded and run as one
        batch, polled every ``poll_interval`` seconds (default: after 1.5 s, then
        longer each time, up to 45 s). ``retry_failed=True`` submits the requests that
        failed or were not run once more; ``retry_unreadable=True`` those left without a
        result by a result line that can't be read (status ``unreadable``). ``progress``
        draws bars on stderr (as for uploads); ``on_progress`` is called with a
        BatchRunProgress after each step.

        The run's state is kept in ``OUT.batch/`` next to the output: calling again
        with the same ``output`` after a crash or Ctrl-C resumes it (no batch is
        created twice), and after success returns the result at once. Ctrl-C (or
        cancelling the task) leaves the batches running and says how to resume; with
        ``cancel_on_interrupt=True`` it cancels them first.

        ``online=True`` sends the same requests to the endpoint itself instead, in
        minutes rather than hours (at the price of online inference):
        ``concurrency`` at a time (threads on Together, tasks on AsyncTogether), paced
        by the client's rate limiter (``rate_limit="auto"``; the run has its own when
        the client has none), over a connection pool of ``concurrency``
        connections. Same checks, output, result and resume (no request is sent again
        once its result is written; each carries an Idempotency-Key made from the run
        and its ``custom_id``); failures are those the client's retries could not
        overcome. ``on_progress`` is called after each request (on Together, from the
        worker threads, one at a time). The Batch API options (``poll_interval``,
        ``cancel_on_interrupt``, ``completion_window``, ``max_requests``, ``max_bytes``)
        raise ValueError online, and a run is resumed in the mode it was started in.
        """
        options = dict(locals())  # every argument above, by name
        del options["self"], options["requests"], options["online"]
        if online:
            from .._batch.online import online_script

            return online_script(self, requests, **options)
        from .._batch.script import run_script
        from .files import Files

        if concurrency != 64:
            raise ValueError("batches.run: concurrency only applies to online=True runs")
        del options["concurrency"]
        # The shards are uploaded, and the results downloaded, by this client's files.
        return run_script(self, Files(self._driver), requests, **options)
