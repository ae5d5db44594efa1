"""A small fake Together API on loopback, for trying the command line by hand and for the
README's examples: ``python -m tests.support.fakeapi [PORT]`` serves models, files, fine-tuning
jobs (which finish after a few polls), a chat that echoes the question (streamed or not)
and embeddings of zeros.

Not a mock of the client: it speaks HTTP on a real socket, as the API does.
"""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

MODELS = [
    {
        "id": "meta-llama/Llama-3.3-70B-Instruct-Turbo",
        "object": "model",
        "created": 1733443200,
        "type": "chat",
        "display_name": "Llama 3.3 70B Instruct Turbo",
        "organization": "Meta",
        "context_length": 131072,
        "pricing": {"input": 0.88, "output": 0.88, "hourly": 0, "base": 0, "finetune": 0},
    },
    {
        "id": "Qwen/Qwen2.5-7B-Instruct-Turbo",
        "object": "model",
        "created": 1726617600,
        "type": "chat",
        "display_name": "Qwen2.5 7B Instruct Turbo",
        "organization": "Qwen",
        "context_length": 32768,
        "pricing": {"input": 0.3, "output": 0.3, "hourly": 0, "base": 0, "finetune": 0},
    },
    {
        "id": "BAAI/bge-large-en-v1.5",
        "object": "model",
        "created": 1700000000,
        "type": "embedding",
        "display_name": "BAAI-Bge-Large-1.5",
        "organization": "BAAI",
        "context_length": 512,
        "pricing": {"input": 0.02, "output": 0, "hourly": 0, "base": 0, "finetune": 0},
    },
]

FILE = {
    "id": "file-6f1c2a87-1c55-4e3c-9b2e-3a4d0f8e5b21",
    "object": "file",
    "filename": "support-conversations-2026-11.jsonl",
    "bytes": 50_001_460,
    "purpose": "fine-tune",
    "created_at": 1764979200,
    "FileType": "jsonl",
    "LineCount": 12000,
    "Processed": True,
    "user_id": "u-1",
}

JOB_ID = "ft-3b8e1f0c-6a2d-4c1e-9f7a-2d5b8c0e4a19"


class State:
    def __init__(self) -> None:
        self.polls = 0
        self.requests: list[tuple[str, str, Any]] = []
        self.rate_limited = 0  # answer this many requests with 429 first
        self.created: Any = {}  # the body of the last job created


class Handler(BaseHTTPRequestHandler):
    state: State

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-request-id", "req-fake-0001")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.headers.get("Content-Type", "").startswith("application/json") and raw:
            return json.loads(raw)
        return raw.decode("latin-1")

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    def _route(self, method: str) -> None:
        url = urlparse(self.path)
        path = url.path.removeprefix("/v1")
        body = self._body() if method == "POST" else None
        self.state.requests.append((method, path, body))
        if self.state.rate_limited > 0:
            self.state.rate_limited -= 1
            self._send(429, {"error": {"message": "rate limited"}}, {"retry-after": "0.3"})
            return
        if path == "/models":
            self._send(200, MODELS)
        elif path == "/files":
            self._send(200, {"object": "list", "data": [FILE]})
        elif path == "/files/upload":
            self._send(200, {**FILE, "id": "file-uploaded-1", "filename": "train.jsonl"})
        elif path == "/fine-tunes/models/limits":
            model = parse_qs(url.query).get("model_name", [""])[0]
            self._send(200, _limits(model))
        elif path == "/fine-tunes/estimate-price":
            self._send(
                200,
                {
                    "estimated_total_price": 4.21,
                    "allowed_to_proceed": True,
                    "user_limit": 100.0,
                    "estimated_train_token_count": 1_250_000,
                    "estimated_eval_token_count": 0,
                },
            )
        elif path == "/fine-tunes" and method == "POST":
            self.state.polls, self.state.created = 0, body
            self._send(200, _job(body, "pending"))
        elif path == "/fine-tunes":
            self._send(200, {"data": [_job({}, "completed")]})
        elif path == f"/fine-tunes/{JOB_ID}":
            self.state.polls += 1
            status = "completed" if self.state.polls >= 3 else "running"
            self._send(200, _job(self.state.created, status))
        elif path == f"/fine-tunes/{JOB_ID}/events":
            self._send(200, {"data": []})
        elif path == "/chat/completions":
            self._chat(body)
        elif path == "/embeddings":
            inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
            data = [
                {"object": "embedding", "index": i, "embedding": [0.0] * 8}
                for i in range(len(inputs))
            ]
            self._send(200, {"object": "list", "model": body["model"], "data": data})
        else:
            self._send(404, {"error": {"message": f"no route {method} {path}"}})

    def _chat(self, body: Any) -> None:
        question = body["messages"][-1]["content"]
        words = ["You", " said: ", question, f" ({len(body['messages'])} messages)"]
        chunks = [
            {
                "id": "chat-1",
                "object": "chat.completion.chunk",
                "created": 1764979200,
                "model": body["model"],
                "choices": [{"index": 0, "delta": {"role": "assistant", "content": w}}],
            }
            for w in words
        ]
        if not body.get("stream"):  # the whole answer at once
            message = {"role": "assistant", "content": "".join(words)}
            choice = {"index": 0, "message": message, "finish_reason": "stop"}
            self._send(200, {**chunks[0], "object": "chat.completion", "choices": [choice]})
            return
        data = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"
        raw = data.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


def _limits(model: str) -> dict[str, Any]:
    return {
        "model_name": model,
        "max_num_epochs": 20,
        "max_num_evals": 100,
        "max_learning_rate": 1,
        "min_learning_rate": 0,
        "supports_vision": False,
        "supports_tools": True,
        "supports_reasoning": False,
        "merge_output_lora": False,
        "lora_training": {
            "max_batch_size": 96,
            "max_batch_size_dpo": 48,
            "min_batch_size": 8,
            "max_rank": 64,
            "default_rank": 16,
            "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj"],
        },
        "full_training": {"max_batch_size": 32, "max_batch_size_dpo": 16, "min_batch_size": 8},
    }


def _job(body: Any, status: str) -> dict[str, Any]:
    model = (body or {}).get("model", "meta-llama/Llama-3.3-70B-Instruct-Reference")
    return {
        "id": JOB_ID,
        "object": "fine-tune",
        "status": status,
        "model": model,
        "training_file": (body or {}).get("training_file", FILE["id"]),
        "output_name": f"user/{model.split('/')[-1]}-{(body or {}).get('suffix') or 'ft'}-1a2b3c4d",
        "created_at": "2026-12-07T03:10:00Z",
        **{k: v for k, v in (body or {}).items() if k in ("training_type", "training_method")},
    }


class FakeAPI:
    """The fake API on a free loopback port, in a thread: ``with FakeAPI() as api:``
    then ``api.url`` (ending in ``/v1``) and ``api.state.requests``."""

    def __init__(self, port: int = 0) -> None:
        self.state = State()
        handler = type("BoundHandler", (Handler,), {"state": self.state})
        self.server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self) -> FakeAPI:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


if __name__ == "__main__":
    api = FakeAPI(int(sys.argv[1]) if len(sys.argv) > 1 else 8765)
    print(api.url, flush=True)
    api.server.serve_forever()
