"""Deployments, with their secrets, volumes and storage."""

from __future__ import annotations

from .._resource import M, Resource


class Deployments(Resource[M]):
    pass
