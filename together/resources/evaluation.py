"""Evaluation jobs (also reachable as client.evals). Every method but ``create`` is
derived from the spec."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._resource import M, Resource, api_call, operation

if TYPE_CHECKING:
    from together_generated.models import EvaluationResponse

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
    def create(self, /, **params: Any) -> Call[EvaluationResponse]:
        """POST /evaluation: starts a ``classify``, ``score`` or ``compare`` job whose
        ``parameters`` fit that type. Returns its ``workflow_id`` and status.

        1.x's flat arguments are accepted instead of ``parameters``: ``judge_model`` (or
        ``judge_model_name``), ``judge_model_source`` (default ``"serverless"``),
        ``judge_system_template``, ``judge_external_api_token``, ``input_data_file_path``,
        ``labels``, ``pass_labels``, ``min_score``, ``max_score``, ``pass_threshold``,
        ``model_to_evaluate``, ``model_a``, ``model_b``."""
        flat = _parameters_from_1x(params)
        if flat is not None:
            if params.get("parameters") is not None:
                raise TypeError(
                    "evaluation.create: pass parameters or 1.x's flat arguments, not both"
                )
            params["parameters"] = flat
        return api_call("evaluation.create_evaluation_job", params, where="evaluation.create")
