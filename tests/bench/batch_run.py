"""Client cost of ``client.batches.run`` over 100,000 small chat requests.

    python -m tests.bench.batch_run [COUNT]      # default 100000

Starts the fake Batch API (tests/support/batchserver.py) in its own process, writes COUNT
requests to a JSONL file, and runs them through ``Together`` and ``AsyncTogether``, each
in a fresh process: check, shard (two batches of 50,000), upload, poll, download, merge
in order. Prints, per client, its CPU time (the server's is not counted) and its peak
resident-memory growth over the baseline just before the run; memory should stay flat,
whatever COUNT is. Used by ``make bench`` (scenarios 8 and 9).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COUNT = 100_000
LINE = re.compile(r"^(sync|async): cpu ([\d.]+) s, peak RSS growth ([\d.]+) MiB", re.M)


def _rss_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def child(flavor: str, base_url: str, source: str, output: str) -> None:
    """One run in this process; prints its figures."""
    import together

    # Warm-up: load every module the run needs, so that the growth measured is the run's.
    with tempfile.TemporaryDirectory() as warm:
        small = Path(warm) / "in.jsonl"
        small.write_text(json.dumps({"model": "m", "messages": [{"role": "user", "content": "w"}]}))
        _run(together, flavor, base_url, small, Path(warm) / "out.jsonl")
    try:  # reset the peak (Linux >= 4.0) so that VmHWM is this run's peak
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass
    before = _rss_kib("VmRSS")
    cpu, wall = time.process_time(), time.perf_counter()
    result = _run(together, flavor, base_url, Path(source), Path(output))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    growth = (_rss_kib("VmHWM") - before) / 1024
    if result.succeeded != result.total or result.total != COUNT_ARG[0]:
        raise SystemExit(f"unexpected result: {result}")
    print(f"{flavor}: cpu {cpu:.3f} s, peak RSS growth {growth:.1f} MiB, wall {wall:.1f} s")


COUNT_ARG = [COUNT]


def _run(together: object, flavor: str, base_url: str, source: Path, output: Path) -> object:
    options = {"output": output, "poll_interval": 0.05, "progress": False}
    if flavor == "sync":
        with together.Together(api_key="bench", base_url=base_url) as client:  # type: ignore[attr-defined]
            return client.batches.run(source, **options)
    import asyncio

    async def go() -> object:
        async with together.AsyncTogether(api_key="bench", base_url=base_url) as client:  # type: ignore[attr-defined]
            return await client.batches.run(source, **options)

    return asyncio.run(go())


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        flavor, base_url, source, output, count = argv[1:6]
        COUNT_ARG[0] = int(count)
        child(flavor, base_url, source, output)
        return 0
    count = int(argv[0]) if argv else COUNT
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.support.batchserver"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        port = re.fullmatch(r"PORT (\d+)\s*", server.stdout.readline())
        if port is None:
            raise SystemExit("the batch server did not start")
        base_url = f"http://127.0.0.1:{port.group(1)}/v1"
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "requests.jsonl"
            with source.open("w") as f:
                for i in range(count):
                    body = {"model": "m", "messages": [{"role": "user", "content": f"q {i}"}]}
                    f.write(json.dumps(body) + "\n")
            for flavor in ("sync", "async"):
                output = Path(folder) / f"out-{flavor}.jsonl"
                proc = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "tests.bench.batch_run",
                        "--child",
                        flavor,
                        base_url,
                        str(source),
                        str(output),
                        str(count),
                    ],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    timeout=600,
                )
                sys.stdout.write(proc.stdout)
                if proc.returncode:
                    sys.stdout.write(proc.stderr[-2000:])
                    return 1
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
