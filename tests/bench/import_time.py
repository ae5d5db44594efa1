"""Wall time of importing the chat endpoint module against importing httpx, side by side.

    python -m tests.bench.import_time [RUNS]

Byte-compiles first (as pip does on install), then alternates the two commands so that
machine noise hits both alike, and prints medians and their ratio.
"""

from __future__ import annotations

import compileall
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = {
    "chat endpoint": "import together_generated.api.chat.chat_completions",
    "httpx": "import httpx",
    "together client": "import together; together.Together(api_key='k')",
}


def wall(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    for package in ("together_generated", "together"):
        compileall.compile_dir(str(ROOT / package), quiet=1)
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(runs):
        for name, code in COMMANDS.items():
            times[name].append(wall(code))
    base = statistics.median(times["httpx"])
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:16} median {median * 1000:6.1f} ms  (x{median / base:.2f} of import httpx)")


if __name__ == "__main__":
    main()
