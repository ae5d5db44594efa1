"""``make bench``: this client (sync and async) against the official SDK and raw httpx, in
one run, against one loopback server; a table on stdout and build/bench/results.json.

    python -m tests.bench.run [--runs N] [--only 1,3,5] [--json PATH]

- The official SDK (``together==3.1.1``) imports as ``together`` too, so it lives in its
  own virtualenv, build/bench-venv-official, made here with pip when missing.
- tests/bench/server.py serves precomputed, spec-shaped bodies (tests/bench/payloads.py)
  on 127.0.0.1; nothing leaves the machine.
- Scenario 5 streams in both of the server's read patterns, one event per read and large
  reads (64 KiB HTTP chunks, events cut mid-line): a variant ``LIB@large-reads`` is LIB
  with the server's origin + ``/large-reads`` as its base URL, nothing else changed.
- Every measurement is a fresh process (tests/bench/workloads.py) under the right
  interpreter; the variants of a scenario take turns run by run so that machine noise
  hits them alike. Ratios compare medians from this one run.
- Scenario 14 is scenario 3 without the loopback server: tests/bench/in_memory.py answers
  from memory through ``httpx.MockTransport``, so that sockets don't dilute the client's
  own cost; ours and raw httpx take turns inside each (fresh) process.

Not part of the test suite: it never fails on a missed target (only on a broken setup).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import in_memory, payloads
from .server import LARGE_CHUNK, READ_PATTERNS

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BUILD = ROOT / "build" / "bench"
OFFICIAL_VENV = ROOT / "build" / "bench-venv-official"
OFFICIAL_REQUIREMENT = "together==3.1.1"
OURS_PY = sys.executable  # make bench runs this module with .venv/bin/python
WORKLOADS = HERE / "workloads.py"
UPLOAD_RSS = HERE / "upload_rss.py"
BATCH_REQUESTS = 100_000
CHILD_TIMEOUT = 240.0
UPLOAD_SIZE = 1 << 30
BURST_CALLS = 2000  # workloads.py's BURST
# Scenarios 12-13: a token bucket of LIMIT_RATE requests per second holding LIMIT_BURST
# (tests/support/ratelimitserver.py), each answer after LIMIT_LATENCY s, well below what the
# machine serves. Ideal: the burst at once, then the rest at the rate.
LIMITED_REQUESTS = 5000
LIMIT_RATE = 200
LIMIT_BURST = 50
LIMIT_LATENCY = 0.05
LIMITED_RUNS = 3
LIMITED_STOP = 120.0  # seconds (about 5x the ideal): a run still going is stopped
LIMITED_VARIANTS = ["ours-online", "ours-online-sync", "ours-gather", "official-gather"]
LIMITED_LABELS = {
    "ours-online": "ours async batches.run(online)",
    "ours-online-sync": "ours sync batches.run(online)",
    "ours-gather": "ours gather, 64 at a time",
    "official-gather": "official gather, 64 at a time",
}


# -- the official SDK's virtualenv ------------------------------------------------------------
def official_python() -> Path:
    return OFFICIAL_VENV / "bin" / "python"


def ensure_official_venv() -> Path:
    """build/bench-venv-official with ``together==3.1.1``, created only when missing."""
    python = official_python()
    stamp = OFFICIAL_VENV / ".installed"
    if python.exists() and stamp.exists() and stamp.read_text().strip() == OFFICIAL_REQUIREMENT:
        return python
    print(f"creating {OFFICIAL_VENV.relative_to(ROOT)} with {OFFICIAL_REQUIREMENT} ...", flush=True)
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", "--clear", str(OFFICIAL_VENV)], check=True)
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            OFFICIAL_REQUIREMENT,
        ],
        check=True,
    )
    stamp.write_text(OFFICIAL_REQUIREMENT + "\n")
    return python


# -- the spec the payloads are checked against ------------------------------------------------
def overlaid_spec() -> Path:
    """The pinned spec with openapi/overlay.yaml applied, as ``make generate`` writes it to
    build/spec/ (which ``make bench`` does not run): written afresh into build/bench/, so
    that the check uses the overlay as it is now."""
    from generator.__main__ import overlaid_spec as write_overlaid
    from generator.spec import fetch

    dest = BUILD / "together-openapi.overlaid.json"
    write_overlaid(fetch(), dest)
    return dest


# -- the server ------------------------------------------------------------------------------
class Server:
    """tests/bench/server.py in a subprocess; stops when we close its stdin."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [OURS_PY, "-m", "tests.bench.server", "--seconds", "1200"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()  # the server prints PORT n once it listens
        match = re.fullmatch(r"PORT (\d+)\s*", line)
        if not match:
            self.stop()
            raise RuntimeError(f"the bench server did not start: {line!r}")
        self.base = f"http://127.0.0.1:{match.group(1)}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# -- children --------------------------------------------------------------------------------
