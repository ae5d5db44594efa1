"""One case per HTTP operation of the spec in use: the public client method that sends it.

Most cases are made from the spec itself (``derived.py``: the spec's examples, else its
schemas). The hand-written ones below, with realistic arguments (every required field, a
good share of the optional ones), are used only where the spec can't provide the
arguments (a file to upload) or where ``HANDWRITTEN_ONLY`` says why its own are not
enough. A hand-written case for an operation the spec in use doesn't have is left out.

``call(client, data, **options)`` makes the call; ``options`` are per-call options
(``extra_headers``, ``max_retries``) and go straight to the method. ``data`` holds the
local files some methods upload (see ``DataFiles``). With an ``AsyncTogether`` the same
call returns an awaitable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class DataFiles:
    """Small local files for the upload methods."""

    jsonl: Path  # a chat fine-tuning data set
    wav: Path  # a short silent WAV


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    call: Callable[..., Any]

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


def op(operation: str, call: Callable[..., Any]) -> Case:
    method, path = operation.split(" ", 1)
    return Case(method, path, call)


CHAT_MODEL = "meta-llama/Llama-3.3-70B-Instruct-Turbo"


def _weather_tool() -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather in a city",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        },
    }


CHAT_MESSAGES: list[dict[str, Any]] = [
    {"role": "system", "content": "You are a concise assistant."},
    {
        "role": "user",
        "content": [
            {"type": "text", "text": "What is in this picture, and what's the weather in Paris?"},
            {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
        ],
        "name": "ada",
    },
    {
        "role": "assistant",
        "tool_calls": [
            {
                "index": 0,
                "id": "call_1",
                "type": "function",
                "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
            }
        ],
    },
    {"role": "tool", "tool_call_id": "call_1", "name": "get_weather", "content": "18°C, cloudy"},
]


def chat_arguments() -> dict[str, Any]:
    """A full chat request (without ``stream``), shared with the streaming checks."""
    return {
        "model": CHAT_MODEL,
        "messages": CHAT_MESSAGES,
        "max_tokens": 256,
        "stop": ["</s>"],
        "temperature": 0.7,
        "top_p": 0.9,
        "top_k": 50,
        "repetition_penalty": 1.05,
        "min_p": 0.05,
        "presence_penalty": 0.1,
        "frequency_penalty": 0.1,
        "logprobs": 1,
        "n": 1,
        "seed": 42,
        "logit_bias": {"1024": -10.5},
        "context_length_exceeded_behavior": "truncate",
        "tools": [_weather_tool()],
        "tool_choice": "auto",
        "response_format": {
            "type": "json_schema",
            "json_schema": {
                "name": "answer",
                "schema": {"type": "object", "properties": {"text": {"type": "string"}}},
                "strict": True,
            },
        },
        "reasoning_effort": "low",
        "chat_template_kwargs": {"enable_thinking": False},
    }


def completion_arguments() -> dict[str, Any]:
    return {
        "model": "mistralai/Mixtral-8x7B-v0.1",
        "prompt": "<s>[INST] Name three primary colours [/INST]",
        "max_tokens": 64,
        "stop": ["</s>"],
        "temperature": 0.5,
        "top_p": 0.9,
        "top_k": 40,
        "repetition_penalty": 1.1,
        "logprobs": 1,
        "echo": False,
        "n": 1,
        "min_p": 0.05,
        "presence_penalty": 0.0,
        "frequency_penalty": 0.0,
        "seed": 7,
    }


def speech_arguments() -> dict[str, Any]:
    return {
        "model": "cartesia/sonic",
        "input": "Today is a wonderful day to build something people love!",
        "voice": "helpful woman",
        "response_format": "wav",
        "language": "en",
        "response_encoding": "pcm_s16le",
        "sample_rate": 44100,
    }


# Multipart uploads: the spec can't provide the local file.
_HANDWRITTEN: list[Case] = [
    op(
        "POST /audio/transcriptions",
        lambda c, d, **o: c.audio.transcriptions.create(
            file=d.wav,
            model="openai/whisper-large-v3",
            language="en",
            prompt="A short greeting.",
            response_format="verbose_json",
            temperature=0.0,
            timestamp_granularities=["word", "segment"],
            diarize=True,
            min_speakers=1,
            max_speakers=2,
            **o,
        ),
    ),
    op(
        "POST /audio/translations",
        lambda c, d, **o: c.audio.translations.create(
            file=d.wav,
            model="openai/whisper-large-v3",
            language="en",
            prompt="A short greeting.",
            response_format="json",
            temperature=0.2,
            **o,
        ),
    ),
    op(
        "POST /files/upload",
        lambda c, d, **o: c.files.upload(file=d.jsonl, purpose="fine-tune", **o),
    ),
]


# Operations whose spec examples can't make an acceptable request, and why.
HANDWRITTEN_ONLY: dict[str, str] = {}


def build_cases() -> tuple[list[Case], list[str]]:
    """A case per HTTP operation of the spec in use, and the operations left without one."""
    from . import spec
    from .derived import call_for

    handwritten = {case.id: case for case in _HANDWRITTEN}
    cases, missing = [], []
    for method, route in spec.http_operations():
        key = f"{method} {route}"
        call = None if key in HANDWRITTEN_ONLY else call_for(method, route)
        if call is not None:
            cases.append(Case(method, route, call))
        elif key in handwritten:
            cases.append(handwritten[key])
        else:
            missing.append(key)
    return cases, missing


CASES, MISSING = build_cases()
