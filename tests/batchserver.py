"""Moved to tests/support/batchserver.py; this name stays importable until the branches that still
use it are merged, then goes."""

from tests.support.batchserver import *  # noqa: F403
