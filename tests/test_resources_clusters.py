"""client.clusters: GPU clusters, their shared volumes and regions (bodies from the spec's
cURL samples and field examples)."""

from __future__ import annotations

import json

import pytest

from .support.httpserver import body_of, request_sent

CLUSTER = {
    "cluster_id": "c-123",
    "cluster_type": "KUBERNETES",
    "region": "us-west-2",
    "gpu_type": "H100_SXM",
    "cluster_name": "my-gpu-cluster",
    "duration_hours": 0,
    "cuda_version": "12.6",
    "nvidia_driver_version": "560.35.03",
    "volumes": [
        {
            "volume_id": "v-1",
            "volume_name": "my-shared-volume",
            "size_tib": 2,
            "status": "available",
        }
    ],
    "status": "WaitingForControlPlaneNodes",
    "control_plane_nodes": [
        {
            "node_id": "n-1",
            "node_name": "cp-1",
            "status": "ready",
            "host_name": "cp-1.local",
            "num_cpu_cores": 8,
            "memory_gib": 32.0,
            "network": "10.0.0.0/24",
        }
    ],
    "gpu_worker_nodes": [
        {
            "node_id": "n-2",
            "node_name": "gpu-1",
            "status": "ready",
            "host_name": "gpu-1.local",
            "num_cpu_cores": 96,
            "num_gpus": 8,
            "memory_gib": 1024.0,
            "networks": ["10.0.1.0/24"],
        }
    ],
    "kube_config": "apiVersion: v1",
    "num_gpus": 8,
}
VOLUME = {
    "volume_id": "12345-67890-12345-67890",
    "volume_name": "my-shared-volume",
    "size_tib": 2,
    "status": "available",
}
CREATE = {
    "region": "us-west-2",
    "gpu_type": "H100_SXM",
    "num_gpus": 8,
    "cluster_name": "my-gpu-cluster",
    "cuda_version": "12.6",
    "nvidia_driver_version": "560.35.03",
    "billing_type": "ON_DEMAND",
}


def test_create_posts_the_arguments(client, httpserver):
    httpserver.expect_request("/v1/compute/clusters", method="POST").respond_with_json(CLUSTER)
    result = client.clusters.create(**CREATE)
    request = request_sent(httpserver)
    assert (request.method, request.path, dict(request.args)) == (
        "POST",
        "/v1/compute/clusters",
        {},
    )
    assert body_of(request) == CREATE
    assert type(result).__name__ == "GPUClusterInfo"
    assert result.gpu_worker_nodes[0].num_gpus == 8


def test_list(client, httpserver):
    httpserver.expect_request("/v1/compute/clusters", method="GET").respond_with_json(
        {"clusters": [CLUSTER]}
    )
    result = client.clusters.list()
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("GET", {}, None)
    assert type(result).__name__ == "GPUClusters"
    assert result.clusters[0].cluster_id == "c-123"


def test_retrieve(client, httpserver):
    httpserver.expect_request("/v1/compute/clusters/c-123", method="GET").respond_with_json(CLUSTER)
    result = client.clusters.retrieve("c-123")
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("GET", {}, None)
    assert type(result).__name__ == "GPUClusterInfo"
    assert result.status == "WaitingForControlPlaneNodes"


def test_update_puts_the_new_size(client, httpserver):
    httpserver.expect_request("/v1/compute/clusters/c-123", method="PUT").respond_with_json(
        {**CLUSTER, "num_gpus": 24}
    )
    result = client.clusters.update("c-123", cluster_type="KUBERNETES", num_gpus=24)
    request = request_sent(httpserver)
    assert (request.method, dict(request.args)) == ("PUT", {})
    assert body_of(request) == {"cluster_type": "KUBERNETES", "num_gpus": 24}
    assert type(result).__name__ == "GPUClusterInfo"
    assert result.num_gpus == 24


def test_delete(client, httpserver):
    httpserver.expect_request("/v1/compute/clusters/c-123", method="DELETE").respond_with_json(
        {"cluster_id": "c-123"}
    )
    result = client.clusters.delete("c-123")
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("DELETE", {}, None)
    assert type(result).__name__ == "GpuClusterServiceDeleteResponse200"
    assert result.cluster_id == "c-123"


def test_list_regions(client, httpserver):
    httpserver.expect_request("/v1/compute/regions", method="GET").respond_with_json(
        {
            "regions": [
                {
                    "name": "us-west-2",
                    "driver_versions": [
                        {"cuda_version": "12.6", "nvidia_driver_version": "560.35.03"}
                    ],
                    "supported_instance_types": ["H100_SXM"],
                }
            ]
        }
    )
    result = client.clusters.list_regions()
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("GET", {}, None)
    assert type(result).__name__ == "RegionListResponse"
    assert result.regions[0].supported_instance_types == ["H100_SXM"]


