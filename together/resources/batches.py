"""Batch inference jobs."""

from __future__ import annotations

from .._resource import M, Resource


class Batches(Resource[M]):
    pass
