"""together: a typed, fast Python client for the Together AI API.

from together import Together
client = Together()  # reads TOGETHER_API_KEY
reply = client.chat.completions.create(model=..., messages=[{"role": "user", "content": "Hi"}])
"""

from typing import TYPE_CHECKING

from ._client import AsyncTogether, Together
from ._errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    BatchRunLockedError,
    BatchRunStateError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    OutputExistsError,
    PermissionDeniedError,
    RateLimitError,
    TogetherError,
    UnprocessableEntityError,
)
from ._streaming import AsyncStream, ByteStream, Stream
from ._version import __version__

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncAPIResponse",
    "AsyncStream",
    "AsyncTogether",
    "AuthenticationError",
    "BadRequestError",
    "BatchRequestResult",
    "BatchRunLockedError",
    "BatchRunProgress",
    "BatchRunResult",
    "BatchRunStateError",
    "ByteStream",
    "ConflictError",
    "DatasetReport",
    "DatasetValidationError",
    "FileTypeError",
    "InternalServerError",
    "NotFoundError",
    "OutputExistsError",
    "PermissionDeniedError",
    "Problem",
    "RateLimitError",
    "Stream",
    "Together",
    "TogetherError",
    "UnprocessableEntityError",
    "__version__",
    "check_dataset",
]

# The dataset checker and the batch runner's types load on first use: most programs
# never use them. name -> (module, its name there)
_LAZY = {
    "DatasetReport": ("_dataset_check", "DatasetReport"),
    # a clearer name; FileTypeError is the SDK's
    "DatasetValidationError": ("_dataset_check", "FileTypeError"),
    "FileTypeError": ("_dataset_check", "FileTypeError"),
    "Problem": ("_dataset_check", "Problem"),
    "check_dataset": ("_dataset_check", "check_dataset"),
    "BatchRequestResult": ("_batch.result", "BatchRequestResult"),
    "BatchRunProgress": ("_batch.result", "BatchRunProgress"),
    "BatchRunResult": ("_batch.result", "BatchRunResult"),
    # what with_raw_response / with_streaming_response give
    "APIResponse": ("resources._compat", "APIResponse"),
    "AsyncAPIResponse": ("resources._compat", "AsyncAPIResponse"),
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        module, attribute = _LAZY[name]
        value = getattr(importlib.import_module(f".{module}", __name__), attribute)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'together' has no attribute {name!r}")


if TYPE_CHECKING:
    from ._batch.result import BatchRequestResult, BatchRunProgress, BatchRunResult
    from ._dataset_check import DatasetReport, FileTypeError, Problem, check_dataset
    from .resources._compat import APIResponse, AsyncAPIResponse

    DatasetValidationError = FileTypeError
