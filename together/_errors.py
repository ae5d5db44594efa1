"""The exception tree. Names match Together's official SDK, so existing ``except`` clauses work.

TogetherError
├── APIError
│   ├── APIStatusError (status_code, body, headers, request_id)
│   │   ├── InvalidRequestError (1.x) 415
│   │   │   └── BadRequestError 400, PermissionDeniedError 403, NotFoundError 404,
│   │   │       UnprocessableEntityError 422
│   │   ├── AuthenticationError 401, ConflictError 409, RateLimitError 429
│   │   └── InternalServerError >= 500
│   │       └── ServiceUnavailableError (1.x) 503
│   ├── APIConnectionError
│   │   └── APITimeoutError
│   └── APIResponseValidationError (a 2xx body that does not fit its model)
├── JobFailedError (a waited-on job ended failed, cancelled, ...: job, status)
├── WaitTimeoutError (also a TimeoutError: a wait's timeout ran out; job, status)
├── StructuredOutputError (also a ValueError: an answer that doesn't fit response_format;
│   │                      content, completion)
│   └── LengthFinishReasonError (the answer was cut at max_tokens)
├── ToolRunError (run_tools reached max_rounds; completion, messages)
├── BatchRunStateError (a batch run's state on disk can't be used; also a ValueError)
│   └── BatchRunLockedError (another run is using that output)
└── OutputExistsError (a download would replace an existing file)

The errors of a request are built here, from what failed: a 4xx/5xx answer
(``status_error``), a body that can't be read as the result (``result_error``,
``unreadable_error`` and the cases under it), a transport failure (``connection_error``),
a stream (``broken_stream_error``, ``stream_event_error``, ...); the transport and the
streams only raise them, so that the messages and the bodies kept read alike.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from ._json import TooDeep, loads

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BatchRunLockedError",
    "BatchRunStateError",
    "ConflictError",
    "InternalServerError",
    "InvalidRequestError",
    "JobFailedError",
    "LengthFinishReasonError",
    "NotFoundError",
    "OutputExistsError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServiceUnavailableError",
    "StructuredOutputError",
    "TogetherError",
    "ToolRunError",
    "UnprocessableEntityError",
    "WaitTimeoutError",
]


class TogetherError(Exception):
    """Base of every error this library raises on purpose."""


class APIError(TogetherError):
    """A request to the API failed. ``request`` is the httpx request, when there was one."""

    def __init__(
        self, message: str, *, request: httpx.Request | None = None, body: object = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.request = request
        self.body = body

    @property
    def http_status(self) -> int | None:
        """The response's status, if there was one (the 1.x SDK's name for ``status_code``)."""
        status: int | None = getattr(self, "status_code", None)
        return status


class APIStatusError(APIError):
    """The API answered with a 4xx or 5xx status."""

    status_code: int

    def __init__(self, message: str, *, response: httpx.Response, body: object) -> None:
        super().__init__(message, request=response.request, body=body)
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers
        self.request_id = request_id_of(response.headers)


def request_id_of(headers: httpx.Headers) -> str | None:
    """The id the API gave the request (``x-request-id``, or ``request-id``), if any."""
    found: str | None = headers.get("x-request-id") or headers.get("request-id")
    return found


class InvalidRequestError(APIStatusError):
    """The request was refused as it stands (400, 403, 404, 415, 422): the 1.x SDK's
    name for these statuses, kept so that its ``except`` clauses still catch them."""

    status_code = 415


class BadRequestError(InvalidRequestError):
    status_code = 400


class AuthenticationError(APIStatusError):
    """401 from the API, or no API key could be found when the client was built."""

    status_code = 401

    def __init__(
        self, message: str, *, response: httpx.Response | None = None, body: object = None
    ) -> None:
        if response is not None:
            super().__init__(message, response=response, body=body)
        else:  # raised at construction: there is no response
            APIError.__init__(self, message, body=body)
            self.response = None  # type: ignore[assignment]
            self.headers = httpx.Headers()
            self.request_id = None


class PermissionDeniedError(InvalidRequestError):
    status_code = 403


class NotFoundError(InvalidRequestError):
    status_code = 404


class ConflictError(APIStatusError):
    status_code = 409


class UnprocessableEntityError(InvalidRequestError):
    status_code = 422


class RateLimitError(APIStatusError):
    status_code = 429


class InternalServerError(APIStatusError):
    pass


class ServiceUnavailableError(InternalServerError):
    """503: the service is overloaded or not ready yet (retried like any 5xx). The 1.x
    SDK's name; ``except InternalServerError`` catches it too."""

    status_code = 503


