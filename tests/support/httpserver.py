"""Reading what reached pytest-httpserver."""

from __future__ import annotations

import json
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request


def request_sent(httpserver: HTTPServer) -> Request:
    """The one request the test made."""
    assert len(httpserver.log) == 1
    return httpserver.log[0][0]


def body_of(request: Request) -> Any:
    return json.loads(request.data) if request.data else None
