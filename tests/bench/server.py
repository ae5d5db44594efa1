"""A fast loopback HTTP/1.1 server for the benchmarks: keep-alive, responses precomputed.

    python -m tests.bench.server [--seconds N]

Binds 127.0.0.1 on a free port, prints ``PORT <n>`` once it listens, and serves until
its standard input closes (its parent is gone) or ``--seconds`` (default 900) pass.

| request                                   | answer                                        |
| ----------------------------------------- | --------------------------------------------- |
| POST …/chat/completions                   | ChatCompletionResponse JSON                   |
| POST …/chat/completions, ``"stream":true``| 4,000 ChatCompletionChunk SSE events + [DONE] |
| POST …/embeddings                         | EmbeddingsResponse, 512 x 1024 floats         |
| POST …/files/upload or …/v1/files         | body read and dropped; FileResponse JSON      |
| anything else                             | 404 with an error JSON                        |

Written for speed rather than generality: an asyncio Protocol (no streams), bodies
parsed only as far as the route needs, every answer's bytes built once at start-up.

A stream comes in one of two read patterns (READ_PATTERNS), picked by the first segment
of the request's path, so that a client selects one with its base URL alone
(``http://127.0.0.1:N/large-reads/v1``) and every client gets the same bytes:

- no prefix, "one event per read": each SSE event goes out as its own HTTP chunk, so a
  client sees one event per read as it would from the real API token by token;
- ``/large-reads``, "large reads": the same events and [DONE], cut into HTTP chunks of
  LARGE_CHUNK bytes (64 KiB) with no regard for event or line boundaries, as a client sees
  a stream that arrived faster than it reads: many events per read, some split mid-line.

Either way the whole answer is written at once, so the server never sets the pace.
Other routes answer the same under any prefix.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import sys
import threading

try:  # as a module (python -m tests.bench.server) or as a script
    from . import payloads
except ImportError:  # pragma: no cover
    import payloads  # type: ignore[no-redef]

_STREAM_FLAG = re.compile(rb'"stream"\s*:\s*true')
_MAX_HEAD = 64 * 1024
_KEEP_BODY = 64 * 1024  # bodies are inspected only this far; the rest is dropped
LARGE_CHUNK = 64 * 1024

# The path prefix of each read pattern of a stream (see the module's docstring).
READ_PATTERNS = {"one event per read": "", "large reads": "/large-reads"}
_LARGE_READS = READ_PATTERNS["large reads"].encode() + b"/"


def _response(status: str, content_type: str, body: bytes) -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\n"
        f"content-type: {content_type}\r\n"
        f"content-length: {len(body)}\r\n"
        "x-request-id: bench\r\n"
        "\r\n"
    )
    return head.encode() + body


def _sse(pieces: list[bytes]) -> bytes:
    """A chunked text/event-stream response: one HTTP chunk per piece."""
    parts = [
        b"HTTP/1.1 200 OK\r\n"
        b"content-type: text/event-stream;charset=utf-8\r\n"
        b"cache-control: no-cache\r\n"
        b"transfer-encoding: chunked\r\n"
        b"x-request-id: bench\r\n"
        b"\r\n"
    ]
    for piece in pieces:
        parts.append(b"%x\r\n%s\r\n" % (len(piece), piece))
    parts.append(b"0\r\n\r\n")
    return b"".join(parts)


class Answers:
    """Every response's bytes, built once."""

    def __init__(self) -> None:
        self.chat = _response(
            "200 OK", "application/json", payloads.dumps(payloads.chat_completion())
        )
        events = [b"data: " + payloads.dumps(c) + b"\n\n" for c in payloads.chat_chunks()]
        events.append(b"data: [DONE]\n\n")
        self.chat_stream = _sse(events)  # one event per HTTP chunk
        body = b"".join(events)
        self.chat_stream_large = _sse(
            [body[i : i + LARGE_CHUNK] for i in range(0, len(body), LARGE_CHUNK)]
        )
        self.embeddings = _response(
            "200 OK", "application/json", payloads.dumps(payloads.embeddings())
        )
        self.file = _response(
            "200 OK", "application/json", payloads.dumps(payloads.file_response())
        )
        self.not_found = _response(
            "404 Not Found",
            "application/json",
            b'{"error":{"message":"no such route in the bench server","type":"not_found"}}',
        )
        self.bad_request = _response(
            "400 Bad Request", "application/json", b'{"error":{"message":"malformed request"}}'
        )

    def pick(self, method: bytes, path: bytes, body: bytes) -> bytes:
        path = path.split(b"?", 1)[0]
        if method == b"POST":
            if path.endswith(b"/chat/completions"):
                if not _STREAM_FLAG.search(body):
                    return self.chat
                if path.startswith(_LARGE_READS):
                    return self.chat_stream_large
                return self.chat_stream
            if path.endswith(b"/embeddings"):
                return self.embeddings
            if path.endswith((b"/files/upload", b"/v1/files")):
                return self.file
        return self.not_found


