"""Deployments' file storage: a download follows the API's redirect to a signed URL.
Every other deployments method is derived from the spec."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from .._resource import M, Resource, api_call, operation

if TYPE_CHECKING:
    from .._transport import Call


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
