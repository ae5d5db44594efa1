"""Dedicated endpoints, their hardware and availability zones."""

from __future__ import annotations

from .._resource import M, Resource


class Endpoints(Resource[M]):
    pass
