"""Files (upload with local checks and progress, list, retrieve, delete, content download)."""

from __future__ import annotations

from .._resource import M, Resource


class Files(Resource[M]):
    pass
