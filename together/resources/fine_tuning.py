"""Fine-tuning jobs: create, list, retrieve, cancel, delete, events, checkpoints, price estimates, downloads."""

from __future__ import annotations

from .._resource import M, Resource


class FineTuning(Resource[M]):
    pass
