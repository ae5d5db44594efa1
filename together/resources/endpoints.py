"""Dedicated endpoints, their hardware and availability zones."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._resource import M, Resource, api_call, operation

if TYPE_CHECKING:
    from together_generated.models import (
        DedicatedEndpoint,
        ListAvailibilityZonesResponse,
        ListEndpointsResponse200,
        ListHardwareResponse200,
    )

    from .._transport import Call


class Endpoints(Resource[M]):
    @operation
    def create(
        self,
        /,
        *,
        model: str,
        hardware: str,
        autoscaling: Any = None,
        min_replicas: int | None = None,
        max_replicas: int | None = None,
        **params: Any,
    ) -> Call[DedicatedEndpoint]:
        """POST /endpoints: deploys ``model`` on ``hardware``; ``autoscaling`` is
        ``{"min_replicas": ..., "max_replicas": ...}`` (1.x took ``min_replicas=`` and
        ``max_replicas=`` instead, which make the same field). Returns the new endpoint."""
        replicas = {"min_replicas": min_replicas, "max_replicas": max_replicas}
        replicas = {k: v for k, v in replicas.items() if v is not None}
        if replicas:
            if autoscaling is not None:
                raise TypeError(
                    "endpoints.create: pass autoscaling or min_replicas/max_replicas, not both"
                )
            autoscaling = replicas
        if autoscaling is None:
            raise TypeError("endpoints.create: missing required argument 'autoscaling'")
        return api_call(
            "endpoints.create_endpoint",
            {"model": model, "hardware": hardware, "autoscaling": autoscaling, **params},
            where="endpoints.create",
        )

    @operation
    def list(self, /, **params: Any) -> Call[ListEndpointsResponse200]:
        """GET /endpoints, filtered by ``type``, ``usage_type`` and ``mine``. The result
        iterates over the endpoints (also in ``.data``)."""
        if "type" in params:  # a Python builtin, so the generated argument is ``type_``
            params["type_"] = params.pop("type")
        return api_call("endpoints.list_endpoints", params, where="endpoints.list")

    @operation
    def retrieve(self, /, endpoint_id: str, **options: Any) -> Call[DedicatedEndpoint]:
        """GET /endpoints/{endpointId}."""
        return api_call(
            "endpoints.get_endpoint",
            options,
            path={"endpoint_id": endpoint_id},
            where="endpoints.retrieve",
        )

    @operation
    def update(self, /, endpoint_id: str, **params: Any) -> Call[DedicatedEndpoint]:
        """PATCH /endpoints/{endpointId}: changes ``display_name``, ``state``,
        ``autoscaling`` or ``inactive_timeout``. Returns the updated endpoint."""
        return api_call(
            "endpoints.update_endpoint",
            params,
            path={"endpoint_id": endpoint_id},
            where="endpoints.update",
        )

    @operation
    def delete(self, /, endpoint_id: str, **options: Any) -> Call[None]:
        """DELETE /endpoints/{endpointId}. Returns None."""
        return api_call(
            "endpoints.delete_endpoint",
            options,
            path={"endpoint_id": endpoint_id},
            where="endpoints.delete",
        )

    @operation
    def list_hardware(self, /, **params: Any) -> Call[ListHardwareResponse200]:
        """GET /hardware: hardware configurations with prices; with ``model=`` only those
        that can run it, each with its availability."""
        return api_call("hardware.list_hardware", params, where="endpoints.list_hardware")

    @operation
    def list_availability_zones(self, /, **options: Any) -> Call[ListAvailibilityZonesResponse]:
        """GET /clusters/availability-zones: the zones an endpoint can be placed in
        (``.avzones``)."""
        return api_call(
            "endpoints.availability_zones", options, where="endpoints.list_availability_zones"
        )

    # The 1.x names.
    get = retrieve
    list_avzones = list_availability_zones
