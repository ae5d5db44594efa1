"""The README's examples type-check as written: each Python block of README.md that is a
complete program passes ``mypy --strict`` and pyright with no error.

The rule, stated in the README's Types section: a block whose first line is an import
(``import ...`` / ``from ... import ...``) is a complete program and is checked; other
blocks are fragments that continue the ones before them (they use ``client`` without
making one) and are not. The blocks are read from README.md itself, so there is no copy
to drift.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .support.typecheckers import mypy, pyright

pytestmark = [pytest.mark.typecheck, pytest.mark.needs_node]

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BLOCKS = ROOT / "build" / "readme-blocks"


def complete_programs() -> list[str]:
    blocks = re.findall(r"^```python\n(.*?)^```", README.read_text(), flags=re.M | re.S)
    return [b for b in blocks if re.match(r"(import|from) \S", b.lstrip())]


PROGRAMS = complete_programs()


@pytest.fixture(scope="module")
def checked() -> dict[str, dict[Path, set[int]]]:
    BLOCKS.mkdir(parents=True, exist_ok=True)
    for old in BLOCKS.glob("*.py"):
        old.unlink()
    files = []
    for number, program in enumerate(PROGRAMS, 1):
        path = BLOCKS / f"readme_block_{number}.py"
        path.write_text(program)
        files.append(path)
    return {"mypy": mypy(*files), "pyright": pyright(*files)}


def test_the_quick_start_and_the_async_example_are_complete_programs() -> None:
    assert any("client = Together()" in p and "reply.choices[0]" in p for p in PROGRAMS)
    assert any("async with AsyncTogether() as client" in p for p in PROGRAMS)


@pytest.mark.parametrize("checker", ["mypy", "pyright"])
@pytest.mark.parametrize("number", range(1, len(PROGRAMS) + 1), ids=lambda n: f"block{n}")
def test_a_complete_readme_program_has_no_type_error(
    checked: dict[str, dict[Path, set[int]]], checker: str, number: int
) -> None:
    path = BLOCKS / f"readme_block_{number}.py"
    errors = checked[checker][path]
    program = PROGRAMS[number - 1].splitlines()
    assert errors == set(), "\n".join(f"{line}: {program[line - 1]}" for line in sorted(errors))
