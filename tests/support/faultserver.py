"""A tiny scripted HTTP server on 127.0.0.1 for faults a real server rarely shows on demand.

pytest-httpserver answers with whole, well-formed responses. The faults a client has to
survive are the other kind: a socket reset before any answer, a body cut short, headers
that never come. ``FaultServer`` reads each request in full, then plays the script for
that connection step by step:

- ``bytes``: sent as they are;
- ``Pause(seconds)``: wait (cut short when the server stops);
- ``RESET``: close with SO_LINGER 0, so the peer sees a TCP RST;
- ``CLOSE``: close normally (FIN).

Connection *n* (from 0) plays ``scripts[n]``, or the last script once they run out. The
connection is closed at the end of every script, so each request is a new connection.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import TracebackType


@dataclass(frozen=True)
class Pause:
    seconds: float


class _Close:
    def __init__(self, reset: bool) -> None:
        self.reset = reset

    def __repr__(self) -> str:
        return "RESET" if self.reset else "CLOSE"


RESET = _Close(reset=True)
CLOSE = _Close(reset=False)

Step = bytes | Pause | _Close
Script = Sequence[Step]

_READ_TIMEOUT = 5.0
_MAX_REQUEST = 1 << 20


@dataclass
class Request:
    """One request as received: its request line, headers (lower-cased names) and body."""

    line: str
    headers: dict[str, str]
    body: bytes
    received_at: float = field(default_factory=time.monotonic)


def response_head(status: str = "200 OK", headers: Sequence[tuple[str, str]] = ()) -> bytes:
    """A status line and headers, ending with the blank line."""
    lines = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in headers), "", ""]
    return "\r\n".join(lines).encode()


def chunk(data: bytes) -> bytes:
    """One chunk of a ``Transfer-Encoding: chunked`` body."""
    return b"%x\r\n%s\r\n" % (len(data), data)


LAST_CHUNK = b"0\r\n\r\n"


class FaultServer:
    """Serve ``scripts`` on 127.0.0.1:<free port> until closed (use as a context manager)."""

    def __init__(self) -> None:
        self.scripts: list[Script] = [[RESET]]
        self.requests: list[Request] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._listener.settimeout(0.05)
        self.port: int = self._listener.getsockname()[1]
        self._threads: list[threading.Thread] = []
        self._accepter = threading.Thread(target=self._accept_loop, daemon=True)

    def url(self, path: str = "/v1") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def play(self, *scripts: Script) -> FaultServer:
        """Set what connections 0, 1, ... get (the last one repeats)."""
        self.scripts = list(scripts)
        return self

    # -- life cycle -----------------------------------------------------------
    def __enter__(self) -> FaultServer:
        self._accepter.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._accepter.join(timeout=2)
        for thread in self._threads:
            thread.join(timeout=2)
        self._listener.close()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                index = len(self._threads)
                script = self.scripts[min(index, len(self.scripts) - 1)]
                thread = threading.Thread(target=self._serve, args=(conn, script), daemon=True)
                self._threads.append(thread)
            thread.start()

    # -- one connection -------------------------------------------------------
    def _serve(self, conn: socket.socket, script: Script) -> None:
        conn.settimeout(_READ_TIMEOUT)
        try:
            request = self._read_request(conn)
            if request is None:
                return
            with self._lock:
                self.requests.append(request)
            for step in script:
                if isinstance(step, bytes):
                    conn.sendall(step)
                elif isinstance(step, Pause):
                    if self._stop.wait(step.seconds):
                        return
                elif step.reset:
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    return
                else:
                    return
        except OSError:
            pass  # the client gave up first (a timeout test): nothing to do
        finally:
            conn.close()

    @staticmethod
    def _read_request(conn: socket.socket) -> Request | None:
        data = b""
        while b"\r\n\r\n" not in data:
            if len(data) > _MAX_REQUEST:
                return None
            part = conn.recv(65536)
            if not part:
                return None
            data += part
        head, _, body = data.partition(b"\r\n\r\n")
        line, *header_lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for header in header_lines:
            name, _, value = header.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = min(int(headers.get("content-length", "0")), _MAX_REQUEST)
        while len(body) < length:
            part = conn.recv(65536)
            if not part:
                break
            body += part
        return Request(line=line, headers=headers, body=body)
