"""One benchmark workload in this (fresh) process; prints ``RESULT {json}`` as its last line.

    python tests/bench/workloads.py SCENARIO VARIANT BASE [--count N]

Run by tests/bench/run.py with the right interpreter: the project's for ``ours`` and
``httpx``, build/bench-venv-official's for ``official`` (both packages import as
``together``, so this file is run by path and imports nothing from the project).

VARIANT is ``LIB`` or ``LIB-async`` with LIB one of ``ours``, ``official``, ``httpx``
(raw httpx plus json.loads: the floor), or ``ourshelper`` (ours, streaming through
``chat.completions.stream()``: events and the accumulator). BASE is the server's origin (http://127.0.0.1:N),
with a path prefix that picks a read pattern of the stream when there is one
(http://127.0.0.1:N/large-reads: see tests/bench/server.py); every client keeps it.
Every loop runs a fixed number of times.
"""

# Only what the cold-start measurements must not count is imported up here.
import sys
import time

MODEL = "meta-llama/Llama-3.3-70B-Instruct-Turbo"
EMBEDDING_MODEL = "BAAI/bge-base-en-v1.5"
MESSAGES = [{"role": "user", "content": "Say hello"}]
REPLY = "Hello! How can I help you today?"
STREAM_CHUNKS = 4000
EMBEDDINGS = 512
EMBEDDING_DIMS = 1024
EMBED_INPUT = ["the quick brown fox jumps over the lazy dog"] * EMBEDDINGS
CONCURRENCY = 200
BLOCK = 100  # calls per timed block in the sequential scenario


def import_lib(lib):
    if lib == "httpx":
        import httpx

        return httpx
    import together

    return together


def make_client(lib, mod, is_async, base):
    """A client of ``lib`` against the server. Ours takes the base URL with /v1 (its
    default is https://api.together.ai/v1); the official SDK's default has no /v1 (its
    paths start with /v1), so it gets ``base`` as it is. Both read TOGETHER_API_KEY."""
    if lib in ("ours", "ourshelper"):
        return (mod.AsyncTogether if is_async else mod.Together)(base_url=base + "/v1")
    if lib == "official":
        return (mod.AsyncTogether if is_async else mod.Together)(base_url=base)
    import os

    headers = {"Authorization": "Bearer " + os.environ["TOGETHER_API_KEY"]}
    cls = mod.AsyncClient if is_async else mod.Client
    return cls(base_url=base + "/v1", headers=headers)


# -- one call of each kind, per library; each returns something checkable -------------------
def chat_sync(lib, client):
    if lib == "httpx":
        import json

        body = {"model": MODEL, "messages": MESSAGES, "max_tokens": 32}
        r = client.post("/chat/completions", json=body)
        if r.status_code != 200:
            raise RuntimeError(r.status_code)
        return json.loads(r.content)["choices"][0]["message"]["content"]
    reply = client.chat.completions.create(model=MODEL, messages=MESSAGES, max_tokens=32)
    return reply.choices[0].message.content


async def chat_async(lib, client):
    if lib == "httpx":
        import json

        r = await client.post(
            "/chat/completions", json={"model": MODEL, "messages": MESSAGES, "max_tokens": 32}
        )
        if r.status_code != 200:
            raise RuntimeError(r.status_code)
        return json.loads(r.content)["choices"][0]["message"]["content"]
    reply = await client.chat.completions.create(model=MODEL, messages=MESSAGES, max_tokens=32)
    return reply.choices[0].message.content


