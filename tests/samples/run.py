"""``make samples``: run the spec's own Python code samples, unchanged, against this client
over the Prism mock server.

    python -m tests.samples.run [--python PATH] [--only TEXT] [--jobs N] [--verbose]

The pinned spec (build/spec/together-openapi.yaml) carries Together's Python samples for
most operations in ``x-codeSamples``, labelled "Together AI SDK (v2)" (the official SDK
2.x/3.x) and "Together AI SDK (v1)" (1.x). Each one runs as written in a fresh
interpreter (``--python``, by default this one), in a temporary folder of its own, with
``TOGETHER_API_KEY=test`` and ``TOGETHER_BASE_URL`` pointing at Prism on 127.0.0.1. A
sample passes when it exits 0.

Samples that read local files find small valid stand-ins in their folder (``data.jsonl``,
a JSONL training set; ``audio.wav``, 0.1 s of silence): that is part of pointing them at
a mock, like the fake key, not a change to the sample.

Prism comes from tests/contract/prism.py (installed with ``npm ci`` on first use) and
serves the overlaid spec, as in the contract tests. The last line of the output is
``samples: v2 A/67, v1 B/42``; tests/samples/README.md says why each failing sample fails.
Not a test: it exits 0 whatever the tally, and non-zero only when it cannot run at all.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.spec import SPEC_PATH, SpecError, fetch

from ..contract import prism
from ..contract import spec as overlaid

ROOT = Path(__file__).resolve().parents[2]
LABELS = {"Together AI SDK (v2)": "v2", "Together AI SDK (v1)": "v1"}
TIMEOUT = 30.0  # seconds per sample
JOBS = 8  # samples running at once


@dataclass(frozen=True)
class Sample:
    version: str  # "v2" or "v1"
    operation: str  # "POST /chat/completions"
    source: str

    @property
    def name(self) -> str:
        return f"{self.version} {self.operation}"


@dataclass(frozen=True)
class Outcome:
    sample: Sample
    returncode: int | None  # None: timed out
    stdout: str
    stderr: str
    seconds: float

    @property
    def passed(self) -> bool:
        return self.returncode == 0

    def last_error_line(self) -> str:
        if self.returncode is None:
            return f"timed out after {TIMEOUT:.0f} s"
        lines = [line.strip() for line in self.stderr.splitlines() if line.strip()]
        return lines[-1] if lines else f"exit {self.returncode} with nothing on stderr"


def samples(spec_path: Path) -> list[Sample]:
    """Every Python sample labelled v1 or v2, in the spec's order of paths."""
    document = yaml.safe_load(spec_path.read_text())
    found = []
    for route, item in document["paths"].items():
        for method, operation in item.items():
            if method not in overlaid.HTTP_METHODS:
                continue
            for sample in operation.get("x-codeSamples") or []:
                version = LABELS.get(sample.get("label", ""))
                if sample.get("lang") == "Python" and version:
                    found.append(Sample(version, f"{method.upper()} {route}", sample["source"]))
    return found


