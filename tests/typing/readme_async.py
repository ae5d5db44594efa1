"""User code as the README writes it (asyncio): must pass mypy --strict and pyright."""

from __future__ import annotations

import asyncio

import together
from together import AsyncTogether


async def main() -> None:
    async with AsyncTogether(api_key="k") as client:
        response = await client.chat.completions.create(
            model="meta-llama/Llama-3.3-70B-Instruct-Turbo",
            messages=[{"role": "user", "content": "Say hi"}],
        )
        print(response.choices)

        stream = await client.chat.completions.create(
            model="m", messages=[{"role": "user", "content": "hi"}], stream=True
        )
        async with stream:
            async for chunk in stream:
                print(chunk.choices)

        text = await client.completions.create(model="m", prompt="Once", max_tokens=5)
        print(text.choices)

        models = await client.models.list()
        for model in models:
            print(model.id)

        video = await client.videos.wait("video-1", timeout=600)
        print(video.status)
        endpoint = await client.endpoints.wait("endpoint-1", until="STOPPED")
        print(endpoint.state)

        try:
            await client.files.retrieve("file-1")
        except together.NotFoundError as exc:
            print(exc.status_code, exc.request_id)


asyncio.run(main())
