"""The response bodies the benchmark server sends, shaped like (and checked against) the
spec's schemas: ChatCompletionResponse, ChatCompletionChunk, EmbeddingsResponse and
FileResponse in build/spec/together-openapi.overlaid.json.

Standard library only: the server imports this module under any interpreter.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "build" / "spec" / "together-openapi.overlaid.json"

MODEL = "meta-llama/Llama-3.3-70B-Instruct-Turbo"
EMBEDDING_MODEL = "BAAI/bge-base-en-v1.5"
REPLY = "Hello! How can I help you today?"
STREAM_CHUNKS = 4000
EMBEDDINGS = 512
EMBEDDING_DIMS = 1024
CREATED = 1_767_225_600

# Where the live API sends null though the spec does not allow it (at its pin, the
# ChatCompletionChunk delta's tool_calls is an array): check_all accepts a null there, so
# that the bench streams what clients really get (see chat_chunks).
LIVE_API_NULLS = frozenset({"ChatCompletionChunk.choices[].delta.tool_calls"})


def chat_completion() -> dict[str, Any]:
    """A small non-streaming answer, as the API sends it (prompt and seed included)."""
    return {
        "id": "oJ8vKxy-2j9zxt-9a1b2c3d4e5f6a7b",
        "object": "chat.completion",
        "created": CREATED,
        "model": MODEL,
        "prompt": [],
        "choices": [
            {
                "index": 0,
                "finish_reason": "eos",
                "seed": 1_234_567_890_123,
                "logprobs": None,
                "message": {"role": "assistant", "content": REPLY, "tool_calls": []},
            }
        ],
        "usage": {"prompt_tokens": 39, "completion_tokens": 10, "total_tokens": 49},
    }


def chat_chunks(count: int = STREAM_CHUNKS) -> list[dict[str, Any]]:
    """``count`` chunks of one token each, shaped (keys in the same order) like those the
    live API sends, e.g. this one, recorded::

        {"id":"8ff411e54b9299ab","object":"chat.completion.chunk","created":1736421960,
         "choices":[{"index":0,"text":"2","logprobs":null,"finish_reason":null,"seed":null,
         "delta":{"token_id":17,"role":"assistant","content":"2","tool_calls":null}}],
         "model":"meta-llama/Llama-3.3-70B-Instruct-Turbo","usage":null}

    ``"text"`` and ``"tool_calls": null`` included (see LIVE_API_NULLS); the last chunk
    carries finish_reason, seed and usage."""
    words = ["Hello", " world", ",", " this", " is", " a", " streamed", " token", "."]
    chunks = []
    for i in range(count):
        last = i == count - 1
        word = words[i % len(words)]
        chunks.append(
            {
                "id": "8ff411e54b9299ab",
                "object": "chat.completion.chunk",
                "created": CREATED,
                "choices": [
                    {
                        "index": 0,
                        "text": word,
                        "logprobs": None,
                        "finish_reason": "eos" if last else None,
                        "seed": 1_234_567_890_123 if last else None,
                        "delta": {
                            "token_id": 9906 + i % 5000,
                            "role": "assistant",
                            "content": word,
                            "tool_calls": None,
                        },
                    }
                ],
                "model": MODEL,
                "usage": {
                    "prompt_tokens": 39,
                    "completion_tokens": count,
                    "total_tokens": count + 39,
                }
                if last
                else None,
            }
        )
    return chunks


def embeddings(
    count: int = EMBEDDINGS, dims: int = EMBEDDING_DIMS, seed: int = 0
) -> dict[str, Any]:
    """``count`` vectors of ``dims`` floats with the digits real embeddings have."""
    rng = random.Random(seed)
    return {
        "object": "list",
        "model": EMBEDDING_MODEL,
        "data": [
            {
                "object": "embedding",
                "index": i,
                "embedding": [round(rng.gauss(0.0, 0.05), 9) for _ in range(dims)],
            }
            for i in range(count)
        ],
    }


def file_response(size: int = 1 << 30) -> dict[str, Any]:
    return {
        "id": "file-bench-0001",
        "object": "file",
        "created_at": CREATED,
        "filename": "upload.jsonl",
        "bytes": size,
        "purpose": "fine-tune",
        "FileType": "jsonl",
        "Processed": False,
    }


def dumps(value: Any) -> bytes:
    """Compact JSON, as the API's servers write it."""
    return json.dumps(value, separators=(",", ":")).encode()


