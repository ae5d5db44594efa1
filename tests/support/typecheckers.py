"""mypy --strict and pyright run on files, each giving the lines it reports errors on."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ..contract import prism

ROOT = Path(__file__).resolve().parents[2]


def mypy(*files: Path) -> dict[Path, set[int]]:
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", *map(str, files)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    found: dict[Path, set[int]] = {f: set() for f in files}
    for match in re.finditer(r"^(.+?\.py):(\d+): error:", proc.stdout, re.M):
        found[ROOT / match[1]].add(int(match[2]))
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    return found


def pyright(*files: Path) -> dict[Path, set[int]]:
    try:
        prism.install()  # the tests' Node tools, pyright among them, from the lock file
    except prism.PrismError as exc:
        pytest.fail(str(exc), pytrace=False)
    binary = prism.HERE / "node_modules" / ".bin" / "pyright"
    proc = subprocess.run(
        [str(binary), "--outputjson", "--pythonpath", sys.executable, *map(str, files)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    report = json.loads(proc.stdout)
    found: dict[Path, set[int]] = {f: set() for f in files}
    for diagnostic in report["generalDiagnostics"]:
        if diagnostic["severity"] == "error":
            found[Path(diagnostic["file"])].add(diagnostic["range"]["start"]["line"] + 1)
    return found
