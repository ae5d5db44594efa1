"""Evaluation jobs (also reachable as client.evals). Every method is derived from the
spec; ``create`` also takes 1.x's flat arguments."""

from __future__ import annotations

from typing import Any, ClassVar

from .._resource import M, Resource
from .._shape import Extra, Hook

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


# The types of 1.x's flat arguments, as the stub shows them.
_1X_TYPES = {
    "judge_model": "str | None",
    "judge_model_name": "str | None",
    "judge_model_source": "str | None",
    "judge_system_template": "str | None",
    "judge_external_api_token": "str | None",
    "judge_external_base_url": "str | None",
    "input_data_file_path": "str | None",
    "labels": "Sequence[str] | None",
    "pass_labels": "Sequence[str] | None",
    "min_score": "float | None",
    "max_score": "float | None",
    "pass_threshold": "float | None",
    "model_to_evaluate": "str | Mapping[str, Any] | None",
    "model_a": "str | Mapping[str, Any] | None",
    "model_b": "str | Mapping[str, Any] | None",
}
assert set(_1X_TYPES) == {*_JUDGE_ARGUMENTS, *_PARAMETER_ARGUMENTS}


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


def _flat_arguments(params: dict[str, Any], where: str) -> None:
    """1.x's flat arguments make the spec's ``parameters``."""
    flat = _parameters_from_1x(params)
    if flat is not None:
        if params.get("parameters") is not None:
            raise TypeError(f"{where}: pass parameters or 1.x's flat arguments, not both")
        params["parameters"] = flat


class Evaluation(Resource[M]):
    # create() is derived from the spec, and takes 1.x's flat arguments instead of
    # ``parameters``: ``judge_model`` (or ``judge_model_name``), ``judge_model_source``
    # (default ``"serverless"``), ``judge_system_template``, ``judge_external_api_token``,
    # ``input_data_file_path``, ``labels``, ``pass_labels``, ``min_score``, ``max_score``,
    # ``pass_threshold``, ``model_to_evaluate``, ``model_a``, ``model_b``.
    HOOKS: ClassVar[dict[str, Hook]] = {
        "create": Hook(
            keywords=tuple(Extra(name, kind) for name, kind in _1X_TYPES.items()),
            adapt=_flat_arguments,
            fills=("parameters",),
        ),
    }
