"""Evaluation jobs (also reachable as client.evals)."""

from __future__ import annotations

from .._resource import M, Resource


class Evaluation(Resource[M]):
    pass
