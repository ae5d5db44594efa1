"""A batch run's state on disk, in a folder next to the output (``OUT.batch/``).

- ``manifest.json``: the endpoint, the input's fingerprint and each shard with its file
  id, batch id and status. Rewritten whole (temporary file + rename) after every step, so
  after a crash it says exactly what exists remotely, and a run started again with the
  same ``output`` continues from it.
- ``index.sqlite3``: each request's position, ``custom_id`` and shard, and each result as
  it is read from the downloaded files. The output is written by walking it in input
  order: memory stays flat however many requests there are.
- ``OUT.batch.lock`` (beside the folder): an OS file lock, held for the whole run, so that
  two runs on one output (a cron job overlapping the last one) can't both create batches
  or remove each other's state. The OS releases it when the process ends, crash included.
- the shard files uploaded and the output and error files downloaded; removed, with the
  index, once the output is written (the manifest stays, so that running the same call
  again returns the result at once).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .._errors import BatchRunStateError
from .._json import loads
from .lock import RunLock
from .requests import EndpointModels, ShardWriter, prepare
from .result import BatchRunResult

MANIFEST_VERSION = 1
SCHEMA = """
CREATE TABLE requests (seq INTEGER PRIMARY KEY, custom_id TEXT NOT NULL UNIQUE,
                       line TEXT, shard INTEGER);
CREATE TABLE results (seq INTEGER PRIMARY KEY, status TEXT NOT NULL, data TEXT NOT NULL);
"""
# Lines of the result files that matched no request: unreadable (its custom_id can't be
# read) or of a custom_id that was not sent. Keyed by place, so reading again after a
# crash replaces them. (Created on opening: an index from before it has no such table.)
PROBLEMS = """
CREATE TABLE IF NOT EXISTS problems (file TEXT NOT NULL, line INTEGER NOT NULL,
    shard INTEGER NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL,
    PRIMARY KEY (file, line));
"""
# Requests without a result in a shard whose result files had a line that can't be read:
# that line may have been theirs, so they are "unreadable", not "not_run".
_UNREADABLE = "status IS NULL AND shard IN (SELECT shard FROM problems WHERE kind = 'unreadable')"
_CUSTOM_ID = re.compile(rb'"custom_id"\s*:\s*"((?:[^"\\]|\\.)*)"')
MAX_REPORTED = 20  # problems listed in the result; the rest are counted


def _fingerprint(requests: Any) -> dict[str, Any] | None:
    """What identifies a JSONL path's content cheaply (an iterable has nothing)."""
    if not isinstance(requests, (str, os.PathLike)):
        return None
    stat = Path(requests).stat()
    return {
        "path": str(Path(requests).resolve()),
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
    }


