"""Downloads written to disk as they arrive, never whole in memory, never half under their name.

The body goes to a hidden temporary file in the destination folder and is renamed onto the
destination only once complete: an interrupted download leaves nothing under the final
name, and its temporary file is removed. The sync and async writers differ only in how
they iterate the response; the client's driver picks one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Coroutine
from email.message import Message
from pathlib import Path
from typing import IO, Any, NamedTuple

import httpx

from ._drivers import Either
from ._errors import OutputExistsError, broken_stream_error
from ._shape import Extra
from ._transport import Call
from ._transport import content_of as content_of  # (the name resources use)
from ._upload import Progress

BINARY_ACCEPT = {"Accept": "application/octet-stream, */*"}


def destination(output: str | os.PathLike[str], where: str) -> Path:
    """The path asked for, checked before any request: its folder must exist."""
    path = Path(output)
    folder = path if path.is_dir() else path.parent
    if not folder.is_dir():
        raise ValueError(f"{where}: no such folder: {str(folder)!r}")
    return path


_SEPARATORS = tuple({"/", os.sep, os.altsep or "/"})


class Target(NamedTuple):
    """Where a download goes: the file ``path``, or with ``folder`` the folder to save the
    served file name in."""

    path: Path
    folder: bool


def download_target(output: str | os.PathLike[str], where: str) -> Target:
    """Where ``output`` asks a download to go, checked before any request: a folder when
    it ends in a path separator or is one already, else a file. Folders missing on the
    way are created once the response arrives (as the official SDK 1.x did); a file
    standing where a folder is needed is a ValueError."""
    text = os.fspath(output)
    path = Path(text)
    folder = text.endswith(_SEPARATORS) or path.is_dir()
    existing = path if folder else path.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        raise ValueError(f"{where}: {str(existing)!r} is a file, not a folder")
    return Target(path, folder)


def _plain_name(name: str | None) -> str | None:
    """A name reduced to its last part, so it cannot point into another folder."""
    name = re.split(r"[\\/]", name or "")[-1].strip()
    return None if name in ("", ".", "..") else name


def _served_name(response: httpx.Response) -> str | None:
    """The file name from Content-Disposition, if any."""
    header = response.headers.get("content-disposition")
    if not header:
        return None
    message = Message()
    message["content-disposition"] = header
    return _plain_name(message.get_filename())


class _Writer:
    """One download in progress: the temporary file, the bar, and how it ends."""

    def __init__(
        self,
        response: httpx.Response,
        target: Target,
        default_name: str,
        progress: bool | None,
        overwrite: bool = False,
    ) -> None:
        self.response = response
        output = target.path
        # A file the user named is theirs to replace; one found under the served name is not.
        self.keep = not overwrite and target.folder
        if target.folder:
            output.mkdir(parents=True, exist_ok=True)
            output = output / (_served_name(response) or _plain_name(default_name) or "download")
        else:
            output.parent.mkdir(parents=True, exist_ok=True)
        self.path = output
        self._refuse_existing()
        length = response.headers.get("content-length")
        total = int(length) if length and length.isdigit() else None
        self.bar = Progress(total, output.name, progress)
        self.seen = 0
        self.temp = output.with_name(f".{output.name}.{os.urandom(4).hex()}.part")
        try:
            # "x": never clobber anything; opened normally so it gets the usual permissions.
            self.file: IO[bytes] = self.temp.open("xb")
        except BaseException:
            self.bar.close()
            raise

    def _refuse_existing(self) -> None:
        if self.keep and self.path.exists():
            raise OutputExistsError(
                f"{str(self.path)!r} already exists (the name the server gave the file): "
                "pass overwrite=True (CLI: --force) to replace it, or name the file as output"
            )

    def write(self, chunk: bytes) -> None:
        self.file.write(chunk)
        # Count bytes off the wire (what Content-Length counts), also for encoded bodies.
        now = self.response.num_bytes_downloaded
        self.bar.update(now - self.seen)
        self.seen = now

    def finish(self) -> Path:
        self.file.close()
        self._refuse_existing()  # (again: one may have appeared while downloading)
        os.replace(self.temp, self.path)
        return self.path

    def abandon(self) -> None:
        self.file.close()
        self.temp.unlink(missing_ok=True)

    def __enter__(self) -> _Writer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object
    ) -> None:
        """On any error nothing is kept; a transport error is a cut download."""
        self.bar.close()
        if exc is None:
            return
        self.abandon()
        if isinstance(exc, (httpx.TransportError, httpx.DecodingError)):
            raise broken_stream_error(exc, self.response) from exc


def saver(
    output: Target, default_name: str, progress: bool | None, *, overwrite: bool = False
) -> Callable[[httpx.Response, bool], Either[Path, Coroutine[Any, Any, Path]]]:
    """A ``Call.stream`` factory that writes the open response to ``output`` (a file, or a
    folder to put the served file name in; see ``download_target``) and gives back the
    path: written by blocking or by awaiting, as the client's driver picks. A file
    already under the served name raises OutputExistsError unless ``overwrite``."""

    def save(response: httpx.Response) -> Path:
        try:
            with _Writer(response, output, default_name, progress, overwrite) as writer:
                for chunk in response.iter_bytes():
                    writer.write(chunk)
                return writer.finish()
        finally:
            response.close()

    async def asave(response: httpx.Response) -> Path:
        try:
            with _Writer(response, output, default_name, progress, overwrite) as writer:
                async for chunk in response.aiter_bytes():
                    writer.write(chunk)
                return writer.finish()
        finally:
            await response.aclose()

    def stream(response: httpx.Response, strict: bool = False) -> Either[Path, Any]:
        return Either(save, asave, response)

    return stream


# The keywords a download takes beyond its operation's (a hook's, see ``_shape.Hook``).
DOWNLOAD_KEYWORDS = (
    Extra("output", "str | os.PathLike[str] | None"),
    Extra("progress", "bool | None"),
    Extra("overwrite", "bool | None"),
)


def download(
    call: Call[Any], given: dict[str, Any], default_name: str, where: str
) -> Call[bytes | Path]:
    """``call`` reading a file: its bytes; with ``output`` (a file path, or a folder to
    save under the served name: an existing one, or a path ending in a separator; missing
    folders are created), streamed to disk with a progress bar (``progress``), under a
    temporary name until complete, giving the Path. A file already in the folder under
    the served name raises OutputExistsError unless ``overwrite``."""
    output = given.get("output")
    path = None if output is None else download_target(output, where)
    call.request.setdefault("headers", {}).update(BINARY_ACCEPT)
    if path is None:
        return call.evolve(parse=content_of)
    progress, overwrite = given.get("progress"), bool(given.get("overwrite"))
    return call.evolve(
        parse=content_of, stream=saver(path, default_name, progress, overwrite=overwrite)
    )
