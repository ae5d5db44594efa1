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

# JSON strings (which may hold brackets).
_STRINGS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
# What the nesting count needs of a body: brackets, and what tells strings (which may
# hold brackets) apart: quotes, backslashes and the characters an escape can start with
# (so that ``\n`` stays an escape, not a backslash before the closing quote). The rest,
# most of a large body (an embedding's digits), is dropped first, at C speed.
_NOT_NEEDED = bytes(b for b in range(256) if b not in b'[]{}"\\/bfnrtu')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
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
        data = data.encode("utf-8", "replace")
    needed = data.translate(None, _NOT_NEEDED)  # (a large body shrinks to a little)
    if needed.count(b"[") + needed.count(b"{") <= MAX_DEPTH:
        return False
    outside_strings = _STRINGS.sub(b"", needed)
    brackets = outside_strings.translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0) > MAX_DEPTH


def loads(data: bytes | str) -> Any:
    """``json.loads``, raising TooDeep (a ValueError) for JSON nested too deep."""
    if too_deep(data):
        raise TooDeep()
    try:
        return json.loads(data)
    except RecursionError:  # (under a recursion limit set lower than usual)
        raise TooDeep() from None