def _write_atomically(path: Path, text: str) -> None:
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with temp.open("w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temp, path)


class Store:
    def __init__(self, output: Path) -> None:
        self.output = output
        self.folder = output.with_name(output.name + ".batch")
        self.manifest_path = self.folder / "manifest.json"
        self.manifest: dict[str, Any] = {}
        self.db: sqlite3.Connection | None = None
        self.resumed = False
        self.lock = RunLock(output)

    # -- opening: a new run, or the one the manifest describes --------------------------
    @classmethod
    def open(
        cls,
        output: Path,
        requests: Any,
        endpoint: str,
        models: EndpointModels,
        max_requests: int,
        max_bytes: int,
        mode: str = "batch",
    ) -> Store:
        """Resumes the run of the manifest next to ``output``, or checks the requests and
        writes the shards of a new one. Raises InvalidRequests (nothing written) when a
        request is wrong, BatchRunStateError when the manifest is damaged or of another
        run (or of this one in the other ``mode``: "batch" or "online"),
        BatchRunLockedError when another run holds the output."""
        store = cls(output)
        store.lock.acquire()  # before anything in the folder is read or removed
        try:
            store._open(requests, endpoint, models, max_requests, max_bytes, mode)
        except BaseException:
            store.lock.release()
            raise
        return store

    def _open(
        self,
        requests: Any,
        endpoint: str,
        models: EndpointModels,
        max_requests: int,
        max_bytes: int,
        mode: str,
    ) -> None:
        store = self
        if store.manifest_path.exists():
            store._resume(requests, endpoint)
            store._check_mode(mode)
            return
        if store.folder.exists():  # a run that died before its manifest: nothing remote
            shutil.rmtree(store.folder)
        store.folder.mkdir()
        try:
            store.db = store._connect()
            store.db.executescript(SCHEMA)
            writer = ShardWriter(store.folder, "shard", max_requests, max_bytes)
            try:
                shards = prepare(requests, models.request, store.db, writer)
            finally:
                writer.close()
            store.db.commit()
        except BaseException:
            if store.db is not None:
                store.db.close()
            shutil.rmtree(store.folder, ignore_errors=True)
            raise
        store.manifest = {
            "version": MANIFEST_VERSION,
            "mode": mode,
            "run": os.urandom(8).hex(),  # names the run's idempotency keys (online)
            "endpoint": endpoint,
            "input": _fingerprint(requests),
            "total": sum(s.lines for s in shards),
            "round": 1,
            "shards": [_shard(s.name, s.lines, 1) for s in shards],
            "done": None,
        }
        store.save()

    def _resume(self, requests: Any, endpoint: str) -> None:
        self.manifest = self._read_manifest()
        self.resumed = True
        where = f"batches.run: {self.manifest_path} is of another run"
        if self.manifest.get("version") != MANIFEST_VERSION:
            raise BatchRunStateError(
                f"{where} (version {self.manifest.get('version')}); {self._start_over()}"
            )
        if self.manifest["endpoint"] != endpoint:
            raise BatchRunStateError(
                f"{where} (endpoint {self.manifest['endpoint']}); {self._start_over()}"
            )
        recorded, now = self.manifest["input"], _fingerprint(requests)
        if recorded is not None and now is not None and recorded != now:
            raise BatchRunStateError(f"{where} (the input file has changed); {self._start_over()}")
        if self.manifest["done"] is None:
            self.db = self._connect()

    def _check_mode(self, mode: str) -> None:
        recorded = self.manifest.get("mode", "batch")
        if recorded == "online" and not isinstance(self.manifest.get("run"), str):
            recorded = None  # damaged: an online run's requests are keyed by its id
        if recorded != mode:
            if self.db is not None:
                self.db.close()
                self.db = None
            if recorded not in ("batch", "online"):
                raise BatchRunStateError(
                    f"batches.run: the run's manifest {str(self.manifest_path)!r} is damaged "
                    f"(its mode or run id); {self._start_over()}"
                )
            how = "online=True" if recorded == "online" else "online=False (the Batch API)"
            raise BatchRunStateError(
                f"batches.run: {self.manifest_path} is of a run made with {how}; resume it "
                "the same way, or remove it to start over"
            )

    def _start_over(self) -> str:
        return (
            f"remove {str(self.folder)!r} to start over (batches it created keep running "
            "on Together's side: `together batches list`)"
        )

    def _read_manifest(self) -> dict[str, Any]:
        """The manifest, or BatchRunStateError naming it when it can't be used (cut short
        by a full disk, emptied, overwritten, edited by hand)."""
        try:
            manifest = loads(self.manifest_path.read_bytes())
            why = _manifest_problem(manifest)
        except OSError as exc:
            why = exc.strerror or str(exc)
        except ValueError as exc:
            why = f"not JSON: {exc}"
        if why is not None:
            raise BatchRunStateError(
                f"batches.run: the run's manifest {str(self.manifest_path)!r} is damaged "
                f"({why}); {self._start_over()}"
            )
        return manifest  # type: ignore[no-any-return]

    def _connect(self) -> sqlite3.Connection:
        # The async client runs local steps in worker threads, one step at a time.
        db = sqlite3.connect(self.folder / "index.sqlite3", check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(PROBLEMS)
        return db

    def save(self) -> None:
        _write_atomically(self.manifest_path, json.dumps(self.manifest, indent=1) + "\n")

    # -- shards -------------------------------------------------------------------------
    @property
    def shards(self) -> list[dict[str, Any]]:
        return self.manifest["shards"]  # type: ignore[no-any-return]

    def current(self) -> list[dict[str, Any]]:
        """The shards of the current round."""
        return [s for s in self.shards if s["round"] == self.manifest["round"]]

    def shard_path(self, shard: dict[str, Any]) -> Path:
        return self.folder / str(shard["name"])

    def download_path(self, shard: dict[str, Any], kind: str) -> Path:
        return self.folder / f"{kind}-{shard['name']}"

    # -- results ------------------------------------------------------------------------
    def ingest(self, path: Path, shard: int) -> None:
        """Reads a downloaded output or error file of shard number ``shard`` into the
        index (again after a crash: a result read twice is replaced, not doubled). A line
        that can't be read fails its request when its custom_id can be read, else it is
        noted as a problem, as is a line of a custom_id that was not sent."""
        assert self.db is not None
        db = self.db
        for number, line in _numbered_lines(path):
            row = _result_row(line)
            if row is None:
                db.execute(
                    "INSERT OR REPLACE INTO problems VALUES (?, ?, ?, 'unreadable', ?)",
                    (path.name, number, shard, f"{path.name} line {number}: {line[:100]!r}"),
                )
                continue
            found = db.execute(
                "INSERT OR REPLACE INTO results (seq, status, data) "
                "SELECT seq, ?, ? FROM requests WHERE custom_id = ?",
                row,
            ).rowcount
            if not found:
                db.execute(
                    "INSERT OR REPLACE INTO problems VALUES (?, ?, ?, 'unknown', ?)",
                    (path.name, number, shard, row[2]),
                )
        db.commit()

    def _retry_condition(self, failed: bool, unreadable: bool) -> str:
        """Which requests a retry round resubmits: those that failed or were not run,
        and/or those left without a result by a line that can't be read."""
        wanted = []
        if failed:
            wanted.append(f"((status IS NULL OR status != 'succeeded') AND NOT ({_UNREADABLE}))")
        if unreadable:
            wanted.append(f"({_UNREADABLE})")
        return " OR ".join(wanted) or "0"

    def unfinished(self, failed: bool = True, unreadable: bool = False) -> int:
        """How many requests a retry round would resubmit (see _retry_condition)."""
        assert self.db is not None
        (count,) = self.db.execute(
            "SELECT count(*) FROM requests LEFT JOIN results USING (seq) "
            f"WHERE {self._retry_condition(failed, unreadable)}"
        ).fetchone()
        return int(count)

    def write_retry_shards(
        self, max_requests: int, max_bytes: int, failed: bool = True, unreadable: bool = False
    ) -> None:
        """Shards of the requests of round 1 to resubmit; starts round 2."""
        assert self.db is not None
        first = len(self.shards)
        writer = ShardWriter(self.folder, "retry", max_requests, max_bytes)
        retry = self.db.execute(
            "SELECT seq FROM requests LEFT JOIN results USING (seq) "
            f"WHERE {self._retry_condition(failed, unreadable)} ORDER BY seq"
        )
        moved: list[tuple[int, int]] = []
        wanted = next(retry, None)
        seq = 0
        # Round 1's shards hold every request in input order: seq n is line n overall.
        for shard in [s for s in self.shards if s["round"] == 1]:
            for line in _lines(self.shard_path(shard)):
                seq += 1
                if wanted is not None and wanted[0] == seq:
                    moved.append((first + writer.write(line), seq))
                    wanted = next(retry, None)
        shards = writer.close()
        self.db.executemany("UPDATE requests SET shard = ? WHERE seq = ?", moved)
        self.db.commit()
        self.shards.extend(_shard(s.name, s.lines, 2) for s in shards)
        self.manifest["round"] = 2
        self.save()

    def write_output(self) -> None:
        """One line per request, in input order, to a temporary file renamed onto
        ``output``; then the counts go in the manifest and the work files are removed."""
        assert self.db is not None
        counts: dict[str, Any] = {"succeeded": 0, "failed": 0, "not_run": 0, "unreadable": 0}
        temp = self.output.with_name(f".{self.output.name}.{os.getpid()}.part")
        garbled = {
            shard
            for (shard,) in self.db.execute(
                "SELECT DISTINCT shard FROM problems WHERE kind = 'unreadable'"
            )
        }
        rows = self.db.execute(
            "SELECT custom_id, shard, status, data FROM requests "
            "LEFT JOIN results USING (seq) ORDER BY seq"
        )
        try:
            with temp.open("w") as out:
                for custom_id, shard, status, data in rows:
                    if status is None and shard in garbled:
                        status, data = "unreadable", self._unreadable(custom_id, shard)
                    elif status is None:
                        status, data = "not_run", self._not_run(custom_id, shard)
                    counts[status] += 1
                    out.write(data)
                    out.write("\n")
            os.replace(temp, self.output)
        finally:
            temp.unlink(missing_ok=True)
        counts["unreadable_lines"] = self._problems("unreadable")
        counts["unknown_custom_ids"] = self._problems("unknown")
        self.db.close()
        self.db = None
        self.manifest["done"] = counts
        self.save()
        for path in self.folder.iterdir():
            if path != self.manifest_path:
                path.unlink()

    def _problems(self, kind: str) -> list[str]:
        """The problems of this kind, at most MAX_REPORTED of them, then how many more."""
        assert self.db is not None
        found = [
            detail
            for (detail,) in self.db.execute(
                "SELECT detail FROM problems WHERE kind = ? ORDER BY file, line", (kind,)
            )
        ]
        more = len(found) - MAX_REPORTED
        return found[:MAX_REPORTED] + ([f"... and {more} more"] if more > 0 else [])

    def _unreadable(self, custom_id: str, shard: int) -> str:
        job = self.shards[shard]
        message = (
            f"no result could be read: batch {job['batch_id']}'s result files have lines "
            "that can't be read (see the run's unreadable_lines); retry_unreadable=True "
            "submits the request again"
        )
        return json.dumps(
            {"custom_id": custom_id, "status": "unreadable", "error": {"message": message}}
        )

    def _not_run(self, custom_id: str, shard: int) -> str:
        job = self.shards[shard]
        message = f"not processed: batch {job['batch_id']} ended {job['status']}"
        if job.get("error"):
            message += f" ({job['error']})"
        return json.dumps(
            {"custom_id": custom_id, "status": "not_run", "error": {"message": message}}
        )

    def result(self) -> BatchRunResult:
        done = self.manifest["done"]
        return BatchRunResult(
            output=self.output,
            endpoint=self.manifest["endpoint"],
            total=self.manifest["total"],
            batch_ids=[s["batch_id"] for s in self.shards if s["batch_id"]],
            **done,
        )

    def close(self) -> None:
        """Closes the index and releases the run's lock."""
        if self.db is not None:
            self.db.close()
            self.db = None
        self.lock.release()


_MANIFEST_FIELDS: dict[str, type | tuple[type, ...]] = {
    "version": int,
    "endpoint": str,
    "input": (dict, type(None)),
    "total": int,
    "round": int,
    "shards": list,
    "done": (dict, type(None)),
}


def _manifest_problem(manifest: Any) -> str | None:
    """What makes ``manifest`` unusable, if anything."""
    if not isinstance(manifest, dict):
        return f"a JSON {type(manifest).__name__}, not an object"
    for name, kind in _MANIFEST_FIELDS.items():
        if not isinstance(manifest.get(name), kind):
            return f"{name!r} is missing or of the wrong kind"
    fields = set(_shard("", 0, 1))
    for number, shard in enumerate(manifest["shards"], 1):
        if not isinstance(shard, dict) or not fields <= set(shard):
            return f"shard {number} is missing fields"
    return None


def _shard(name: str, count: int, round: int) -> dict[str, Any]:
    return {
        "name": name,
        "count": count,
        "round": round,
        "file_id": None,
        "batch_id": None,
        "status": None,
        "done": 0,
        "output_file_id": None,
        "error_file_id": None,
        "error": None,
        "ingested": False,
    }


def _numbered_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                yield number, line


def _lines(path: Path) -> Iterator[bytes]:
    with path.open("rb") as lines:
        for line in lines:
            if line.strip():
                yield line


def _result_row(line: bytes) -> tuple[str, str, str] | None:
    """(status, output line, custom_id) of a line of an output or error file; None when
    not even its custom_id can be read. A line that can't be read whole (not JSON,
    nested too deep) whose custom_id can be fails its request, saying why."""
    try:
        record = loads(line)
        custom_id = record["custom_id"]
        if not isinstance(custom_id, str):
            raise TypeError("custom_id is not a string")
    except (ValueError, KeyError, TypeError) as exc:
        found = _CUSTOM_ID.search(line)
        if found is None:
            return None  # nothing to match it to
        try:
            custom_id = json.loads(b'"' + found.group(1) + b'"')
        except ValueError:
            return None
        why = f"the result line can't be read ({exc})"
        failed = {"custom_id": custom_id, "status": "failed", "error": {"message": why}}
        return "failed", json.dumps(failed), custom_id
    out: dict[str, Any] = {"custom_id": custom_id}
    response = record.get("response") or {}
    code = response.get("status_code") if isinstance(response, dict) else None
    if record.get("error") is None and isinstance(code, int) and 200 <= code < 300:
        out.update(status="succeeded", status_code=code, response=response.get("body"))
    else:
        out["status"] = "failed"
        if code is not None:
            out["status_code"] = code
        body = response.get("body") if isinstance(response, dict) else None
        error = record.get("error")
        if error is None and isinstance(body, dict):
            error = body.get("error", body)
        out["error"] = error if isinstance(error, dict) else {"message": str(error or body)}
    return out["status"], json.dumps(out), custom_id
