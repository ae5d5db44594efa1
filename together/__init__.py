"""together: a typed, fast Python client for the Together AI API.

from together import Together
client = Together()  # reads TOGETHER_API_KEY
reply = client.chat.completions.create(model=..., messages=[{"role": "user", "content": "Hi"}])
"""

from typing import TYPE_CHECKING

from ._compat import check_environment

# Before anything else: over the official package's files, the imports below may fail in
# confusing ways (one stat).
check_environment(__path__[0])

from ._client import AsyncTogether, Together  # noqa: E402
from ._config import RetryInfo  # noqa: E402
from ._errors import (  # noqa: E402
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    JobFailedError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    TogetherError,
    UnprocessableEntityError,
    WaitTimeoutError,
)
from ._open_values import UnknownValueWarning  # noqa: E402
from ._streaming import AsyncStream, ByteStream, Stream  # noqa: E402
from ._version import __version__  # noqa: E402

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
    "BatchRunProgress",
    "BatchRunResult",
    "ByteStream",
    "ConflictError",
    "DatasetReport",
    "DatasetValidationError",
    "DefaultAioHttpClient",
    "FileTypeError",
    "InternalServerError",
    "JobFailedError",
    "NotFoundError",
    "PermissionDeniedError",
    "Problem",
    "RateLimitError",
    "RetryInfo",
    "Stream",
    "Together",
    "TogetherError",
    "UnknownValueWarning",
    "UnprocessableEntityError",
    "WaitTimeoutError",
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
    # the aiohttp transport of the [aiohttp] extra (aiohttp itself loads on construction)
    "DefaultAioHttpClient": ("_aiohttp", "DefaultAioHttpClient"),
    # what with_raw_response / with_streaming_response give
    "APIResponse": ("_response", "APIResponse"),
    "AsyncAPIResponse": ("_response", "AsyncAPIResponse"),
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
    from ._aiohttp import DefaultAioHttpClient
    from ._batch.result import BatchRequestResult, BatchRunProgress, BatchRunResult
    from ._dataset_check import DatasetReport, FileTypeError, Problem, check_dataset
    from ._response import APIResponse, AsyncAPIResponse

    DatasetValidationError = FileTypeError
