"""Apply an OpenAPI Overlay 1.0 document to a spec.

Each action's ``target`` is a JSONPath (RFC 9535). ``update`` is merged into every
node it selects (objects merge key by key, recursively; a selected array gets the
update appended); ``remove: true`` deletes every selected node; ``copy`` (as in
Overlay 1.1) is a JSONPath selecting one node, merged into every selected node like an
``update``, so that a schema can be derived from another one rather than restated.
Actions run in order, so one may remove a key that the next one sets anew. An action
that selects nothing is *not applicable* to this spec (the upstream bug it fixes may be
gone): it is reported, not an error.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import jsonpath


class OverlayError(Exception):
    """The overlay document itself is malformed."""


@dataclass
class OverlayReport:
    applied: list[str] = field(default_factory=list)
    not_applicable: list[str] = field(default_factory=list)


def _select(path: str, spec: Any, number: int) -> list[Any]:
    """The nodes the JSONPath ``path`` of action ``number`` selects."""
    try:
        return list(jsonpath.finditer(path, spec))
    except jsonpath.JSONPathError as exc:
        raise OverlayError(f"action {number}: bad JSONPath {path!r}: {exc}") from exc


def _merge(target: Any, update: Any) -> Any:
    if isinstance(target, dict) and isinstance(update, dict):
        for key, value in update.items():
            target[key] = _merge(target[key], value) if key in target else copy.deepcopy(value)
        return target
    return copy.deepcopy(update)


def _removal_order(match: jsonpath.JSONPathMatch) -> tuple[int, int]:
    key = match.parts[-1] if match.parts else 0
    return (0, -key) if isinstance(key, int) else (1, 0)


def _label(action: dict[str, Any]) -> str:
    return str(action.get("x-name") or action["target"])


def apply_overlay(spec: dict[str, Any], overlay: dict[str, Any]) -> OverlayReport:
    """Apply ``overlay`` to ``spec`` in place and say which actions applied."""
    if not str(overlay.get("overlay", "")).startswith("1."):
        raise OverlayError("not an Overlay 1.x document: the `overlay` version field is missing")
    report = OverlayReport()
    for number, action in enumerate(overlay.get("actions") or [], start=1):
        if "target" not in action or not (
            "update" in action or "copy" in action or action.get("remove")
        ):
            raise OverlayError(
                f"action {number} needs a `target` and an `update`, `copy` or `remove`"
            )
        if "copy" in action:
            sources = _select(action["copy"], spec, number)
            if len(sources) != 1:
                raise OverlayError(
                    f"action {number} ({_label(action)}): `copy` must select one node,"
                    f" not {len(sources)}"
                )
            action = {**action, "update": sources[0].obj}
        matches = _select(action["target"], spec, number)
        if not matches:
            report.not_applicable.append(_label(action))
            continue
        if action.get("remove"):
            # Delete list items from the end so that later indexes stay valid.
            for match in sorted(matches, key=_removal_order):
                if match.parent is None:
                    raise OverlayError(f"action {number}: the document root cannot be removed")
                del match.parent.obj[match.parts[-1]]
        else:
            for match in matches:
                if isinstance(match.obj, list):
                    items = action["update"]
                    match.obj.extend(copy.deepcopy(items if isinstance(items, list) else [items]))
                elif isinstance(match.obj, dict) and isinstance(action["update"], dict):
                    _merge(match.obj, action["update"])
                else:
                    raise OverlayError(
                        f"action {number} ({_label(action)}): `update` must be an object "
                        f"to merge into {match.path}"
                    )
        report.applied.append(_label(action))
    return report