_HEAD, _BODY, _CHUNK_SIZE, _CHUNK_DATA, _TRAILER = range(5)


class HTTPProtocol(asyncio.Protocol):
    """One connection: requests in order, each answered as soon as its body is read."""

    def __init__(self, answers: Answers) -> None:
        self.answers = answers
        self.buffer = bytearray()
        self.state = _HEAD
        self.remaining = 0
        self.body = bytearray()
        self.request: tuple[bytes, bytes] = (b"", b"")
        self.close_after = False
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        # Fast path for large bodies (uploads): drop bytes without copying them.
        if self.state == _BODY and not self.buffer and len(data) < self.remaining:
            self._keep(data)
            self.remaining -= len(data)
            return
        self.buffer += data
        while self._step():
            pass

    def _keep(self, data: bytes | bytearray) -> None:
        room = _KEEP_BODY - len(self.body)
        if room > 0:
            self.body += data[:room]

    def _step(self) -> bool:
        """Advance the parser once; False when it needs more bytes."""
        buf = self.buffer
        if self.state == _HEAD:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                if len(buf) > _MAX_HEAD:
                    self._fail()
                return False
            head = bytes(buf[:end])
            del buf[: end + 4]
            lines = head.split(b"\r\n")
            try:
                method, target, _version = lines[0].split(b" ", 2)
            except ValueError:
                self._fail()
                return False
            length = 0
            chunked = False
            self.close_after = False
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"transfer-encoding":
                    chunked = b"chunked" in value.lower()
                elif name == b"connection":
                    self.close_after = b"close" in value.lower()
            self.request = (method, target)
            self.body = bytearray()
            if chunked:
                self.state = _CHUNK_SIZE
            else:
                self.state = _BODY
                self.remaining = length
            return True
        if self.state == _BODY:
            take = min(self.remaining, len(buf))
            if take:
                self._keep(memoryview(buf)[:take])
                del buf[:take]
                self.remaining -= take
            if self.remaining:
                return False
            self._answer()
            return True
        if self.state == _CHUNK_SIZE:
            end = buf.find(b"\r\n")
            if end < 0:
                return False
            size = int(bytes(buf[:end]).split(b";", 1)[0], 16)
            del buf[: end + 2]
            if size == 0:
                self.state = _TRAILER
            else:
                self.state = _CHUNK_DATA
                self.remaining = size + 2  # the data and its CRLF
            return True
        if self.state == _CHUNK_DATA:
            take = min(self.remaining, len(buf))
            if take:
                self._keep(memoryview(buf)[: min(take, max(self.remaining - 2, 0))])
                del buf[:take]
                self.remaining -= take
            if self.remaining:
                return False
            self.state = _CHUNK_SIZE
            return True
        # _TRAILER: skip trailer lines up to the blank one
        end = buf.find(b"\r\n")
        if end < 0:
            return False
        del buf[: end + 2]
        if end == 0:
            self._answer()
        return True

    def _answer(self) -> None:
        method, target = self.request
        assert self.transport is not None
        self.transport.write(self.answers.pick(method, target, bytes(self.body)))
        self.body = bytearray()
        self.state = _HEAD
        if self.close_after:
            self.transport.close()

    def _fail(self) -> None:
        assert self.transport is not None
        self.transport.write(self.answers.bad_request)
        self.transport.close()
        self.buffer.clear()


async def serve(seconds: float) -> None:
    answers = Answers()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: HTTPProtocol(answers), "127.0.0.1", 0, backlog=1024, reuse_address=True
    )
    port = server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)
    stop = asyncio.Event()

    def watch_stdin() -> None:  # the parent closing our stdin (or dying) stops us
        try:
            sys.stdin.buffer.read()
        finally:
            loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=watch_stdin, daemon=True).start()
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=900.0, help="stop after this long")
    args = parser.parse_args()
    asyncio.run(serve(args.seconds))


if __name__ == "__main__":
    main()
