"""Contract cases made from the spec itself: for an operation, a call of the client method
the operation table names (or derives) with arguments taken from the spec's examples,
else composed from its schemas (as ``tests/test_spec_examples.py`` composes them).

A new operation of the spec is covered with no edit. Only what the spec can't provide
(a local file to upload) needs a hand-written case (``cases.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from together._namespaces import layout

from ..support.spec_examples import OMIT, _Composer, _given_examples, _resolve
from . import spec


def method_names() -> dict[str, str]:
    """``"POST /batches"`` → the dotted name of the first method that sends it."""
    names: dict[str, str] = {}
    for namespace, methods in layout().items():
        for method, entry in methods.items():
            names.setdefault(entry.info.key, f"{namespace}.{method}")
    return names


def _example(schema: dict[str, Any], given: Any = OMIT) -> Any:
    return given if given is not OMIT else _Composer("request").value(schema)


def arguments(method: str, route: str) -> dict[str, Any] | None:
    """Keyword arguments for the operation's method: its path parameters, its required
    query parameters and its JSON body's fields. None when its body isn't JSON."""
    operation = spec.operation(method, route)
    found: dict[str, Any] = {}
    for parameter in operation.get("parameters") or []:
        parameter = _resolve(parameter)
        if parameter.get("in") == "path" or parameter.get("required"):
            value = _example(parameter.get("schema") or {}, parameter.get("example", OMIT))
            if value is OMIT:
                return None
            found[parameter["name"]] = value
    body = _resolve(operation.get("requestBody") or {})
    content = body.get("content") or {}
    if content:
        media = content.get("application/json")
        if media is None:
            return None  # multipart: a file the spec can't provide
        value = next((v for _, v in _given_examples(media)), OMIT)
        value = _example(media.get("schema") or {}, value)
        if not isinstance(value, dict):
            return None
        value.pop("stream", None)  # a stream is a different result; its own tests cover it
        found.update(value)
    return found


def call_for(method: str, route: str) -> Callable[..., Any] | None:
    """``call(client, data, **options)`` for the operation, or None when the spec can't
    provide its arguments."""
    name = method_names().get(f"{method} {route}")
    kwargs = arguments(method, route)
    if name is None or kwargs is None:
        return None

    def call(client: Any, data: Any, **options: Any) -> Any:
        target = client
        for part in name.split("."):
            target = getattr(target, part)
        return target(**kwargs, **options)

    call.__name__ = name
    return call
