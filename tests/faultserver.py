"""Moved to tests/support/faultserver.py; this name stays importable until the branches that still
use it are merged, then goes."""

from tests.support.faultserver import *  # noqa: F403
