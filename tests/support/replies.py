"""Whole responses for the raw-socket ``FaultServer`` (a list of steps each)."""

from __future__ import annotations

import json
from typing import Any

from .bodies import chat_completion, error_body
from .faultserver import CLOSE, response_head


def reply(status: str, body: bytes, headers: list[tuple[str, str]]) -> list[Any]:
    """One whole response, then the connection closes."""
    head = [("Content-Length", str(len(body))), ("Connection", "close"), *headers]
    return [response_head(status, head) + body, CLOSE]


OK = reply("200 OK", json.dumps(chat_completion()).encode(), [("Content-Type", "application/json")])


def overloaded(retry_after: str) -> list[Any]:
    headers = [("Content-Type", "application/json"), ("Retry-After", retry_after)]
    return reply("503 Service Unavailable", error_body("overloaded").encode(), headers)
