"""Contract: every HTTP operation of the spec, sent through the public client to Prism.

Prism checks each request against the overlaid spec: a request that breaks it gets 400
or 422 with the reasons in the ``sl-violations`` header, which a failure here shows. The
JSON body the client sent is also checked against the request schema with a JSON-Schema
validator. The spec's example answer must come back as the generated model. For each
error status an operation declares, ``Prefer: code=N`` makes Prism answer it, and the
client must raise the error class named for that status.
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from typing import Any

import httpx
import pytest

import together
from together import AsyncTogether, Together
from together.error import InvalidRequestError, ServiceUnavailableError

from ..support.spec_examples import differences, model_problems
from . import spec
from .cases import CASES, MISSING, Case, DataFiles
from .conftest import Traffic

pytestmark = [pytest.mark.needs_node, pytest.mark.needs_generator]

CASE_IDS = [case.id for case in CASES]

ERROR_CLASSES: dict[int, type[together.APIStatusError]] = {
    400: together.BadRequestError,
    401: together.AuthenticationError,
    403: together.PermissionDeniedError,
    404: together.NotFoundError,
    409: together.ConflictError,
    422: together.UnprocessableEntityError,
    415: InvalidRequestError,  # 1.x's names
    429: together.RateLimitError,
    503: ServiceUnavailableError,
}
# A ``default`` response stands for any status; it is checked as a server error.
DEFAULT_STATUS = 500


def expected_error(status: int) -> type[together.APIStatusError]:
    if status in ERROR_CLASSES:
        return ERROR_CLASSES[status]
    return together.InternalServerError if status >= 500 else together.APIStatusError


def error_cases() -> list[Any]:
    return [
        pytest.param(case, status, id=f"{case.id} -> {status}")
        for case in CASES
        for status in spec.error_statuses(case.method, case.path)
    ]


# -- helpers ----------------------------------------------------------------------------


def violations(response: httpx.Response) -> str | None:
    """Prism's reasons for rejecting a request, joined by "; " (None when it accepted it).

    They come in the ``sl-violations`` header, or, when Prism makes up the 422 itself
    because the operation declares no 400/422, in the problem+json body's ``validation``.
    Warnings (a deprecated parameter, say) are not reasons: Prism accepted the request.
    """
    found: list[dict[str, Any]] = []
    header = response.headers.get("sl-violations")
    if header is not None:
        try:
            found += json.loads(header)
        except ValueError:
            return header
    if response.headers.get("content-type", "").startswith("application/problem+json"):
        with contextlib.suppress(ValueError, AttributeError):
            found += json.loads(response.content).get("validation", [])
    errors = [v for v in found if isinstance(v, dict) and v.get("severity") == "Error"]
    if not errors:
        return None
    return "; ".join(
        f"{'.'.join(str(p) for p in v.get('location', []))}: {v.get('message')}" for v in errors
    )


def fail_for_rejection(case: Case, exc: together.APIStatusError) -> None:
    """Fail with Prism's reasons when it rejected the request as breaking the spec."""
    reasons = violations(exc.response)
    if reasons is not None:
        pytest.fail(
            f"{case.id}: Prism rejected the request ({exc.status_code}) as breaking the spec:"
            f" {reasons}\nrequest: {describe(exc.response.request)}",
            pytrace=False,
        )


def describe(request: httpx.Request) -> str:
    try:
        body = request.content[:600].decode("utf-8", "replace")
    except httpx.RequestNotRead:
        body = "(streamed body)"
    return f"{request.method} {request.url} {body}"


def call(case: Case, client: Any, data: DataFiles, **options: Any) -> Any:
    try:
        return case.call(client, data, **options)
    except AttributeError as exc:
        missing = str(exc)
    pytest.fail(
        f"{case.id}: the client has no method for this operation yet ({missing})", pytrace=False
    )


def call_expecting_success(case: Case, client: Together, data: DataFiles) -> Any:
    """The call's result; a failure with Prism's reasons when it rejected the request."""
    try:
        return call(case, client, data)
    except together.APIStatusError as exc:
        error = exc
    fail_for_rejection(case, error)
    raise error


def check_sent_body(case: Case, request: httpx.Request) -> None:
    """The JSON body sent validates against the operation's request schema."""
    if not request.headers.get("content-type", "").startswith("application/json"):
        return  # multipart bodies are Prism's to check
    problems = spec.errors(spec.request_schema(case.method, case.path), json.loads(request.content))
    assert not problems, f"{case.id}: the JSON body sent breaks the request schema:\n" + "\n".join(
        problems
    )


