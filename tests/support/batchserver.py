"""A fake Together Batch API on 127.0.0.1, for the batch-run tests and the bench.

It serves what ``client.batches.run`` uses: file upload (multipart, as the client sends
it), file content, and batch create / list / retrieve / cancel. A batch moves one status
per ``polls_per_status`` retrieves: VALIDATING, IN_PROGRESS, then COMPLETED, when it
"runs" its input file. What happens to each request is told by a marker in its body:

- ``please-fail``: an output line with status_code 400;
- ``please-error``: a line in the error file;
- ``please-error-once``: the error file the first time the custom_id is seen, success after;
- ``please-skip``: in neither file (as if the batch expired before it);
- ``please-garble``: an output line nested too deep to read, its ``custom_id`` readable;
- ``please-garble-id``: an output line nothing can be read from;
- ``please-stranger``: also a line for ``stranger-1``, a ``custom_id`` never sent;
- anything else: an output line with a 200 response for the batch's endpoint.

Output and error lines are written in reverse input order. ``hold`` keeps every batch at
IN_PROGRESS until it is cleared. ``log`` has every request (method, path) and
``created`` every batch-create body.

    python -m tests.support.batchserver      # prints "PORT n", serves until stdin closes
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import sys
import tempfile
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

STATUSES = ("VALIDATING", "IN_PROGRESS", "COMPLETED")


def _response_body(endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
    model = body.get("model", "m")
    if endpoint == "/v1/embeddings":
        return {
            "object": "list",
            "model": model,
            "data": [{"object": "embedding", "index": 0, "embedding": [0.5, 0.25]}],
        }
    if endpoint == "/v1/completions":
        text = f"echo: {body.get('prompt')}"
        choice: dict[str, Any] = {"index": 0, "text": text, "finish_reason": "stop"}
        kind = "text.completion"
    else:
        messages = body.get("messages") or [{}]
        text = f"echo: {messages[-1].get('content')}"
        choice = {
            "index": 0,
            "message": {"role": "assistant", "content": text},
            "finish_reason": "stop",
        }
        kind = "chat.completion"
    return {
        "id": "cmpl-" + uuid.uuid4().hex[:12],
        "object": kind,
        "created": 1700000000,
        "model": model,
        "choices": [choice],
        "usage": {"prompt_tokens": 3, "completion_tokens": 3, "total_tokens": 6},
    }


def _multipart(content_type: str, data: bytes) -> dict[str, tuple[str | None, bytes]]:
    """name -> (file name or None, value) of a multipart/form-data body."""
    boundary = re.search(r"boundary=([^;]+)", content_type)
    if boundary is None:
        raise ValueError("no boundary")
    parts: dict[str, tuple[str | None, bytes]] = {}
    for part in data.split(b"--" + boundary.group(1).strip('"').encode())[1:]:
        if part.startswith(b"--"):
            break
        head, _, value = part.partition(b"\r\n\r\n")
        name = re.search(rb'name="([^"]*)"', head)
        filename = re.search(rb'filename="([^"]*)"', head)
        if name:
            parts[name.group(1).decode()] = (
                filename.group(1).decode() if filename else None,
                value[: -len(b"\r\n")] if value.endswith(b"\r\n") else value,
            )
    return parts


class BatchServer:
    def __init__(self, polls_per_status: int = 1) -> None:
        self.polls_per_status = polls_per_status
        self.folder = Path(tempfile.mkdtemp(prefix="batchserver-"))
        self.files: dict[str, dict[str, Any]] = {}
        self.jobs: dict[str, dict[str, Any]] = {}
        self.polls: dict[str, int] = {}
        self.seen: set[str] = set()  # custom_ids processed once (for please-error-once)
        self.log: list[tuple[str, str]] = []
        self.created: list[dict[str, Any]] = []
        self.hold = threading.Event()
        self.lock = threading.RLock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> BatchServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def calls(self, method: str, prefix: str) -> list[str]:
        """Paths of the requests with this method whose path starts with ``prefix``."""
        return [p for m, p in self.log if m == method and p.startswith(prefix)]

    # -- state ---------------------------------------------------------------------------
    def _new_file(self, name: str, purpose: str, data: bytes) -> dict[str, Any]:
        file_id = "file-" + uuid.uuid4().hex
        (self.folder / file_id).write_bytes(data)
        record = {
            "id": file_id,
            "object": "file",
            "created_at": 1700000000,
            "filename": name,
            "bytes": len(data),
            "purpose": purpose,
            "FileType": "jsonl",
            "Processed": True,
        }
        self.files[file_id] = record
        return record

    def _advance(self, job: dict[str, Any]) -> None:
        """One retrieve's worth of progress."""
        if job["status"] not in STATUSES[:2]:
            return
        polls = self.polls[job["id"]] = self.polls.get(job["id"], 0) + 1
        step = min(polls // self.polls_per_status, len(STATUSES) - 1)
        if self.hold.is_set():
            step = min(step, 1)
        job["status"] = STATUSES[step]
        job["progress"] = {0: 0.0, 1: 50.0, 2: 100.0}[step]
        if job["status"] == "COMPLETED":
            self._complete(job)

    def _complete(self, job: dict[str, Any]) -> None:
        outputs: list[bytes] = []
        errors: list[bytes] = []
        with (self.folder / job["input_file_id"]).open("rb") as lines:
            for line in lines:
                request = json.loads(line)
                custom_id, body = request["custom_id"], request["body"]
                text = json.dumps(body)
                once = "please-error-once" in text
                if once and custom_id in self.seen:
                    text = text.replace("please-error-once", "")
                self.seen.add(custom_id)
                if "please-skip" in text:
                    continue
                if "please-garble-id" in text:  # a line nothing can be read from
                    outputs.append(b"\x00\x01 garbled beyond reading")
                    continue
                if "please-garble" in text:  # its custom_id readable, the rest too deep
                    deep = b"[" * 100_000 + b"]" * 100_000
                    line = f'{{"custom_id": "{custom_id}", "response": '.encode() + deep + b"}"
                    outputs.append(line)
                    continue
                if "please-stranger" in text:  # a result for a request that was not sent
                    stranger = {"custom_id": "stranger-1", "response": {"status_code": 200}}
                    outputs.append(json.dumps(stranger).encode())
                if "please-error" in text:
                    error = {"message": "the model could not answer", "code": "model_error"}
                    errors.append(json.dumps({"custom_id": custom_id, "error": error}).encode())
                    continue
                if "please-fail" in text:
                    response = {"status_code": 400, "body": {"error": {"message": "bad input"}}}
                else:
                    response = {
                        "status_code": 200,
                        "body": _response_body(job["endpoint"], body),
                    }
                outputs.append(json.dumps({"custom_id": custom_id, "response": response}).encode())
        if outputs:
            data = b"\n".join(reversed(outputs)) + b"\n"
            job["output_file_id"] = self._new_file("output.jsonl", "batch-output", data)["id"]
        if errors:
            data = b"\n".join(reversed(errors)) + b"\n"
            job["error_file_id"] = self._new_file("errors.jsonl", "batch-output", data)["id"]

    # -- HTTP ----------------------------------------------------------------------------
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                # Headers and body go out in two writes: without this, Nagle's algorithm
                # and the client's delayed ACK hold the body back 40 ms each time.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _send(self, status: int, body: Any, content_type: str = "application/json") -> None:
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def do_GET(self) -> None:
                self._route("GET")

            def do_POST(self) -> None:
                self._route("POST")

            def _route(self, method: str) -> None:
                path = self.path.split("?")[0]
                data = self._body() if method == "POST" else b""
                with server.lock:
                    server.log.append((method, path))
                    status, body, kind = server.answer(method, path, self.headers, data)
                self._send(status, body, kind)

        return Handler

    def answer(self, method: str, path: str, headers: Any, data: bytes) -> tuple[int, Any, str]:
        json_type = "application/json"
        not_found = (404, {"error": {"message": f"no route {method} {path}"}}, json_type)
        if (method, path) == ("POST", "/v1/files/upload"):
            form = _multipart(headers.get("Content-Type", ""), data)
            name, content = form["file"]
            return (
                200,
                self._new_file(name or "data", form["purpose"][1].decode(), content),
                json_type,
            )
        match = re.fullmatch(r"/v1/files/([^/]+)/content", path)
        if method == "GET" and match:
            if match.group(1) not in self.files:
                return not_found
            return 200, (self.folder / match.group(1)).read_bytes(), "application/octet-stream"
        if (method, path) == ("POST", "/v1/batches"):
            request = json.loads(data)
            if request.get("input_file_id") not in self.files:
                return 400, {"error": {"message": "no such input file"}}, json_type
            self.created.append(request)
            job = {
                "id": str(uuid.uuid4()),
                "user_id": "user-1",
                "input_file_id": request["input_file_id"],
                "endpoint": request["endpoint"],
                "status": "VALIDATING",
                "progress": 0.0,
                "created_at": "2026-01-01T00:00:00Z",
            }
            self.jobs[job["id"]] = job
            return 201, {"job": job}, json_type
        if (method, path) == ("GET", "/v1/batches"):
            return 200, list(self.jobs.values()), json_type
        match = re.fullmatch(r"/v1/batches/([^/]+)(/cancel)?", path)
        if match and match.group(1) in self.jobs:
            job = self.jobs[match.group(1)]
            if method == "POST" and match.group(2):
                if job["status"] in STATUSES[:2]:
                    job["status"] = "CANCELLED"
                return 200, job, json_type
            if method == "GET" and not match.group(2):
                self._advance(job)
                return 200, job, json_type
        return not_found


def main() -> None:
    with BatchServer() as server:
        print(f"PORT {server.port}", flush=True)
        sys.stdin.read()  # until the parent closes our stdin


if __name__ == "__main__":
    main()
