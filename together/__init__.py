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
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    TogetherError,
    UnprocessableEntityError,
)
from ._streaming import ByteStream, Stream
from ._version import __version__

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncTogether",
    "AuthenticationError",
    "BadRequestError",
    "ByteStream",
    "ConflictError",
    "DatasetReport",
    "DatasetValidationError",
    "FileTypeError",
    "InternalServerError",
    "NotFoundError",
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

# The dataset checker loads on first use: most programs never call it.
_LAZY = {
    "DatasetReport": "DatasetReport",
    "DatasetValidationError": "FileTypeError",  # a clearer name; FileTypeError is the SDK's
    "FileTypeError": "FileTypeError",
    "Problem": "Problem",
    "check_dataset": "check_dataset",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        from . import _dataset_check

        value = getattr(_dataset_check, _LAZY[name])
        globals()[name] = value
        return value
    raise AttributeError(f"module 'together' has no attribute {name!r}")


if TYPE_CHECKING:
    from ._dataset_check import DatasetReport, FileTypeError, Problem, check_dataset

    DatasetValidationError = FileTypeError
