"""The queue API: submit, status, cancel, metrics."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._resource import M, Resource, api_call, operation

if TYPE_CHECKING:
    from together_generated.models import (
        QueueCancelResponse,
        QueueJobResponse,
        QueueJobStatusResponse,
        QueueMetricsResponse,
    )

    from .._transport import Call


class Queue(Resource[M]):
    @operation
    def submit(self, /, *, model: str, payload: Any, **params: Any) -> Call[QueueJobResponse]:
        """POST /queue/submit: queues ``payload`` for ``model`` (``priority=``,
        ``info=``). Returns the ``requestId`` to poll."""
        return api_call(
            "queue.submit_queue_job",
            {"model": model, "payload": payload, **params},
            where="queue.submit",
        )

    @operation
    def retrieve(
        self, /, *, request_id: str, model: str, **options: Any
    ) -> Call[QueueJobStatusResponse]:
        """GET /queue/status: the job's status, and its outputs once done."""
        return api_call(
            "queue.get_queue_job_status",
            {"request_id": request_id, "model": model, **options},
            where="queue.retrieve",
        )

    @operation
    def cancel(
        self, /, *, model: str, request_id: str, **options: Any
    ) -> Call[QueueCancelResponse]:
        """POST /queue/cancel: cancels a job that has not started. Returns its status."""
        return api_call(
            "queue.cancel_queue_job",
            {"model": model, "request_id": request_id, **options},
            where="queue.cancel",
        )

    @operation
    def metrics(self, /, *, model: str, **options: Any) -> Call[QueueMetricsResponse]:
        """GET /queue/metrics: how many jobs wait and run for ``model``."""
        return api_call(
            "queue.get_queue_metrics", {"model": model, **options}, where="queue.metrics"
        )

    status = retrieve  # the operation's own name (getQueueJobStatus)
