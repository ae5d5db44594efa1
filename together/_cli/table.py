"""Lists as tables for people: columns chosen by what they are for, not by field order.

The guarantees, in order:
- an id (or a model name, which people copy into ``-m``) and a number are never cut;
- a cut text cell ends with ``…``;
- when the line is wider than the terminal, text cells are cut (to 12 characters at
  least) and columns dropped, least useful first, before any id is cut; when the id
  alone is wider, the line overflows;
- dates read as ``2026-12-07 03:12`` (local time) and sizes as ``47.7 MB``.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

# The widest a text cell gets before it is cut (ids and numbers are never cut), and the
# narrowest it is cut to before columns are dropped.
TEXT_WIDTH = 32
MIN_TEXT = 12


class Column(NamedTuple):
    """A column: its header, how to read a cell from an item, how it is shown, and how
    much it is worth keeping (lower is kept longer)."""

    header: str
    read: Callable[[dict[str, Any]], Any]
    kind: str  # "id" (never cut), "text", "number", "date", "size", "price"
    keep: int


def _field(*names: str) -> Callable[[dict[str, Any]], Any]:
    def read(item: dict[str, Any]) -> Any:
        for name in names:
            if item.get(name) not in (None, ""):
                return item[name]
        return None

    return read


# Fields by purpose, in the order they are shown; the first name an item has is read.
# ``keep`` orders what is dropped first at a narrow terminal (highest first).
PURPOSES: tuple[tuple[str, tuple[str, ...], str, int], ...] = (
    ("ID", ("id",), "id", 0),
    ("NAME", ("display_name", "name", "filename", "suffix", "title"), "text", 2),
    ("STATUS", ("status", "state"), "text", 1),
    ("MODEL", ("model", "model_name", "base_model", "output_name"), "id", 3),
    ("TYPE", ("type", "purpose", "endpoint"), "text", 5),
    ("SIZE", ("bytes", "size"), "size", 4),
    ("CREATED", ("created_at", "created", "create_time"), "date", 4),
)


def columns_for(items: Sequence[dict[str, Any]]) -> list[Column]:
    """The purpose columns the items have; when an item has none of them (a kind of
    result this table doesn't know), its first scalar fields, in order."""
    found = [
        Column(header, _field(*names), kind, keep)
        for header, names, kind, keep in PURPOSES
        if any(_field(*names)(item) is not None for item in items)
    ]
    if len(found) > 1 or (found and len(items[0]) <= 1):
        return found
    seen: list[str] = []
    for item in items:
        for key, value in item.items():
            if key not in seen and not isinstance(value, (dict, list)):
                seen.append(key)

    def kind(key: str) -> str:
        values = [item[key] for item in items if item.get(key) is not None]
        if key == "id":
            return "id"
        numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
        return "number" if values and numeric else "text"

    return [Column(key.upper(), _field(key), kind(key), 0 if key == "id" else 6) for key in seen]


def human_size(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _plain(value)
    size = float(value)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if abs(size) < 1000 or unit == "TB":
            return f"{int(size)} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")


def human_date(value: Any) -> str:
    """Epoch seconds (or milliseconds) or an ISO 8601 text, as local ``YYYY-MM-DD HH:MM``."""
    seconds: float | None = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else float(value)
    elif isinstance(value, str):
        from datetime import datetime

        try:
            seconds = datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return value
    if seconds is None:
        return _plain(value)
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(seconds))


def human_price(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _plain(value)
    return f"{value:.2f}" if value >= 0.01 or value == 0 else f"{value:.4f}"


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


_SHOW: dict[str, Callable[[Any], str]] = {
    "size": human_size,
    "date": human_date,
    "price": human_price,
}


def render(items: Sequence[dict[str, Any]], columns: list[Column], width: int) -> list[str]:
    """The table's lines (header first) for a terminal ``width`` columns wide."""
    cells = [[_SHOW.get(c.kind, _plain)(c.read(item)) for c in columns] for item in items]
    natural = [max(len(c.header), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    # A text column shrinks to as little as MIN_TEXT before any column is dropped.
    least = [
        min(n, max(MIN_TEXT, len(c.header))) if c.kind == "text" else n
        for c, n in zip(columns, natural, strict=True)
    ]
    shown: list[int] = []
    for i in sorted(range(len(columns)), key=lambda i: (columns[i].keep, i)):
        if not shown or sum(least[j] + 2 for j in shown) + least[i] <= width:
            shown.append(i)
    shown.sort()
    widths = list(least)
    spare = width - sum(least[i] + 2 for i in shown) + 2
    for i in shown:  # the room left goes to the text columns, in order, up to TEXT_WIDTH
        if columns[i].kind == "text":
            grow = max(0, min(spare, max(min(natural[i], TEXT_WIDTH), least[i]) - least[i]))
            widths[i] += grow
            spare -= grow
    lines = []
    for number, row in enumerate([[c.header for c in columns], *cells]):
        parts = []
        for i in shown:
            value, w = row[i], widths[i]
            if len(value) > w:
                value = value[: w - 1] + "…"
            right = number > 0 and columns[i].kind in ("number", "size", "price")
            parts.append(value.rjust(w) if right else value.ljust(w))
        lines.append("  ".join(parts).rstrip())
    return lines


def terminal_width() -> int:
    return shutil.get_terminal_size((100, 24)).columns