# -- the stand-ins for the files samples read ---------------------------------------------
def _stand_ins(folder: Path) -> None:
    rows = [
        {"messages": [{"role": "user", "content": q}, {"role": "assistant", "content": a}]}
        for q, a in [("Where is my order?", "Let me check."), ("Reset my password", "Sure.")]
    ]
    (folder / "data.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    with wave.open(str(folder / "audio.wav"), "wb") as out:  # 0.1 s of silence, 16 kHz mono
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(b"\x00\x00" * 1_600)


def _environment(base_url: str) -> dict[str, str]:
    """This process's environment less any Together or proxy setting and PYTHONPATH,
    plus the mock's URL and a fake key: nothing a sample sends leaves the machine."""
    drop = ("TOGETHER_", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "PYTHONPATH")
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(drop)}
    env.update(
        TOGETHER_API_KEY="test",
        TOGETHER_BASE_URL=base_url,
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def _prefixed(spec_path: Path, prefix: str, workdir: Path) -> Path:
    """The overlaid spec, or a copy of it whose paths all start with ``prefix``: the
    official SDK 3.x puts /v1 in its paths, not in its base URL."""
    if not prefix:
        return spec_path
    document = json.loads(spec_path.read_text())
    document["paths"] = {prefix.rstrip("/") + k: v for k, v in document["paths"].items()}
    dest = workdir / f"prefixed-{spec_path.name}"
    dest.write_text(json.dumps(document))
    return dest


def run_one(sample: Sample, python: str, env: dict[str, str], workdir: Path) -> Outcome:
    folder = Path(tempfile.mkdtemp(prefix="sample-", dir=workdir))
    _stand_ins(folder)
    script = folder / "sample.py"
    script.write_text(sample.source)
    started = time.monotonic()
    try:
        proc = subprocess.run(
            [python, str(script)],
            cwd=folder,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else ""
        err = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else ""
        return Outcome(sample, None, out, err, time.monotonic() - started)
    return Outcome(sample, proc.returncode, proc.stdout, proc.stderr, time.monotonic() - started)


# -- the report ---------------------------------------------------------------------------
def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def report(outcomes: list[Outcome], verbose: bool) -> str:
    lines = []
    failed = [o for o in outcomes if not o.passed]
    if failed:
        width = max(len(o.sample.name) for o in failed)
        lines.append(f"{len(failed)} samples failed:")
        lines.append(f"{'sample'.ljust(width)}  last error line")
        lines.append(f"{'-' * width}  {'-' * 15}")
        for o in failed:
            lines.append(f"{o.sample.name.ljust(width)}  {_clip(o.last_error_line(), 160)}")
            if verbose:
                lines.extend("    | " + line for line in o.stderr.rstrip().splitlines()[-15:])
    tally = []
    for version in ("v2", "v1"):
        mine = [o for o in outcomes if o.sample.version == version]
        tally.append(f"{version} {sum(o.passed for o in mine)}/{len(mine)}")
    lines.append("samples: " + ", ".join(tally))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.samples.run", description=__doc__)
    parser.add_argument(
        "--python", default=sys.executable, help="interpreter the samples run under"
    )
    parser.add_argument(
        "--path-prefix",
        default="",
        help="serve every operation under this prefix (the official SDK 3.x sends /v1/...)",
    )
    parser.add_argument("--only", default="", help="run the samples whose name holds TEXT")
    parser.add_argument("--jobs", type=int, default=JOBS, help="samples running at once")
    parser.add_argument("--verbose", action="store_true", help="show each failure's stderr")
    args = parser.parse_args(argv)

    try:
        spec_path = fetch(SPEC_PATH)
    except SpecError as exc:
        print(f"samples: cannot read the pinned spec: {exc}", file=sys.stderr)
        return 2
    # Samples run in their own folders: a relative interpreter path would not be found
    # there (absolute() keeps a virtualenv's symlink, which is what makes it that venv).
    python = shutil.which(args.python) if os.sep not in args.python else args.python
    if python is None or not Path(python).is_file():
        print(f"samples: no interpreter {args.python!r}", file=sys.stderr)
        return 2
    python = str(Path(python).absolute())
    found = samples(spec_path)
    chosen = [s for s in found if args.only in s.name]

    with tempfile.TemporaryDirectory(prefix="together-samples-") as tmp:
        workdir = Path(tmp)
        try:
            prism.install()
            served = _prefixed(overlaid.path(), args.path_prefix, workdir)
            server = prism.start(served, workdir / "prism.log")
        except prism.PrismError as exc:
            print(f"samples: {exc}", file=sys.stderr)
            return 2
        try:
            env = _environment(server.url)
            jobs = max(1, args.jobs)
            with ThreadPoolExecutor(jobs) as pool:
                outcomes: list[Outcome] = list(
                    pool.map(lambda s: run_one(s, python, env, workdir), chosen)
                )
        finally:
            server.stop()
    print(report(outcomes, args.verbose))
    return 0


if __name__ == "__main__":
    sys.exit(main())
