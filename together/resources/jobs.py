"""Model-upload jobs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._resource import M, Resource, api_call, operation

if TYPE_CHECKING:
    from together_generated.models import JobInfoSuccessResponse, JobsInfoSuccessResponse

    from .._transport import Call


class Jobs(Resource[M]):
    @operation
    def list(self, /, **options: Any) -> Call[JobsInfoSuccessResponse]:
        """GET /jobs: the caller's model-upload jobs (iterable, also in ``.data``)."""
        return api_call("jobs.list_jobs", options, where="jobs.list")

    @operation
    def retrieve(self, /, job_id: str, **options: Any) -> Call[JobInfoSuccessResponse]:
        """GET /jobs/{jobId}: one job with its status history."""
        return api_call("jobs.get_job", options, path={"job_id": job_id}, where="jobs.retrieve")
