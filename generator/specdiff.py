"""What changed between two versions of an OpenAPI spec, as a Markdown report.

    python -m generator.specdiff OLD NEW      # make spec-diff NEW=<file> [OLD=<file>]

Reports operations added and removed; per operation, parameters, request body and
responses (by status); per component schema, fields added and removed, type changes
(format included), required/optional, enum values, nullable, and allOf/oneOf/anyOf
variants. A request or response body that is a ``$ref`` is reported by the schema's name;
that schema's own changes are in the schemas section. Breaking changes are marked
**breaking** and counted at the top: a removed operation, schema, field or parameter; a
request field or parameter newly required; a changed type; an enum value or a variant
removed from a schema a request uses; a request content type removed.

A schema counts as a request schema when a request body or parameter reaches it through
``$ref``s (in either version), as a response schema when a response does; a schema no
operation reaches counts as both. Output is deterministic. Exit code 0 with the report,
1 when a file cannot be read or is not an OpenAPI document.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.specfile import load_yaml

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
COMPOSITIONS = ("allOf", "oneOf", "anyOf")
SCHEMA_PREFIX = "#/components/schemas/"
BREAKING = "**breaking**"


class SpecDiffError(Exception):
    """A spec could not be read."""


@dataclass(frozen=True)
class Change:
    text: str
    breaking: bool = False

    def line(self) -> str:
        return f"- {BREAKING} {self.text}" if self.breaking else f"- {self.text}"


@dataclass
class Report:
    old_name: str
    new_name: str
    old_info: str
    new_info: str
    ops_added: list[str] = field(default_factory=list)
    ops_removed: list[str] = field(default_factory=list)
    ops_changed: dict[str, list[Change]] = field(default_factory=dict)
    schemas_added: list[str] = field(default_factory=list)
    schemas_removed: list[str] = field(default_factory=list)
    schemas_changed: dict[str, list[Change]] = field(default_factory=dict)
    schema_usage: dict[str, str] = field(default_factory=dict)

    def breaking(self) -> list[str]:
        out = [f"operation removed: {op}" for op in self.ops_removed]
        out += [f"schema removed: `{name}`" for name in self.schemas_removed]
        for subject, changes in [*self.ops_changed.items(), *self.schemas_changed.items()]:
            out += [f"{subject}: {c.text}" for c in changes if c.breaking]
        return out

    def total(self) -> int:
        return (
            len(self.ops_added)
            + len(self.ops_removed)
            + len(self.schemas_added)
            + len(self.schemas_removed)
            + sum(len(c) for c in self.ops_changed.values())
            + sum(len(c) for c in self.schemas_changed.values())
        )


# --- Reading ---------------------------------------------------------------------------


def load(path: Path) -> dict[str, Any]:
    try:
        doc = load_yaml(path)
    except (OSError, yaml.YAMLError) as exc:
        raise SpecDiffError(f"cannot read {path}: {exc}") from exc
    if not isinstance(doc, dict) or "openapi" not in doc or not isinstance(doc.get("paths"), dict):
        raise SpecDiffError(f"{path} is not an OpenAPI document (no `openapi` and `paths`)")
    return doc


def operations(spec: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """(METHOD, path) -> the operation, with the path item's parameters merged in."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for path, item in (spec.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            op = item.get(method)
            if isinstance(op, dict):
                op = dict(op)
                params = {_param_key(spec, p): p for p in item.get("parameters") or []}
                params.update({_param_key(spec, p): p for p in op.get("parameters") or []})
                op["parameters"] = params
                out[(method.upper(), path)] = op
    return out


def _resolve(spec: dict[str, Any], node: Any) -> Any:
    """Follow a local ``$ref`` (for parameters, request bodies and responses)."""
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 20:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            return node
        target: Any = spec
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part) if isinstance(target, dict) else None
        if target is None:
            return node
        node, seen = target, seen + 1
    return node


def _param_key(spec: dict[str, Any], param: Any) -> str:
    p = _resolve(spec, param)
    return f"{p.get('in', '?')}:{p.get('name', '?')}" if isinstance(p, dict) else "?:?"


def op_label(key: tuple[str, str], op: dict[str, Any]) -> str:
    oid = op.get("operationId")
    return f"`{key[0]} {key[1]}`" + (f" ({oid})" if oid else "")


