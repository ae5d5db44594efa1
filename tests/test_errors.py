"""Error statuses map to the official SDK's exception classes, with the server's message."""

from __future__ import annotations

import pytest

import together
from together import Together

from .support.bodies import CASES


@pytest.mark.parametrize(("status", "cls"), CASES)
def test_status_maps_to_class_with_message_body_and_request_id(client, httpserver, status, cls):
    body = {"error": {"message": f"went wrong {status}", "type": "x"}}
    httpserver.expect_request("/v1/models").respond_with_json(
        body, status=status, headers={"x-request-id": "req-123"}
    )
    with pytest.raises(cls) as info:
        client.models.list()
    error = info.value
    assert type(error) is cls
    assert isinstance(error, together.APIStatusError) and isinstance(error, together.APIError)
    assert error.status_code == status
    assert error.body == body
    assert error.request_id == "req-123"
    assert error.headers["x-request-id"] == "req-123"
    assert f"went wrong {status}" in str(error)


@pytest.mark.anyio
@pytest.mark.parametrize(("status", "cls"), CASES[:3])
async def test_async_client_raises_the_same_classes(aclient, httpserver, status, cls):
    httpserver.expect_request("/v1/models").respond_with_json({"message": "nope"}, status=status)
    with pytest.raises(cls, match="nope"):
        await aclient.models.list()


def test_plain_text_error_body_is_in_the_message(client, httpserver):
    httpserver.expect_request("/v1/models").respond_with_data("upstream exploded", status=500)
    with pytest.raises(together.InternalServerError, match="upstream exploded"):
        client.models.list()


def test_hierarchy_lets_users_catch_at_any_level():
    assert issubclass(together.APITimeoutError, together.APIConnectionError)
    assert issubclass(together.APIConnectionError, together.APIError)
    assert issubclass(together.APIResponseValidationError, together.APIError)
    assert issubclass(together.APIError, together.TogetherError)
    assert issubclass(together.TogetherError, Exception)


def test_response_of_the_wrong_kind_is_a_validation_error(client, httpserver):
    httpserver.expect_request("/v1/videos/v1").respond_with_json([{"id": "v1"}])
    with pytest.raises(together.APIResponseValidationError) as info:
        client.videos.retrieve("v1")
    assert info.value.body == [{"id": "v1"}]
    assert info.value.status_code == 200


def test_strict_client_refuses_a_response_that_strays_from_the_spec(base_url, httpserver):
    httpserver.expect_request("/v1/videos/v1").respond_with_json({"unexpected": True})
    strict = Together(api_key="k", base_url=base_url, strict_responses=True)
    with strict, pytest.raises(together.APIResponseValidationError) as info:
        strict.videos.retrieve("v1")
    assert info.value.body == {"unexpected": True}
    assert info.value.status_code == 200


def test_success_status_the_spec_does_not_list_is_still_parsed(client, httpserver):
    # The spec says POST /batches answers 201; a 200 with the same body is still a success.
    job = {"id": "5f1b6c2e-8a4d-4f7e-9c3b-2d1e0f9a8b7c", "status": "VALIDATING"}
    httpserver.expect_request("/v1/batches/b1").respond_with_json(job, status=203)
    result = client.batches.retrieve("b1")
    assert type(result).__name__ == "BatchJob"
    assert result.status == "VALIDATING"
