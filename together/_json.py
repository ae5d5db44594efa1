"""JSON from the network, read with an explicit cap on nesting.

Python's JSON parser recurses once per level and raises RecursionError near the
interpreter's limit (about 1,000); a value a little less deep parses, then fails later in
``repr``, ``to_dict`` or pickle. No real response nests deeper than a few dozen levels
(tool schemas are the deepest), so anything deeper than MAX_DEPTH is refused where it is
read, as a value that can't be read.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

MAX_DEPTH = 256

# JSON strings (which may hold brackets), and everything but brackets.
_STRINGS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = re.compile(rb"[^\[\]{}]+")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


class TooDeep(ValueError):
    """JSON nested deeper than MAX_DEPTH."""

    def __init__(self) -> None:
        super().__init__(f"the JSON is nested more than {MAX_DEPTH} levels deep")


def too_deep(data: bytes | str) -> bool:
    """Whether ``data`` nests more than MAX_DEPTH levels. Cheap for nearly every body:
    one that short, or with that few brackets, can't (the exact count runs only past
    that, at C speed)."""
    if len(data) <= 2 * MAX_DEPTH:
        return False
    if isinstance(data, str):
        if data.count("[") + data.count("{") <= MAX_DEPTH:
            return False
        raw = data.encode("utf-8", "replace")
    else:
        if data.count(b"[") + data.count(b"{") <= MAX_DEPTH:
            return False
        raw = data
    brackets = _NOT_BRACKETS.sub(b"", _STRINGS.sub(b"", raw))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0) > MAX_DEPTH


def loads(data: bytes | str) -> Any:
    """``json.loads``, raising TooDeep (a ValueError) for JSON nested too deep."""
    if too_deep(data):
        raise TooDeep()
    try:
        return json.loads(data)
    except RecursionError:  # (under a recursion limit set lower than usual)
        raise TooDeep() from None
