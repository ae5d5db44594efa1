"""Hostile or careless input: API keys with stray whitespace or control characters, and
error bodies that are huge or echo the key back. Everything runs against a local server."""

from __future__ import annotations

import sys
import traceback
import types

import pytest

import together
from together import AsyncTogether, Together

from .support import API_KEY

# Characters httpx refuses in a header value (or that no API key holds), placed mid-key.
BAD_CHARACTERS = ["\t", "\x00", "\x0b", "\x0c", "\x1b", "\x7f", "é", "\u200b", "\u00a0"]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TOGETHER_API_KEY", raising=False)
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)


def fake_colab_secret(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    colab = types.ModuleType("google.colab")
    colab.userdata = types.SimpleNamespace(get=lambda name: value)  # type: ignore[attr-defined]
    google = types.ModuleType("google")
    google.colab = colab  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "google", google)
    monkeypatch.setitem(sys.modules, "google.colab", colab)


def refused(error: pytest.ExceptionInfo[ValueError], key: str, names: str) -> None:
    text = "".join(traceback.format_exception(error.value))
    assert names in str(error.value)
    assert key.strip() not in text and key[:6] not in text


# -- the API key ----------------------------------------------------------------------


@pytest.mark.parametrize("cls", [Together, AsyncTogether])
@pytest.mark.parametrize(
    "padded", [f"{API_KEY}\n", f"{API_KEY}\r\n", f"  {API_KEY}\t", f"\n{API_KEY}"]
)
def test_api_key_argument_with_surrounding_whitespace_is_stripped(cls, padded):
    assert cls(api_key=padded).api_key == API_KEY


def test_api_key_pasted_with_a_trailing_newline_reaches_the_server_clean(base_url, httpserver):
    httpserver.expect_request(
        "/v1/models", headers={"Authorization": f"Bearer {API_KEY}"}
    ).respond_with_json([])
    with Together(api_key=API_KEY + "\n", base_url=base_url, max_retries=0) as client:
        assert client.models.list() == []


def test_environment_key_with_surrounding_whitespace_is_stripped(monkeypatch):
    monkeypatch.setenv("TOGETHER_API_KEY", f" {API_KEY}\n")
    assert Together().api_key == API_KEY


def test_colab_secret_with_surrounding_whitespace_is_stripped(monkeypatch):
    fake_colab_secret(monkeypatch, f"{API_KEY}\n")
    assert Together().api_key == API_KEY


@pytest.mark.parametrize("cls", [Together, AsyncTogether])
@pytest.mark.parametrize("char", BAD_CHARACTERS)
def test_api_key_argument_with_a_control_character_is_refused_without_showing_it(cls, char):
    key = f"sk-abcdef{char}0123456789"
    with pytest.raises(ValueError) as error:
        cls(api_key=key)
    refused(error, key, "api_key")


# An environment variable can't hold NUL.
@pytest.mark.parametrize("char", [c for c in BAD_CHARACTERS if c != "\x00"])
def test_environment_key_with_a_control_character_is_refused_naming_the_variable(monkeypatch, char):
    key = f"sk-abcdef{char}0123456789"
    monkeypatch.setenv("TOGETHER_API_KEY", key)
    with pytest.raises(ValueError) as error:
        Together()
    refused(error, key, "TOGETHER_API_KEY")


def test_colab_secret_with_a_control_character_is_refused_naming_the_secret(monkeypatch):
    key = "sk-abcdef\x000123456789"
    fake_colab_secret(monkeypatch, key)
    with pytest.raises(ValueError) as error:
        Together()
    refused(error, key, "Colab secret TOGETHER_API_KEY")


@pytest.mark.parametrize("key", [" ", "\n", "\t \r\n"])
def test_api_key_of_only_whitespace_is_refused(key):
    with pytest.raises(ValueError, match="api_key is empty"):
        Together(api_key=key)


def test_with_options_strips_the_api_key(base_url, httpserver):
    httpserver.expect_request(
        "/v1/models", headers={"Authorization": f"Bearer {API_KEY}"}
    ).respond_with_json([])
    with Together(api_key="sk-other-key", base_url=base_url, max_retries=0) as client:
        assert client.with_options(api_key=f"{API_KEY}\n").models.list() == []


@pytest.mark.parametrize("char", BAD_CHARACTERS)
def test_with_options_refuses_an_api_key_with_a_control_character(char):
    key = f"sk-abcdef{char}0123456789"
    with pytest.raises(ValueError) as error:
        Together(api_key=API_KEY).with_options(api_key=key)
    refused(error, key, "api_key")


# -- error messages -------------------------------------------------------------------


def test_huge_error_message_is_cut_and_the_body_kept_whole(client, httpserver):
    body = {"error": {"message": "x" * 2_000_000, "type": "invalid_request_error"}}
    httpserver.expect_request("/v1/models").respond_with_json(body, status=400)
    with pytest.raises(together.BadRequestError) as info:
        client.models.list()
    message = str(info.value)
    assert len(message) < 2_100
    assert "cut; the whole body is in error.body" in message
    assert info.value.body == body


def test_api_key_echoed_in_an_error_message_is_redacted(client, httpserver):
    body = {"error": {"message": f"Invalid API key provided: {API_KEY}."}}
    httpserver.expect_request("/v1/models").respond_with_json(body, status=401)
    with pytest.raises(together.AuthenticationError) as info:
        client.models.list()
    assert str(info.value) == "Error code: 401 - Invalid API key provided: ***."
    assert API_KEY not in "".join(traceback.format_exception(info.value))
    assert info.value.body == body  # as received


@pytest.mark.anyio
async def test_async_api_key_echoed_in_an_error_message_is_redacted(aclient, httpserver):
    body = {"error": {"message": f"Invalid API key provided: {API_KEY}."}}
    httpserver.expect_request("/v1/models").respond_with_json(body, status=401)
    with pytest.raises(together.AuthenticationError) as info:
        await aclient.models.list()
    assert str(info.value) == "Error code: 401 - Invalid API key provided: ***."


def test_api_key_echoed_in_a_plain_text_error_body_is_redacted(client, httpserver):
    httpserver.expect_request("/v1/models").respond_with_data(
        f"bad token Bearer {API_KEY}", status=403
    )
    with pytest.raises(together.PermissionDeniedError) as info:
        client.models.list()
    assert API_KEY not in str(info.value) and "Bearer ***" in str(info.value)


def test_api_key_echoed_across_the_cut_leaves_no_fragment(client, httpserver):
    message = "x" * 1_995 + API_KEY + "y" * 5_000
    httpserver.expect_request("/v1/models").respond_with_json(
        {"error": {"message": message}}, status=400
    )
    with pytest.raises(together.BadRequestError) as info:
        client.models.list()
    assert API_KEY[:5] not in str(info.value)