def test_storage_create(client, httpserver):
    httpserver.expect_request(
        "/v1/compute/clusters/storage/volumes", method="POST"
    ).respond_with_json(VOLUME)
    result = client.clusters.storage.create(
        volume_name="my-shared-volume", size_tib=2, region="us-west-2"
    )
    request = request_sent(httpserver)
    assert (request.method, dict(request.args)) == ("POST", {})
    assert body_of(request) == {
        "volume_name": "my-shared-volume",
        "size_tib": 2,
        "region": "us-west-2",
    }
    assert type(result).__name__ == "GPUClustersSharedVolume"
    assert result.size_tib == 2


def test_storage_list(client, httpserver):
    httpserver.expect_request(
        "/v1/compute/clusters/storage/volumes", method="GET"
    ).respond_with_json({"volumes": [VOLUME]})
    result = client.clusters.storage.list()
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("GET", {}, None)
    assert type(result).__name__ == "GPUClustersSharedVolumes"
    assert result.volumes[0].volume_name == "my-shared-volume"


def test_storage_retrieve(client, httpserver):
    httpserver.expect_request(
        f"/v1/compute/clusters/storage/volumes/{VOLUME['volume_id']}", method="GET"
    ).respond_with_json(VOLUME)
    result = client.clusters.storage.retrieve(VOLUME["volume_id"])
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("GET", {}, None)
    assert type(result).__name__ == "GPUClustersSharedVolume"
    assert result.status == "available"


def test_storage_update_puts_the_id_in_the_body(client, httpserver):
    # The spec's PUT has no path parameter: the volume id is a body field.
    httpserver.expect_request(
        "/v1/compute/clusters/storage/volumes", method="PUT"
    ).respond_with_json({**VOLUME, "size_tib": 3})
    result = client.clusters.storage.update(VOLUME["volume_id"], size_tib=3)
    request = request_sent(httpserver)
    assert (request.method, dict(request.args)) == ("PUT", {})
    assert body_of(request) == {"volume_id": "12345-67890-12345-67890", "size_tib": 3}
    assert type(result).__name__ == "GPUClustersSharedVolume"
    assert result.size_tib == 3


def test_storage_update_takes_the_id_as_keyword_too(client, httpserver):
    httpserver.expect_request(
        "/v1/compute/clusters/storage/volumes", method="PUT"
    ).respond_with_json(VOLUME)
    client.clusters.storage.update(volume_id="v-9", size_tib=4)
    assert body_of(request_sent(httpserver)) == {"volume_id": "v-9", "size_tib": 4}


def test_storage_delete(client, httpserver):
    httpserver.expect_request(
        "/v1/compute/clusters/storage/volumes/v-1", method="DELETE"
    ).respond_with_json({"success": True})
    result = client.clusters.storage.delete("v-1")
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("DELETE", {}, None)
    assert type(result).__name__ == "GPUClustersSharedVolumeDeleteResponse"
    assert result.success is True


@pytest.mark.anyio
async def test_async_create_and_storage_list_are_the_same_calls(aclient, httpserver):
    httpserver.expect_request("/v1/compute/clusters", method="POST").respond_with_json(CLUSTER)
    httpserver.expect_request(
        "/v1/compute/clusters/storage/volumes", method="GET"
    ).respond_with_json({"volumes": []})
    assert (await aclient.clusters.create(**CREATE)).cluster_name == "my-gpu-cluster"
    assert json.loads(httpserver.log[0][0].data) == CREATE
    assert (await aclient.clusters.storage.list()).volumes == []


@pytest.mark.parametrize(
    ("call", "error", "field"),
    [
        (lambda c: c.clusters.create(**{**CREATE, "num_gpus": "8"}), TypeError, "num_gpus"),
        (lambda c: c.clusters.create(**{**CREATE, "gpu_type": 7}), TypeError, "gpu_type"),
        (lambda c: c.clusters.update("c-1", num_gpus=[8]), TypeError, "num_gpus"),
        (
            lambda c: c.clusters.storage.create(volume_name="v", size_tib="big", region="r"),
            TypeError,
            "size_tib",
        ),
        (lambda c: c.clusters.storage.update("v", size_tib="big"), TypeError, "size_tib"),
        (lambda c: c.clusters.retrieve(""), ValueError, "cluster_id"),
        (lambda c: c.clusters.storage.delete(None), TypeError, "volume_id"),
    ],
)
def test_invalid_arguments_raise_naming_the_field_and_send_nothing(
    client, httpserver, call, error, field
):
    with pytest.raises(error, match=rf"\b{field}\b"):
        call(client)
    assert httpserver.log == []
