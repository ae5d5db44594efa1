"""Peak memory of a large upload: the body must stream from disk, not sit in memory.

    python -m tests.bench.upload_rss [SIZE_MIB]      # default 1024 (1 GiB)

Makes a sparse file of SIZE_MIB (no disk space used), uploads it through ``Together`` and
``AsyncTogether`` to a local server that reads and discards the body, and prints each
upload's peak resident-memory growth over the baseline just before it. The target is
under 64 MiB. Not part of the pytest run; ``UploadSink`` is also used by tests/test_files.py.
"""

from __future__ import annotations

import asyncio
import json
import resource
import socket
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

TARGET_MIB = 64

FILE_RESPONSE = {
    "id": "file-1",
    "object": "file",
    "created_at": 1,
    "filename": "data.jsonl",
    "bytes": 0,
    "purpose": "fine-tune",
    "FileType": "jsonl",
    "Processed": False,
}


@dataclass
class Received:
    """One request as the sink saw it: headers, how many body bytes, the first and last."""

    line: str
    headers: dict[str, str]
    length: int = 0
    head: bytes = b""
    tail: bytes = b""
    complete: bool = False


@dataclass
class UploadSink:
    """A local HTTP server that reads each request body into one fixed buffer and keeps
    only its size and ends, so the server itself adds no memory to what is measured."""

    keep: int = 4096
    requests: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]
        self._buffer = bytearray(1 << 20)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def url(self, path: str = "/v1") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> UploadSink:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._listener.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(30)
                try:
                    while self._one(conn):
                        pass
                except OSError:
                    pass

    def _one(self, conn: socket.socket) -> bool:
        """Serve one request on a kept-alive connection; False when the peer is gone."""
        data = b""
        while b"\r\n\r\n" not in data:
            part = conn.recv(65536)
            if not part:
                return False
            data += part
        head, _, rest = data.partition(b"\r\n\r\n")
        line, *lines = head.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in lines)}
        received = Received(line=line, headers=headers)
        self.requests.append(received)
        expected = int(headers.get("content-length", "0"))
        view = memoryview(self._buffer)
        received.head = rest[: self.keep]
        received.length = len(rest)
        tail = bytearray(rest[-self.keep :])
        while received.length < expected:
            n = conn.recv_into(view, min(len(view), expected - received.length))
            if not n:
                return False
            if len(received.head) < self.keep:
                received.head += bytes(view[: self.keep - len(received.head)])
            tail += view[:n]
            del tail[: -self.keep]
            received.length += n
        received.tail = bytes(tail)
        received.complete = True
        body = json.dumps({**FILE_RESPONSE, "bytes": received.length}).encode()
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        )
        return True


# -- measuring ------------------------------------------------------------------------


def _status_kib(field_name: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    raise KeyError(field_name)


def _reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark (VmHWM) so the next peak is this upload's own."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


class PeakGrowth:
    """Peak RSS growth (MiB) over the RSS when the with-block starts."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.mib = 0.0

    def __enter__(self) -> PeakGrowth:
        self._reset = _reset_peak()
        self._baseline = _status_kib("VmRSS")
        self._started = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        seconds = time.perf_counter() - self._started
        if self._reset:
            peak = _status_kib("VmHWM")
        else:  # the process's lifetime peak: may overstate nothing, may understate
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        self.mib = (peak - self._baseline) / 1024
        print(f"{self.label:>6}: peak RSS growth {self.mib:7.1f} MiB in {seconds:5.1f} s")


def main() -> int:
    from together import AsyncTogether, Together

    size_mib = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
    with tempfile.TemporaryDirectory() as folder, UploadSink() as sink:
        path = Path(folder) / "data.jsonl"
        with path.open("wb") as f:
            f.truncate(size_mib << 20)  # sparse: reads as zeros, takes no disk space
        settings = {"api_key": "bench", "base_url": sink.url(), "max_retries": 0, "timeout": 120}
        print(f"uploading {size_mib} MiB (sparse file, check=False) to {sink.url()}")
        with Together(**settings) as client:  # type: ignore[arg-type]
            client.files.upload(b"{}", check=False, progress=False)  # warm up: imports, pool
            with PeakGrowth("sync") as sync:
                client.files.upload(path, check=False, progress=False)

        async def run() -> PeakGrowth:
            async with AsyncTogether(**settings) as aclient:  # type: ignore[arg-type]
                await aclient.files.upload(b"{}", check=False, progress=False)
                with PeakGrowth("async") as growth:
                    await aclient.files.upload(path, check=False, progress=False)
                return growth

        asynchronous = asyncio.run(run())
        big = [r for r in sink.requests if r.length > size_mib << 20]
        assert len(big) == 2 and all(r.complete for r in big), sink.requests
    worst = max(sync.mib, asynchronous.mib)
    verdict = "OK" if worst < TARGET_MIB else "OVER TARGET"
    print(f"worst: {worst:.1f} MiB (target < {TARGET_MIB} MiB): {verdict}")
    return 0 if worst < TARGET_MIB else 1


if __name__ == "__main__":
    sys.exit(main())
