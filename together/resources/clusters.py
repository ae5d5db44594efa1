"""GPU clusters (compute), their shared storage volumes and regions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._resource import M, Resource, api_call, operation

if TYPE_CHECKING:
    from together_generated.models import (
        GPUClusterInfo,
        GPUClusters,
        GpuClusterServiceDeleteResponse200,
        GPUClustersSharedVolume,
        GPUClustersSharedVolumeDeleteResponse,
        GPUClustersSharedVolumes,
        RegionListResponse,
    )

    from .._transport import Call


class Storage(Resource[M]):
    """Shared volumes that clusters mount (/compute/clusters/storage/volumes)."""

    @operation
    def create(
        self, /, *, volume_name: str, size_tib: int, region: str, **params: Any
    ) -> Call[GPUClustersSharedVolume]:
        """POST /compute/clusters/storage/volumes: returns the new volume."""
        return api_call(
            "shared_volume_service.shared_volume_service_create",
            {"volume_name": volume_name, "size_tib": size_tib, "region": region, **params},
            where="clusters.storage.create",
        )

    @operation
    def list(self, /, **options: Any) -> Call[GPUClustersSharedVolumes]:
        """GET /compute/clusters/storage/volumes (``.volumes``)."""
        return api_call(
            "shared_volume_service.shared_volume_service_list",
            options,
            where="clusters.storage.list",
        )

    @operation
    def retrieve(self, /, volume_id: str, **options: Any) -> Call[GPUClustersSharedVolume]:
        """GET /compute/clusters/storage/volumes/{volume_id}."""
        return api_call(
            "shared_volume_service.shared_volume_service_get",
            options,
            path={"volume_id": volume_id},
            where="clusters.storage.retrieve",
        )

    @operation
    def update(self, /, volume_id: str, **params: Any) -> Call[GPUClustersSharedVolume]:
        """PUT /compute/clusters/storage/volumes: resizes a volume (``size_tib=``); the
        id travels in the body. Returns the volume."""
        return api_call(
            "shared_volume_service.shared_volume_service_update",
            {"volume_id": volume_id, **params},
            where="clusters.storage.update",
        )

    @operation
    def delete(
        self, /, volume_id: str, **options: Any
    ) -> Call[GPUClustersSharedVolumeDeleteResponse]:
        """DELETE /compute/clusters/storage/volumes/{volume_id} (``.success``)."""
        return api_call(
            "shared_volume_service.shared_volume_service_delete",
            options,
            path={"volume_id": volume_id},
            where="clusters.storage.delete",
        )


class Clusters(Resource[M]):
    def __init__(self, transport: M) -> None:
        super().__init__(transport)
        self.storage: Storage[M] = Storage(transport)

    @operation
    def create(
        self,
        /,
        *,
        cluster_name: str,
        region: str,
        gpu_type: str,
        num_gpus: int,
        driver_version: str,
        billing_type: str,
        **params: Any,
    ) -> Call[GPUClusterInfo]:
        """POST /compute/clusters: provisions a cluster (``cluster_type``,
        ``duration_days``, ``shared_volume`` or ``volume_id`` are optional). Returns it."""
        return api_call(
            "gpu_cluster_service.gpu_cluster_service_create",
            {
                "cluster_name": cluster_name,
                "region": region,
                "gpu_type": gpu_type,
                "num_gpus": num_gpus,
                "driver_version": driver_version,
                "billing_type": billing_type,
                **params,
            },
            where="clusters.create",
        )

    @operation
    def list(self, /, **options: Any) -> Call[GPUClusters]:
        """GET /compute/clusters (``.clusters``)."""
        return api_call(
            "gpu_cluster_service.gpu_cluster_service_list", options, where="clusters.list"
        )

    @operation
    def retrieve(self, /, cluster_id: str, **options: Any) -> Call[GPUClusterInfo]:
        """GET /compute/clusters/{cluster_id}: the cluster with its nodes and volumes."""
        return api_call(
            "gpu_cluster_service.gpu_cluster_service_get",
            options,
            path={"cluster_id": cluster_id},
            where="clusters.retrieve",
        )

    @operation
    def update(self, /, cluster_id: str, **params: Any) -> Call[GPUClusterInfo]:
        """PUT /compute/clusters/{cluster_id}: scales it (``num_gpus``,
        ``cluster_type``). Returns the cluster."""
        return api_call(
            "gpu_cluster_service.gpu_cluster_service_update",
            params,
            path={"cluster_id": cluster_id},
            where="clusters.update",
        )

    @operation
    def delete(
        self, /, cluster_id: str, **options: Any
    ) -> Call[GpuClusterServiceDeleteResponse200]:
        """DELETE /compute/clusters/{cluster_id} (``.cluster_id``)."""
        return api_call(
            "gpu_cluster_service.gpu_cluster_service_delete",
            options,
            path={"cluster_id": cluster_id},
            where="clusters.delete",
        )

    @operation
    def list_regions(self, /, **options: Any) -> Call[RegionListResponse]:
        """GET /compute/regions: regions with their driver versions and instance types."""
        return api_call(
            "region_service.region_service_list", options, where="clusters.list_regions"
        )
