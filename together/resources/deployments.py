"""Deployments, with their secrets, volumes and storage."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._resource import M, Resource, api_call, operation

if TYPE_CHECKING:
    import httpx

    from together_generated.models import (
        DeleteDeploymentsIdResponse200,
        DeleteDeploymentsSecretsIdResponse200,
        DeleteDeploymentsStorageVolumesIdResponse200,
        DeploymentListResponse,
        DeploymentLogs,
        DeploymentResponseItem,
        ListSecretsResponse,
        ListVolumesResponse,
        SecretResponseItem,
        VolumeResponseItem,
    )

    from .._transport import Call


class Secrets(Resource[M]):
    @operation
    def create(self, /, *, name: str, value: str, **params: Any) -> Call[SecretResponseItem]:
        """POST /deployments/secrets: stores a secret deployments can read from their
        environment. Returns it (without the value)."""
        return api_call(
            "secrets.post_deployments_secrets",
            {"name": name, "value": value, **params},
            where="deployments.secrets.create",
        )

    @operation
    def list(self, /, **options: Any) -> Call[ListSecretsResponse]:
        """GET /deployments/secrets (iterable, also in ``.data``)."""
        return api_call(
            "secrets.get_deployments_secrets", options, where="deployments.secrets.list"
        )

    @operation
    def retrieve(self, /, id: str, **options: Any) -> Call[SecretResponseItem]:
        """GET /deployments/secrets/{id}."""
        return api_call(
            "secrets.get_deployments_secrets_id",
            options,
            path={"id": id},
            where="deployments.secrets.retrieve",
        )

    @operation
    def update(self, /, id: str, **params: Any) -> Call[SecretResponseItem]:
        """PATCH /deployments/secrets/{id}: changes its ``value``, ``name`` or
        ``description``."""
        return api_call(
            "secrets.patch_deployments_secrets_id",
            params,
            path={"id": id},
            where="deployments.secrets.update",
        )

    @operation
    def delete(self, /, id: str, **options: Any) -> Call[DeleteDeploymentsSecretsIdResponse200]:
        """DELETE /deployments/secrets/{id}."""
        return api_call(
            "secrets.delete_deployments_secrets_id",
            options,
            path={"id": id},
            where="deployments.secrets.delete",
        )


class Volumes(Resource[M]):
    @operation
    def create(
        self, /, *, name: str, type: str, content: Any, **params: Any
    ) -> Call[VolumeResponseItem]:
        """POST /deployments/storage/volumes: a volume deployments can mount, filled from
        ``content`` (``{"type": "files", "source_prefix": ...}``)."""
        return api_call(
            "deployments_volumes.post_deployments_storage_volumes",
            {"name": name, "type": type, "content": content, **params},
            where="deployments.volumes.create",
        )

    @operation
    def list(self, /, **options: Any) -> Call[ListVolumesResponse]:
        """GET /deployments/storage/volumes (iterable, also in ``.data``)."""
        return api_call(
            "deployments_volumes.get_deployments_storage_volumes",
            options,
            where="deployments.volumes.list",
        )

    @operation
    def retrieve(self, /, id: str, **options: Any) -> Call[VolumeResponseItem]:
        """GET /deployments/storage/volumes/{id}."""
        return api_call(
            "volumes.get_deployments_storage_volumes_id",
            options,
            path={"id": id},
            where="deployments.volumes.retrieve",
        )

    @operation
    def update(self, /, id: str, **params: Any) -> Call[VolumeResponseItem]:
        """PATCH /deployments/storage/volumes/{id}: a new ``content``, ``name`` or
        ``type``. Returns the volume."""
        return api_call(
            "volumes.patch_deployments_storage_volumes_id",
            params,
            path={"id": id},
            where="deployments.volumes.update",
        )

    @operation
    def delete(
        self, /, id: str, **options: Any
    ) -> Call[DeleteDeploymentsStorageVolumesIdResponse200]:
        """DELETE /deployments/storage/volumes/{id}."""
        return api_call(
            "volumes.delete_deployments_storage_volumes_id",
            options,
            path={"id": id},
            where="deployments.volumes.delete",
        )


def _file_content(response: httpx.Response, strict: bool = False) -> bytes:
    """The file, once the redirect to its signed URL has been followed."""
    if response.is_redirect:
        location = response.headers.get("location")
        if location is None:
            raise ValueError(f"the API answered {response.status_code} with no Location")
        # Only an http_client passed in by the user can have redirects turned off.
        raise ValueError(
            f"redirected to {location!r}, which the HTTP client did not follow: "
            "give it follow_redirects=True"
        )
    return response.content


class Storage(Resource[M]):
    volumes: Volumes[M]  # the deployment's volumes, set by Deployments

    @operation
    def download(self, /, filename: str, **options: Any) -> Call[bytes]:
        """GET /deployments/storage/{filename}: the file's bytes (the API redirects to a
        signed URL, which is followed)."""
        call = api_call(
            "deployments_storage.get_deployments_storage_filename",
            options,
            path={"filename": filename},
            where="deployments.storage.download",
        )
        return call.evolve(parse=_file_content)

    retrieve = download  # the usual name of a GET by id


class Deployments(Resource[M]):
    def __init__(self, transport: M) -> None:
        super().__init__(transport)
        self.secrets: Secrets[M] = Secrets(transport)
        self.volumes: Volumes[M] = Volumes(transport)
        self.storage: Storage[M] = Storage(transport)
        # The volumes' URL is /deployments/storage/volumes, and the spec's samples reach
        # them as storage.volumes too.
        self.storage.volumes = self.volumes

    @operation
    def create(
        self, /, *, name: str, image: str, gpu_type: str, **params: Any
    ) -> Call[DeploymentResponseItem]:
        """POST /deployments: runs container ``image`` on ``gpu_type`` (replicas,
        resources, environment, volumes as keyword arguments). Returns the deployment."""
        return api_call(
            "deployments.post_deployments",
            {"name": name, "image": image, "gpu_type": gpu_type, **params},
            where="deployments.create",
        )

    @operation
    def list(self, /, **options: Any) -> Call[DeploymentListResponse]:
        """GET /deployments (iterable, also in ``.data``)."""
        return api_call("deployments.get_deployments", options, where="deployments.list")

    @operation
    def retrieve(self, /, id: str, **options: Any) -> Call[DeploymentResponseItem]:
        """GET /deployments/{id}: the deployment with its replicas' state."""
        return api_call(
            "deployments.get_deployments_id", options, path={"id": id}, where="deployments.retrieve"
        )

    @operation
    def update(self, /, id: str, **params: Any) -> Call[DeploymentResponseItem]:
        """PATCH /deployments/{id}: changes the given fields. Returns the deployment."""
        return api_call(
            "deployments.patch_deployments_id", params, path={"id": id}, where="deployments.update"
        )

    @operation
    def delete(self, /, id: str, **options: Any) -> Call[DeleteDeploymentsIdResponse200]:
        """DELETE /deployments/{id}."""
        return api_call(
            "deployments.delete_deployments_id",
            options,
            path={"id": id},
            where="deployments.delete",
        )

    @operation
    def logs(self, /, id: str, **params: Any) -> Call[DeploymentLogs]:
        """GET /deployments/{id}/logs (``replica_id=`` for one replica): ``.lines``."""
        return api_call(
            "deployments.get_deployments_id_logs", params, path={"id": id}, where="deployments.logs"
        )

    # The 3.x names (client.beta.jig there).
    deploy = create
    destroy = delete
    retrieve_logs = logs
