"""Model-upload jobs."""

from __future__ import annotations

from .._resource import M, Resource


class Jobs(Resource[M]):
    pass