def stream_sync(lib, client):
    """Chunks received; each chunk's content is read, as a user would (0 when no content
    came through at all: a parse that dropped it)."""
    n = chars = 0
    if lib == "httpx":
        import json

        body = {"model": MODEL, "messages": MESSAGES, "stream": True}
        with client.stream("POST", "/chat/completions", json=body) as r:
            for line in r.iter_lines():
                if line.startswith("data: "):
                    data = line[6:]
                    if data == "[DONE]":
                        break
                    chars += len(json.loads(data)["choices"][0]["delta"]["content"] or "")
                    n += 1
        return n if chars else 0
    if lib == "ourshelper":
        with client.chat.completions.stream(model=MODEL, messages=MESSAGES) as events:
            for event in events:
                if event.type == "content.delta":
                    chars += len(event.delta)
                elif event.type == "chunk":
                    n += 1
            final = events.get_final_completion()
        expect(len(final.choices[0].message.content), chars, "accumulated characters")
        return n if chars else 0
    with client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True) as stream:
        for chunk in stream:
            chars += len(chunk.choices[0].delta.content or "")
            n += 1
    return n if chars else 0


async def stream_async(lib, client):
    n = chars = 0
    if lib == "httpx":
        import json

        body = {"model": MODEL, "messages": MESSAGES, "stream": True}
        async with client.stream("POST", "/chat/completions", json=body) as r:
            async for line in r.aiter_lines():
                if line.startswith("data: "):
                    data = line[6:]
                    if data == "[DONE]":
                        break
                    chars += len(json.loads(data)["choices"][0]["delta"]["content"] or "")
                    n += 1
        return n if chars else 0
    if lib == "ourshelper":
        async with client.chat.completions.stream(model=MODEL, messages=MESSAGES) as events:
            async for event in events:
                if event.type == "content.delta":
                    chars += len(event.delta)
                elif event.type == "chunk":
                    n += 1
            final = await events.get_final_completion()
        expect(len(final.choices[0].message.content), chars, "accumulated characters")
        return n if chars else 0
    stream = await client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
    async with stream:
        async for chunk in stream:
            chars += len(chunk.choices[0].delta.content or "")
            n += 1
    return n if chars else 0


def embed_sync(lib, client):
    """(vectors, dimensions) of the answer."""
    if lib == "httpx":
        import json

        r = client.post("/embeddings", json={"model": EMBEDDING_MODEL, "input": EMBED_INPUT})
        if r.status_code != 200:
            raise RuntimeError(r.status_code)
        data = json.loads(r.content)["data"]
        return len(data), len(data[-1]["embedding"])
    reply = client.embeddings.create(model=EMBEDDING_MODEL, input=EMBED_INPUT)
    return len(reply.data), len(reply.data[-1].embedding)


async def embed_async(lib, client):
    if lib == "httpx":
        import json

        r = await client.post("/embeddings", json={"model": EMBEDDING_MODEL, "input": EMBED_INPUT})
        if r.status_code != 200:
            raise RuntimeError(r.status_code)
        data = json.loads(r.content)["data"]
        return len(data), len(data[-1]["embedding"])
    reply = await client.embeddings.create(model=EMBEDDING_MODEL, input=EMBED_INPUT)
    return len(reply.data), len(reply.data[-1].embedding)


def expect(got, wanted, what):
    if got != wanted:
        raise AssertionError(f"{what}: got {got!r}, expected {wanted!r}")


# -- scenarios ------------------------------------------------------------------------------
def cold(lib, is_async, base, count):
    """Seconds to import the library and construct a client (``import httpx`` alone for
    raw httpx: the issue's yardstick)."""
    start = time.perf_counter()
    mod = import_lib(lib)
    if lib != "httpx":
        make_client(lib, mod, is_async, base)
    return {"value": time.perf_counter() - start, "unit": "s"}, mod


def first(lib, is_async, base, count):
    """Seconds from a cold start to the first chat completion's parsed answer."""
    start = time.perf_counter()
    mod = import_lib(lib)
    client = make_client(lib, mod, is_async, base)
    if is_async:
        import asyncio

        reply = asyncio.run(chat_async(lib, client))
    else:
        reply = chat_sync(lib, client)
    elapsed = time.perf_counter() - start
    expect(reply, REPLY, "reply")
    return {"value": elapsed, "unit": "s"}, mod


