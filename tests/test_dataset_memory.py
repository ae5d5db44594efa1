"""The dataset check's memory stays bounded by the line cap, whatever the file holds."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from together import _dataset_check
from together._dataset_check import check_dataset

from .support.datasets import checked_with_peak_memory

CAP = 2**20


@pytest.fixture
def small_cap(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(_dataset_check, "MAX_LINE_BYTES", CAP)
    return CAP


def test_file_without_newline_is_one_over_long_line_in_bounded_memory(tmp_path, small_cap):
    path = tmp_path / "data.jsonl"
    with path.open("wb") as f:
        f.write(b'{"text": "')
        for _ in range(8):  # 8 MiB, no newline anywhere
            f.write(b"x" * 2**20)
    report, peak = checked_with_peak_memory(path)
    assert [p.line for p in report.problems] == [1]
    assert "longer than 1 MiB" in report.problems[0].message
    assert peak < 3 * small_cap, peak


def test_lines_after_an_over_long_one_keep_their_numbers(small_cap):
    good = json.dumps({"text": "ok"}).encode()
    data = b"\n".join([good, b'{"text": "' + b"x" * (2 * small_cap) + b'"}', good, b"{"]) + b"\n"
    report = check_dataset(io.BytesIO(data))
    assert [p.line for p in report.problems] == [2, 4]
    assert report.rows == 2  # neither the over-long line nor the broken one is an example


def test_a_line_of_exactly_the_cap_is_read(small_cap):
    line = b'{"text": "' + b"x" * (small_cap - 12) + b'"}'
    assert len(line) == small_cap
    report = check_dataset(io.BytesIO(line + b"\n" + line))
    assert report.ok and report.rows == 2


def test_valid_file_still_passes(tmp_path: Path):
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join(json.dumps({"text": f"row {i}"}) for i in range(100)) + "\n")
    report = check_dataset(path)
    assert report.ok and report.rows == 100 and report.format == "text"
