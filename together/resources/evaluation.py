"""Evaluation jobs (also reachable as client.evals)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._resource import M, Resource, api_call, operation

if TYPE_CHECKING:
    from together_generated.models import (
        EvaluationJob,
        EvaluationResponse,
        GetEvaluationJobStatusAndResultsResponse200,
        GetModelListResponse200,
    )

    from .._transport import Call


class Evaluation(Resource[M]):
    @operation
    def create(self, /, *, type: str, parameters: Any, **params: Any) -> Call[EvaluationResponse]:
        """POST /evaluation: starts a ``classify``, ``score`` or ``compare`` job whose
        ``parameters`` fit that type. Returns its ``workflow_id`` and status."""
        return api_call(
            "evaluation.create_evaluation_job",
            {"type": type, "parameters": parameters, **params},
            where="evaluation.create",
        )

    @operation
    def list(self, /, **params: Any) -> Call[list[EvaluationJob]]:
        """GET /evaluation: jobs, newest first, filtered by ``status`` and ``limit``."""
        return api_call("evaluation.get_all_evaluation_jobs", params, where="evaluation.list")

    @operation
    def retrieve(self, /, id: str, **options: Any) -> Call[EvaluationJob]:
        """GET /evaluation/{id}: the job with its parameters, history and results."""
        return api_call(
            "evaluation.get_evaluation_job_details",
            options,
            path={"id": id},
            where="evaluation.retrieve",
        )

    @operation
    def status(
        self, /, id: str, **options: Any
    ) -> Call[GetEvaluationJobStatusAndResultsResponse200]:
        """GET /evaluation/{id}/status: just the status and the results."""
        return api_call(
            "evaluation.get_evaluation_job_status_and_results",
            options,
            path={"id": id},
            where="evaluation.status",
        )

    @operation
    def list_models(self, /, **params: Any) -> Call[GetModelListResponse200]:
        """GET /evaluation/model-list: models that can be evaluated or judge
        (``model_source=`` narrows the list). Returns ``.model_list``."""
        return api_call("evaluation.get_model_list", params, where="evaluation.list_models")