def _op_order(key: tuple[str, str]) -> tuple[str, int]:
    return (key[1], METHODS.index(key[0].lower()))


# --- Describing schemas ----------------------------------------------------------------


def ref_name(node: Any) -> str | None:
    if isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref: str = node["$ref"]
        return ref[len(SCHEMA_PREFIX) :] if ref.startswith(SCHEMA_PREFIX) else ref
    return None


def _types(node: dict[str, Any]) -> list[str]:
    t = node.get("type")
    types = [t] if isinstance(t, str) else [x for x in t if isinstance(x, str)] if t else []
    return [x for x in types if x != "null"]


def nullable(node: Any) -> bool:
    if not isinstance(node, dict):
        return False
    if node.get("nullable") is True:
        return True
    t = node.get("type")
    if isinstance(t, list) and "null" in t:
        return True
    for key in ("oneOf", "anyOf"):
        if any(isinstance(v, dict) and v.get("type") == "null" for v in node.get(key) or []):
            return True
    return False


def _variants(node: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return [
        v
        for v in node.get(key) or []
        if isinstance(v, dict) and not (v.get("type") == "null" and len(v) <= 2)
    ]


def describe(node: Any, variant: bool = False) -> str:
    """A schema's type in a few words, without looking inside ``$ref``s or properties.

    Enums are reported on their own, except in a list of variants (``variant``), where
    ``string enum`` tells an enum branch from a free ``string`` one.
    """
    if not isinstance(node, dict):
        return "any"
    name = ref_name(node)
    if name:
        return f"`{name}`"
    for key in COMPOSITIONS:
        variants = _variants(node, key)
        if variants:
            if key != "allOf" and len(variants) == 1 and not _types(node):
                return describe(variants[0])
            return f"{key}[{', '.join(describe(v, True) for v in variants)}]"
    types = _types(node)
    if not types:
        if "properties" in node:
            types = ["object"]
        elif "items" in node:
            types = ["array"]
        elif "enum" in node:
            types = ["enum"]
    parts = []
    for t in types or ["any"]:
        if t == "array":
            parts.append(f"array of {describe(node.get('items'))}")
        else:
            fmt = node.get("format")
            parts.append(f"{t} ({fmt})" if fmt and len(types) <= 1 else t)
    enum = " enum" if variant and "enum" in node and types else ""
    return " | ".join(parts) + enum


def _widens(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """True when every value ``old`` accepts, ``new`` accepts: integer to number, or a
    choice of variants collapsed into the free one of them (``anyOf[string enum, string]``
    to ``string``)."""
    old_desc, new_desc = describe(old), describe(new)
    if old_desc.startswith("integer") and new_desc == "number":
        return True
    choices = [describe(v, True) for k in ("oneOf", "anyOf") for v in _variants(old, k)]
    free = [c for c in choices if not c.endswith(" enum")]
    return bool(choices) and "enum" not in new and free == [new_desc]


def _properties(node: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """Properties and required names, including those of inline allOf members."""
    props = dict(node.get("properties") or {})
    required = set(node.get("required") or [])
    for member in node.get("allOf") or []:
        if isinstance(member, dict) and not ref_name(member):
            sub_props, sub_required = _properties(member)
            props.update(sub_props)
            required |= sub_required
    return props, required


# --- Comparing schemas -----------------------------------------------------------------


def diff_schema(old: Any, new: Any, side: str, path: str = "") -> list[Change]:
    """Changes from ``old`` to ``new`` (schema nodes); ``side`` is request/response/both.

    ``path`` names the node inside the schema: "" for the schema itself, ``a.b`` for a
    field, ``a[]`` for the items of an array field, ``a{}`` for a map's values.
    """
    out: list[Change] = []
    if not isinstance(old, dict) or not isinstance(new, dict):
        return out
    request = side in ("request", "both")
    at = f"field `{path}`: " if path else ""

    old_desc, new_desc = describe(old), describe(new)
    both_arrays = old_desc.startswith("array of") and new_desc.startswith("array of")
    both_composed = any(_variants(old, k) and _variants(new, k) for k in COMPOSITIONS)
    if old_desc != new_desc and not both_arrays and not both_composed:
        widened = side == "request" and _widens(old, new)
        out.append(Change(f"{at}type {old_desc} → {new_desc}", not widened))

    if nullable(old) != nullable(new):
        if nullable(new):
            out.append(Change(f"{at}now nullable"))
        else:
            out.append(Change(f"{at}no longer nullable", request))

    old_enum, new_enum = old.get("enum"), new.get("enum")
    if isinstance(old_enum, list) and isinstance(new_enum, list):
        added = [v for v in new_enum if v not in old_enum]
        removed = [v for v in old_enum if v not in new_enum]
        if added:
            out.append(Change(f"{at}enum values added: {_values(added)}"))
        if removed:
            out.append(Change(f"{at}enum values removed: {_values(removed)}", request))
    elif isinstance(new_enum, list):
        out.append(Change(f"{at}now an enum: {_values(new_enum)}", request))
    elif isinstance(old_enum, list):
        out.append(Change(f"{at}no longer an enum"))

    for key in COMPOSITIONS:
        old_v = [describe(v, True) for v in _variants(old, key)]
        new_v = [describe(v, True) for v in _variants(new, key)]
        if old_v == new_v or not (old_v and new_v):
            continue  # unchanged, or a change of type reported above
        came = [v for v in new_v if v not in old_v]
        gone = [v for v in old_v if v not in new_v]
        # allOf: one more part to satisfy narrows; oneOf/anyOf: one fewer choice narrows.
        if came:
            out.append(Change(f"{at}{key} variants added: {', '.join(came)}", key == "allOf"))
        if gone:
            out.append(
                Change(f"{at}{key} variants removed: {', '.join(gone)}", request or key == "allOf")
            )
        if not came and not gone:
            out.append(Change(f"{at}{key} variants reordered: {', '.join(new_v)}"))

    if ref_name(old) or ref_name(new):
        return out  # a referenced schema's own changes are reported under its name

    old_props, old_req = _properties(old)
    new_props, new_req = _properties(new)
    for name in sorted(set(old_props) | set(new_props)):
        sub = f"{path}.{name}" if path else name
        fld = f"field `{sub}`"
        if name not in new_props:
            out.append(Change(f"{fld} removed", True))
        elif name not in old_props:
            req = name in new_req
            kind = "required" if req else "optional"
            out.append(
                Change(f"{fld} added ({kind}, {describe(new_props[name])})", req and request)
            )
        else:
            if (name in old_req) != (name in new_req):
                if name in new_req:
                    out.append(Change(f"{fld} is now required", request))
                else:
                    out.append(Change(f"{fld} is now optional"))
            out += diff_schema(old_props[name], new_props[name], side, sub)

    for key, mark in (("items", "[]"), ("additionalProperties", "{}")):
        if isinstance(old.get(key), dict) and isinstance(new.get(key), dict):
            out += diff_schema(old[key], new[key], side, f"{path}{mark}")
    return out


def _values(values: list[Any]) -> str:
    return ", ".join(f"`{v}`" for v in values)


# --- Which schemas requests and responses use -------------------------------------------


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        name = ref_name(node)
        if name and not name.startswith("#"):
            yield name
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _reachable(spec: dict[str, Any], roots: list[Any]) -> set[str]:
    schemas = (spec.get("components") or {}).get("schemas") or {}
    seen: set[str] = set()
    todo = [name for root in roots for name in _refs(root)]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo += _refs(schemas.get(name))
    return seen


def usage(*specs: dict[str, Any]) -> tuple[set[str], set[str]]:
    """Schemas reached from request bodies and parameters; from responses."""
    requests: set[str] = set()
    responses: set[str] = set()
    for spec in specs:
        ops = operations(spec).values()
        req_roots: list[Any] = []
        resp_roots: list[Any] = []
        for op in ops:
            req_roots += [_resolve(spec, p) for p in op["parameters"].values()]
            req_roots.append(_resolve(spec, op.get("requestBody")))
            resp_roots += [_resolve(spec, r) for r in (op.get("responses") or {}).values()]
        requests |= _reachable(spec, req_roots)
        responses |= _reachable(spec, resp_roots)
    return requests, responses


# --- Comparing operations --------------------------------------------------------------


def _content(spec: dict[str, Any], node: Any) -> dict[str, Any]:
    node = _resolve(spec, node)
    content = node.get("content") if isinstance(node, dict) else None
    return {k: (v or {}).get("schema") for k, v in (content or {}).items()}


def _diff_bodies(old: dict[str, Any], new: dict[str, Any], side: str, what: str) -> list[Change]:
    out: list[Change] = []
    request = side == "request"
    for ctype in sorted(set(old) | set(new)):
        if ctype not in new:
            out.append(Change(f"{what}: content type `{ctype}` removed", request))
        elif ctype not in old:
            out.append(Change(f"{what}: content type `{ctype}` added"))
        else:
            o, n = old[ctype], new[ctype]
            if not isinstance(o, dict) or not isinstance(n, dict):
                continue
            label = what if len(set(old) | set(new)) == 1 else f"{what} (`{ctype}`)"
            if ref_name(o) or ref_name(n):
                if describe(o) != describe(n):
                    out.append(Change(f"{label}: schema {describe(o)} → {describe(n)}", True))
                continue
            for change in diff_schema(o, n, side):
                out.append(Change(f"{label}: {change.text}", change.breaking))
    return out


def diff_operation(
    old_spec: dict[str, Any], new_spec: dict[str, Any], old: dict[str, Any], new: dict[str, Any]
) -> list[Change]:
    out: list[Change] = []
    old_params = {k: _resolve(old_spec, p) for k, p in old["parameters"].items()}
    new_params = {k: _resolve(new_spec, p) for k, p in new["parameters"].items()}
    for key in sorted(set(old_params) | set(new_params)):
        where, name = key.split(":", 1)
        label = f"{where} parameter `{name}`"
        if key not in new_params:
            out.append(Change(f"{label} removed", True))
            continue
        n = new_params[key]
        if key not in old_params:
            req = bool(n.get("required"))
            kind = "required" if req else "optional"
            out.append(Change(f"{label} added ({kind}, {describe(n.get('schema'))})", req))
            continue
        o = old_params[key]
        if bool(o.get("required")) != bool(n.get("required")):
            if n.get("required"):
                out.append(Change(f"{label} is now required", True))
            else:
                out.append(Change(f"{label} is now optional"))
        for change in diff_schema(o.get("schema"), n.get("schema"), "request"):
            out.append(Change(f"{label}: {change.text}", change.breaking))

    old_body, new_body = (
        _resolve(old_spec, old.get("requestBody")),
        _resolve(new_spec, new.get("requestBody")),
    )
    if isinstance(old_body, dict) or isinstance(new_body, dict):
        if not isinstance(new_body, dict):
            out.append(Change("request body removed", True))
        elif not isinstance(old_body, dict):
            req = bool(new_body.get("required"))
            schemas = ", ".join(describe(s) for s in _content(new_spec, new_body).values())
            out.append(
                Change(
                    f"request body added ({'required' if req else 'optional'}, "
                    f"{schemas or 'no schema'})",
                    req,
                )
            )
        else:
            if bool(old_body.get("required")) != bool(new_body.get("required")):
                if new_body.get("required"):
                    out.append(Change("request body is now required", True))
                else:
                    out.append(Change("request body is now optional"))
            out += _diff_bodies(
                _content(old_spec, old_body),
                _content(new_spec, new_body),
                "request",
                "request body",
            )

    old_resp = old.get("responses") or {}
    new_resp = new.get("responses") or {}
    for status in sorted(set(old_resp) | set(new_resp), key=str):
        label = f"response {status}"
        if status not in new_resp:
            out.append(Change(f"{label} removed"))
        elif status not in old_resp:
            schemas = ", ".join(describe(s) for s in _content(new_spec, new_resp[status]).values())
            out.append(Change(f"{label} added" + (f" ({schemas})" if schemas else "")))
        else:
            out += _diff_bodies(
                _content(old_spec, old_resp[status]),
                _content(new_spec, new_resp[status]),
                "response",
                label,
            )
    return out


# --- The report ------------------------------------------------------------------------


def _info(spec: dict[str, Any]) -> str:
    schemas = (spec.get("components") or {}).get("schemas") or {}
    version = (spec.get("info") or {}).get("version", "?")
    return (
        f"OpenAPI {spec.get('openapi')}, info.version {version}, "
        f"{len(operations(spec))} operations, {len(schemas)} schemas"
    )


def diff(
    old: dict[str, Any], new: dict[str, Any], old_name: str = "old", new_name: str = "new"
) -> Report:
    report = Report(old_name, new_name, _info(old), _info(new))
    old_ops, new_ops = operations(old), operations(new)
    for key in sorted(set(old_ops) | set(new_ops), key=_op_order):
        if key not in new_ops:
            report.ops_removed.append(op_label(key, old_ops[key]))
        elif key not in old_ops:
            report.ops_added.append(op_label(key, new_ops[key]))
        else:
            changes = diff_operation(old, new, old_ops[key], new_ops[key])
            if changes:
                report.ops_changed[op_label(key, new_ops[key])] = changes

    requests, responses = usage(old, new)
    old_schemas = (old.get("components") or {}).get("schemas") or {}
    new_schemas = (new.get("components") or {}).get("schemas") or {}
    for name in sorted(set(old_schemas) | set(new_schemas)):
        if name not in new_schemas:
            report.schemas_removed.append(name)
            continue
        if name not in old_schemas:
            report.schemas_added.append(name)
            continue
        in_req, in_resp = name in requests, name in responses
        side = (
            "request"
            if in_req and not in_resp
            else "response"
            if in_resp and not in_req
            else "both"
        )
        changes = diff_schema(old_schemas[name], new_schemas[name], side)
        if changes:
            report.schemas_changed[f"`{name}`"] = changes
            report.schema_usage[f"`{name}`"] = (
                "request and response"
                if in_req and in_resp
                else "request"
                if in_req
                else "response"
                if in_resp
                else "no operation"
            )
    return report


def render(report: Report) -> str:
    breaking = report.breaking()
    lines = [
        f"# API changes: {report.old_name} → {report.new_name}",
        "",
        f"- old: `{report.old_name}` ({report.old_info})",
        f"- new: `{report.new_name}` ({report.new_info})",
        "",
        f"**{len(breaking)} breaking change{'s' if len(breaking) != 1 else ''}** "
        f"({BREAKING} below), {report.total()} changes in all. "
        f"Operations: {len(report.ops_added)} added, {len(report.ops_removed)} removed, "
        f"{len(report.ops_changed)} changed. "
        f"Schemas: {len(report.schemas_added)} added, {len(report.schemas_removed)} removed, "
        f"{len(report.schemas_changed)} changed.",
        "",
    ]
    if breaking:
        lines += ["## Breaking changes", ""] + [f"- {b}" for b in breaking] + [""]
    lines += ["## Operations", ""]
    if not (report.ops_added or report.ops_removed or report.ops_changed):
        lines += ["No change.", ""]
    if report.ops_added:
        lines += ["### Added", ""] + [f"- {op}" for op in report.ops_added] + [""]
    if report.ops_removed:
        lines += ["### Removed", ""] + [f"- {BREAKING} {op}" for op in report.ops_removed] + [""]
    if report.ops_changed:
        lines += ["### Changed", ""]
        for subject, changes in report.ops_changed.items():
            lines += [f"#### {subject}", ""] + [c.line() for c in changes] + [""]
    lines += ["## Schemas", ""]
    if not (report.schemas_added or report.schemas_removed or report.schemas_changed):
        lines += ["No change.", ""]
    if report.schemas_added:
        lines += ["### Added", ""] + [f"- `{name}`" for name in report.schemas_added] + [""]
    if report.schemas_removed:
        lines += ["### Removed", ""]
        lines += [f"- {BREAKING} `{name}`" for name in report.schemas_removed] + [""]
    if report.schemas_changed:
        lines += ["### Changed", ""]
        for subject, changes in report.schemas_changed.items():
            used = report.schema_usage[subject]
            lines += [f"#### {subject} (used by: {used})", ""]
            lines += [c.line() for c in changes] + [""]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m generator.specdiff", description=__doc__.splitlines()[0]
    )
    parser.add_argument("old", type=Path, help="the older spec (YAML or JSON)")
    parser.add_argument("new", type=Path, help="the newer spec (YAML or JSON)")
    args = parser.parse_args(argv)
    try:
        old, new = load(args.old), load(args.new)
    except SpecDiffError as exc:
        print(f"spec-diff: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write(render(diff(old, new, args.old.name, args.new.name)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
