"""Batch inference jobs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._resource import M, Resource, api_call, operation
from ._compat import inner_view

if TYPE_CHECKING:
    from together_generated.models import BatchJob, BatchJobWithWarning

    from .._transport import Call


class Batches(Resource[M]):
    @operation
    def create(
        self, /, input_file_id: str, endpoint: str, **params: Any
    ) -> Call[BatchJobWithWarning]:
        """POST /batches: starts a batch over an uploaded JSONL file. Returns the job and
        any warning (``.job``, ``.warning``); the job's fields can also be read on the
        result itself (``.id``), as on the job 1.x's ``create_batch(file_id, endpoint)``
        returned."""
        from together_generated.models.batch_job_with_warning import BatchJobWithWarning

        call = api_call(
            "batches.post_batches",
            {"endpoint": endpoint, "input_file_id": input_file_id, **params},
            where="batches.create",
        )
        return inner_view(call, BatchJobWithWarning, "job")

    @operation
    def list(self, /, **options: Any) -> Call[list[BatchJob]]:
        """GET /batches: every batch job of the caller."""
        return api_call("batches.get_batches", options, where="batches.list")

    @operation
    def retrieve(self, /, id: str, **options: Any) -> Call[BatchJob]:
        """GET /batches/{id}: the job with its status and progress."""
        return api_call(
            "batches.get_batches_id", options, path={"id": id}, where="batches.retrieve"
        )

    @operation
    def cancel(self, /, id: str, **options: Any) -> Call[BatchJob]:
        """POST /batches/{id}/cancel: returns the job as it stands after cancelling."""
        return api_call(
            "batches.post_batches_id_cancel", options, path={"id": id}, where="batches.cancel"
        )

    # The 1.x names.
    create_batch = create
    get_batch = retrieve
    list_batches = list
    cancel_batch = cancel
