"""Turning what users pass as a file into a multipart part of a generated model."""

from __future__ import annotations

import io
from typing import Any, BinaryIO, cast

from ._upload import LocalFile


def file_input(value: Any, field: str, *, urls: bool = False) -> Any:
    """A generated ``File`` for a path, bytes or a binary file object (or the URL itself,
    where ``urls`` are allowed). What counts as a file is LocalFile's rule, the same as
    for uploads: ValueError when a path is not a file, TypeError for anything else."""
    from together_generated.types import File

    if isinstance(value, File):
        return value
    if urls and isinstance(value, str) and value.startswith(("http://", "https://")):
        return value
    source = LocalFile.of(value, field)
    payload: BinaryIO
    if source.path is not None:
        payload = source.path.open("rb")  # read by httpx when the request is sent
    elif source.data is not None:
        payload = io.BytesIO(source.data)
    else:
        assert source.fileobj is not None
        payload = cast(BinaryIO, source.fileobj)
        payload.seek(source.start)
    return File(payload=payload, file_name=source.name or field.rpartition(" ")[2])
