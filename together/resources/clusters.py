"""GPU clusters (compute), their shared storage volumes and regions."""

from __future__ import annotations

from .._resource import M, Resource


class Clusters(Resource[M]):
    pass
