"""client.deployments, with secrets, volumes and storage (bodies from the spec's cURL
samples and field examples)."""

from __future__ import annotations

import json

import httpx
import pytest
from werkzeug import Response

import together
from together import Together

from .support.httpserver import body_of, request_sent

DEPLOYMENT = {
    "id": "dep-1",
    "object": "deployment",
    "name": "my-app",
    "image": "registry.together.ai/me/my-app:1",
    "gpu_type": "h100-80gb",
    "gpu_count": 1,
    "autoscaling": {"metric": "HTTPTotalRequests", "target": 100, "time_interval_minutes": 10},
    "environment_variables": [{"name": "TOKEN", "value_from_secret": "my-secret"}],
    "min_replicas": 1,
    "max_replicas": 2,
    "desired_replicas": 1,
    "ready_replicas": 1,
    "port": 8000,
    "status": "Updating",
    "volumes": [{"mount_path": "/models", "name": "my-volume", "version": 1}],
    "created_at": "2025-01-01T00:00:00Z",
    "updated_at": "2025-01-01T00:00:00Z",
}
SECRET = {
    "id": "sec-1",
    "object": "secret",
    "name": "my-secret",
    "description": "API token",
    "created_at": "2025-01-01T00:00:00Z",
    "created_by": "me",
    "last_updated_by": "me",
    "updated_at": "2025-01-01T00:00:00Z",
}
VOLUME = {
    "id": "vol-1",
    "object": "volume",
    "name": "my-volume",
    "type": "readOnly",
    "content": {
        "type": "files",
        "source_prefix": "models/",
        "files": [{"name": "weights.bin", "size": 4, "last_modified": "2025-01-01T00:00:00Z"}],
    },
    "current_version": 1,
    "mounted_by": ["dep-1"],
    "created_at": "2025-01-01T00:00:00Z",
    "updated_at": "2025-01-01T00:00:00Z",
}


# --- deployments --------------------------------------------------------------------------


def test_create_posts_the_arguments(client, httpserver):
    httpserver.expect_request("/v1/deployments", method="POST").respond_with_json(DEPLOYMENT)
    result = client.deployments.create(
        name="my-app", image="registry.together.ai/me/my-app:1", gpu_type="h100-80gb", port=8000
    )
    request = request_sent(httpserver)
    assert (request.method, request.path, dict(request.args)) == ("POST", "/v1/deployments", {})
    assert body_of(request) == {
        "name": "my-app",
        "image": "registry.together.ai/me/my-app:1",
        "gpu_type": "h100-80gb",
        "port": 8000,
    }
    assert type(result).__name__ == "DeploymentResponseItem"
    assert result.autoscaling.target == 100


def test_list(client, httpserver):
    httpserver.expect_request("/v1/deployments", method="GET").respond_with_json(
        {"object": "list", "data": [DEPLOYMENT]}
    )
    result = client.deployments.list()
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("GET", {}, None)
    assert type(result).__name__ == "DeploymentListResponse"
    assert [d.name for d in result.data] == ["my-app"]


def test_retrieve(client, httpserver):
    httpserver.expect_request("/v1/deployments/dep-1", method="GET").respond_with_json(DEPLOYMENT)
    result = client.deployments.retrieve("dep-1")
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("GET", {}, None)
    assert type(result).__name__ == "DeploymentResponseItem"
    assert result.volumes[0].mount_path == "/models"


def test_update_patches_only_the_given_fields(client, httpserver):
    httpserver.expect_request("/v1/deployments/dep-1", method="PATCH").respond_with_json(
        {**DEPLOYMENT, "gpu_count": 2}
    )
    result = client.deployments.update("dep-1", gpu_count=2)
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("PATCH", {}, {"gpu_count": 2})
    assert type(result).__name__ == "DeploymentResponseItem"
    assert result.gpu_count == 2


def test_delete(client, httpserver):
    httpserver.expect_request("/v1/deployments/dep-1", method="DELETE").respond_with_json({})
    result = client.deployments.delete("dep-1")
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("DELETE", {}, None)
    assert type(result).__name__ == "DeleteDeploymentsIdResponse200"


