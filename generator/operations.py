"""``together_generated/operations.py``: every operation of the spec in one light index.

Written after openapi-python-client has run: each generated endpoint module is imported
and its description (``OPERATION``) read, with what only the spec says (the operationId,
``deprecated``, a WebSocket upgrade) added from it. The index's entries
(``OperationInfo``) name each operation and its module without importing any model, so
a client can list the whole API at no import cost and load an operation's full
description on first use. ``stream_chunk`` (the model each streamed event's ``data``
holds, from the ``text/event-stream`` response) is also what the endpoint template is
given, through ``generator/run_client.py``, for ``Operation.stream_chunk``.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from generator.inventory import is_websocket, normalize, spec_operations


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    ref = schema.get("$ref")
    if not ref:
        return None, schema
    name = ref.rsplit("/", 1)[1]
    return name, spec["components"]["schemas"][name]


def stream_chunk(spec: dict[str, Any], op: dict[str, Any]) -> str | None:
    """The component name of the model each streamed event's ``data`` holds, if any."""
    for code, response in (op.get("responses") or {}).items():
        if not str(code).startswith("2"):
            continue
        media = ((response or {}).get("content") or {}).get("text/event-stream")
        if not media or "schema" not in media:
            continue
        _, schema = _resolve(spec, media["schema"])
        for branch in [*schema.get("oneOf", []), *schema.get("anyOf", [])] or [schema]:
            branch_name, event = _resolve(spec, branch)
            data = (event.get("properties") or {}).get("data")
            if data is not None:
                data_name, _ = _resolve(spec, data)
                if data_name:
                    return data_name
            elif branch_name and "properties" in event and not schema.get("oneOf"):
                return branch_name
    return None


@contextmanager
def _imported_from(package: Path) -> Iterator[str]:
    """Import ``package`` (a freshly generated ``together_generated``) under its name, in
    place of any other copy, for the duration."""

    def forget() -> None:
        for name in [m for m in sys.modules if m.partition(".")[0] == package.name]:
            del sys.modules[name]

    forget()
    sys.path.insert(0, str(package.parent))
    try:
        yield package.name
    finally:
        sys.path.remove(str(package.parent))
        forget()


def descriptions(package: Path) -> Iterator[tuple[str, Any]]:
    """(module under ``api``, its ``OPERATION``) for every generated endpoint module."""
    with _imported_from(package) as name:
        for path in sorted((package / "api").rglob("*.py")):
            if path.name == "__init__.py":
                continue
            module = ".".join(path.relative_to(package / "api").with_suffix("").parts)
            yield module, importlib.import_module(f"{name}.api.{module}").OPERATION


def entries(spec: dict[str, Any], package: Path) -> list[dict[str, Any]]:
    ops = {(method, normalize(path)): op for (method, path), op in spec_operations(spec).items()}
    spec_paths = {(method, normalize(path)): path for method, path in spec_operations(spec)}
    found = []
    for module, described in descriptions(package):
        key = (described.method, normalize(described.path))
        op = ops[key]
        chunk = described.stream_chunk
        found.append(
            {
                "operation_id": op.get("operationId") or "",
                "method": described.method,
                "path": spec_paths[key],
                "tag": (op.get("tags") or ["default"])[0],
                "module": module,
                "summary": " ".join(described.summary.split()),
                "stream_chunk": chunk.__name__ if chunk is not None else None,
                "deprecated": bool(op.get("deprecated")),
                "websocket": is_websocket(op),
                "returns": described.result_type,
            }
        )
    return sorted(found, key=lambda item: (item["path"], item["method"]))


HEAD = '''"""Every operation of the API, in path order, without importing any of them (nor
attrs): see ``OperationInfo``; ``.load()`` gives the module's full ``Operation``."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from .types import Operation


class OperationInfo(NamedTuple):
    """An operation as this index lists it: enough to name it and find its module."""

    operation_id: str
    method: str
    path: str  # the spec's path template
    tag: str
    module: str  # e.g. ``batches.post_batches`` under ``together_generated.api``
    summary: str
    stream_chunk: str | None  # the class name of a streamed event's model (Operation.stream_chunk)
    deprecated: bool = False
    websocket: bool = False  # a WebSocket upgrade, not a request and answer
    returns: str = "None"  # what a successful answer is read as (``Operation.result_type``)

    @property
    def key(self) -> str:
        """``"POST /batches"``: how the operation is named in tables."""
        return f"{self.method} {self.path}"

    def load(self) -> Operation:
        """The operation's full description (imports its module)."""
        module = importlib.import_module(f"{__package__}.api.{self.module}")
        operation: Operation = module.OPERATION
        return operation


'''


def render(items: list[dict[str, Any]]) -> str:
    lines = [HEAD + "OPERATIONS: tuple[OperationInfo, ...] = ("]
    # By position, in the fields' order (each line a tuple): the index is built when a
    # client is first constructed, and keyword arguments cost a NamedTuple twice as much.
    fields = list(items[0]) if items else []
    lines.append(f"    # ({', '.join(fields)})")
    for item in items:
        assert list(item) == fields
        lines.append(f"    OperationInfo{tuple(item.values())!r},")
    lines += [")", ""]
    return "\n".join(lines)


def write(spec: dict[str, Any], package: Path) -> None:
    (package / "operations.py").write_text(render(entries(spec, package)))