class APIConnectionError(APIError):
    """The request did not get a complete answer: connection refused or reset, a body cut
    short, a stream that ended before ``[DONE]``."""

    def __init__(
        self, message: str = "Connection error.", *, request: httpx.Request | None = None
    ) -> None:
        super().__init__(message, request=request)


class APITimeoutError(APIConnectionError):
    def __init__(self, request: httpx.Request | None = None) -> None:
        super().__init__("Request timed out.", request=request)


class APIResponseValidationError(APIError):
    """A successful response whose body can't be read as the result: not JSON, or JSON
    of the wrong kind (a list where an object is expected); with ``strict_responses=True``
    also any value off the spec.

    ``body`` holds the raw body (parsed JSON where possible; text cut at 64 KiB),
    ``response`` the response, ``status_code`` its status.
    """

    def __init__(self, message: str, *, response: httpx.Response, body: object) -> None:
        super().__init__(message, request=response.request, body=body)
        self.response = response
        self.status_code = response.status_code


class JobFailedError(TogetherError):
    """A job waited on (``client.fine_tuning.wait(...)``, ...) ended in a state other
    than the one waited for: failed, cancelled, expired, error. ``job`` is its final
    object, ``status`` its final status; the job's own error message is in the text."""

    def __init__(self, message: str, *, job: Any, status: str | None) -> None:
        super().__init__(message)
        self.job = job
        self.status = status


class WaitTimeoutError(TogetherError, TimeoutError):
    """A wait's ``timeout`` ran out before the job ended (the job goes on). ``job`` is
    the last object seen (None if none was), ``status`` its status."""

    def __init__(self, message: str, *, job: Any, status: str | None) -> None:
        super().__init__(message)
        self.job = job
        self.status = status

    def __str__(self) -> str:  # OSError's would show its (errno, strerror) form
        return str(self.args[0]) if self.args else ""


class StructuredOutputError(TogetherError, ValueError):
    """An answer asked for with ``response_format`` (``chat.completions.parse``) that
    can't be read as that type: ``content`` is the raw text, ``completion`` the whole
    completion."""

    def __init__(self, message: str, *, content: str | None, completion: Any) -> None:
        super().__init__(message)
        self.content = content
        self.completion = completion


class LengthFinishReasonError(StructuredOutputError):
    """The answer stopped at the token limit (``finish_reason`` "length"), so its JSON is
    cut short: raise ``max_tokens``."""


class ToolRunError(TogetherError):
    """``run_tools`` asked the model ``max_rounds`` times and it still called tools:
    ``completion`` is the last completion, ``messages`` the conversation so far."""

    def __init__(self, message: str, *, completion: Any, messages: list[Any]) -> None:
        super().__init__(message)
        self.completion = completion
        self.messages = messages


class BatchRunStateError(TogetherError, ValueError):
    """The state a batch run keeps next to its output (``OUT.batch/``) can't be used: its
    manifest is damaged or belongs to another run. The message names the file and how to
    start over."""


class BatchRunLockedError(BatchRunStateError):
    """Another batch run (this process or another) is using the same output; the message
    names the lock file and its holder (process id, host, start time)."""


class OutputExistsError(TogetherError, FileExistsError):
    """A download would replace a file that already exists under the name the server
    gave it: pass ``overwrite=True`` (CLI ``--force``), or name the file as ``output``."""


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    415: InvalidRequestError,
    422: UnprocessableEntityError,
    429: RateLimitError,
    503: ServiceUnavailableError,
}


# How much of a body that can't be read an error keeps (the rest is in error.response).
MAX_ERROR_BODY = 64 * 1024


def unreadable_error(response: httpx.Response, reason: str, body: object = None) -> APIError:
    """The error for a response whose body can't be read (it can't be decoded, or is too
    large or too deeply nested): on an error status that status's error, its ``body``
    what could be kept, so that ``except RateLimitError`` still holds; else
    APIResponseValidationError."""
    status = response.status_code
    if status >= 400:
        cls = _STATUS_ERRORS.get(status) or (
            InternalServerError if status >= 500 else APIStatusError
        )
        return cls(f"Error code: {status} - {reason}", response=response, body=body)
    return APIResponseValidationError(
        f"The {status} response can't be read: {reason}", response=response, body=body
    )


