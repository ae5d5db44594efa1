"""Reinforcement-learning training sessions and checkpoints."""

from __future__ import annotations

from .._resource import M, Resource


class RL(Resource[M]):
    pass
