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


# 1.x's flat arguments of evaluation.create: where each goes in the spec's request.
_JUDGE_ARGUMENTS = {
    "judge_model": "model",
    "judge_model_name": "model",  # the first 1.x releases' name of judge_model
    "judge_model_source": "model_source",
    "judge_system_template": "system_template",
    "judge_external_api_token": "external_api_token",
    "judge_external_base_url": "external_base_url",
}
_PARAMETER_ARGUMENTS = (
    "input_data_file_path",
    "labels",
    "pass_labels",
    "min_score",
    "max_score",
    "pass_threshold",
    "model_to_evaluate",
    "model_a",
    "model_b",
)


def _parameters_from_1x(params: dict[str, Any]) -> dict[str, Any] | None:
    """``parameters`` made from 1.x's flat arguments (taken out of ``params``), or None
    when there are none. The first 1.x releases had serverless judges only and no
    ``judge_model_source``: a judge without one is serverless."""
    given = {name: params.pop(name, None) for name in (*_JUDGE_ARGUMENTS, *_PARAMETER_ARGUMENTS)}
    given = {name: value for name, value in given.items() if value is not None}
    judge = {_JUDGE_ARGUMENTS[name]: given.pop(name) for name in _JUDGE_ARGUMENTS if name in given}
    found = given
    if not judge and not found:
        return None
    if judge:
        judge.setdefault("model_source", "serverless")
        found["judge"] = judge
    return found


class Evaluation(Resource[M]):
    @operation
    def create(
        self, /, *, type: str, parameters: Any = None, **params: Any
    ) -> Call[EvaluationResponse]:
        """POST /evaluation: starts a ``classify``, ``score`` or ``compare`` job whose
        ``parameters`` fit that type. Returns its ``workflow_id`` and status.

        1.x's flat arguments are accepted instead of ``parameters``: ``judge_model`` (or
        ``judge_model_name``), ``judge_model_source`` (default ``"serverless"``),
        ``judge_system_template``, ``judge_external_api_token``, ``input_data_file_path``,
        ``labels``, ``pass_labels``, ``min_score``, ``max_score``, ``pass_threshold``,
        ``model_to_evaluate``, ``model_a``, ``model_b``."""
        flat = _parameters_from_1x(params)
        if flat is not None:
            if parameters is not None:
                raise TypeError(
                    "evaluation.create: pass parameters or 1.x's flat arguments, not both"
                )
            parameters = flat
        if parameters is None:
            raise TypeError("evaluation.create: missing required argument 'parameters'")
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