def response_body(response: httpx.Response, limit: int | None = None) -> Any:
    """The body as JSON when it is JSON, else as text; a body longer than ``limit`` bytes
    as its first ``limit`` bytes of text."""
    if limit is not None and len(response.content) > limit:
        return response.content[:limit].decode(response.encoding or "utf-8", "replace")
    try:
        return loads(response.content)
    except ValueError:  # (not JSON, or nested too deep)
        return response.text


def _message_of(body: object) -> str | None:
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict):
            message = error.get("message") or error.get("detail")
            return str(message) if message else None
        if isinstance(error, str):
            return error
    return None


# A server's message goes into str(error), which ends up in logs and tracebacks: keep it
# readable. The whole body stays on error.body.
MAX_MESSAGE = 2_000
_CUT = " … (cut; the whole body is in error.body)"
# Real keys are long; redacting a key of a few characters (a test stand-in such as "k")
# would replace letters of ordinary words and garble the message.
_MIN_REDACTED_KEY = 8


def _sent_api_key(response: httpx.Response) -> str | None:
    """The key the request carried as ``Authorization: Bearer <key>``, if any."""
    try:
        authorization: str = response.request.headers.get("authorization", "")
    except RuntimeError:  # a response built without a request
        return None
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or len(token) < _MIN_REDACTED_KEY:
        return None
    return token


def status_error(response: httpx.Response, base_url: str | None = None) -> APIStatusError:
    """The error for a 4xx/5xx response, carrying the server's message in ``str(error)``.

    The message is cut at 2,000 characters, and the API key the request carried is shown
    as ``***`` should the server echo it back; ``error.body`` keeps the body as received.
    A 404 from a ``base_url`` whose path doesn't end in ``/v1`` says that Together's
    routes are there (the official SDK 3.x's base URL has no ``/v1``; see _config).
    """
    body = response_body(response)
    key = _sent_api_key(response)

    def redact(text: str) -> str:
        return text.replace(key, "***") if key else text

    detail = _message_of(body)
    if detail is None:
        text = body if isinstance(body, str) else json.dumps(body)
        # Redact before cutting, so that no part of a key survives at the cut.
        detail = redact(" ".join(text.split()))[:500] or response.reason_phrase
    detail = redact(detail)
    if len(detail) > MAX_MESSAGE:
        detail = detail[:MAX_MESSAGE] + _CUT
    message = f"Error code: {response.status_code} - {detail}"
    status = response.status_code
    if status == 404 and base_url is not None and not base_url.endswith("/v1"):
        message += (
            f" (the base URL {base_url} does not end in /v1: Together's API routes are "
            "under /v1, as in https://api.together.ai/v1)"
        )
    cls = _STATUS_ERRORS.get(status) or (InternalServerError if status >= 500 else APIStatusError)
    return cls(message, response=response, body=body)


def result_error(response: httpx.Response, exc: Exception) -> APIResponseValidationError:
    """The error for a successful response whose body can't be read as the method's
    result (``exc``: what the parser raised), with the body kept (cut at 64 KiB)."""
    return APIResponseValidationError(
        f"The {response.status_code} response can't be read as the expected result: "
        f"{type(exc).__name__}: {exc}",
        response=response,
        body=response_body(response, limit=MAX_ERROR_BODY),
    )


def too_deep_error(response: httpx.Response) -> APIError:
    """The error for a body nested too deeply to be read (see ``_json``)."""
    return unreadable_error(
        response, str(TooDeep()), body=response_body(response, limit=MAX_ERROR_BODY)
    )


def too_large_error(response: httpx.Response, limit: int, kept: bytes) -> APIError:
    """The error for a body that decodes to more than ``max_response_bytes`` (``limit``);
    ``kept``: what was read of it."""
    body = kept[:MAX_ERROR_BODY].decode(response.encoding or "utf-8", "replace")
    return unreadable_error(
        response, f"its body decodes to more than max_response_bytes ({limit})", body=body
    )


def undecodable_error(response: httpx.Response, exc: httpx.DecodingError) -> APIError:
    """The error for a body that can't be decoded (a corrupt gzip, ...)."""
    return unreadable_error(response, f"its body can't be decoded ({type(exc).__name__}: {exc})")


