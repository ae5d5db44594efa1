"""Moved to tests/support/fakeapi.py; this name stays importable until the branches that still
use it are merged, then goes."""

from tests.support.fakeapi import *  # noqa: F403
