"""Reading the requests of a batch run, checking them, and writing the shards to upload.

Everything is checked before anything is uploaded: each body against the endpoint's
generated request model, each ``custom_id`` for its length and uniqueness (in the on-disk
index, so 100,000 ids cost no memory). Lines are written to shard files as they are read,
each shard within the documented limits.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, NamedTuple

from .._errors import TogetherError
from .._resource import build_model, describe

MAX_REQUESTS = 50_000  # per input file, as documented
MAX_BYTES = 100_000_000  # 100 MB per input file, as documented
MAX_CUSTOM_ID = 64
MAX_PROBLEMS = 20  # reported at once; the rest are counted


class EndpointModels(NamedTuple):
    request: type[Any] | None  # None: an endpoint this library does not know; not checked
    response: type[Any] | None


def endpoint_models(endpoint: str) -> EndpointModels:
    """The generated request and response models of a Batch API endpoint path
    (``/v1/chat/completions``): those of the spec's POST operation at that path, read from
    its description. An endpoint the spec doesn't have is not checked."""
    from together_generated.operations import OPERATIONS

    path = endpoint.removeprefix("/v1")
    info = next((i for i in OPERATIONS if (i.method, i.path) == ("POST", path)), None)
    if info is None:
        return EndpointModels(None, None)
    op = describe(info.module)
    response = op.success_models[0] if len(op.success_models) == 1 else None
    return EndpointModels(op.body, response)


class InvalidRequests(TogetherError, ValueError):
    """Some requests can't be sent; nothing was uploaded. ``problems`` lists them, each
    naming its line (a file) or its position (an iterable), counted from 1. (A data
    error: the command line exits 1.)"""

    def __init__(self, problems: list[str], more: int) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        extra = f"\n  ... and {more} more" if more else ""
        super().__init__(
            f"{len(problems) + more} invalid request(s), nothing was uploaded:\n{lines}{extra}"
        )


class Problems:
    def __init__(self) -> None:
        self.found: list[str] = []
        self.more = 0

    def add(self, text: str) -> None:
        if len(self.found) < MAX_PROBLEMS:
            self.found.append(text)
        else:
            self.more += 1


def _items(requests: Any) -> Iterator[tuple[str, Any]]:
    """(where, item) for each request: parsed lines of a JSONL path, or the iterable's
    items. A line that is not JSON comes as (where, ValueError)."""
    if isinstance(requests, (str, os.PathLike)):
        with open(requests, "rb") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    yield f"line {number}", json.loads(line)
                except ValueError as exc:
                    yield f"line {number}", ValueError(f"not JSON ({exc})")
        return
    if isinstance(requests, (bytes, dict)) or not isinstance(requests, Iterable):
        raise TypeError(
            "batches.run: requests must be a JSONL path or an iterable of request bodies "
            f"(or of {{'custom_id', 'body'}}), got {type(requests).__name__}"
        )
    for number, item in enumerate(requests, 1):
        yield f"request {number}", item


def _unwrap(item: Any) -> tuple[Any, Any]:
    """(custom_id or None, body) of ``{"custom_id", "body"}`` or of a bare body."""
    if isinstance(item, dict) and "body" in item and set(item) <= {"custom_id", "body"}:
        return item.get("custom_id"), item["body"]
    return None, item


def _check(where: str, item: Any, model: type[Any] | None) -> tuple[Any, Any]:
    """(custom_id or None, body); raises ValueError saying what is wrong."""
    if isinstance(item, ValueError):
        raise item
    custom_id, body = _unwrap(item)
    if custom_id is not None:
        if not isinstance(custom_id, str) or not custom_id:
            raise ValueError(f"custom_id must be a non-empty string, got {custom_id!r:.80}")
        if len(custom_id) > MAX_CUSTOM_ID:
            raise ValueError(f"custom_id is {len(custom_id)} characters (at most {MAX_CUSTOM_ID})")
    if not isinstance(body, dict):
        raise ValueError(f"a request body must be a JSON object, got {type(body).__name__}")
    if body.get("stream"):
        raise ValueError("stream: true is not allowed in a batch")
    if model is not None:
        try:
            build_model(model, body, where)
        except (TypeError, ValueError) as exc:
            raise ValueError(str(exc).removeprefix(f"{where}: ")) from None
    return custom_id, body


class Shard(NamedTuple):
    name: str
    lines: int
    size: int


class ShardWriter:
    """Lines into numbered shard files, a new one whenever the next line would break a
    limit."""

    def __init__(self, folder: Path, prefix: str, max_requests: int, max_bytes: int) -> None:
        self.folder, self.prefix = folder, prefix
        self.max_requests, self.max_bytes = max_requests, max_bytes
        self.shards: list[Shard] = []
        self._file: IO[bytes] | None = None
        self._count = self._size = 0

    def write(self, line: bytes) -> int:
        """Writes ``line`` (with its newline); returns the index of its shard."""
        if len(line) > self.max_bytes:
            raise ValueError(
                f"the request takes {len(line)} bytes, over the {self.max_bytes} limit"
            )
        full = self._count >= self.max_requests or self._size + len(line) > self.max_bytes
        if self._file is None or full:
            self._close()
            name = f"{self.prefix}-{len(self.shards) + 1:04d}.jsonl"
            self._file = (self.folder / name).open("wb")
            self.shards.append(Shard(name, 0, 0))
        self._file.write(line)
        self._count += 1
        self._size += len(line)
        return len(self.shards) - 1

    def _close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
            self.shards[-1] = self.shards[-1]._replace(lines=self._count, size=self._size)
            self._count = self._size = 0

    def close(self) -> list[Shard]:
        self._close()
        return self.shards


def line_of(custom_id: str, body: Any) -> bytes:
    return (
        json.dumps({"custom_id": custom_id, "body": body}, separators=(",", ":")) + "\n"
    ).encode()


def prepare(requests: Any, model: type[Any] | None, index: Any, writer: ShardWriter) -> list[Shard]:
    """Reads, checks and writes every request; records each in ``index`` (the run's
    sqlite database) in input order. Raises InvalidRequests listing what is wrong."""
    import sqlite3

    problems = Problems()
    for seq, (where, item) in enumerate(_items(requests), 1):
        try:
            custom_id, body = _check(where, item, model)
            custom_id = custom_id or f"request-{seq}"
            # Once something is wrong nothing will be uploaded: keep checking, stop writing.
            shard = None if problems.found else writer.write(line_of(custom_id, body))
            index.execute(
                "INSERT INTO requests (seq, custom_id, line, shard) VALUES (?, ?, ?, ?)",
                (seq, custom_id, where, shard),
            )
        except ValueError as exc:
            problems.add(f"{where}: {exc}")
        except sqlite3.IntegrityError:
            (first,) = index.execute(
                "SELECT line FROM requests WHERE custom_id = ?", (custom_id,)
            ).fetchone()
            problems.add(f"{where}: duplicate custom_id {custom_id!r} (first at {first})")
    shards = writer.close()
    if problems.found:
        raise InvalidRequests(problems.found, problems.more)
    if not shards:
        raise ValueError("batches.run: there are no requests")
    return shards