# -- failures before a complete answer --------------------------------------------------
_WHAT_FAILED: tuple[tuple[type[Exception], str], ...] = (
    (httpx.TooManyRedirects, "too many redirects (a loop?) from"),
    (httpx.UnsupportedProtocol, "a redirect led to a URL httpx can't request, from"),
    (httpx.ConnectError, "could not connect to"),
    (httpx.ProxyError, "the proxy failed for"),
    (httpx.WriteError, "the connection broke while sending to"),
    (httpx.ReadError, "the connection broke while reading from"),
    (httpx.RemoteProtocolError, "the connection was closed or garbled by"),
)


def describe_failure(exc: Exception, request: httpx.Request) -> str:
    """What went wrong and with which host, e.g. ``could not connect to 127.0.0.1:9
    (ConnectError: [Errno 111] Connection refused)``; the API key is never in it."""
    what = next(
        (text for kind, text in _WHAT_FAILED if isinstance(exc, kind)), "the request failed at"
    )
    url = request.url
    host = f"{url.host}:{url.port}" if url.port else url.host
    detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    # Low-level messages may quote what was sent; the key must not reach the user.
    key = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    if key:
        detail = detail.replace(key, "<redacted>")
    return f"{what} {host} ({detail})"


def connection_error(
    exc: Exception, request: httpx.Request, what: str = "Connection error"
) -> APIConnectionError:
    """The error for a request whose transport failed with ``exc``: APITimeoutError for
    a timeout, else APIConnectionError saying ``what`` and what failed where."""
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(request)
    return APIConnectionError(f"{what}: {describe_failure(exc, request)}", request=request)


# -- a streamed body ---------------------------------------------------------------------
def broken_stream_error(exc: httpx.RequestError, response: httpx.Response) -> APIError:
    """The error for a body that failed mid-way: cut (APIConnectionError, APITimeoutError)
    or undecodable, as a corrupt gzip (APIResponseValidationError)."""
    if isinstance(exc, httpx.TransportError):
        return connection_error(exc, response.request, "The stream was cut")
    return APIResponseValidationError(
        f"The stream's body can't be decoded: {type(exc).__name__}: {exc}",
        response=response,
        body=None,
    )


def stream_ended_error(request: httpx.Request, partial: bool) -> APIConnectionError:
    """The error for a stream whose body ended before ``[DONE]`` (``partial``: in the
    middle of an event)."""
    what = "in the middle of an event" if partial else "before [DONE]"
    return APIConnectionError(
        f"The stream ended {what}: the response is incomplete", request=request
    )


def stream_unreadable_error(
    response: httpx.Response, reason: str, data: str | None = None
) -> APIResponseValidationError:
    """The error for a stream that can't be read (``reason``): ``data``, the event's data
    that can't be read as JSON, if that is what failed."""
    if data is None:
        return APIResponseValidationError(
            f"The stream can't be read: {reason}", response=response, body=None
        )
    return APIResponseValidationError(
        f"Stream sent an event that can't be read ({reason}): {data[:200]!r}",
        response=response,
        body=data[:MAX_ERROR_BODY],
    )


def chunk_error(
    response: httpx.Response, exc: Exception, payload: object
) -> APIResponseValidationError:
    """The error for a stream chunk that can't be read as its model (``exc``: why)."""
    error = APIResponseValidationError(
        f"A stream chunk can't be read as its model: {type(exc).__name__}: {exc}",
        response=response,
        body=payload,
    )
    error.__cause__ = exc
    return error


def stream_event_error(
    payload: object, event: str, data: str, request: httpx.Request
) -> APIError | None:
    """The error a stream's event reports, if it is one: an ``error`` event (``event``
    its type, ``data`` its text, ``payload`` its JSON) or a payload with an ``error``;
    its message is the error's ``message`` where there is one."""
    message: str | None = None
    if event == "error":
        if isinstance(payload, dict):
            error = payload.get("error", payload)
            message = str(error.get("message") or error) if isinstance(error, dict) else str(error)
        else:
            message = str(payload or data or "error event")
    elif isinstance(payload, dict) and payload.get("error"):
        error = payload["error"]
        message = str(error.get("message") or error) if isinstance(error, dict) else str(error)
    return None if message is None else APIError(message, request=request, body=payload)
