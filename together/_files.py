"""Turning what users pass as a file (a path, bytes, a binary file object) into an upload."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any


def file_input(value: Any, field: str, *, urls: bool = False) -> Any:
    """A generated ``File`` for ``value`` (or the URL itself, where ``urls`` are allowed).

    Raises ValueError when a path does not exist, TypeError for anything else.
    """
    from together_generated.types import File

    if isinstance(value, File):
        return value
    if isinstance(value, str) and urls and value.startswith(("http://", "https://")):
        return value
    if isinstance(value, (str, os.PathLike)):
        path = Path(value)
        if not path.is_file():
            raise ValueError(f"{field}: no such file: {str(path)!r}")
        return File(payload=path.open("rb"), file_name=path.name)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return File(payload=io.BytesIO(bytes(value)), file_name=field)
    if hasattr(value, "read"):
        if isinstance(value, io.TextIOBase):
            raise TypeError(f"{field}: open the file in binary mode ('rb')")
        name = getattr(value, "name", None)
        return File(payload=value, file_name=Path(name).name if isinstance(name, str) else field)
    raise TypeError(
        f"{field}: expected a path, bytes or a binary file object, got {type(value).__name__}"
    )