def test_logs_of_one_replica(client, httpserver):
    httpserver.expect_request("/v1/deployments/dep-1/logs", method="GET").respond_with_json(
        {"lines": ["started", "ready"]}
    )
    result = client.deployments.logs("dep-1", replica_id="r-0")
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == (
        "GET",
        {"replica_id": "r-0"},
        None,
    )
    assert type(result).__name__ == "DeploymentLogs"
    assert result.lines == ["started", "ready"]


def test_the_3x_names_are_the_same_methods(client):
    namespace = type(client.deployments).__dict__
    assert namespace["deploy"] is namespace["create"]
    assert namespace["destroy"] is namespace["delete"]
    assert namespace["retrieve_logs"] is namespace["logs"]


# --- secrets ------------------------------------------------------------------------------


def test_secrets_create(client, httpserver):
    httpserver.expect_request("/v1/deployments/secrets", method="POST").respond_with_json(SECRET)
    result = client.deployments.secrets.create(name="my-secret", value="my-value")
    request = request_sent(httpserver)
    assert (request.method, dict(request.args)) == ("POST", {})
    assert body_of(request) == {"name": "my-secret", "value": "my-value"}
    assert type(result).__name__ == "SecretResponseItem"
    assert result.id == "sec-1"


def test_secrets_list(client, httpserver):
    httpserver.expect_request("/v1/deployments/secrets", method="GET").respond_with_json(
        {"object": "list", "data": [SECRET]}
    )
    result = client.deployments.secrets.list()
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("GET", {}, None)
    assert type(result).__name__ == "ListSecretsResponse"
    assert result.data[0].name == "my-secret"


def test_secrets_retrieve(client, httpserver):
    httpserver.expect_request("/v1/deployments/secrets/sec-1", method="GET").respond_with_json(
        SECRET
    )
    result = client.deployments.secrets.retrieve("sec-1")
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("GET", {}, None)
    assert type(result).__name__ == "SecretResponseItem"
    assert result.description == "API token"


def test_secrets_update(client, httpserver):
    httpserver.expect_request("/v1/deployments/secrets/sec-1", method="PATCH").respond_with_json(
        SECRET
    )
    result = client.deployments.secrets.update("sec-1", value="my-new-value")
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == (
        "PATCH",
        {},
        {"value": "my-new-value"},
    )
    assert type(result).__name__ == "SecretResponseItem"
    assert result.last_updated_by == "me"


def test_secrets_delete(client, httpserver):
    httpserver.expect_request("/v1/deployments/secrets/sec-1", method="DELETE").respond_with_json(
        {}
    )
    result = client.deployments.secrets.delete("sec-1")
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("DELETE", {}, None)
    assert type(result).__name__ == "DeleteDeploymentsSecretsIdResponse200"


# --- volumes ------------------------------------------------------------------------------


def test_volumes_create(client, httpserver):
    httpserver.expect_request("/v1/deployments/storage/volumes", method="POST").respond_with_json(
        VOLUME
    )
    content = {"type": "files", "source_prefix": "models/"}
    result = client.deployments.volumes.create(name="my-volume", type="readOnly", content=content)
    request = request_sent(httpserver)
    assert (request.method, dict(request.args)) == ("POST", {})
    assert body_of(request) == {"name": "my-volume", "type": "readOnly", "content": content}
    assert type(result).__name__ == "VolumeResponseItem"
    assert result.content.files[0].name == "weights.bin"


def test_volumes_list(client, httpserver):
    httpserver.expect_request("/v1/deployments/storage/volumes", method="GET").respond_with_json(
        {"object": "list", "data": [VOLUME]}
    )
    result = client.deployments.volumes.list()
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("GET", {}, None)
    assert type(result).__name__ == "ListVolumesResponse"
    assert result.data[0].mounted_by == ["dep-1"]


def test_volumes_retrieve(client, httpserver):
    httpserver.expect_request(
        "/v1/deployments/storage/volumes/vol-1", method="GET"
    ).respond_with_json(VOLUME)
    result = client.deployments.volumes.retrieve("vol-1")
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("GET", {}, None)
    assert type(result).__name__ == "VolumeResponseItem"
    assert result.current_version == 1


