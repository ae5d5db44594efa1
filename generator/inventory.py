"""What the spec describes against what was generated: operations and schemas.

Used by ``python -m generator`` (printed after every run) and by the tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openapi_python_client.strings import ClassName

from generator.overlay import OverlayReport

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "options", "head", "trace")
_ENDPOINT = re.compile(r'"method": "(\w+)",\s*"url": f?"([^"]+)"')
_MODEL = re.compile(r'^    "(\w+)": "\.(\w+)",$', re.M)

__all__ = ["Inventory", "OverlayReport", "build", "endpoint_modules", "spec_operations"]


def normalize(path: str) -> str:
    """``/files/{id}`` and ``/files/{file_id}`` name the same operation path."""
    return re.sub(r"\{[^}]*\}", "{}", path)


def is_websocket(operation: dict[str, Any]) -> bool:
    """An operation that only ever answers 101 Switching Protocols is a WebSocket."""
    return set(map(str, operation.get("responses") or {})) == {"101"}


def spec_operations(spec: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """Every operation of the spec, keyed by (METHOD, path template)."""
    return {
        (method.upper(), path): op
        for path, item in (spec.get("paths") or {}).items()
        for method, op in item.items()
        if method in HTTP_METHODS
    }


def endpoint_modules(package: Path) -> dict[tuple[str, str], str]:
    """(METHOD, normalized path) → dotted module name, read from the generated source."""
    found = {}
    for path in sorted((package / "api").rglob("*.py")):
        match = _ENDPOINT.search(path.read_text())
        if match:
            module = ".".join(path.relative_to(package.parent).with_suffix("").parts)
            found[(match[1].upper(), normalize(match[2]))] = module
    return found


def schema_kind(schema: dict[str, Any]) -> str:
    """How the generator renders a component schema: as a model class, or inline."""
    if "enum" in schema or "const" in schema:
        return "enum"
    if "oneOf" in schema or "anyOf" in schema:
        return "union"
    if schema.get("type") == "object" or "properties" in schema or "allOf" in schema:
        return "model"
    return "alias"


@dataclass
class Inventory:
    http_operations: list[tuple[str, str]] = field(default_factory=list)
    websocket_operations: list[tuple[str, str]] = field(default_factory=list)
    missing_operations: list[tuple[str, str]] = field(default_factory=list)
    schemas: dict[str, int] = field(default_factory=dict)
    missing_models: list[str] = field(default_factory=list)
    models_generated: int = 0
    overlay: OverlayReport = field(default_factory=OverlayReport)

    @property
    def complete(self) -> bool:
        return not self.missing_operations and not self.missing_models

    def render(self) -> str:
        http = len(self.http_operations)
        lines = [
            f"operations: {http - len(self.missing_operations)}/{http} HTTP operations generated"
            f" ({len(self.websocket_operations)} WebSocket operations not counted: "
            + ", ".join(f"{m} {p}" for m, p in self.websocket_operations)
            + ")",
            f"schemas: {sum(self.schemas.values())} component schemas"
            f" ({self.schemas.get('model', 0)} objects, each a model class;"
            f" {self.schemas.get('enum', 0)} enums, each a Literal type;"
            f" {self.schemas.get('union', 0)} unions and {self.schemas.get('alias', 0)} arrays"
            " or scalars, inlined as type annotations where used);"
            f" {self.models_generated} model modules generated",
            f"overlay: {len(self.overlay.applied)} actions applied,"
            f" {len(self.overlay.not_applicable)} not applicable",
        ]
        lines += [f"  not applicable: {name}" for name in self.overlay.not_applicable]
        lines += [f"  MISSING operation: {m} {p}" for m, p in self.missing_operations]
        lines += [f"  MISSING model for object schema: {name}" for name in self.missing_models]
        return "\n".join(lines)


def build(spec: dict[str, Any], package: Path, overlay: OverlayReport | None = None) -> Inventory:
    inv = Inventory(overlay=overlay or OverlayReport())
    generated = endpoint_modules(package)
    for (method, path), op in sorted(spec_operations(spec).items()):
        if is_websocket(op):
            inv.websocket_operations.append((method, path))
            continue
        inv.http_operations.append((method, path))
        if (method, normalize(path)) not in generated:
            inv.missing_operations.append((method, path))
    models = dict(_MODEL.findall((package / "models" / "__init__.py").read_text()))
    inv.models_generated = len(models)
    for name, schema in (spec.get("components", {}).get("schemas") or {}).items():
        kind = schema_kind(schema)
        inv.schemas[kind] = inv.schemas.get(kind, 0) + 1
        if kind == "model" and ClassName(name, "field_") not in models:
            inv.missing_models.append(name)
    return inv
