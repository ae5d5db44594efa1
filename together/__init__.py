"""together: a typed, fast Python client for the Together AI API.

from together import Together
client = Together()  # reads TOGETHER_API_KEY
reply = client.chat.completions.create(model=..., messages=[{"role": "user", "content": "Hi"}])
"""

from ._client import AsyncTogether, Together
from ._dataset_check import DatasetReport, FileTypeError, Problem, check_dataset
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

# A clearer name for the dataset error; FileTypeError is the official SDK's.
DatasetValidationError = FileTypeError