def child_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TOGETHER_") and k not in ("PYTHONPATH", "PYTHONSTARTUP")
    }
    env["TOGETHER_API_KEY"] = "bench-key"
    env.update(extra)
    return env


def run_ours(module: str, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """A bench child module on our interpreter (subprocess.TimeoutExpired past ``timeout``)."""
    return subprocess.run(
        [OURS_PY, "-m", module, *args],
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def interpreter(variant: str) -> str:
    return str(official_python()) if variant.startswith("official") else OURS_PY


def split_variant(variant: str) -> tuple[str, str]:
    """A variant ``LIB[-async][@PATTERN]`` as workloads.py's VARIANT and the path prefix
    its base URL carries: ``ours-async@large-reads`` -> ``("ours-async", "/large-reads")``."""
    lib, _, pattern = variant.partition("@")
    prefix = "/" + pattern if pattern else ""
    if prefix not in READ_PATTERNS.values():
        raise ValueError(f"{variant}: no read pattern {pattern!r} in the bench server")
    return lib, prefix


def pattern_variant(lib: str, prefix: str) -> str:
    """The inverse of split_variant: ``("ours", "/large-reads")`` -> ``ours@large-reads``."""
    return lib + ("@" + prefix.lstrip("/") if prefix else "")


def run_child(
    scenario: str,
    variant: str,
    base: str,
    count: int,
    env: dict[str, str] | None = None,
    timeout: float = CHILD_TIMEOUT,
) -> dict[str, Any]:
    """One fresh process; its RESULT line, or {"error": ...}."""
    if variant.startswith("official") and not (OFFICIAL_VENV / ".installed").exists():
        return {"error": f"no {OFFICIAL_REQUIREMENT} in {OFFICIAL_VENV.relative_to(ROOT)}"}
    lib, prefix = split_variant(variant)
    cmd = [interpreter(variant), str(WORKLOADS), scenario, lib, base + prefix, str(count)]
    try:
        proc = subprocess.run(
            cmd,
            cwd=BUILD,  # not ROOT: the official SDK must not find our ./together
            env=env or child_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f}s"}
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return {"error": f"exit {proc.returncode}: " + " | ".join(tail)}
    result: dict[str, Any] = json.loads(lines[-1][len("RESULT ") :])
    module = result.get("module") or ""
    if variant.startswith("official") and "bench-venv-official" not in module:
        return {"error": f"the official variant imported {module}"}
    if variant.startswith("ours") and not module.startswith(str(ROOT / "together")):
        return {"error": f"our variant imported {module}"}
    return result


# -- scenarios -------------------------------------------------------------------------------
@dataclass
class Ratio:
    name: str
    numerator: str
    denominator: str
    target: float
    at_most: bool  # True: value <= target passes; False: value >= target passes
    group: str = ""  # a read pattern of scenario 5: shown under its name


@dataclass
class Scenario:
    number: int
    title: str
    workload: str
    variants: list[str]
    count: int
    unit: str  # how values are shown
    scale: float  # value * scale = shown number
    ratios: list[Ratio]
    runs: int = 0  # 0: the --runs setting
    labels: dict[str, str] = field(default_factory=dict)
    # name -> (what tells it apart, its variants); variants and ratios shown by group
    groups: dict[str, tuple[str, list[str]]] = field(default_factory=dict)


def streaming_scenario() -> Scenario:
    """Scenario 5: the same stream in each of the server's read patterns, every variant of
    both taking turns in one run; each pattern's ratios compare its own variants."""
    libs = ["ours", "official", "httpx", "ours-async", "official-async", "httpx-async"]
    variants: list[str] = []
    ratios: list[Ratio] = []
    labels: dict[str, str] = {}
    groups: dict[str, tuple[str, list[str]]] = {}
    for name, prefix in READ_PATTERNS.items():
        members = [pattern_variant(lib, prefix) for lib in libs]
        variants += members
        if prefix:  # shown under the group's name: the library alone says it
            labels.update(zip(members, libs, strict=True))
        about = (
            f"{LARGE_CHUNK >> 10} KiB HTTP chunks, {prefix}/v1"
            if prefix
            else "an HTTP chunk per SSE event"
        )
        groups[name] = (about, members)
        for ratio, numerator, denominator, target in (
            ("ours / httpx iter_lines", "ours", "httpx", 0.8),
            ("ours-async / httpx aiter_lines", "ours-async", "httpx-async", 0.8),
            ("ours / official", "ours", "official", 1.5),
            ("ours-async / official-async", "ours-async", "official-async", 1.5),
        ):
            ratios.append(
                Ratio(
                    ratio,
                    pattern_variant(numerator, prefix),
                    pattern_variant(denominator, prefix),
                    target,
                    False,
                    name,
                )
            )
    return Scenario(
        5,
        "streaming a 4,000-chunk chat completion",
        "streaming",
        variants,
        8,  # streams per run; each run counts its fastest (workloads.py)
        "chunks/s",
        1.0,
        ratios,
        labels=labels,
        groups=groups,
    )


def scenarios() -> list[Scenario]:
    return [
        Scenario(
            1,
            "cold start: import + construct a client",
            "cold",
            ["ours", "official", "httpx"],
            1,
            "ms",
            1e3,
            [
                Ratio("ours / official", "ours", "official", 1 / 3, True),
                Ratio("ours / import httpx", "ours", "httpx", 1.5, True),
            ],
            labels={"httpx": "import httpx"},
        ),
        Scenario(
            2,
            "first call in a fresh process",
            "first",
            ["ours", "official", "ours-async", "official-async", "httpx"],
            1,
            "ms",
            1e3,
            [
                Ratio("ours / official", "ours", "official", 0.5, True),
                Ratio("ours-async / official-async", "ours-async", "official-async", 0.5, True),
            ],
        ),
        Scenario(
            3,
            "sequential small chat completions: client CPU per call",
            "sequential",
            ["ours", "official", "httpx", "ours-async", "official-async", "httpx-async"],
            1500,  # 15 timed blocks of 100 calls; each run counts its fastest (workloads.py)
            "us",
            1e6,
            [
                Ratio("ours / httpx", "ours", "httpx", 1.1, True),
                Ratio("ours / official", "ours", "official", 0.7, True),
                Ratio("ours-async / httpx-async", "ours-async", "httpx-async", 1.1, True),
                Ratio("ours-async / official-async", "ours-async", "official-async", 0.7, True),
            ],
        ),
        Scenario(
            14,
            "scenario 3 in memory (MockTransport)",
            "in-memory",
            ["ours", "httpx", "ours-async", "httpx-async"],
            in_memory.ROUNDS * in_memory.BLOCK,  # calls per side and client in one run
            "us",
            1e6,
            [
                Ratio("ours / httpx", "ours", "httpx", 1.25, True),
                Ratio("ours-async / httpx-async", "ours-async", "httpx-async", 1.25, True),
            ],
        ),
        Scenario(
            4,
            "200 concurrent async chat completions: throughput",
            "concurrent",
            ["ours-async", "httpx-async", "official-async"],
            10,  # rounds of 200 calls; 3 gave medians 20% apart from one run to the next
            "calls/s",
            1.0,
            [Ratio("ours-async / httpx-async", "ours-async", "httpx-async", 0.9, False)],
        ),
        streaming_scenario(),
        Scenario(
            6,
            "embeddings 512 x 1024 floats: client CPU per call",
            "embed",
            ["ours", "httpx", "ours-async", "httpx-async", "official"],
            2,
            "ms",
            1e3,
            [
                Ratio("ours / httpx + json.loads", "ours", "httpx", 1.3, True),
                Ratio("ours-async / httpx-async", "ours-async", "httpx-async", 1.3, True),
            ],
        ),
        Scenario(
            7,
            "uploading a 1 GiB file: peak RSS growth",
            "upload",
            ["ours", "ours-async"],
            1,
            "MB",
            1.0,
            [
                Ratio("ours (MB, absolute)", "ours", "", 64.0, True),
                Ratio("ours-async (MB, absolute)", "ours-async", "", 64.0, True),
            ],
        ),
        # 8 and 9 come from the same runs of tests/bench/batch_run.py.
        Scenario(
            8,
            "batches.run, 100,000 small requests: client CPU",
            "batch-cpu",
            ["ours", "ours-async"],
            BATCH_REQUESTS,
            "s",
            1.0,
            [],
        ),
        Scenario(
            9,
            "batches.run, 100,000 small requests: peak RSS growth",
            "batch-rss",
            ["ours", "ours-async"],
            BATCH_REQUESTS,
            "MB",
            1.0,
            [
                Ratio("ours (MB, absolute)", "ours", "", 64.0, True),
                Ratio("ours-async (MB, absolute)", "ours-async", "", 64.0, True),
            ],
        ),
        Scenario(
            10,
            "chat.completions.stream(): events + accumulator, against a plain stream",
            "streaming",
            ["ours", "ourshelper", "ours-async", "ourshelper-async"],
            8,  # streams per run, as scenario 5
            "chunks/s",
            1.0,
            [
                Ratio("stream() / create(stream=True)", "ourshelper", "ours", 0.8, False),
                Ratio(
                    "async stream() / create(stream=True)",
                    "ourshelper-async",
                    "ours-async",
                    0.8,
                    False,
                ),
            ],
            labels={
                "ourshelper": "ours stream() + get_final_completion()",
                "ourshelper-async": "ours-async stream() + get_final_completion()",
            },
        ),
        Scenario(
            11,
            f"{BURST_CALLS:,} concurrent small calls (aiohttp 1000 connections, httpx 100): throughput",
            "burst",
            ["ours-async", "ours-aiohttp", "httpx-async", "aiohttp-async"],
            1,  # rounds of 2,000 calls, after one to warm up
            "calls/s",
            1.0,
            [
                Ratio("ours-async / httpx-async", "ours-async", "httpx-async", 0.8, False),
                Ratio("ours-aiohttp / aiohttp-async", "ours-aiohttp", "aiohttp-async", 0.8, False),
                Ratio("ours-aiohttp / ours-async", "ours-aiohttp", "ours-async", 1.0, False),
            ],
            labels={
                "ours-async": "ours-async on httpx",
                "ours-aiohttp": "ours-async on aiohttp",
                "httpx-async": "raw httpx",
                "aiohttp-async": "raw aiohttp",
            },
        ),
        # 12 and 13 come from the same runs against tests/support/ratelimitserver.py.
        Scenario(
            12,
            f"{LIMITED_REQUESTS:,} requests, {LIMIT_RATE}/s allowed: rate reached",
            "ratelimited",
            LIMITED_VARIANTS,
            LIMITED_REQUESTS,
            "x ideal",
            1.0,
            [Ratio("ours-online (absolute)", "ours-online", "", 0.9, False)],
            labels=LIMITED_LABELS,
        ),
        Scenario(
            13,
            f"{LIMITED_REQUESTS:,} requests, {LIMIT_RATE}/s allowed: 429s",
            "ratelimited-429",
            LIMITED_VARIANTS,
            LIMITED_REQUESTS,
            "% of sent",
            100.0,
            [Ratio("ours-online (share, absolute)", "ours-online", "", 2.0 / 100, True)],
            labels=LIMITED_LABELS,
        ),
    ]


def summarize(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def measure(scenario: Scenario, base: str, runs: int) -> dict[str, Any]:
    """Every variant ``runs`` times, taking turns (order reversed every other run)."""
    values: dict[str, list[float]] = {v: [] for v in scenario.variants}
    extras: dict[str, list[dict[str, Any]]] = {v: [] for v in scenario.variants}
    errors: dict[str, str] = {}
    if scenario.workload in ("cold", "first"):  # warm the file cache and .pyc files
        for variant in scenario.variants:
            run_child(scenario.workload, variant, base, scenario.count)
    for i in range(runs):
        order = scenario.variants if i % 2 == 0 else scenario.variants[::-1]
        for variant in order:
            if variant in errors:
                continue
            result = run_child(scenario.workload, variant, base, scenario.count)
            if "error" in result:
                errors[variant] = result["error"]
                continue
            values[variant].append(float(result.pop("value")))
            extras[variant].append(result)
    return {"values": values, "extras": extras, "errors": errors}


def upload_scenario(scenario: Scenario, base: str, runs: int) -> dict[str, Any]:
    """Scenario 7: tests/bench/upload_rss.py when it exists, else client.files.upload when
    it exists, else 'not available yet'."""
    if UPLOAD_RSS.exists():
        # Its own sink server and sparse file; it prints "sync: peak RSS growth N MiB ..."
        # and the same for async. We run it once per run and convert MiB to MB.
        values: dict[str, list[float]] = {"ours": [], "ours-async": []}
        outputs: list[str] = []
        for _ in range(runs):
            try:
                proc = run_ours("tests.bench.upload_rss", timeout=600)
            except subprocess.TimeoutExpired:
                return {"values": values, "errors": {v: "upload_rss.py timed out" for v in values}}
            outputs.append((proc.stdout + proc.stderr).strip())
            found = _growth_from_output(proc.stdout)
            if proc.returncode not in (0, 1) or set(found) != set(values):
                return {
                    "values": values,
                    "source": "tests/bench/upload_rss.py",
                    "output": outputs[-1][-2000:],
                    "errors": {
                        v: f"upload_rss.py exit {proc.returncode}; no figure" for v in values
                    },
                }
            for variant, mib in found.items():
                values[variant].append(mib * (1 << 20) / 1e6)
        return {
            "values": values,
            "source": "tests/bench/upload_rss.py",
            "output": outputs[-1][-2000:],
            "errors": {},
        }
    probe = subprocess.run(
        [
            OURS_PY,
            "-c",
            "import together; c = together.Together(api_key='k'); "
            "print(callable(getattr(c.files, 'upload', None)))",
        ],
        cwd=BUILD,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    if probe.stdout.strip() != "True":
        return {
            "values": {"ours": []},
            "unavailable": "not available yet: client.files.upload "
            "is not implemented and tests/bench/upload_rss.py does not exist",
        }
    path = BUILD / "upload-1GiB.jsonl"
    _write_jsonl(path, UPLOAD_SIZE)
    try:
        env = child_env(BENCH_UPLOAD_FILE=str(path))
        sync_values: list[float] = []
        extras: list[dict[str, Any]] = []
        errors = {"ours-async": "not measured: upload_rss.py is missing (sync client only)"}
        for _ in range(runs):
            result = run_child("upload", "ours", base, 1, env=env)
            if "error" in result:
                errors["ours"] = result["error"]
                break
            sync_values.append(float(result.pop("value")))
            extras.append(result)
        return {
            "values": {"ours": sync_values},
            "extras": {"ours": extras},
            "errors": errors,
            "source": "client.files.upload",
        }
    finally:
        path.unlink(missing_ok=True)


def in_memory_scenario(scenario: Scenario, runs: int) -> dict[str, Any]:
    """Scenario 14: tests/bench/in_memory.py ``runs`` times, each a fresh process where
    ours and raw httpx take turns; each run gives every variant's median block."""
    values: dict[str, list[float]] = {v: [] for v in scenario.variants}
    for _ in range(runs):
        try:
            proc = run_ours("tests.bench.in_memory", timeout=CHILD_TIMEOUT)
        except subprocess.TimeoutExpired:
            return {"values": values, "errors": {v: "in_memory.py timed out" for v in values}}
        lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
        result = json.loads(lines[-1][len("RESULT ") :]) if lines else {}
        module = result.pop("module", "")
        if proc.returncode != 0 or set(result) != set(values):
            tail = " | ".join((proc.stderr or proc.stdout).strip().splitlines()[-3:])
            return {
                "values": values,
                "errors": {v: f"exit {proc.returncode}: {tail}" for v in values},
            }
        if not module.startswith(str(ROOT / "together")):
            return {"values": values, "errors": {v: f"imported {module}" for v in values}}
        for variant, value in result.items():
            values[variant].append(float(value))
    return {"values": values, "errors": {}, "source": "tests/bench/in_memory.py"}


_BATCH_RUNS: dict[int, dict[str, Any]] = {}


def batch_scenario(scenario: Scenario, runs: int) -> dict[str, Any]:
    """Scenarios 8 and 9: tests/bench/batch_run.py (its own fake Batch API server), run
    ``runs`` times once for both; 8 takes each client's CPU seconds, 9 its peak RSS
    growth (MiB converted to MB)."""
    if runs not in _BATCH_RUNS:
        figures: dict[str, list[tuple[float, float]]] = {"ours": [], "ours-async": []}
        outcome: dict[str, Any] = {"figures": figures, "errors": {}, "output": ""}
        for _ in range(runs):
            try:
                proc = run_ours("tests.bench.batch_run", str(scenario.count), timeout=1200)
            except subprocess.TimeoutExpired:
                outcome["errors"] = {v: "batch_run.py timed out" for v in figures}
                break
            outcome["output"] = (proc.stdout + proc.stderr).strip()[-2000:]
            found = {
                "ours" if flavor == "sync" else "ours-async": (float(cpu), float(mib))
                for flavor, cpu, mib in re.findall(
                    r"^(sync|async): cpu ([\d.]+) s, peak RSS growth ([\d.]+) MiB",
                    proc.stdout,
                    re.M,
                )
            }
            if proc.returncode != 0 or set(found) != set(figures):
                outcome["errors"] = {v: f"batch_run.py exit {proc.returncode}" for v in figures}
                break
            for variant, figure in found.items():
                figures[variant].append(figure)
        _BATCH_RUNS[runs] = outcome
    outcome = _BATCH_RUNS[runs]
    cpu = scenario.workload == "batch-cpu"
    values = {
        variant: [c if cpu else mib * (1 << 20) / 1e6 for c, mib in pairs]
        for variant, pairs in outcome["figures"].items()
    }
    return {
        "values": values,
        "errors": outcome["errors"],
        "source": "tests/bench/batch_run.py",
        "output": outcome["output"],
    }


class RateLimitedServer:
    """tests/support/ratelimitserver.py in a subprocess: ``reset()`` refills its bucket and zeroes
    its counts, ``stats()`` reads them ({"sent", "limited"})."""

    def __init__(self) -> None:
        args = [str(LIMIT_RATE), str(LIMIT_BURST), str(LIMIT_LATENCY)]
        self.proc = subprocess.Popen(
            [OURS_PY, "-m", "tests.support.ratelimitserver", *args],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        match = re.fullmatch(r"PORT (\d+)\s*", line)
        if not match:
            self.stop()
            raise RuntimeError(f"the rate-limited server did not start: {line!r}")
        self.base = f"http://127.0.0.1:{match.group(1)}"

    def _ask(self, word: str) -> dict[str, int]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(word + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        return json.loads(line.removeprefix("STATS "))  # type: ignore[no-any-return]

    def reset(self) -> None:
        self._ask("reset")

    def stats(self) -> dict[str, int]:
        return self._ask("stats")

    def stop(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


_LIMITED_RUNS: dict[int, dict[str, Any]] = {}


def limited_scenario(scenario: Scenario, runs: int) -> dict[str, Any]:
    """Scenarios 12 and 13: each variant ``runs`` times (taking turns) against a fresh
    bucket; 11 takes the ideal time for the requests that succeeded over the wall time
    (1.0: as fast as the limit allows, burst included; requests that failed count for
    nothing), 12 the share of requests sent that were answered 429. A child still going
    after LIMITED_STOP seconds is stopped and measured by what the server answered until
    then."""
    if runs not in _LIMITED_RUNS:
        rates: dict[str, list[float]] = {v: [] for v in scenario.variants}
        shares: dict[str, list[float]] = {v: [] for v in scenario.variants}
        extras: dict[str, list[dict[str, Any]]] = {v: [] for v in scenario.variants}
        errors: dict[str, str] = {}
        server = RateLimitedServer()
        try:
            for i in range(runs):
                order = scenario.variants if i % 2 == 0 else scenario.variants[::-1]
                for variant in order:
                    if variant in errors:
                        continue
                    server.reset()
                    result = run_child(
                        "ratelimited", variant, server.base, scenario.count, timeout=LIMITED_STOP
                    )
                    stats = server.stats()
                    stopped = result.get("error", "").startswith("timed out")
                    if "error" in result and not stopped:
                        errors[variant] = result["error"]
                        continue
                    if stopped:  # what the server answered until the child was stopped
                        result = {"value": LIMITED_STOP, "succeeded": stats["answered"]}
                    wall = float(result["value"])
                    ideal = max(result["succeeded"] - LIMIT_BURST, 0) / LIMIT_RATE
                    rates[variant].append(ideal / wall)
                    shares[variant].append(stats["limited"] / max(stats["sent"], 1))
                    extras[variant].append(
                        {
                            "wall": wall,
                            "succeeded": float(result["succeeded"]),
                            "sent": float(stats["sent"]),
                            "limited": float(stats["limited"]),
                            "ideal": ideal,
                            "stopped_at_timeout": float(stopped),
                        }
                    )
        finally:
            server.stop()
        _LIMITED_RUNS[runs] = {"rates": rates, "shares": shares, "extras": extras, "errors": errors}
    outcome = _LIMITED_RUNS[runs]
    values = outcome["rates"] if scenario.workload == "ratelimited" else outcome["shares"]
    return {"values": values, "extras": outcome["extras"], "errors": outcome["errors"]}


def _growth_from_output(text: str) -> dict[str, float]:
    """upload_rss.py's figures: ``{"ours": MiB, "ours-async": MiB}``."""
    found: dict[str, float] = {}
    for label, mib in re.findall(r"^\s*(sync|async): peak RSS growth\s+([\d.]+)\s*MiB", text, re.M):
        found["ours" if label == "sync" else "ours-async"] = float(mib)
    return found


def _write_jsonl(path: Path, size: int) -> None:
    """A real JSONL file of ``size`` bytes (an upload may check its content)."""
    line = (json.dumps({"text": "x" * 100}) + "\n").encode()
    block = line * ((1 << 20) // len(line))
    written = 0
    with path.open("wb") as f:
        while written + len(block) <= size:
            f.write(block)
            written += len(block)
        rest = size - written
        if rest:
            pad = b'{"text": "' + b"y" * max(rest - 13, 0) + b'"}\n'
            f.write(pad[:rest])


# -- reporting -------------------------------------------------------------------------------
def evaluate(scenario: Scenario, outcome: dict[str, Any]) -> list[dict[str, Any]]:
    medians = {v: statistics.median(vals) for v, vals in outcome["values"].items() if vals}
    rows = []
    for ratio in scenario.ratios:
        row: dict[str, Any] = {
            "name": ratio.name,
            "target": ("<= " if ratio.at_most else ">= ") + f"{ratio.target:.3g}",
        }
        if ratio.group:
            row["group"] = ratio.group
        if ratio.numerator in medians and (not ratio.denominator or ratio.denominator in medians):
            denominator = medians[ratio.denominator] if ratio.denominator else 1.0
            value = medians[ratio.numerator] / denominator
            passed = value <= ratio.target if ratio.at_most else value >= ratio.target
            row.update(value=value, result="PASS" if passed else "MISS")
        else:
            row.update(value=None, result="n/a")
        rows.append(row)
    return rows


def render(report: list[dict[str, Any]]) -> str:
    head = (
        f"{'scenario':<44} {'variant / ratio':<30} {'unit':>8} {'median':>10} {'min':>10} "
        f"{'max':>10}  {'target':>8}  result"
    )
    lines = [head, "-" * len(head)]
    for entry in report:
        title = f"{entry['number']}. {entry['title']}"
        if entry.get("unavailable"):
            lines += _rows(entry, [title], list(entry["measurements"]), [])
            lines.append(f"{title[:44]:<44} {entry['unavailable']}")
        elif entry.get("groups"):  # the title on a line of its own, then each group's rows
            lines.append(title[:44])
            for name, group in entry["groups"].items():
                ratios = [row for row in entry["ratios"] if row.get("group") == name]
                lines += _rows(
                    entry, [f"  {name}", f"  ({group['about']})"], group["variants"], ratios
                )
        else:
            lines += _rows(entry, [title], list(entry["measurements"]), entry["ratios"])
        lines.append("")
    return "\n".join(lines)


def _rows(
    entry: dict[str, Any], names: list[str], variants: list[str], ratios: list[dict[str, Any]]
) -> list[str]:
    """The table's lines for these variants and then these ratios; the first column holds
    ``names`` one by one."""
    lines = []
    names = names[:]
    for variant in variants:
        name = names.pop(0) if names else ""
        stats = entry["measurements"].get(variant, {"error": "not measured"})
        label = entry["labels"].get(variant, variant)
        if "median" in stats:
            lines.append(
                f"{name[:44]:<44} {label:<30} {entry['unit']:>8} "
                f"{_num(stats['median'])} {_num(stats['min'])} {_num(stats['max'])}"
            )
        else:
            error = stats["error"][:80]
            lines.append(f"{name[:44]:<44} {label:<30} {entry['unit']:>8} {error}")
    for row in ratios:
        name = names.pop(0) if names else ""
        value = "" if row["value"] is None else f"{row['value']:.3f}"
        lines.append(
            f"{name[:44]:<44} {row['name']:<30} {'ratio':>8} {value:>10} {'':>10} {'':>10}  "
            f"{row['target']:>8}  {row['result']}"
        )
    return lines


def _num(x: float) -> str:
    if x >= 1000:
        return f"{x:>10.0f}"
    if x >= 10:
        return f"{x:>10.1f}"
    return f"{x:>10.3f}"


def machine() -> dict[str, Any]:
    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return ""

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "loadavg_start": os.getloadavg(),
        "commit": git("rev-parse", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--", "together", "together_generated")),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per variant (at least 5)")
    parser.add_argument("--only", default="", help="comma-separated scenario numbers")
    parser.add_argument("--json", type=Path, default=BUILD / "results.json")
    args = parser.parse_args(argv)
    runs = max(args.runs, 1)
    only = {int(x) for x in args.only.split(",") if x.strip()}

    started = time.perf_counter()
    BUILD.mkdir(parents=True, exist_ok=True)
    payloads.check_all(overlaid_spec())  # the bodies fit the spec, or nothing is measured
    try:
        ensure_official_venv()
    except (OSError, subprocess.CalledProcessError) as exc:  # measure the rest anyway
        print(f"could not install {OFFICIAL_REQUIREMENT}: {exc}", flush=True)
        (OFFICIAL_VENV / ".installed").unlink(missing_ok=True)
    for package in ("together", "together_generated"):  # as pip does on install
        compileall.compile_dir(str(ROOT / package), quiet=1)
    info = machine()
    report: list[dict[str, Any]] = []
    server = Server()
    try:
        for scenario in scenarios():
            if only and scenario.number not in only:
                continue
            n = scenario.runs or (runs * 2 + 1 if scenario.workload == "cold" else runs)
            if scenario.workload.startswith("ratelimited"):
                n = min(runs, LIMITED_RUNS)  # minutes each: a gather may run until stopped
            t0 = time.perf_counter()
            print(
                f"[{t0 - started:6.1f}s] {scenario.number}. {scenario.title} ({n} runs)", flush=True
            )
            if scenario.workload == "upload":
                outcome = upload_scenario(scenario, server.base, n)
            elif scenario.workload == "in-memory":
                outcome = in_memory_scenario(scenario, n)
            elif scenario.workload.startswith("batch"):
                outcome = batch_scenario(scenario, n)
            elif scenario.workload.startswith("ratelimited"):
                outcome = limited_scenario(scenario, n)
            else:
                outcome = measure(scenario, server.base, n)
            report.append(_entry(scenario, outcome, n, time.perf_counter() - t0))
    finally:
        server.stop()
    info["loadavg_end"] = os.getloadavg()
    info["seconds"] = time.perf_counter() - started
    table = render(report)
    print()
    print(table)
    document = {
        "about": "make bench: this client vs the official SDK (together==3.1.1) and raw httpx "
        "on one loopback server; ratios are of medians from this one run (scenario 3: "
        "each run's value is its fastest block of 100 calls, as timeit's repeat; scenario 14: "
        "its median block of 200, ours and httpx alternating in one process)",
        "machine": info,
        "scenarios": report,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(document, indent=2) + "\n")
    print(f"\nwritten {args.json} in {info['seconds']:.0f}s")
    return 0


def _entry(
    scenario: Scenario, outcome: dict[str, Any], runs: int, seconds: float
) -> dict[str, Any]:
    measurements: dict[str, Any] = {}
    for variant in scenario.variants:
        vals = outcome["values"].get(variant, [])
        error = outcome.get("errors", {}).get(variant)
        if vals and not error:
            stats = {k: v * scenario.scale for k, v in summarize(vals).items()}
            stats["values"] = [v * scenario.scale for v in vals]
            extras = [
                {k: v for k, v in e.items() if k != "unit"}
                for e in outcome.get("extras", {}).get(variant) or []
            ]
            if extras:
                stats["extras"] = extras[0] | {
                    k: statistics.median(e[k] for e in extras)
                    for k in extras[0]
                    if isinstance(extras[0][k], float)
                }
            measurements[variant] = stats
        elif error or not outcome.get("unavailable"):
            measurements[variant] = {"error": error or "no values"}
    entry: dict[str, Any] = {
        "number": scenario.number,
        "title": scenario.title,
        "workload": scenario.workload,
        "unit": scenario.unit,
        "runs": runs,
        "count_per_run": scenario.count,
        "seconds": round(seconds, 1),
        "labels": scenario.labels,
        "measurements": measurements,
        "ratios": evaluate(scenario, outcome),
    }
    if scenario.groups:
        entry["groups"] = {
            name: {"about": about, "variants": members}
            for name, (about, members) in scenario.groups.items()
        }
    for key in ("unavailable", "source", "output"):
        if key in outcome:
            entry[key] = outcome[key]
    return entry


if __name__ == "__main__":
    sys.exit(main())