def is_model(value: Any) -> bool:
    return type(value).__module__.startswith("together_generated.models.")


def check_result(case: Case, result: Any) -> None:
    """The result is what the spec's success response holds, parsed."""
    status = spec.success_status(case.method, case.path)
    media = spec.response_media_types(case.method, case.path, status)
    shown = f"{type(result).__name__}: {result!r:.200}"
    if not media:
        assert result is None, f"{case.id}: {status} has no body, yet the method returned {shown}"
        return
    if status.startswith("3"):  # followed to the Location: what is there
        assert isinstance(result, bytes) or hasattr(result, "read"), (
            f"{case.id}: expected the content {status} redirects to, got {shown}"
        )
        return
    if "application/json" not in media:  # audio, file content: the bytes
        assert isinstance(result, (bytes, str)) or hasattr(result, "read"), (
            f"{case.id}: expected the {media[0]} body, got {shown}"
        )
        return
    schema = spec.operation(case.method, case.path)["responses"][status]["content"][
        "application/json"
    ].get("schema", {})
    if schema.get("type") in ("string", "integer", "number", "boolean"):
        assert isinstance(result, (str, int, float, bool)), f"{case.id}: got {shown}"
        return
    items = list(result) if isinstance(result, (list, tuple)) else [result]
    assert all(is_model(item) for item in items), (
        f"{case.id}: expected generated model(s) for the {status} body, got {shown}"
    )


def check_round_trip(case: Case, response: httpx.Response, result: Any) -> None:
    """The model holds the whole JSON body, and only what its schema allows."""
    if not response.headers.get("content-type", "").startswith("application/json"):
        return
    if not (is_model(result) or (isinstance(result, list) and all(map(is_model, result)))):
        return
    problems = differences(json.loads(response.content), to_json(result))
    problems += model_problems(result)
    assert not problems, f"{case.id}: the parsed model does not match the body:\n" + "\n".join(
        problems[:20]
    )


def to_json(value: Any) -> Any:
    if isinstance(value, list):
        return [to_json(v) for v in value]
    return value.to_dict() if is_model(value) else value


# -- the table itself -----------------------------------------------------------------


def test_there_is_one_case_per_http_operation_of_the_spec() -> None:
    duplicates = [op for op, n in Counter(CASE_IDS).items() if n > 1]
    in_spec = {f"{m} {p}" for m, p in spec.http_operations()}
    assert not duplicates, f"operations with more than one case: {duplicates}"
    assert not MISSING, f"no case (the spec can't provide the arguments): {MISSING}"
    assert set(CASE_IDS) == in_spec


# -- happy paths ------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_operation_accepts_the_request_and_parses_the_response(
    case: Case, client: Together, data: DataFiles, traffic: Traffic
) -> None:
    result = call_expecting_success(case, client, data)
    assert traffic.requests, f"{case.id}: no request was sent"
    for request in traffic.requests:
        check_sent_body(case, request)
    check_result(case, result)
    check_round_trip(case, traffic.responses[-1], result)


@pytest.mark.anyio
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
async def test_async_operation_accepts_the_request_and_parses_the_response(
    case: Case, aclient: AsyncTogether, data: DataFiles
) -> None:
    try:
        result = await call(case, aclient, data)
    except together.APIStatusError as exc:
        error = exc
    else:
        check_result(case, result)
        return
    fail_for_rejection(case, error)
    raise error


# -- declared errors --------------------------------------------------------------------


@pytest.mark.parametrize(("case", "status"), error_cases())
def test_declared_error_status_raises_its_error_class(
    case: Case, status: str, client: Together, data: DataFiles
) -> None:
    code = DEFAULT_STATUS if status == "default" else int(status)
    with pytest.raises(together.APIStatusError) as info:
        result = call(case, client, data, extra_headers={"Prefer": f"code={code}"}, max_retries=0)
        pytest.fail(f"{case.id}: Prism answered {code}, yet the call returned {result!r:.200}")
    fail_for_rejection(case, info.value)
    assert info.value.status_code == code
    assert type(info.value) is expected_error(code), (
        f"{case.id}: {code} raised {type(info.value).__name__},"
        f" expected {expected_error(code).__name__}"
    )
