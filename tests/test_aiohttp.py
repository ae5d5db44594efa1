"""``AsyncTogether(http_client=DefaultAioHttpClient())``: the same client over aiohttp.

The fault cases of tests/test_faults.py run on it too (its ``api`` fixture's "aiohttp"
flavor): the same retries, errors and timeouts as on httpx. Skipped when aiohttp or
httpx-aiohttp is not installed (the ``[aiohttp]`` extra), except the checks that
``import together`` works without them.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

import together
from together import AsyncTogether, Together

from .support import API_KEY
from .support.bodies import MESSAGES, MODEL, chat_completion


def _installed() -> bool:
    try:
        import aiohttp  # noqa: F401
        import httpx_aiohttp  # noqa: F401
    except ImportError:
        return False
    return True


MISSING = "the [aiohttp] extra is not installed"
needs_aiohttp = pytest.mark.skipif(not _installed(), reason=MISSING)


def _client(httpserver: HTTPServer, **kwargs: Any) -> AsyncTogether:
    return AsyncTogether(
        api_key=API_KEY,
        base_url=httpserver.url_for("/v1"),
        http_client=together.DefaultAioHttpClient(),
        **kwargs,
    )


@needs_aiohttp
def test_a_chat_call_goes_over_aiohttp(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v1/chat/completions", method="POST").respond_with_json(
        chat_completion()
    )

    async def main() -> Any:
        async with _client(httpserver) as client:
            transport = client._transport.client._transport
            reply = await client.chat.completions.create(model=MODEL, messages=MESSAGES)
            return reply, type(transport.inner).__module__

    reply, module = asyncio.run(main())
    assert reply.choices[0].message.content == "Hello!"
    assert module.startswith("httpx_aiohttp")
    (request, _), *_ = httpserver.log
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert json.loads(request.data)["model"] == MODEL


@needs_aiohttp
def test_a_stream_arrives_chunk_by_chunk(httpserver: HTTPServer) -> None:
    chunk = {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": MODEL,
        "choices": [{"index": 0, "delta": {"content": "hi"}, "finish_reason": None}],
    }
    body = "".join(f"data: {json.dumps(chunk)}\n\n" for _ in range(3)) + "data: [DONE]\n\n"
    httpserver.expect_request("/v1/chat/completions").respond_with_data(
        body, content_type="text/event-stream"
    )

    async def main() -> list[str]:
        async with _client(httpserver) as client:
            stream = await client.chat.completions.create(
                model=MODEL, messages=MESSAGES, stream=True
            )
            return [c.choices[0].delta.content async for c in stream]

    assert asyncio.run(main()) == ["hi", "hi", "hi"]


@needs_aiohttp
def test_the_client_closes_the_aiohttp_client_it_was_given() -> None:
    async def main() -> tuple[bool, bool]:
        http_client = together.DefaultAioHttpClient()
        client = AsyncTogether(api_key=API_KEY, http_client=http_client)
        copy = client.with_options(timeout=3)
        await client.close()
        still_open = not http_client.is_closed
        await copy.close()
        return still_open, http_client.is_closed

    assert asyncio.run(main()) == (True, True)


@needs_aiohttp
def test_a_users_own_httpx_client_is_still_left_open() -> None:
    async def main() -> bool:
        import httpx

        async with httpx.AsyncClient() as own:
            await AsyncTogether(api_key=API_KEY, http_client=own).close()
            return own.is_closed

    assert asyncio.run(main()) is False


@needs_aiohttp
def test_the_sync_client_refuses_it() -> None:
    async def main() -> None:
        async with together.DefaultAioHttpClient() as http_client:
            with pytest.raises(TypeError, match="http_client"):
                Together(api_key=API_KEY, http_client=http_client)

    asyncio.run(main())


def test_together_imports_without_aiohttp_and_says_what_to_install() -> None:
    code = (
        "import sys; sys.modules['aiohttp'] = None; sys.modules['httpx_aiohttp'] = None\n"
        "import together\n"
        "assert 'aiohttp' not in sys.modules or sys.modules['aiohttp'] is None\n"
        "try:\n"
        "    together.DefaultAioHttpClient()\n"
        "except RuntimeError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install 'together-client[aiohttp]'" in out.stdout


def test_importing_together_does_not_import_aiohttp() -> None:
    code = "import sys, together; print('aiohttp' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