def sequential(lib, is_async, base, count):
    """Client CPU seconds per small chat completion: ``count`` calls after warm-up, timed
    in blocks of BLOCK; the run's value is its fastest block. As with timeit's repeat, the
    slower blocks measure what else the (shared, 2-core) machine was doing: in one run the
    per-call time of raw httpx ranged 400-600 us while callgrind counts barely move."""
    mod = import_lib(lib)
    client = make_client(lib, mod, is_async, base)
    warmup = max(count // 10, 5)
    blocks = [BLOCK] * (count // BLOCK) or [count]
    if is_async:
        import asyncio

        async def go():
            for _ in range(warmup):
                expect(await chat_async(lib, client), REPLY, "reply")
            times = []
            for size in blocks:
                cpu, wall = time.process_time(), time.perf_counter()
                for _ in range(size):
                    await chat_async(lib, client)
                times.append((time.process_time() - cpu, time.perf_counter() - wall))
            return times

        times = asyncio.run(go())
    else:
        for _ in range(warmup):
            expect(chat_sync(lib, client), REPLY, "reply")
        times = []
        for size in blocks:
            cpu, wall = time.process_time(), time.perf_counter()
            for _ in range(size):
                chat_sync(lib, client)
            times.append((time.process_time() - cpu, time.perf_counter() - wall))
    cpu, wall = min(times)
    size = blocks[0]
    return {
        "value": cpu / size,
        "unit": "s",
        "wall_per_call": wall / size,
        "mean_per_call": sum(c for c, _ in times) / sum(blocks),
    }, mod


def concurrent(lib, is_async, base, count):
    """Completed calls per second with CONCURRENCY in flight (``count`` rounds, after one
    warm-up round that also opens the connections)."""
    if not is_async:
        raise SystemExit("concurrent runs async variants only")
    import asyncio

    mod = import_lib(lib)
    client = make_client(lib, mod, is_async, base)

    async def go():
        replies = await asyncio.gather(*(chat_async(lib, client) for _ in range(CONCURRENCY)))
        expect(set(replies), {REPLY}, "replies")
        start = time.perf_counter()
        for _ in range(count):
            await asyncio.gather(*(chat_async(lib, client) for _ in range(CONCURRENCY)))
        return time.perf_counter() - start

    wall = asyncio.run(go())
    return {"value": CONCURRENCY * count / wall, "unit": "calls/s"}, mod


def streaming(lib, is_async, base, count):
    """Chunks per client CPU second of the fastest of ``count`` streams of STREAM_CHUNKS
    (after one warm-up), as timeit's repeat takes its best. The client's CPU time, not the
    wall clock: the server shares the machine's two cores, and waiting for it is neither
    library's cost (wall-clock ratios moved by 0.2 between runs). The mean is kept as
    ``mean``."""
    mod = import_lib(lib)
    client = make_client(lib, mod, is_async, base)
    times = []
    if is_async:
        import asyncio

        async def go():
            expect(await stream_async(lib, client), STREAM_CHUNKS, "chunks")
            for _ in range(count):
                start = time.process_time()
                expect(await stream_async(lib, client), STREAM_CHUNKS, "chunks")
                times.append(time.process_time() - start)

        asyncio.run(go())
    else:
        expect(stream_sync(lib, client), STREAM_CHUNKS, "chunks")
        for _ in range(count):
            start = time.process_time()
            expect(stream_sync(lib, client), STREAM_CHUNKS, "chunks")
            times.append(time.process_time() - start)
    return {
        "value": STREAM_CHUNKS / min(times),
        "mean": STREAM_CHUNKS * count / sum(times),
        "unit": "chunks/s",
    }, mod


def embed(lib, is_async, base, count):
    """Client CPU seconds per embeddings call (receiving and decoding 512 x 1024 floats)."""
    mod = import_lib(lib)
    client = make_client(lib, mod, is_async, base)
    if is_async:
        import asyncio

        async def go():
            expect(await embed_async(lib, client), (EMBEDDINGS, EMBEDDING_DIMS), "shape")
            cpu, wall = time.process_time(), time.perf_counter()
            for _ in range(count):
                await embed_async(lib, client)
            return time.process_time() - cpu, time.perf_counter() - wall

        cpu, wall = asyncio.run(go())
    else:
        expect(embed_sync(lib, client), (EMBEDDINGS, EMBEDDING_DIMS), "shape")
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(count):
            embed_sync(lib, client)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {"value": cpu / count, "unit": "s", "wall_per_call": wall / count}, mod


def _rss_kib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def upload(lib, is_async, base, count):
    """Peak RSS growth (MB) while ``client.files.upload`` sends the file in
    BENCH_UPLOAD_FILE (after a small warm-up upload that loads the code)."""
    import os

    if lib != "ours" or is_async:
        raise SystemExit("upload runs the sync client of this project only")
    mod = import_lib(lib)
    client = make_client(lib, mod, is_async, base)
    path = os.environ["BENCH_UPLOAD_FILE"]
    small = path + ".small.jsonl"
    with open(small, "w") as f:
        f.write('{"text": "warm-up"}\n')
    client.files.upload(small, purpose="fine-tune")
    os.unlink(small)
    try:  # reset the peak (Linux >= 4.0) so that VmHWM is this upload's peak
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        reset = True
    except OSError:
        reset = False
    before = _rss_kib("VmRSS")
    start = time.perf_counter()
    client.files.upload(path, purpose="fine-tune")
    wall = time.perf_counter() - start
    peak = _rss_kib("VmHWM")
    return {
        "value": (peak - before) * 1024 / 1e6,
        "unit": "MB",
        "peak_reset": reset,
        "seconds": wall,
        "size": os.path.getsize(path),
    }, mod


# -- scenarios 11 to 13: many requests at once ------------------------------------------
BURST = 2000  # calls at once in scenario 11
ONLINE_CONCURRENCY = 64


def _aiohttp_session():
    """Raw aiohttp, with as many connections as DefaultAioHttpClient allows (1000)."""
    import aiohttp

    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1000))


