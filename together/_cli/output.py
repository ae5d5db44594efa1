"""How results are printed: the API's JSON (``--json``, the default when stdout is not a
terminal), else readable text and tables.

With ``--json`` a result is the JSON document the API sent (an array stays an array, an
object with ``data`` stays that object); a stream has no document, so its chunks print
one JSON object per line, as ``--jsonl`` prints the items of a list.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .table import Column


def as_json(value: Any) -> Any:
    """A result (generated model, list of them, ...) as the JSON the API sent: a model
    read from a response keeps that body (``ResponseBody``) until its extra fields are
    first asked for; otherwise its ``to_dict()``."""
    from together_generated.types import json_value

    if isinstance(value, list):
        return [as_json(item) for item in value]
    raw = getattr(value, "_raw", None)
    if isinstance(raw, dict):
        return raw
    return json_value(value)


def write_line(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def items_of(data: Any) -> list[Any] | None:
    """The items of a list result: a JSON array, or an object whose ``data`` is one."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        rest = {k for k, v in data.items() if k != "data" and v not in (None, "list")}
        if not rest - {"object", "has_more", "first_id", "last_id"}:
            return list(data["data"])
    return None


def is_stream(result: Any) -> bool:
    return (
        isinstance(result, Iterable)
        and not isinstance(result, (str, bytes, dict, list, tuple, Path))
        and not hasattr(result, "to_dict")
    )


def emit(result: Any, use_json: bool, jsonl: bool = False) -> None:
    """Print a command's result on stdout: with ``use_json`` its JSON document, with
    ``jsonl`` a list's items one a line, else text or a table."""
    if result is None:
        return
    if isinstance(result, bytes):
        sys.stdout.buffer.write(result)
        sys.stdout.flush()
        return
    if isinstance(result, Path):
        write_line(str(result))
        return
    if is_stream(result):
        for chunk in result:
            emit_chunk(chunk, use_json or jsonl)
        if not (use_json or jsonl):
            write_line("")
        return
    emit_json(as_json(result), use_json, jsonl)


def emit_json(data: Any, use_json: bool, jsonl: bool = False) -> None:
    """Print a JSON result (see ``emit``)."""
    items = items_of(data)
    if jsonl and items is not None:
        for item in items:
            write_line(json.dumps(item, ensure_ascii=False))
    elif use_json or jsonl:
        write_line(json.dumps(data, ensure_ascii=False))
    elif items is not None:
        write_table(items)
    else:
        write_text(data)


def emit_chunk(chunk: Any, use_json: bool) -> None:
    """One chunk of a stream: its JSON line, or on a terminal the text it carries."""
    data = as_json(chunk)
    if use_json:
        write_line(json.dumps(data, ensure_ascii=False))
        return
    text = chunk_text(data)
    if text is None:
        write_line(json.dumps(data, ensure_ascii=False))
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def chunk_text(data: Any) -> str | None:
    """The text of a chat or completion chunk (``choices[0].delta.content`` or
    ``.text``); None for a chunk of another kind."""
    if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
        return None
    text = []
    for choice in data["choices"]:
        delta = choice.get("delta") or {}
        text.append(delta.get("content") or choice.get("text") or "")
    return "".join(text)


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def write_text(data: Any) -> None:
    """An object as ``key: value`` lines (nested values as compact JSON)."""
    if not isinstance(data, dict):
        write_line(cell(data))
        return
    width = max((len(k) for k in data), default=0)
    for key, value in data.items():
        write_line(f"{key + ':':<{width + 1}} {cell(value)}")


def write_table(items: list[Any], columns: list[Column] | None = None) -> None:
    """A list of objects as a table (see ``table.py``), fitted to the terminal."""
    if not items:
        write_line("(none)")
        return
    if not all(isinstance(item, dict) for item in items):
        for item in items:
            write_line(cell(item))
        return
    from .table import columns_for, render, terminal_width

    for line in render(items, columns or columns_for(items), terminal_width()):
        write_line(line)
