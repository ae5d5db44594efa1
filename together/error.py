"""The exception names of the official SDK 1.x, for code that imports them from here
(``from together.error import RateLimitError``). Each is the class this client raises for
the same failure, or a subclass of it raised for just that case, so old and new
``except`` clauses both catch: ``Timeout`` is ``APITimeoutError``, ``TogetherException``
is ``TogetherError``, ``InvalidRequestError`` covers 400, 403, 404, 415 and 422,
``ServiceUnavailableError`` (a 503) is an ``InternalServerError``. New code can import the
same classes from ``together``. The table is in ``together._compat.ERRORS``.
"""

from ._compat import InstanceError
from ._compat import _AttributeError as AttributeError  # 1.x's name
from ._dataset_check import FileTypeError
from ._errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    InvalidRequestError,
    RateLimitError,
    ServiceUnavailableError,
    TogetherError,
)
from ._errors import APIError as DownloadError
from ._errors import APIResponseValidationError as JSONError
from ._errors import APIResponseValidationError as ResponseError
from ._errors import APITimeoutError as Timeout
from ._errors import TogetherError as TogetherException

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AttributeError",
    "AuthenticationError",
    "DownloadError",
    "FileTypeError",
    "InstanceError",
    "InvalidRequestError",
    "JSONError",
    "RateLimitError",
    "ResponseError",
    "ServiceUnavailableError",
    "Timeout",
    "TogetherError",
    "TogetherException",
]