async def _raw_aiohttp_chat(session, base):
    import json
    import os

    headers = {"Authorization": "Bearer " + os.environ["TOGETHER_API_KEY"]}
    body = {"model": MODEL, "messages": MESSAGES, "max_tokens": 32}
    async with session.post(base + "/v1/chat/completions", json=body, headers=headers) as r:
        if r.status != 200:
            raise RuntimeError(r.status)
        return json.loads(await r.read())["choices"][0]["message"]["content"]


def _httpx_pool(mod, base=None):
    """An httpx.AsyncClient with 100 connections, all kept alive, waiting for one as long
    as it takes; raw (``base``: with the key and base URL) or for ours. Not aiohttp's 1000:
    with 1000, httpcore's pool did not get through 2,000 calls at once in 240 s (measured
    here, raw httpx and ours alike); with 100 the warm-up round takes ~45 s and the
    measured round runs. With httpx's default (100, 5 s to get one) it ends in PoolTimeout."""
    import os

    import httpx

    limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
    timeout = httpx.Timeout(600, pool=None)
    if base is None:
        return httpx.AsyncClient(limits=limits, timeout=timeout)
    headers = {"Authorization": "Bearer " + os.environ["TOGETHER_API_KEY"]}
    return httpx.AsyncClient(base_url=base + "/v1", headers=headers, limits=limits, timeout=timeout)