def test_volumes_update(client, httpserver):
    httpserver.expect_request(
        "/v1/deployments/storage/volumes/vol-1", method="PATCH"
    ).respond_with_json({**VOLUME, "name": "renamed"})
    result = client.deployments.volumes.update("vol-1", name="renamed")
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == (
        "PATCH",
        {},
        {"name": "renamed"},
    )
    assert type(result).__name__ == "VolumeResponseItem"
    assert result.name == "renamed"


def test_volumes_delete(client, httpserver):
    httpserver.expect_request(
        "/v1/deployments/storage/volumes/vol-1", method="DELETE"
    ).respond_with_json({})
    result = client.deployments.volumes.delete("vol-1")
    request = request_sent(httpserver)
    assert (request.method, dict(request.args), body_of(request)) == ("DELETE", {}, None)
    assert type(result).__name__ == "DeleteDeploymentsStorageVolumesIdResponse200"


# --- storage ------------------------------------------------------------------------------


def test_storage_download_follows_the_redirect_and_returns_bytes(client, httpserver):
    signed = httpserver.url_for("/signed/weights.bin") + "?sig=abc"
    httpserver.expect_request(
        "/v1/deployments/storage/weights.bin", method="GET"
    ).respond_with_response(Response(status=307, headers={"Location": signed}))
    httpserver.expect_request("/signed/weights.bin", method="GET").respond_with_data(
        b"\x00\x01\x02\x03", content_type="application/octet-stream"
    )
    data = client.deployments.storage.download("weights.bin")
    assert data == b"\x00\x01\x02\x03"
    assert [(r.method, r.path) for r, _ in httpserver.log] == [
        ("GET", "/v1/deployments/storage/weights.bin"),
        ("GET", "/signed/weights.bin"),
    ]


def test_storage_retrieve_is_download(client):
    namespace = type(client.deployments.storage).__dict__
    assert namespace["retrieve"] is namespace["download"]


def test_storage_download_without_redirects_says_why(base_url, httpserver):
    httpserver.expect_request("/v1/deployments/storage/f.bin").respond_with_response(
        Response(status=307, headers={"Location": "https://storage.example/f.bin"})
    )
    with (
        httpx.Client() as http,  # httpx's default: redirects are not followed
        Together(api_key="k", base_url=base_url, max_retries=0, http_client=http) as client,
        pytest.raises(together.APIResponseValidationError, match="follow_redirects"),
    ):
        client.deployments.storage.download("f.bin")


@pytest.mark.anyio
async def test_async_download_and_secrets_are_the_same_calls(aclient, httpserver):
    httpserver.expect_request("/v1/deployments/storage/a.txt", method="GET").respond_with_data(
        b"hello"
    )
    httpserver.expect_request("/v1/deployments/secrets", method="POST").respond_with_json(SECRET)
    assert await aclient.deployments.storage.download("a.txt") == b"hello"
    assert (
        await aclient.deployments.secrets.create(name="my-secret", value="v")
    ).name == "my-secret"
    assert json.loads(httpserver.log[1][0].data) == {"name": "my-secret", "value": "v"}


@pytest.mark.parametrize(
    ("call", "error", "field"),
    [
        (
            lambda c: c.deployments.create(
                name="n", image="i", gpu_type="h100-80gb", gpu_count="2"
            ),
            TypeError,
            "gpu_count",
        ),
        (
            lambda c: c.deployments.create(name=1, image="i", gpu_type="h100-80gb"),
            TypeError,
            "name",
        ),
        (lambda c: c.deployments.update("dep-1", min_replicas="one"), TypeError, "min_replicas"),
        (lambda c: c.deployments.secrets.create(name="n", value=1), TypeError, "value"),
        (
            lambda c: c.deployments.volumes.create(name="n", type="readOnly", content="x"),
            TypeError,
            "content",
        ),
        (lambda c: c.deployments.storage.download(""), ValueError, "filename"),
    ],
)
def test_invalid_arguments_raise_naming_the_field_and_send_nothing(
    client, httpserver, call, error, field
):
    with pytest.raises(error, match=rf"\b{field}\b"):
        call(client)
    assert httpserver.log == []
