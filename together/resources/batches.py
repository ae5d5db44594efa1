"""Batch inference jobs. Every method but ``create`` is derived from the spec."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._resource import M, Resource, api_call, operation
from ._compat import inner_view

if TYPE_CHECKING:
    from together_generated.models import BatchJobWithWarning

    from .._transport import Call


class Batches(Resource[M]):
    @operation
    def create(self, /, **params: Any) -> Call[BatchJobWithWarning]:
        """POST /batches: starts a batch over an uploaded JSONL file (``input_file_id``,
        ``endpoint``). Returns the job and any warning (``.job``, ``.warning``); the job's
        fields can also be read on the result itself (``.id``), as on the job 1.x's
        ``create_batch(file_id, endpoint)`` returned."""
        from together_generated.models.batch_job_with_warning import BatchJobWithWarning

        call = api_call("batches.post_batches", params, where="batches.create")
        return inner_view(call, BatchJobWithWarning, "job")

    @operation
    def create_batch(
        self, /, file_id: str, endpoint: str, **params: Any
    ) -> Call[BatchJobWithWarning]:
        """The 1.x form of ``create``: ``create_batch(file_id, endpoint=...)``."""
        call: Call[BatchJobWithWarning] = Batches.create._function(
            self, input_file_id=file_id, endpoint=endpoint, **params
        )
        return call
