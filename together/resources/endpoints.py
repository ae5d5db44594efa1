"""Dedicated endpoints. Every method but ``create`` is derived from the spec."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._resource import M, Resource, api_call, operation

if TYPE_CHECKING:
    from together_generated.models import DedicatedEndpoint

    from .._transport import Call


class Endpoints(Resource[M]):
    @operation
    def create(self, /, **params: Any) -> Call[DedicatedEndpoint]:
        """POST /endpoints: deploys ``model`` on ``hardware``; ``autoscaling`` is
        ``{"min_replicas": ..., "max_replicas": ...}`` (1.x took ``min_replicas=`` and
        ``max_replicas=`` instead, which make the same field). Returns the new endpoint."""
        replicas = {
            name: params.pop(name)
            for name in ("min_replicas", "max_replicas")
            if params.get(name) is not None
        }
        if replicas:
            if params.get("autoscaling") is not None:
                raise TypeError(
                    "endpoints.create: pass autoscaling or min_replicas/max_replicas, not both"
                )
            params["autoscaling"] = replicas
        return api_call("endpoints.create_endpoint", params, where="endpoints.create")
