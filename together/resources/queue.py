"""The queue API: submit, status, cancel, metrics."""

from __future__ import annotations

from .._resource import M, Resource


class Queue(Resource[M]):
    pass
