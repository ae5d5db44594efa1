"""Fine-tuning: downloads of models and checkpoints, and the 1.x forms of two methods.
Every other fine-tuning method is derived from the spec."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from .._compat import FINE_TUNING_CREATE
from .._resource import M, Resource, api_call, built_locally, operation
from .._shape import Hook

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from together_generated.models import FineTuneModelLimits

    from .._transport import Call, CallOptions


def require_id(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{where}: expected a non-empty id, got {value!r}")
    return value


# The 1.x SDK's checkpoint_type values: "default" lets the server choose.
_CHECKPOINT_TYPES = {"default": None, "merged": "merged", "adapter": "adapter"}


def _download_call(
    endpoint: str,
    ft_id: str,
    checkpoint: str | None,
    checkpoint_step: int | None,
    output: str | os.PathLike[str] | None,
    progress: bool | None,
    options: dict[str, Any],
    where: str,
    overwrite: bool = False,
) -> Call[bytes | Path]:
    from .._download import BINARY_ACCEPT, content_of, download_target, saver

    require_id(ft_id, where)
    if checkpoint_step is not None and (
        not isinstance(checkpoint_step, int) or isinstance(checkpoint_step, bool)
    ):
        raise TypeError(f"{where}: checkpoint_step must be an integer, got {checkpoint_step!r}")
    path = None if output is None else download_target(output, where)
    params = {"ft_id": ft_id, "checkpoint": checkpoint, "checkpoint_step": checkpoint_step}
    call = api_call(endpoint, {**params, **options}, where=where)
    call.request.setdefault("headers", {}).update(BINARY_ACCEPT)
    if path is None:
        return call.evolve(parse=content_of)
    name = ft_id if checkpoint_step is None else f"{ft_id}-step-{checkpoint_step}"
    return call.evolve(
        parse=content_of,
        stream=saver(path, name, progress, overwrite=overwrite),
    )


class FineTuning(Resource[M]):
    """``with_streaming_response.content(ft_id=...)`` (3.x) gives the open response to
    read as it arrives."""

    # create() is derived from the spec, and takes 3.x's lora= keywords too.
    HOOKS: ClassVar[dict[str, Hook]] = {"create": FINE_TUNING_CREATE}

    @operation
    def get_model_limits(
        self, /, *, model: str, **options: Unpack[CallOptions]
    ) -> Call[FineTuneModelLimits]:
        """The 1.x name of ``model_limits`` (its argument was ``model``)."""
        return api_call(
            "fine_tuning.get_fine_tunes_models_limits",
            {"model_name": model, **options},
            where="fine_tuning.get_model_limits",
        )

    @built_locally
    def content(
        self,
        /,
        *,
        ft_id: str,
        checkpoint: str | None = None,
        checkpoint_step: int | None = None,
        output: str | os.PathLike[str] | None = None,
        progress: bool | None = None,
        overwrite: bool = False,
        **options: Unpack[CallOptions],
    ) -> Call[bytes | Path]:
        """GET /finetune/download: the fine-tuned model or a checkpoint (``checkpoint``:
        "merged", "adapter" or "model_output_path"; ``checkpoint_step``: a step from
        ``list_checkpoints``). Without ``output``: the bytes. With ``output`` (a file path,
        or a folder to save under the served name: an existing one, or a path ending in a
        separator; missing folders are created): streamed to disk with a progress bar,
        under a temporary name until complete; returns the Path. A file already in the
        folder under the served name raises OutputExistsError unless ``overwrite=True``."""
        return _download_call(
            "fine_tuning.get_finetune_download",
            ft_id,
            checkpoint,
            checkpoint_step,
            output,
            progress,
            dict(options),
            "fine_tuning.content",
            overwrite,
        )

    @built_locally
    def download(
        self,
        /,
        id: str,
        *,
        output: str | os.PathLike[str] | None = None,
        checkpoint_step: int | None = None,
        checkpoint_type: str | None = None,
        checkpoint: str | None = None,
        progress: bool | None = None,
        overwrite: bool = False,
        **options: Unpack[CallOptions],
    ) -> Call[bytes | Path]:
        """The 1.x form of ``content``: ``download("ft-...", output=..., checkpoint_step=...)``.
        ``id`` may name the step itself (``"ft-...:10"``); ``checkpoint_type`` is the 1.x
        name of ``checkpoint`` ("default", "merged" or "adapter")."""
        endpoint = "fine_tuning.get_finetune_download"
        where = "fine_tuning.download"
        require_id(id, where)
        job, _, step = id.rpartition(":")
        if job and step.isdigit():
            if checkpoint_step is not None:
                raise ValueError(
                    f"{where}: {id!r} names a step and checkpoint_step is given too; pass one"
                )
            id, checkpoint_step = job, int(step)
        if checkpoint_type is not None:
            if checkpoint is not None:
                raise TypeError(f"{where}: pass checkpoint or checkpoint_type, not both")
            if checkpoint_type not in _CHECKPOINT_TYPES:
                raise ValueError(
                    f"{where}: checkpoint_type must be one of {sorted(_CHECKPOINT_TYPES)}, "
                    f"got {checkpoint_type!r}"
                )
            checkpoint = _CHECKPOINT_TYPES[checkpoint_type]
        return _download_call(
            endpoint,
            id,
            checkpoint,
            checkpoint_step,
            output,
            progress,
            dict(options),
            where,
            overwrite,
        )
