"""Uploads that stream from disk, the progress bar, and methods that touch local files.

An upload body is built once as a plan (form fields, then the file, then the closing
boundary) with its exact length known up front, so it goes out with a Content-Length and
never sits in memory whole. The sync transport iterates it; the async transport
async-iterates it, reading the file in a worker thread. Both read the same plan, and
each pass starts again from the beginning of the file, so the transport's retries
resend it whole.

The progress bar is tqdm's, imported only when a bar is shown: tqdm is optional (without
it there is no bar). It is shown when asked for (``progress=True``) or, by default, when
stderr (where it is drawn) is a terminal.
"""

from __future__ import annotations

import importlib
import io
import os
import sys
import warnings
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import IO, Any, NamedTuple, TypeVar

T = TypeVar("T")

CHUNK_SIZE = 1 << 20  # bytes read from disk at a time: large enough for speed, small in memory


# -- what users pass as a file ---------------------------------------------------------


class LocalFile(NamedTuple):
    """A file to check or upload: a path, bytes, or a seekable binary file object.

    ``open()`` gives a binary stream at the file's start each time, so the file can be read
    more than once (checked, then uploaded, then uploaded again on a retry).
    """

    name: str
    size: int
    path: Path | None = None
    data: bytes | None = None
    fileobj: IO[bytes] | None = None
    start: int = 0

    @classmethod
    def of(cls, value: Any, where: str, *, name: str | None = None) -> LocalFile:
        """Raises ValueError when a path is not a file, TypeError for anything else."""
        if isinstance(value, LocalFile):
            return value
        if isinstance(value, (str, os.PathLike)):
            path = Path(value)
            if not path.is_file():
                raise ValueError(f"{where}: no such file: {str(path)!r}")
            return cls(name=name or path.name, size=path.stat().st_size, path=path)
        if isinstance(value, (bytes, bytearray, memoryview)):
            data = bytes(value)
            return cls(name=name or "", size=len(data), data=data)
        if hasattr(value, "read"):
            if isinstance(value, io.TextIOBase):
                raise TypeError(f"{where}: open the file in binary mode ('rb')")
            if not (hasattr(value, "seekable") and value.seekable()):
                raise TypeError(
                    f"{where}: the file object must be seekable (its size is sent first, "
                    "and a retry reads it again); pass a path instead"
                )
            start = value.tell()
            size = value.seek(0, os.SEEK_END) - start
            value.seek(start)
            own = getattr(value, "name", None)
            if name is None and isinstance(own, (str, os.PathLike)):
                name = Path(own).name
            return cls(name=name or "", size=size, fileobj=value, start=start)
        raise TypeError(
            f"{where}: expected a path, bytes or a binary file object, got {type(value).__name__}"
        )

    @contextmanager
    def open(self) -> Iterator[IO[bytes]]:
        if self.path is not None:
            with self.path.open("rb") as stream:
                yield stream
        elif self.data is not None:
            yield io.BytesIO(self.data)
        else:
            assert self.fileobj is not None
            self.fileobj.seek(self.start)
            try:
                yield self.fileobj
            finally:
                self.fileobj.seek(self.start)

    def head(self, size: int) -> bytes:
        with self.open() as stream:
            return stream.read(size)


# -- progress -------------------------------------------------------------------------


def show_progress(progress: bool | None) -> bool:
    """Whether to draw a bar: as asked, or by default when stderr is a terminal."""
    if progress is not None:
        return progress
    stream = sys.stderr
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):  # replaced by an object without isatty, or closed
        return False


class Progress:
    """Bytes moved so far, drawn as a tqdm bar when one is shown; otherwise does nothing."""

    def __init__(self, total: int | None, description: str, progress: bool | None) -> None:
        self._bar: Any = None
        if not show_progress(progress):
            return
        try:
            tqdm = importlib.import_module("tqdm.auto").tqdm
        except ImportError:
            if progress:  # asked for explicitly: say why there is none
                warnings.warn("no progress bar: tqdm is not installed", stacklevel=2)
            return
        self._bar = tqdm(
            total=total,
            desc=description,
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
            file=sys.stderr,
            leave=True,
        )

    def update(self, count: int) -> None:
        if self._bar is not None and count:
            self._bar.update(count)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


# -- the multipart body ---------------------------------------------------------------


def _quote(value: str) -> str:
    # As browsers do for form-data names and file names (the HTML standard's rule).
    return value.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


class MultipartBody:
    """A multipart/form-data body whose last part is a file streamed from ``source``.

    Iterate it (sync client) or async-iterate it (async client): each pass reads the file
    from its start, so httpx can send it again on a retry, and draws its own progress bar,
    closed when the pass ends however it ends. ``length`` is exact.
    """

    def __init__(
        self,
        fields: Sequence[tuple[str, str]],
        file_field: str,
        source: LocalFile,
        progress: bool | None,
    ) -> None:
        boundary = os.urandom(16).hex()
        self.content_type = f"multipart/form-data; boundary={boundary}"
        head = bytearray()
        for name, value in fields:
            head += (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{_quote(name)}"\r\n\r\n'
            ).encode()
            head += value.encode() + b"\r\n"
        head += (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{_quote(file_field)}"; '
            f'filename="{_quote(source.name)}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        self._head = bytes(head)
        self._tail = f"\r\n--{boundary}--\r\n".encode()
        self.source = source
        self.length = len(self._head) + source.size + len(self._tail)
        self.progress = progress

    def _sized(self, chunk: bytes, sent: int) -> bytes:
        """The chunk as far as the announced size goes; an error if the file shrank."""
        if not chunk:
            raise OSError(
                f"{self.source.name}: the file shrank while it was being uploaded "
                f"({sent} of {self.source.size} bytes read)"
            )
        return chunk[: self.source.size - sent]

    def _bar(self) -> Progress:
        return Progress(self.source.size, self.source.name, self.progress)

    def __iter__(self) -> Iterator[bytes]:
        yield self._head
        with self.source.open() as stream, closing(self._bar()) as bar:
            sent = 0
            while sent < self.source.size:
                chunk = self._sized(stream.read(CHUNK_SIZE), sent)
                sent += len(chunk)
                bar.update(len(chunk))
                yield chunk
        yield self._tail

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._head
        with self.source.open() as stream, closing(self._bar()) as bar:
            sent = 0
            while sent < self.source.size:
                chunk = self._sized(await _to_thread(stream.read, CHUNK_SIZE), sent)
                sent += len(chunk)
                bar.update(len(chunk))
                yield chunk
        yield self._tail


async def _to_thread(function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    import asyncio  # only the async client needs it; keep it off the import path

    return await asyncio.to_thread(function, *args, **kwargs)
