"""Fine-tuning: every method is derived from the spec; hooks add 3.x's ``lora=``, the
downloads of models and checkpoints, and the 1.x forms of two methods."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from .._compat import FINE_TUNING_CREATE
from .._download import DOWNLOAD_KEYWORDS, download
from .._resource import M, Resource
from .._shape import Extra, Hook
from .._transport import Call


def require_id(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{where}: expected a non-empty id, got {value!r}")
    return value


# The 1.x SDK's checkpoint_type values: "default" lets the server choose.
_CHECKPOINT_TYPES = {"default": None, "merged": "merged", "adapter": "adapter"}


def _content(where: str) -> Callable[[Call[Any], dict[str, Any]], Call[bytes | Path]]:
    def after(call: Call[Any], given: dict[str, Any]) -> Call[bytes | Path]:
        """The model's or checkpoint's bytes, or with ``output`` the Path it is saved at
        (see ``download``), named after the job (and step) unless the server names it."""
        ft_id, step = require_id(given.get("ft_id"), where), given.get("checkpoint_step")
        return download(call, given, ft_id if step is None else f"{ft_id}-step-{step}", where)

    return after


def _download_1x(params: dict[str, Any], where: str) -> None:
    """1.x's ``download(id, checkpoint_type=...)``: ``id`` may name the step itself
    (``"ft-...:10"``); ``checkpoint_type`` is the 1.x name of ``checkpoint`` ("default",
    "merged" or "adapter")."""
    if params.get("id") is not None:
        if params.get("ft_id") is not None:
            raise TypeError(f"{where}: pass ft_id or id, not both")
        params["ft_id"] = params.pop("id")
    params.pop("id", None)
    ft_id = require_id(params.get("ft_id"), where)
    job, _, step = ft_id.rpartition(":")
    if job and step.isdigit():
        if params.get("checkpoint_step") is not None:
            raise ValueError(
                f"{where}: {ft_id!r} names a step and checkpoint_step is given too; pass one"
            )
        params["ft_id"], params["checkpoint_step"] = job, int(step)
    checkpoint_type = params.pop("checkpoint_type", None)
    if checkpoint_type is not None:
        if params.get("checkpoint") is not None:
            raise TypeError(f"{where}: pass checkpoint or checkpoint_type, not both")
        if checkpoint_type not in _CHECKPOINT_TYPES:
            raise ValueError(
                f"{where}: checkpoint_type must be one of {sorted(_CHECKPOINT_TYPES)}, "
                f"got {checkpoint_type!r}"
            )
        params["checkpoint"] = _CHECKPOINT_TYPES[checkpoint_type]


def _model_limits_1x(params: dict[str, Any], where: str) -> None:
    """1.x's ``get_model_limits(model=...)``: the spec's ``model_name``."""
    model = params.pop("model", None)
    if model is not None:
        if params.get("model_name") is not None:
            raise TypeError(f"{where}: pass model_name or model, not both")
        params["model_name"] = model


class FineTuning(Resource[M]):
    """``with_streaming_response.content(ft_id=...)`` (3.x) gives the open response to
    read as it arrives."""

    # Derived from the spec, with hooks: create() takes 3.x's lora= keywords too;
    # content() downloads (to ``output=``), as does 1.x's download(id); 1.x's
    # get_model_limits(model=...) is model_limits(model_name=...).
    HOOKS: ClassVar[dict[str, Hook]] = {
        "create": FINE_TUNING_CREATE,
        "content": Hook(
            keywords=DOWNLOAD_KEYWORDS,
            after=_content("fine_tuning.content"),
            returns="bytes | Path",
            types=(Path,),
        ),
        "download": Hook(
            keywords=(
                Extra("id", "str | None"),
                Extra("checkpoint_type", "str | None"),
                *DOWNLOAD_KEYWORDS,
            ),
            adapt=_download_1x,
            fills=("ft_id",),
            after=_content("fine_tuning.download"),
            returns="bytes | Path",
            types=(Path,),
        ),
        "get_model_limits": Hook(
            keywords=(Extra("model", "str | None"),), adapt=_model_limits_1x, fills=("model_name",)
        ),
    }
