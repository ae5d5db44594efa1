"""The overlaid spec the contract tests check against, its HTTP operations, and JSON-Schema
validators over its component schemas.

The spec is the pinned one with ``openapi/overlay.yaml`` applied by the generator's own
function: the document ``make generate`` writes to ``build/spec/together-openapi.overlaid.json``
and generates from. This session writes its own copy (in a temporary folder, so that a
concurrent ``make generate`` or test run never hands Prism a half-written file), made
from the current overlay.
"""

from __future__ import annotations

import functools
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest

from generator.__main__ import OVERLAID, overlaid_spec
from generator.spec import fetch

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SPEC_URI = "urn:together:openapi"


_FOLDER = tempfile.TemporaryDirectory(prefix="together-contract-")  # removed at exit


@functools.cache
def path() -> Path:
    """Write the overlaid spec (as ``make generate`` does) and return its path."""
    dest = Path(_FOLDER.name) / OVERLAID.name
    overlaid_spec(fetch(), dest)
    return dest


@functools.cache
def document() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(path().read_text())
    return result


def is_websocket(operation: dict[str, Any]) -> bool:
    """A WebSocket endpoint: its only response is 101 Switching Protocols."""
    return set(operation.get("responses", {})) == {"101"}


@functools.cache
def http_operations() -> tuple[tuple[str, str], ...]:
    """Every (METHOD, path) of the spec that speaks plain HTTP (WebSocket GETs left out)."""
    return tuple(
        (method.upper(), route)
        for route, item in document()["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS and not is_websocket(operation)
    )


def operation(method: str, route: str) -> dict[str, Any]:
    result: dict[str, Any] = document()["paths"][route][method.lower()]
    return result


def success_status(method: str, route: str) -> str:
    """The status the operation answers a good request with (2xx, else the lone 3xx)."""
    codes = sorted(operation(method, route)["responses"])
    return next((c for c in codes if c.startswith("2")), None) or next(
        c for c in codes if c.startswith("3")
    )


def error_statuses(method: str, route: str) -> list[str]:
    """The error responses the operation declares (4xx, 5xx and ``default``)."""
    return [
        code
        for code in operation(method, route)["responses"]
        if code == "default" or code[0] in "45"
    ]


def response_media_types(method: str, route: str, status: str) -> list[str]:
    response = operation(method, route)["responses"][status]
    if "$ref" in response:
        response = _follow(response["$ref"])
    return list(response.get("content", {}))


def request_schema(method: str, route: str, media_type: str = "application/json") -> dict[str, Any]:
    """A JSON Schema (a ``$ref`` into the spec) for the operation's request body."""
    pointer = f"/paths/{_escape(route)}/{method.lower()}/requestBody"
    body = operation(method, route)["requestBody"]
    if "$ref" in body:
        pointer = body["$ref"].removeprefix("#")
        body = _follow(body["$ref"])
    assert media_type in body["content"], f"{method} {route} takes no {media_type} body"
    return {"$ref": f"{SPEC_URI}#{pointer}/content/{_escape(media_type)}/schema"}


def component(name: str) -> dict[str, Any]:
    assert name in document()["components"]["schemas"], f"no schema {name} in the spec"
    return {"$ref": f"{SPEC_URI}#/components/schemas/{name}"}


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _follow(ref: str) -> dict[str, Any]:
    node: Any = document()
    for token in ref.removeprefix("#/").split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
    result: dict[str, Any] = node
    return result


@functools.cache
def _registry() -> Any:
    try:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012
    except ImportError:  # pragma: no cover - depends on the environment
        pytest.fail(
            "jsonschema is not installed: the contract tests validate payloads with it."
            " It is in pyproject's dev dependencies: run `make venv` (or"
            " `.venv/bin/pip install -e '.[dev]'`).",
            pytrace=False,
        )
    # OpenAPI 3.1 schemas are JSON Schema 2020-12; the whole document is one resource, so
    # that every "#/components/schemas/..." inside it resolves.
    resource = Resource(contents=document(), specification=DRAFT202012)
    return Registry().with_resource(SPEC_URI, resource)


def errors(schema: dict[str, Any], instance: Any) -> list[str]:
    """Every way ``instance`` breaks ``schema`` (empty when it is valid), one line each."""
    registry = _registry()
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema, registry=registry)
    found = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    lines = []
    for error in found:
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        detail = error.message
        if error.context:  # a oneOf/anyOf: say why the best branch failed
            best = max(error.context, key=lambda e: len(list(e.absolute_path)))
            detail += f" [e.g. {'/'.join(str(p) for p in best.absolute_path)}: {best.message}]"
        lines.append(f"{where}: {detail[:400]}")
    return lines
