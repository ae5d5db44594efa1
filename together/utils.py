"""The official SDK 1.x's ``together.utils.check_file``: a local check of a fine-tuning
dataset, reported as 1.x's dict (``report["is_check_passed"]``, ``report["message"]``,
...). ``client.files.check(path)`` and ``together.check_dataset(path)`` give the same
check as a ``DatasetReport``, with every problem and its line."""

from ._compat import check_file

__all__ = ["check_file"]
