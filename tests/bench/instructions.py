"""Streaming and per-call cost in instructions (callgrind), against the floor: repeatable.

    python -m tests.bench.instructions [streams|calls]    # make bench-instructions: both

Wall-clock streaming ratios move by ±0.1 from run to run on a small VM; instruction
counts do not. For each read pattern (one SSE event per read, 64 KiB reads) and each
client (sync, async) this runs, under ``valgrind --tool=callgrind`` with a fixed hash seed
(hash randomization alone moved counts by up to 12,000 a chunk) and the garbage collector
on, as in real use (it is part of the cost), 1,000 bench chunks (tests/bench/payloads.py)
through:

- the floor: httpx ``iter_lines`` / ``aiter_lines`` + ``json.loads``, reading each chunk's
  content, as scenario 5 of ``make bench`` does;
- ours: ``together``'s ``Stream`` over the same httpx response, with the chunk model the
  chat method uses, reading the same content.

The response is fed from memory (no socket), so only the client's work is counted. Each
figure is the difference between a run of 3 streams and one of 1, per chunk, so start-up
and imports cancel out. Prints instructions per chunk and ours/floor as a throughput
ratio (floor / ours: higher is better; the target is >= 0.8).

Then the same for one small chat call (``make bench`` scenario 14, tests/bench/in_memory.py):
raw httpx ``post`` + ``json.loads`` against ours, both over ``httpx.MockTransport``, per
call (a run of CALLS calls less one of CALLS // 5), and ours/httpx (lower is better; the
wall-clock target is <= 1.25).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHUNKS = 1000
CALLS = 1000
PATTERNS = ("one", "large")
FLAVORS = ("sync", "async")


def workload(lib: str, flavor: str, pattern: str, streams: int) -> None:
    """What each valgrind run executes (``python -m tests.bench.instructions --run ...``)."""
    import asyncio
    import json
    from collections.abc import AsyncIterator, Iterator

    import httpx

    from together._streaming import AsyncStream, Stream
    from together_generated.models.chat_completion_chunk import ChatCompletionChunk

    from . import payloads

    events = [b"data: " + payloads.dumps(c) + b"\n\n" for c in payloads.chat_chunks(CHUNKS)]
    events.append(b"data: [DONE]\n\n")
    body = b"".join(events)
    reads = [body[i : i + 65536] for i in range(0, len(body), 65536)]
    if pattern == "one":
        reads = events
    request = httpx.Request("POST", "http://bench/v1/chat/completions")

    class Body(httpx.SyncByteStream, httpx.AsyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            yield from reads

        async def __aiter__(self) -> AsyncIterator[bytes]:
            for read in reads:
                yield read

    def response() -> httpx.Response:
        return httpx.Response(200, stream=Body(), request=request)

    def content(line: str) -> int:
        return len(json.loads(line[6:])["choices"][0]["delta"]["content"] or "")

    def floor_sync() -> int:
        n = 0
        for line in response().iter_lines():
            if line.startswith("data: "):
                if line == "data: [DONE]":
                    break
                n += content(line)
        return n

    async def floor_async() -> int:
        n = 0
        async for line in response().aiter_lines():
            if line.startswith("data: "):
                if line == "data: [DONE]":
                    break
                n += content(line)
        return n

    def ours_sync() -> int:
        n = 0
        with Stream(response(), ChatCompletionChunk.from_response) as stream:
            for chunk in stream:
                n += len(chunk.choices[0].delta.content or "")
        return n

    async def ours_async() -> int:
        n = 0
        async with AsyncStream(response(), ChatCompletionChunk.from_response) as stream:
            async for chunk in stream:
                n += len(chunk.choices[0].delta.content or "")
        return n

    async def main() -> None:
        for _ in range(streams):
            if flavor == "async":
                n = await (floor_async() if lib == "floor" else ours_async())
            else:
                n = floor_sync() if lib == "floor" else ours_sync()
            assert n > 0, "no content came through"

    asyncio.run(main())


def instructions(*args: str) -> int:
    """Instructions of ``python -m tests.bench.instructions ARGS`` under callgrind."""
    env = dict(os.environ, PYTHONHASHSEED="0")
    cmd = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        "-m",
        "tests.bench.instructions",
        *args,
    ]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env, check=False)
    found = re.search(r"Collected : (\d+)", proc.stderr)
    if proc.returncode != 0 or found is None:
        raise RuntimeError(f"{' '.join(cmd[6:])} failed:\n{proc.stderr[-2000:]}")
    return int(found.group(1))


def per_chunk(lib: str, flavor: str, pattern: str) -> float:
    def count(streams: int) -> int:
        return instructions("--run", lib, flavor, pattern, str(streams))

    return (count(3) - count(1)) / (2 * CHUNKS)


def per_call(lib: str, flavor: str) -> float:
    def count(calls: int) -> int:
        return instructions("--calls", lib, flavor, str(calls))

    return (count(CALLS) - count(CALLS // 5)) / (CALLS - CALLS // 5)


def main(parts: list[str]) -> int:
    if shutil.which("valgrind") is None:
        print("valgrind is not installed: apt-get install valgrind", file=sys.stderr)
        return 1
    parts = parts or ["streams", "calls"]
    if "streams" in parts:
        print(f"{'read pattern':<20}{'client':<8}{'floor':>10}{'ours':>10}{'floor/ours':>12}")
        for pattern in PATTERNS:
            for flavor in FLAVORS:
                floor = per_chunk("floor", flavor, pattern)
                ours = per_chunk("ours", flavor, pattern)
                label = "one event per read" if pattern == "one" else "64 KiB reads"
                print(f"{label:<20}{flavor:<8}{floor:>10,.0f}{ours:>10,.0f}{floor / ours:>12.3f}")
    if "calls" in parts:
        print(f"{'small chat call':<20}{'client':<8}{'httpx':>10}{'ours':>10}{'ours/httpx':>12}")
        for flavor in FLAVORS:
            floor = per_call("httpx", flavor)
            ours = per_call("ours", flavor)
            print(f"{'in memory':<20}{flavor:<8}{floor:>10,.0f}{ours:>10,.0f}{ours / floor:>12.3f}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--run"]:
        workload(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    elif sys.argv[1:2] == ["--calls"]:
        from .in_memory import workload as calls

        calls(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(main(sys.argv[1:]))
