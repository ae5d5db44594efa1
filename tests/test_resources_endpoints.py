"""client.endpoints: dedicated endpoints, hardware and availability zones (bodies from the
spec's examples)."""

from __future__ import annotations

import pytest

from .support.httpserver import body_of, request_sent

ENDPOINT = {
    "object": "endpoint",
    "id": "endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7",
    "name": "devuser/deepseek-ai/DeepSeek-R1-a32b82a1",
    "display_name": "My DeepSeek R1 endpoint",
    "model": "deepseek-ai/DeepSeek-R1",
    "hardware": "8x_nvidia_h200_140gb_sxm",
    "type": "dedicated",
    "owner": "devuser",
    "state": "STARTED",
    "autoscaling": {"min_replicas": 2, "max_replicas": 5},
    "created_at": "2025-02-04T10:43:55.405Z",
}
ENDPOINT_ID = ENDPOINT["id"]
LISTED = {
    "object": "list",
    "data": [
        {
            "object": "endpoint",
            "id": "endpoint-5c0c20db-62fe-4f41-8ffc-d9e4ea1a264e",
            "name": "allenai/OLMo-7B",
            "model": "allenai/OLMo-7B",
            "type": "serverless",
            "owner": "together",
            "state": "STARTED",
            "created_at": "2024-02-28T21:34:35.444Z",
        }
    ],
}
HARDWARE = {
    "object": "list",
    "data": [
        {
            "object": "hardware",
            "id": "2x_nvidia_a100_80gb_sxm",
            "pricing": {"cents_per_minute": 5.42},
            "specs": {"gpu_type": "a100-80gb", "gpu_link": "sxm", "gpu_memory": 80, "gpu_count": 2},
            "availability": {"status": "available"},
            "updated_at": "2024-01-02T03:04:05Z",
        }
    ],
}


def test_create_posts_the_arguments(client, httpserver):
    httpserver.expect_request("/v1/endpoints", method="POST").respond_with_json(ENDPOINT)
    result = client.endpoints.create(
        model="Qwen/Qwen3.5-9B-FP8",
        hardware="1x_nvidia_a100_80gb_sxm",
        autoscaling={"max_replicas": 5, "min_replicas": 2},
        inactive_timeout=60,
    )
    request = request_sent(httpserver)
    assert (request.method, request.path, dict(request.args)) == ("POST", "/v1/endpoints", {})
    assert body_of(request) == {
        "model": "Qwen/Qwen3.5-9B-FP8",
        "hardware": "1x_nvidia_a100_80gb_sxm",
        "autoscaling": {"max_replicas": 5, "min_replicas": 2},
        "inactive_timeout": 60,
    }
    assert type(result).__name__ == "DedicatedEndpoint"
    assert result.autoscaling.max_replicas == 5


def test_list_sends_the_filters_as_query(client, httpserver):
    httpserver.expect_request("/v1/endpoints", method="GET").respond_with_json(LISTED)
    result = client.endpoints.list(type="serverless", mine=True)
    request = request_sent(httpserver)
    assert dict(request.args) == {"type": "serverless", "mine": "true"}
    assert body_of(request) is None
    assert type(result).__name__ == "ListEndpointsResponse200"
    assert [e.name for e in result] == ["allenai/OLMo-7B"]


def test_retrieve_puts_the_id_in_the_path(client, httpserver):
    httpserver.expect_request(f"/v1/endpoints/{ENDPOINT_ID}", method="GET").respond_with_json(
        ENDPOINT
    )
    result = client.endpoints.retrieve(ENDPOINT_ID)
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("GET", {}, None)
    assert type(result).__name__ == "DedicatedEndpoint"
    assert result.hardware == "8x_nvidia_h200_140gb_sxm"


def test_update_patches_only_the_given_fields(client, httpserver):
    stopped = {**ENDPOINT, "state": "STOPPED"}
    httpserver.expect_request(f"/v1/endpoints/{ENDPOINT_ID}", method="PATCH").respond_with_json(
        stopped
    )
    result = client.endpoints.update(ENDPOINT_ID, state="STOPPED")
    request = request_sent(httpserver)
    assert (request.method, dict(request.args)) == ("PATCH", {})
    assert body_of(request) == {"state": "STOPPED"}
    assert type(result).__name__ == "DedicatedEndpoint"
    assert result.state == "STOPPED"


def test_delete_returns_none_on_204(client, httpserver):
    httpserver.expect_request(f"/v1/endpoints/{ENDPOINT_ID}", method="DELETE").respond_with_data(
        status=204
    )
    assert client.endpoints.delete(ENDPOINT_ID) is None
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("DELETE", {}, None)


def test_list_hardware_filters_by_model(client, httpserver):
    httpserver.expect_request("/v1/hardware", method="GET").respond_with_json(HARDWARE)
    result = client.endpoints.list_hardware(model="meta-llama/Llama-3-70b-chat-hf")
    request = request_sent(httpserver)
    assert dict(request.args) == {"model": "meta-llama/Llama-3-70b-chat-hf"}
    assert type(result).__name__ == "ListHardwareResponse200"
    assert result.data[0].pricing.cents_per_minute == 5.42


def test_list_availability_zones(client, httpserver):
    httpserver.expect_request("/v1/clusters/availability-zones", method="GET").respond_with_json(
        {"avzones": ["us-central-4b", "us-east-1a"]}
    )
    result = client.endpoints.list_availability_zones()
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("GET", {}, None)
    assert type(result).__name__ == "ListAvailibilityZonesResponse"
    assert result.avzones == ["us-central-4b", "us-east-1a"]


def test_the_1x_names_are_the_same_methods(client):
    namespace = type(client.endpoints).__dict__
    assert namespace["get"] is namespace["retrieve"]
    assert namespace["list_avzones"] is namespace["list_availability_zones"]


@pytest.mark.anyio
async def test_async_update_is_the_same_call(aclient, httpserver):
    httpserver.expect_request(f"/v1/endpoints/{ENDPOINT_ID}", method="PATCH").respond_with_json(
        ENDPOINT
    )
    result = await aclient.endpoints.update(ENDPOINT_ID, display_name="My DeepSeek R1 endpoint")
    assert body_of(request_sent(httpserver)) == {"display_name": "My DeepSeek R1 endpoint"}
    assert result.display_name == "My DeepSeek R1 endpoint"


@pytest.mark.parametrize(
    ("call", "error", "field"),
    [
        (
            lambda c: c.endpoints.create(
                model=7, hardware="h", autoscaling={"min_replicas": 1, "max_replicas": 1}
            ),
            TypeError,
            "model",
        ),
        (
            lambda c: c.endpoints.create(
                model="m", hardware="h", autoscaling={"min_replicas": "two", "max_replicas": 5}
            ),
            TypeError,
            "min_replicas",
        ),
        (
            lambda c: c.endpoints.create(model="m", hardware="h", autoscaling=3),
            TypeError,
            "autoscaling",
        ),
        (lambda c: c.endpoints.update(ENDPOINT_ID, state=1), TypeError, "state"),
        (lambda c: c.endpoints.update("", state="STARTED"), ValueError, "endpoint_id"),
        (lambda c: c.endpoints.list(bogus=1), TypeError, "bogus"),
    ],
)
def test_invalid_arguments_raise_naming_the_field_and_send_nothing(
    client, httpserver, call, error, field
):
    with pytest.raises(error, match=rf"\b{field}\b"):
        call(client)
    assert httpserver.log == []
