"""What ``client.batches.run`` returns: the output file, read back one request at a time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class BatchRequestResult:
    """One request's outcome, as written to the output file.

    ``status`` is ``"succeeded"`` (``response`` holds the endpoint's response: a
    ChatCompletionResponse for /v1/chat/completions, and so on; a dict for an endpoint
    this library does not know), ``"failed"`` (``error`` says why; ``status_code`` is the
    HTTP status the request got, when it got one; also a result line that can't be
    read), ``"not_run"`` (its batch ended, expired or cancelled, before it was
    processed) or ``"unreadable"`` (no result: a line of its batch's result files that
    can't be read may have been its own)."""

    custom_id: str
    status: str
    response: Any = None
    error: dict[str, Any] | None = None
    status_code: int | None = None

    @property
    def ok(self) -> bool:
        return self.status == "succeeded"


@dataclass(frozen=True)
class BatchRunResult:
    """A finished batch run. Iterating it reads ``output`` (one JSON line per request, in
    input order) and gives a BatchRequestResult for each line; it holds no results in
    memory. ``batch_ids`` are the batches that ran, retries included.

    ``unreadable`` counts the requests left without a result when lines of their batch's
    result files could not be read (``unreadable_lines`` names each file and line);
    ``unknown_custom_ids`` lists results for ids that were not sent. (Both lists stop at
    20 entries, then say how many more.)"""

    output: Path
    endpoint: str
    total: int
    succeeded: int
    failed: int
    not_run: int
    batch_ids: list[str] = field(default_factory=list)
    unreadable: int = 0
    unreadable_lines: list[str] = field(default_factory=list)
    unknown_custom_ids: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return self.total

    def __iter__(self) -> Iterator[BatchRequestResult]:
        from .requests import endpoint_models

        model = endpoint_models(self.endpoint).response
        with self.output.open("rb") as lines:
            for line in lines:
                record = json.loads(line)
                response = record.get("response")
                if model is not None and response is not None and record["status"] == "succeeded":
                    response = model.from_response(response)
                yield BatchRequestResult(
                    custom_id=record["custom_id"],
                    status=record["status"],
                    response=response,
                    error=record.get("error"),
                    status_code=record.get("status_code"),
                )

    def failures(self) -> Iterator[BatchRequestResult]:
        """The requests that did not succeed (failed, not run, unreadable), in input order."""
        return (result for result in self if not result.ok)


@dataclass(frozen=True)
class BatchStatus:
    """One batch of a run as last seen: ``done`` of its ``total`` requests processed (as
    the API's percentage says)."""

    batch_id: str | None
    status: str | None
    done: int
    total: int


@dataclass(frozen=True)
class BatchRunProgress:
    """What ``on_progress`` is given after each step of a run. ``phase`` is ``"upload"``,
    ``"create"``, ``"poll"``, ``"download"`` or ``"done"``, and ``"request"`` after each
    request of an online run; ``done`` / ``total`` count the requests of the current
    round (the retry round has only the failed ones)."""

    phase: str
    round: int
    done: int
    total: int
    batches: tuple[BatchStatus, ...]
