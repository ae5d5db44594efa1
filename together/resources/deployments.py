"""Deployments' file storage: a download follows the API's redirect to a signed URL.
Every deployments method is derived from the spec."""

from __future__ import annotations

from typing import ClassVar

import httpx

from .._resource import M, Resource
from .._shape import Hook


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


_FILE = Hook(after=lambda call, given: call.evolve(parse=_file_content), returns="bytes")


class Storage(Resource[M]):
    # download() (and retrieve()) are derived from the spec; the answer is the file.
    HOOKS: ClassVar[dict[str, Hook]] = {"download": _FILE, "retrieve": _FILE}
