"""Request and response bodies as the spec describes them, shared by several test modules."""

from __future__ import annotations

import json
from typing import Any

import together
from together.error import InvalidRequestError, ServiceUnavailableError

MODEL = "meta-llama/Llama-3.3-70B-Instruct-Turbo"
MESSAGES = [{"role": "user", "content": "Say hello"}]


def chat_completion() -> dict[str, Any]:
    """A ChatCompletionResponse as the spec describes it."""
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": MODEL,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Hello!"},
                "finish_reason": "stop",
            }
        ],
    }


def error_body(message: str) -> str:
    return json.dumps({"error": {"message": message, "type": "server_error"}})


CHAT_RESPONSE = {
    "id": "c1",
    "object": "chat.completion",
    "created": 1,
    "model": "m",
    "choices": [
        {"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}
    ],
    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
}


CASES = [
    (400, together.BadRequestError),
    (401, together.AuthenticationError),
    (403, together.PermissionDeniedError),
    (404, together.NotFoundError),
    (409, together.ConflictError),
    (422, together.UnprocessableEntityError),
    (429, together.RateLimitError),
    (500, together.InternalServerError),
    (503, ServiceUnavailableError),  # an InternalServerError, named as in 1.x
    (415, InvalidRequestError),  # 1.x's name, also the base of 400, 403, 404 and 422
    (418, together.APIStatusError),
]


JOB = {
    "id": "ft-1",
    "status": "running",
    "created_at": "2026-01-01T00:00:00Z",
    "updated_at": "2026-01-01T00:10:00Z",
}


LIMITS = {
    "model_name": "m",
    "max_num_epochs": 20,
    "max_num_evals": 100,
    "max_learning_rate": 1.0,
    "min_learning_rate": 0.0,
    "supports_vision": False,
    "supports_tools": True,
    "supports_reasoning": False,
    "merge_output_lora": True,
}


MODEL_BYTES = b"\x28\xb5\x2f\xfd" + bytes(range(256)) * 400  # zstd magic, then binary