# -- checking against the spec ------------------------------------------------------------
class SchemaMismatch(ValueError):
    pass


def _type_ok(value: Any, kind: str) -> bool:
    if kind == "null":
        return value is None
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str)
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    return True


class Validator:
    """Enough of JSON Schema for the spec's response models: $ref, type (+ nullable),
    const, enum, properties, required, additionalProperties, items, min/maxItems,
    minimum, anyOf, oneOf, allOf. A null is accepted wherever ``nulls`` names the place
    (list indices written ``[]``)."""

    def __init__(self, spec: dict[str, Any], nulls: frozenset[str] = frozenset()) -> None:
        self.schemas = spec["components"]["schemas"]
        self.nulls = nulls

    def check(self, value: Any, schema: dict[str, Any], where: str = "$") -> None:
        if value is None and self.nulls and re.sub(r"\[\d+\]", "[]", where) in self.nulls:
            return
        if "$ref" in schema:
            self.check(value, self.schemas[schema["$ref"].rsplit("/", 1)[1]], where)
            schema = {k: v for k, v in schema.items() if k != "$ref"}
        if value is None and schema.get("nullable"):
            return
        kinds = schema.get("type")
        if kinds is not None:
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if not any(_type_ok(value, k) for k in kinds):
                raise SchemaMismatch(f"{where}: {value!r:.40} is not {kinds}")
        if "const" in schema and value != schema["const"]:
            raise SchemaMismatch(f"{where}: {value!r} is not the const {schema['const']!r}")
        if "enum" in schema and value not in schema["enum"]:
            raise SchemaMismatch(f"{where}: {value!r} not in {schema['enum']}")
        if "minimum" in schema and isinstance(value, (int, float)) and value < schema["minimum"]:
            raise SchemaMismatch(f"{where}: {value} < minimum {schema['minimum']}")
        for sub in schema.get("allOf", []):
            self.check(value, sub, where)
        for key in ("anyOf", "oneOf"):
            if key in schema:
                matches = 0
                errors = []
                for sub in schema[key]:
                    try:
                        self.check(value, sub, where)
                        matches += 1
                    except SchemaMismatch as exc:
                        errors.append(str(exc))
                if matches == 0 or (key == "oneOf" and matches > 1):
                    raise SchemaMismatch(f"{where}: {matches} of {key} match: {errors}")
        if isinstance(value, dict):
            props = schema.get("properties", {})
            for name in schema.get("required", []):
                if name not in value:
                    raise SchemaMismatch(f"{where}: missing required {name!r}")
            extra = schema.get("additionalProperties", True)
            for name, item in value.items():
                if name in props:
                    self.check(item, props[name], f"{where}.{name}")
                elif extra is False:
                    raise SchemaMismatch(f"{where}: unexpected property {name!r}")
                elif isinstance(extra, dict):
                    self.check(item, extra, f"{where}.{name}")
        if isinstance(value, list):
            if len(value) < schema.get("minItems", 0):
                raise SchemaMismatch(f"{where}: fewer than {schema['minItems']} items")
            if "maxItems" in schema and len(value) > schema["maxItems"]:
                raise SchemaMismatch(f"{where}: more than {schema['maxItems']} items")
            if "items" in schema:
                # Homogeneous payloads: checking the first, a middle and the last item is
                # as good as checking all 4,000 (and much faster for 512 x 1024 floats).
                picks = sorted({0, len(value) // 2, len(value) - 1}) if value else []
                for i in picks:
                    self.check(value[i], schema["items"], f"{where}[{i}]")

    def check_model(self, value: Any, name: str) -> None:
        self.check(value, {"$ref": f"#/components/schemas/{name}"}, name)


def check_all(spec_path: Path = SPEC) -> None:
    """Raise SchemaMismatch when any payload does not fit its schema in the spec."""
    validator = Validator(json.loads(spec_path.read_text()), LIVE_API_NULLS)
    validator.check_model(chat_completion(), "ChatCompletionResponse")
    chunks = chat_chunks(3)
    for chunk in chunks:
        validator.check_model(chunk, "ChatCompletionChunk")
    validator.check_model(embeddings(2, 8), "EmbeddingsResponse")
    validator.check_model(file_response(), "FileResponse")


if __name__ == "__main__":
    check_all()
    print("payloads fit the spec's schemas")
