"""Moved to tests/support/wsserver.py; this name stays importable until the branches that still
use it are merged, then goes."""

from tests.support.wsserver import *  # noqa: F403
