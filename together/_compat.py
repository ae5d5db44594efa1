"""What code written for Together's official SDKs (``together`` 1.x and 3.x) finds here
under the names and forms it already uses. One place for all of it, so that it can be
read, and one day trimmed, in one sitting.

- ``together.error`` (1.x: ``RateLimitError``, ``Timeout``, ``ServiceUnavailableError``,
  ...): ``ERRORS`` below; the classes raised are those of ``_errors``.
- ``together.types`` (1.x and 3.x: ``ChatCompletionResponse``, ``Completion``, ...) and
  ``together.types.chat`` (3.x: ``ChatCompletion``, ...): ``TYPES`` and ``CHAT_TYPES``,
  names of generated models, imported on first use.
- ``together.utils.check_file`` (1.x, its report dict): ``check_file``, over
  ``check_dataset``.
- ``fine_tuning.create(lora=..., lora_r=..., train_on_inputs=...)`` (3.x):
  ``FINE_TUNING_CREATE``, a hook on the method derived from the spec.
- batches and model uploads answering with their inner object (1.x ``batch.id``):
  ``inner_view``.
- refusing to run over the official package's files: ``check_environment``.

Nothing here changes what is sent: each name maps onto the spec's own models, fields and
errors. Importing this module costs little (``import together`` does, for
``check_environment``); what the names lead to is imported when first asked for.
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    InvalidRequestError,
    RateLimitError,
    ServiceUnavailableError,
    TogetherError,
)
from ._shape import Extra, Hook, Lookup

if TYPE_CHECKING:
    import httpx

    from ._transport import Call


# -- living next to the official package ----------------------------------------------------
# A file every official wheel ships (1.x to 3.x; seen in 1.0.1, 1.6.0, 2.0.0, 2.42.0 and
# 3.1.1) and this package never does: one stat of it tells that the official package's
# files share this folder.
OFFICIAL_MARKER = os.path.join("types", "finetune.py")

MIXED_ENVIRONMENT = (
    "The official 'together' package is installed in the same place as 'together-client' "
    "(found {marker}): both put their files in one 'together' folder, so neither works. "
    "To use together-client, remove both and reinstall it:\n"
    "    pip uninstall -y together together-client && pip install together-client"
)


def check_environment(package_folder: str) -> None:
    """Raise ImportError when the official ``together`` package's files are in
    ``package_folder`` (this package's folder): ``pip install together-client`` over the
    official package mixes the two, and the mix fails in confusing ways later."""
    marker = os.path.join(package_folder, OFFICIAL_MARKER)
    if os.path.exists(marker):
        raise ImportError(MIXED_ENVIRONMENT.format(marker=marker))


# -- together.error: the 1.x exception names ------------------------------------------------
class InstanceError(APIError):
    """1.x: no running instance of a model. The API reports that as a status error now;
    nothing raises this class, it is here so that ``except InstanceError`` still imports."""


class _AttributeError(TogetherError, builtins.AttributeError):
    """1.x's ``together.error.AttributeError`` (never raised by 1.x either)."""


# 1.x name -> the class raised for the same failure. Where 1.x's name was narrower than
# the current classes, the class is a subclass raised for just that case
# (ServiceUnavailableError for 503), so both except clauses catch it.
ERRORS: dict[str, type[BaseException]] = {
    "TogetherException": TogetherError,
    "AuthenticationError": AuthenticationError,
    "RateLimitError": RateLimitError,
    "InvalidRequestError": InvalidRequestError,  # 400, 403, 404, 415, 422
    "ServiceUnavailableError": ServiceUnavailableError,  # 503
    "APIError": APIError,
    "APIConnectionError": APIConnectionError,
    "Timeout": APITimeoutError,
    "ResponseError": APIResponseValidationError,
    "JSONError": APIResponseValidationError,
    "DownloadError": APIError,
    "InstanceError": InstanceError,
    "AttributeError": _AttributeError,
}
STATUS_ERROR = APIStatusError  # (re-exported by together.error for 3.x code)


# -- together.types: official result and request names -> generated models ---------------
# Values are names in together_generated.models. 3.x names first, then 1.x's.
TYPES: dict[str, str] = {
    # 3.x (together.types)
    "Completion": "CompletionResponse",
    "CompletionChunk": "CompletionChunk",
    "Embedding": "EmbeddingsResponse",
    "FileResponse": "FileResponse",
    "FileList": "FileList",
    "FilePurpose": "FilePurpose",
    "FileType": "FileType",
    "FileDeleteResponse": "FileDeleteResponse",
    "FinetuneResponse": "FinetuneResponse",
    "FinetuneEvent": "FineTuneEvent",
    "FinetuneEventType": "FinetuneEventType",
    "FinetuneModelLimits": "FineTuneModelLimits",
    "FineTuningListResponse": "FinetuneTruncatedList",
    "FineTuningListEventsResponse": "FinetuneListEvents",
    "FineTuningDeleteResponse": "FinetuneDeleteResponse",
    "BatchJob": "BatchJob",
    "VideoJob": "VideoJob",
    "EvaluationJob": "EvaluationJob",
    "ImageFile": "ImageResponse",
    "Model": "ModelInfo",
    "RerankCreateResponse": "RerankResponse",
    "ToolChoice": "ToolChoice",
    # 1.x (together.types)
    "ChatCompletionResponse": "ChatCompletionResponse",
    "ChatCompletionChunk": "ChatCompletionChunk",
    "ChatCompletionRequest": "ChatCompletionRequest",
    "CompletionResponse": "CompletionResponse",
    "CompletionRequest": "CompletionRequest",
    "EmbeddingRequest": "EmbeddingsRequest",
    "EmbeddingResponse": "EmbeddingsResponse",
    "FinetuneList": "FinetuneTruncatedList",
    "FinetuneListEvents": "FinetuneListEvents",
    "FinetuneDeleteResponse": "FinetuneDeleteResponse",
    "FinetuneCheckpoint": "FineTuneCheckpoint",
    "FinetuneTrainingLimits": "FineTuneModelLimits",
    "FinetuneLRScheduler": "LRScheduler",
    "LinearLRSchedulerArgs": "LinearLRSchedulerArgs",
    "CosineLRSchedulerArgs": "CosineLRSchedulerArgs",
    "LoRATrainingType": "LoRATrainingType",
    "FullTrainingType": "FullTrainingType",
    "TrainingMethodSFT": "TrainingMethodSFT",
    "TrainingMethodDPO": "TrainingMethodDPO",
    "ImageResponse": "ImageResponse",
    "ModelObject": "ModelInfo",
    "ModelUploadRequest": "ModelUploadRequest",
    "ModelUploadResponse": "ModelUploadSuccessResponse",
    "RerankRequest": "RerankRequest",
    "RerankResponse": "RerankResponse",
    "AudioSpeechRequest": "AudioSpeechRequest",
    "AudioSpeechStreamChunk": "AudioSpeechStreamChunk",
    "AudioTranscriptionRequest": "AudioTranscriptionRequest",
    "AudioTranslationRequest": "AudioTranslationRequest",
    "AudioTranscriptionResponse": "AudioTranscriptionJsonResponse",
    "AudioTranscriptionVerboseResponse": "AudioTranscriptionVerboseJsonResponse",
    "AudioTranslationResponse": "AudioTranslationJsonResponse",
    "AudioTranslationVerboseResponse": "AudioTranslationVerboseJsonResponse",
    "ModelVoices": "ModelVoices",
    "VoiceListResponse": "ListVoicesResponse",
    "DedicatedEndpoint": "DedicatedEndpoint",
    "ListEndpoint": "ListEndpoint",
    "BatchJobStatus": "BatchJobStatus",
}

# 3.x together.types.chat
CHAT_TYPES: dict[str, str] = {
    "ChatCompletion": "ChatCompletionResponse",
    "ChatCompletionChunk": "ChatCompletionChunk",
    "ChatCompletionMessage": "ChatCompletionMessage",
    "ChatCompletionUsage": "UsageData",
    "ChatCompletionSystemMessageParam": "ChatCompletionSystemMessageParam",
    "ChatCompletionUserMessageParam": "ChatCompletionUserMessageParam",
    "ChatCompletionToolMessageParam": "ChatCompletionToolMessageParam",
    "ChatCompletionAssistantMessageParam": "ChatCompletionAssistantMessageParam",
}


def type_getter(table: dict[str, str], module: str) -> Callable[[str], Any]:
    """A module ``__getattr__`` that answers the names of ``table`` with the generated
    models they stand for, imported on first use (and then kept on the module)."""

    def __getattr__(name: str) -> Any:
        generated = table.get(name)
        if generated is None:
            raise builtins.AttributeError(f"module {module!r} has no attribute {name!r}")
        import sys

        import together_generated.models as models

        value = getattr(models, generated)
        setattr(sys.modules[module], name, value)
        return value

    return __getattr__


# -- together.utils.check_file: the 1.x report ---------------------------------------------
# Which 1.x check a problem of check_dataset fails, by the start of its message.
_FAILED_CHECK = (
    ("not UTF-8", "utf8"),
    ("not valid JSON", "load_json"),
    ("longer than", "load_json"),
    ("expected a JSON object", "line_type"),
    ("the file holds no examples", "has_min_samples"),
)


def check_file(file: str | os.PathLike[str], purpose: str = "fine-tune") -> dict[str, Any]:
    """The 1.x ``together.utils.check_file``: check a dataset locally (as
    ``client.files.check`` does) and report in 1.x's dict: ``is_check_passed``,
    ``message`` ("Checks passed", else every problem with its line), ``found``,
    ``file_size``, ``filetype``, ``utf8``, ``line_type``, ``text_field``, ``key_value``,
    ``has_min_samples``, ``num_samples``, ``load_json``, ``load_csv`` and, for a problem
    on a line, ``line_number`` (the first). A key is None for a check that did not run."""
    from ._dataset_check import check_dataset

    path = Path(file)
    report: dict[str, Any] = {
        "is_check_passed": True,
        "message": "Checks passed",
        "found": None,
        "file_size": None,
        "utf8": None,
        "line_type": None,
        "text_field": None,
        "key_value": None,
        "has_min_samples": None,
        "num_samples": None,
        "load_json": None,
        "load_csv": None,
    }
    if not path.is_file():
        report.update(found=False, is_check_passed=False, message=f"File not found: {path}")
        return report
    found = check_dataset(path, purpose=purpose)
    report.update(found=True, file_size=path.stat().st_size, filetype=found.file_type)
    if not found.checked:
        report["message"] = f"Not checked: {found.note}"
        return report
    if found.file_type == "jsonl" and report["file_size"]:
        report.update(
            utf8=True,
            line_type=True,
            text_field=True,
            key_value=True,
            load_json=True,
            has_min_samples=found.rows > 0,
            num_samples=found.rows,
        )
    for problem in found.problems:
        check = next((c for start, c in _FAILED_CHECK if problem.message.startswith(start)), None)
        if check is None and problem.line is not None:
            check = "key_value"  # the fields of an example
        if check is not None and report[check] is not None:
            report[check] = False
        if problem.line is not None:
            report.setdefault("line_number", problem.line)
    if not found.ok:
        report.update(is_check_passed=False, message=str(found))
    return report


# -- fine_tuning.create: 3.x's LoRA keywords ------------------------------------------------
_LORA_KEYWORDS = ("lora_r", "lora_alpha", "lora_dropout", "lora_trainable_modules")


def lora_arguments(params: dict[str, Any], where: str) -> Lookup | None:
    """3.x: ``lora=True`` is ``training_type`` Lora with ``lora_r`` (default: the model's
    default rank, looked up; its max rank where it has no default, as in 1.x),
    ``lora_alpha`` (default: twice the rank), ``lora_dropout`` (0) and
    ``lora_trainable_modules`` ("all-linear"); ``lora=False`` is Full; neither ``lora``
    nor a LoRA setting leaves the choice to the API. ``train_on_inputs`` goes
    into ``training_method`` (SFT), where the spec has it (the top-level field is
    deprecated)."""
    given = {k: params.pop(k) for k in ("lora", *_LORA_KEYWORDS) if k in params}
    given = {k: v for k, v in given.items() if v is not None}  # None: not given
    lora = given.pop("lora", None)
    train_on_inputs = params.get("train_on_inputs")
    if train_on_inputs is not None and params.get("training_method") is None:
        del params["train_on_inputs"]
        params["training_method"] = {"method": "sft", "train_on_inputs": train_on_inputs}
    if lora is None:
        if not given:
            return None
        lora = True  # LoRA settings without lora: LoRA (3.x's async default, the API's too)
    if not isinstance(lora, bool):
        raise TypeError(f"{where}: lora must be True or False, got {lora!r}")
    if params.get("training_type") is not None:
        raise TypeError(f"{where}: pass lora or training_type, not both")
    if not lora:
        if given:
            raise TypeError(f"{where}: {', '.join(sorted(given))} need lora=True")
        params["training_type"] = {"type": "Full"}
        return None
    dropout = given.get("lora_dropout", 0.0)
    if isinstance(dropout, (int, float)) and not 0 <= dropout < 1:
        raise ValueError(f"{where}: lora_dropout must be in [0, 1), got {dropout!r}")
    training_type: dict[str, Any] = {
        "type": "Lora",
        "lora_dropout": dropout,
        "lora_trainable_modules": given.get("lora_trainable_modules", "all-linear"),
    }
    params["training_type"] = training_type

    def complete(rank: Any) -> None:
        training_type["lora_r"] = rank
        alpha = given.get("lora_alpha")
        if alpha is None:
            alpha = rank * 2
        # 3.x takes a float and sends it as the integer the spec asks for.
        training_type["lora_alpha"] = int(alpha) if type(alpha) is float else alpha

    if "lora_r" in given:
        complete(given["lora_r"])
        return None
    complete(1)  # provisional, so that every argument is checked before the look-up
    # 3.x asks the API for the model's default rank.
    from ._resource import api_call

    model = params.get("model")
    if not isinstance(model, str) or not model:
        raise ValueError(f"{where}: lora=True without lora_r needs model (to look up its rank)")
    call = api_call(
        "fine_tuning.get_fine_tunes_models_limits",
        {"model_name": model},
        where=f"{where} (the model's LoRA rank)",
    )

    def finish(limits: Any) -> None:
        # Read from the JSON: the spec's model doesn't list default_rank (yet).
        lora_limits = limits.to_dict().get("lora_training") if hasattr(limits, "to_dict") else None
        rank = None
        if isinstance(lora_limits, dict):
            # 3.x reads default_rank; where the API gives none, 1.x's choice: max_rank.
            rank = lora_limits.get("default_rank", lora_limits.get("max_rank"))
        if not isinstance(rank, int):
            raise ValueError(f"{where}: {model} has no default LoRA rank; pass lora_r")
        complete(rank)

    return Lookup(call, finish)


FINE_TUNING_CREATE = Hook(
    keywords=(
        Extra("lora", "bool | None"),
        Extra("lora_r", "int | None"),
        Extra("lora_alpha", "float | None"),
        Extra("lora_dropout", "float | None"),
        Extra("lora_trainable_modules", "str | None"),
    ),
    adapt=lora_arguments,
)


# -- 1.x results that were the inner object ------------------------------------------------
_VIEWS: dict[tuple[type[Any], str], type[Any]] = {}


def _view_class(model: type[Any], inner: str) -> type[Any]:
    key = (model, inner)
    if key not in _VIEWS:
        model_getattr = getattr(model, "__getattr__", None)

        def __getattr__(self: Any, name: str) -> Any:
            if model_getattr is not None:  # the model's own (additional_properties)
                try:
                    return model_getattr(self, name)
                except builtins.AttributeError:
                    pass
            if not name.startswith("_"):
                try:
                    return getattr(getattr(self, inner), name)
                except builtins.AttributeError:
                    pass
            raise builtins.AttributeError(
                f"{type(self).__name__!r} object has no attribute {name!r}"
            )

        namespace = {"__slots__": (), "__getattr__": __getattr__, "__module__": model.__module__}
        _VIEWS[key] = type(model.__name__, (model,), namespace)
    return _VIEWS[key]


def inner_view(call: Call[Any], model: type[Any], inner: str) -> Call[Any]:
    """``call`` giving its ``model`` result as an instance of a subclass that also answers,
    for attributes it lacks, with those of its ``inner`` attribute: the 1.x SDK returned
    that inner object (``batch.id`` for ``batch.job.id``)."""
    view = _view_class(model, inner)
    parse = call.parse

    def parse_view(response: httpx.Response, strict: bool) -> Any:
        result = parse(response, strict)
        if not isinstance(result, model):
            return result
        if strict:
            from ._open_values import strictly

            return strictly(view.from_dict, result.to_dict())
        return view.from_response(result.to_dict())

    return call.evolve(parse=parse_view)
