"""Dedicated endpoints. Every method is derived from the spec; ``create`` also takes 1.x's
``min_replicas`` / ``max_replicas``."""

from __future__ import annotations

from typing import Any, ClassVar

from .._resource import M, Resource
from .._shape import Extra, Hook


def _replicas(params: dict[str, Any], where: str) -> None:
    """1.x's ``min_replicas=`` and ``max_replicas=`` make the spec's ``autoscaling``
    (``{"min_replicas": ..., "max_replicas": ...}``)."""
    replicas = {
        name: params.pop(name)
        for name in ("min_replicas", "max_replicas")
        if params.get(name) is not None
    }
    for name in ("min_replicas", "max_replicas"):
        params.pop(name, None)
    if replicas:
        if params.get("autoscaling") is not None:
            raise TypeError(f"{where}: pass autoscaling or min_replicas/max_replicas, not both")
        params["autoscaling"] = replicas


class Endpoints(Resource[M]):
    HOOKS: ClassVar[dict[str, Hook]] = {
        "create": Hook(
            keywords=(Extra("min_replicas", "int | None"), Extra("max_replicas", "int | None")),
            adapt=_replicas,
            fills=("autoscaling",),
        ),
    }
