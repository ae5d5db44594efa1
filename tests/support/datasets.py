"""Checking a dataset while measuring the memory Python holds."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from together._dataset_check import DatasetReport, check_dataset


def checked_with_peak_memory(path: Path) -> tuple[DatasetReport, int]:
    """The report on ``path`` and the most memory Python held while checking it."""
    tracemalloc.start()
    try:
        report = check_dataset(path)
        return report, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
