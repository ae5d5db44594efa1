"""The public surface as type checkers see it: user code written like the README's passes
``mypy --strict`` and pyright with no error, and each mistake in tests/typing/mistakes.py
(a line marked ``# error``) is flagged by both, with nothing else flagged."""

from __future__ import annotations

from pathlib import Path

import pytest

from .support.typecheckers import mypy, pyright

pytestmark = [pytest.mark.typecheck, pytest.mark.needs_node]

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "tests" / "typing"
USER_CODE = sorted(HERE.glob("readme_*.py"))
MISTAKES = HERE / "mistakes.py"


def marked_lines() -> set[int]:
    lines = MISTAKES.read_text().splitlines()
    return {number for number, line in enumerate(lines, 1) if "# error" in line}


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
    assert len(marked) == 10
    assert checked[checker][MISTAKES] == marked
