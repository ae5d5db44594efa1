"""Profile one benchmark workload with py-spy and print its top frames.

    python -m tests.bench.profiling SCENARIO VARIANT [COUNT] [--rate HZ] [--top N] [--under F]
    python -m tests.bench.profiling streaming ours 20 --under stream_sync      # for example
    python -m tests.bench.profiling streaming ours@large-reads 20 --under stream_sync

py-spy is installed into build/bench-venv-tools (made when missing; never into the
project's .venv). The workload runs against the benchmark server as in ``make bench``;
the raw stacks are kept in build/bench/profile-SCENARIO-VARIANT.txt (collapsed format,
for flamegraph tools).

Frames are shown two ways: *self* (the sample's innermost frame) and *total* (the frame
anywhere on the stack, counted once per sample), as a share of the samples counted (those
inside frame F with ``--under``, which leaves out start-up and imports).
"""

from __future__ import annotations

import argparse
import collections
import re
import subprocess
import sys
from pathlib import Path

from .run import (
    BUILD,
    ROOT,
    WORKLOADS,
    Server,
    child_env,
    ensure_official_venv,
    interpreter,
    split_variant,
)

TOOLS_VENV = ROOT / "build" / "bench-venv-tools"
PY_SPY = "py-spy==0.4.3"


def ensure_py_spy() -> Path:
    exe = TOOLS_VENV / "bin" / "py-spy"
    if not exe.exists():
        base = getattr(sys, "_base_executable", sys.executable)
        subprocess.run([base, "-m", "venv", str(TOOLS_VENV)], check=True)
        subprocess.run(
            [
                str(TOOLS_VENV / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                PY_SPY,
            ],
            check=True,
        )
    return exe


_LOCATION = re.compile(r" \((?:.*/)?(?:site-packages/)?([^()]*):\d+\)$")


def frame_name(frame: str) -> str:
    """``func (path/to/file.py:123)`` → ``func (file.py)``: lines merged per function."""
    match = _LOCATION.search(frame)
    if not match:
        return frame
    where = match.group(1)
    for prefix in (str(ROOT) + "/",):
        where = where.removeprefix(prefix)
    return frame[: match.start()] + f" ({where})"


def summarize(raw: Path, top: int, under: str = "") -> str:
    """Top frames of the samples whose stack has a frame starting with ``under`` (all
    samples when empty), shares of those samples."""
    self_counts: collections.Counter[str] = collections.Counter()
    total_counts: collections.Counter[str] = collections.Counter()
    samples = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [frame_name(f) for f in stack.split(";")]
        if under:
            cut = next((i for i, f in enumerate(frames) if f.startswith(under)), None)
            if cut is None:
                continue
            frames = frames[cut:]
        samples += n
        self_counts[frames[-1]] += n
        for name in set(frames):
            total_counts[name] += n
    out = [f"{samples} samples" + (f" under {under}" if under else "")]
    for title, counts in (("self", self_counts), ("total", total_counts)):
        out.append(f"\ntop {top} by {title}:")
        for name, n in counts.most_common(top):
            out.append(f"  {100 * n / samples:5.1f}%  {name}")
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("scenario")
    parser.add_argument("variant")
    parser.add_argument("count", type=int, nargs="?", default=1)
    parser.add_argument("--rate", type=int, default=1000, help="samples per second")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--under",
        default="",
        help="only samples inside this frame, e.g. 'stream_sync' or 'sequential.<locals>.go'",
    )
    args = parser.parse_args()
    lib, prefix = split_variant(args.variant)  # ours@large-reads: ours, /large-reads
    py_spy = ensure_py_spy()
    if args.variant.startswith("official"):
        ensure_official_venv()
    BUILD.mkdir(parents=True, exist_ok=True)
    raw = BUILD / f"profile-{args.scenario}-{args.variant}.txt"
    server = Server()
    try:
        subprocess.run(
            [
                str(py_spy),
                "record",
                "--rate",
                str(args.rate),
                "--format",
                "raw",
                "--output",
                str(raw),
                "--",
                interpreter(args.variant),
                str(WORKLOADS),
                args.scenario,
                lib,
                server.base + prefix,
                str(args.count),
            ],
            cwd=BUILD,
            env=child_env(),
            check=True,
            timeout=600,
        )
    finally:
        server.stop()
    print(summarize(raw, args.top, args.under))
    print(f"\nraw stacks: {raw}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
