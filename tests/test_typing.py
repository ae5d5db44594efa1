"""The public surface as type checkers see it: user code written like the README's passes
``mypy --strict`` and pyright with no error, and each mistake in tests/typing/mistakes.py
(a line marked ``# error``) is flagged by both, with nothing else flagged."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .contract import prism

pytestmark = [pytest.mark.typecheck, pytest.mark.needs_node]

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "tests" / "typing"
USER_CODE = sorted(HERE.glob("readme_*.py"))
MISTAKES = HERE / "mistakes.py"


def marked_lines() -> set[int]:
    lines = MISTAKES.read_text().splitlines()
    return {number for number, line in enumerate(lines, 1) if "# error" in line}


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


@pytest.fixture(scope="module")
def checked() -> dict[str, dict[Path, set[int]]]:
    files = [*USER_CODE, MISTAKES]
    return {"mypy": mypy(*files), "pyright": pyright(*files)}


@pytest.mark.parametrize("checker", ["mypy", "pyright"])
@pytest.mark.parametrize("user_code", USER_CODE, ids=lambda p: p.name)
def test_readme_style_code_has_no_type_error(checked, checker, user_code):
    assert checked[checker][user_code] == set()


@pytest.mark.parametrize("checker", ["mypy", "pyright"])
def test_each_mistake_is_flagged_and_nothing_else(checked, checker):
    marked = marked_lines()
    assert len(marked) == 8
    assert checked[checker][MISTAKES] == marked
