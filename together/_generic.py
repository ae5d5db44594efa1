"""``client.get / post / put / patch / delete``: a request to a path the spec doesn't have
yet, through the same transport (retries, errors, per-call options) as every method."""

from __future__ import annotations

import functools
from typing import Any

import httpx

from ._drivers import Either
from ._open_values import strictly
from ._resource import check_path, plain
from ._streaming import AsyncStream, Stream
from ._transport import Call, split_options


def _reader(cast_to: Any, strict: bool) -> Any:
    if hasattr(cast_to, "from_response"):  # a generated model
        return functools.partial(strictly, cast_to.from_dict) if strict else cast_to.from_response
    return None


def generic_call(
    method: str,
    path: str,
    *,
    body: Any = None,
    params: Any = None,
    files: Any = None,
    cast_to: Any = None,
    stream: bool = False,
    options: dict[str, Any],
) -> Call[Any]:
    """The call: ``body`` is sent as JSON (generated models as their JSON), ``files`` as
    multipart. ``cast_to`` says what to return: None or ``object`` (the JSON as Python
    values), a generated model (read as its responses are), ``bytes``, ``str``, or
    ``httpx.Response`` (the response itself, read). With ``stream=True`` the result is a
    Stream of ``cast_to`` items (or of plain JSON values)."""
    where = f"{method.lower()}({path!r})"
    if not isinstance(path, str) or not path:
        raise TypeError(f"{method.lower()}: path must be a non-empty string, got {path!r}")
    check_path(where, {"path": path.strip("/") or path})
    fields, call_options = split_options(dict(options))
    if fields:
        raise TypeError(f"{where}: unexpected arguments: {', '.join(sorted(fields))}")
    request: dict[str, Any] = {"method": method, "url": path}
    if params is not None:
        request["params"] = plain(params)
    if body is not None:
        request["json"] = plain(body)
    if files is not None:
        request["files"] = files

    def parse(response: httpx.Response, strict: bool) -> Any:
        if cast_to is httpx.Response:
            return response
        if cast_to is bytes:
            return response.content
        if cast_to is str:
            return response.text
        if not response.content:
            return None
        value = response.json()  # not JSON: APIResponseValidationError, from the transport
        read = _reader(cast_to, strict)
        return value if read is None else read(value)

    def open_stream(response: httpx.Response, strict: bool) -> Either[Any, Any]:
        read = _reader(cast_to, strict)
        return Either(Stream, AsyncStream, response, read if read is not None else _same)

    if stream:
        request.setdefault("headers", {})["Accept"] = "text/event-stream"
    return Call(request, parse, call_options, open_stream if stream else None)


def _same(item: Any) -> Any:
    return item
