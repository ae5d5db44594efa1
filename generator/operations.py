"""``together_generated/operations.py``: every operation of the spec in one light index.

Written after openapi-python-client has run, from the overlaid spec and the generated
endpoint modules: its entries (``OperationInfo``) name each operation and its module
without importing any model, so a client can list the whole API at no import cost and
load an operation's full description (its module's ``OPERATION``) on first use. The
stream chunk model, which openapi-python-client does not carry to the templates (it reads
one media type per response), is taken here from the ``text/event-stream`` response.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from openapi_python_client.strings import ClassName

from generator.inventory import endpoint_modules, is_websocket, normalize, spec_operations

_MODEL = re.compile(r'^    "(\w+)": "\.(\w+)",$', re.M)
PREFIX = "together_generated.api."


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


_RESULT = re.compile(r'^    result_type="([^"]*)",$', re.M)


def _result_type(package: Path, module: str) -> str:
    """What the module's ``parse_response`` returns, as its description says."""
    source = package.parent.joinpath(*module.split(".")).with_suffix(".py").read_text()
    match = _RESULT.search(source)
    return match[1] if match else "None"


def entries(spec: dict[str, Any], package: Path) -> list[dict[str, Any]]:
    modules = endpoint_modules(package)
    models = dict(_MODEL.findall((package / "models" / "__init__.py").read_text()))
    found = []
    for (method, path), op in sorted(spec_operations(spec).items(), key=lambda kv: kv[0][::-1]):
        module = modules.get((method, normalize(path)))
        if module is None:
            continue  # reported as missing by the inventory
        chunk = stream_chunk(spec, op)
        chunk_ref = None
        if chunk is not None:
            cls = ClassName(chunk, "field_")
            if cls not in models:
                raise ValueError(f"{method} {path}: stream chunk model {cls} was not generated")
            chunk_ref = f"{models[cls]}:{cls}"
        found.append(
            {
                "operation_id": op.get("operationId") or "",
                "method": method,
                "path": path,
                "tag": (op.get("tags") or ["default"])[0],
                "module": module.removeprefix(PREFIX),
                "summary": " ".join((op.get("summary") or "").split()),
                "stream_chunk": chunk_ref,
                "deprecated": bool(op.get("deprecated")),
                "websocket": is_websocket(op),
                "returns": _result_type(package, module),
            }
        )
    return found


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
    stream_chunk: str | None  # ``module:Class`` of a streamed event's model, if it streams
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