def burst(lib, mode, base, count):
    """Completed calls per second with BURST small calls at once (``count`` rounds after a
    warm-up round that opens the connections). ``ours-aiohttp``: AsyncTogether over
    DefaultAioHttpClient; ``ours-async``: over an httpx.AsyncClient; ``aiohttp-async`` and
    ``httpx-async``: raw. aiohttp has room for 1000 connections (DefaultAioHttpClient's),
    httpx for 100 (see _httpx_pool)."""
    import asyncio

    mod = import_lib("ours" if lib == "ours" else "httpx")

    async def go():
        if lib == "aiohttp":
            client = _aiohttp_session()
            call = lambda: _raw_aiohttp_chat(client, base)  # noqa: E731
        elif mode == "aiohttp":
            client = mod.AsyncTogether(
                base_url=base + "/v1", http_client=mod.DefaultAioHttpClient()
            )
            call = lambda: chat_async(lib, client)  # noqa: E731
        elif lib == "ours":
            # The same room as aiohttp's: with httpx's default pool (100 connections,
            # 5 s to get one) 2,000 calls at once end in PoolTimeout.
            client = mod.AsyncTogether(base_url=base + "/v1", http_client=_httpx_pool(mod))
            call = lambda: chat_async(lib, client)  # noqa: E731
        else:
            client = _httpx_pool(mod, base)
            call = lambda: chat_async(lib, client)  # noqa: E731
        replies = await asyncio.gather(*(call() for _ in range(BURST)))
        expect(set(replies), {REPLY}, "replies")
        start = time.perf_counter()
        for _ in range(count):
            await asyncio.gather(*(call() for _ in range(BURST)))
        wall = time.perf_counter() - start
        await (client.close() if lib == "aiohttp" or lib == "ours" else client.aclose())
        return wall

    wall = asyncio.run(go())
    if lib == "aiohttp":
        import aiohttp

        mod = aiohttp
    return {"value": BURST * count / wall, "unit": "calls/s"}, mod


def ratelimited(lib, mode, base, count):
    """Seconds to get ``count`` chat completions from a server that allows only so many
    per second (tests/support/ratelimitserver.py): ``ours-online`` is
    ``AsyncTogether().batches.run(online=True)`` (``ours-online-sync``: on ``Together``,
    threads), ``*-gather`` one asyncio.gather of every call, ONLINE_CONCURRENCY at a
    time. Counts the calls that
    succeeded; the server counts the 429s."""
    import asyncio

    mod = import_lib(lib)
    bodies = [
        {"model": MODEL, "messages": [{"role": "user", "content": f"q{i}"}], "max_tokens": 8}
        for i in range(count)
    ]
    if mode.startswith("online"):
        import json
        import os
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            source = os.path.join(folder, "in.jsonl")
            with open(source, "w") as f:
                f.writelines(json.dumps(b) + "\n" for b in bodies)

            options = {
                "output": os.path.join(folder, "out.jsonl"),
                "online": True,
                "concurrency": ONLINE_CONCURRENCY,
                "progress": False,
            }

            async def online():
                async with mod.AsyncTogether(base_url=base + "/v1") as client:
                    return await client.batches.run(source, **options)

            start = time.perf_counter()
            if mode == "online-sync":
                with mod.Together(base_url=base + "/v1") as client:
                    result = client.batches.run(source, **options)
            else:
                result = asyncio.run(online())
            wall = time.perf_counter() - start
            succeeded = result.succeeded
    else:

        async def gather():
            client = (
                mod.AsyncTogether(base_url=base + "/v1")
                if lib == "ours"
                else mod.AsyncTogether(base_url=base)
            )
            # As many at a time as the online run: with all 5,000 at once, httpx's pool
            # (under both SDKs) had sent none after 120 s in our runs.
            room = asyncio.Semaphore(ONLINE_CONCURRENCY)

            async def one(body):
                async with room:
                    return await client.chat.completions.create(**body)

            replies = await asyncio.gather(*map(one, bodies), return_exceptions=True)
            await client.close()
            return sum(not isinstance(r, BaseException) for r in replies)

        start = time.perf_counter()
        succeeded = asyncio.run(gather())
        wall = time.perf_counter() - start
    return {"value": wall, "unit": "s", "succeeded": succeeded, "total": count}, mod


MANY = {"burst": burst, "ratelimited": ratelimited}

SCENARIOS = {
    "cold": cold,
    "first": first,
    "sequential": sequential,
    "concurrent": concurrent,
    "streaming": streaming,
    "embed": embed,
    "upload": upload,
}


def main():
    scenario, variant, base = sys.argv[1:4]
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    lib, _, mode = variant.partition("-")
    if scenario in MANY:
        result, mod = MANY[scenario](lib, mode, base, count)
    else:
        result, mod = SCENARIOS[scenario](lib, mode == "async", base, count)
    import json

    result["module"] = getattr(mod, "__file__", None)
    result["version"] = getattr(mod, "__version__", None)
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
