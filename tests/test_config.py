"""The settings chain: argument → environment → Colab secret / default, and validation."""

from __future__ import annotations

import sys
import types

import httpx
import pytest

import together
from together import AsyncTogether, Together
from together._config import DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT

ENV_VARS = ("TOGETHER_API_KEY", "TOGETHER_BASE_URL", "TOGETHER_TIMEOUT", "TOGETHER_MAX_RETRIES")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)


@pytest.fixture
def fake_colab(monkeypatch: pytest.MonkeyPatch):
    """A stand-in for google.colab whose userdata.get behaves like Colab's."""
    secrets: dict[str, object] = {}

    class SecretNotFoundError(Exception):
        pass

    def get(name: str) -> object:
        value = secrets.get(name, SecretNotFoundError)
        if isinstance(value, type) and issubclass(value, Exception):
            raise value(name)
        return value

    colab = types.ModuleType("google.colab")
    colab.userdata = types.SimpleNamespace(get=get)  # type: ignore[attr-defined]
    google = types.ModuleType("google")
    google.colab = colab  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "google", google)
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    return secrets


@pytest.mark.parametrize("cls", [Together, AsyncTogether])
def test_api_key_argument_wins_over_environment(cls, monkeypatch):
    monkeypatch.setenv("TOGETHER_API_KEY", "from-env")
    assert cls(api_key="from-arg").api_key == "from-arg"


def test_api_key_from_environment(monkeypatch):
    monkeypatch.setenv("TOGETHER_API_KEY", "from-env")
    assert Together().api_key == "from-env"


def test_api_key_from_colab_secret_when_colab_is_imported(fake_colab):
    fake_colab["TOGETHER_API_KEY"] = "from-colab"
    assert Together().api_key == "from-colab"


def test_environment_wins_over_colab(fake_colab, monkeypatch):
    fake_colab["TOGETHER_API_KEY"] = "from-colab"
    monkeypatch.setenv("TOGETHER_API_KEY", "from-env")
    assert Together().api_key == "from-env"


def test_missing_colab_secret_counts_as_absent(fake_colab):
    with pytest.raises(together.AuthenticationError, match="TOGETHER_API_KEY"):
        Together()


def test_denied_colab_access_counts_as_absent(fake_colab):
    class NotebookAccessError(Exception):
        pass

    fake_colab["TOGETHER_API_KEY"] = NotebookAccessError
    with pytest.raises(together.AuthenticationError):
        Together()


def test_colab_is_not_imported_when_not_already_loaded():
    with pytest.raises(together.AuthenticationError):
        Together()
    assert "google.colab" not in sys.modules


@pytest.mark.parametrize("cls", [Together, AsyncTogether])
def test_no_key_anywhere_raises_at_construction_saying_how_to_set_it(cls):
    with pytest.raises(together.AuthenticationError) as info:
        cls()
    assert "TOGETHER_API_KEY" in str(info.value) and "api_key" in str(info.value)
    assert isinstance(info.value, together.TogetherError)


def test_empty_environment_variable_counts_as_unset(monkeypatch):
    monkeypatch.setenv("TOGETHER_API_KEY", "")
    with pytest.raises(together.AuthenticationError):
        Together()
    for name in ENV_VARS[1:]:
        monkeypatch.setenv(name, "")
    client = Together(api_key="k")
    assert (client.base_url, client.timeout, client.max_retries) == (
        DEFAULT_BASE_URL,
        DEFAULT_TIMEOUT,
        DEFAULT_MAX_RETRIES,
    )


def test_defaults():
    client = Together(api_key="k")
    assert client.base_url == "https://api.together.ai/v1"
    assert client.max_retries == 2
    assert client.timeout.read == 600.0


def test_base_url_argument_then_environment(monkeypatch):
    monkeypatch.setenv("TOGETHER_BASE_URL", "http://env.example/v1/")
    assert Together(api_key="k").base_url == "http://env.example/v1"
    assert (
        Together(api_key="k", base_url="http://arg.example/v2").base_url == "http://arg.example/v2"
    )


def test_timeout_argument_then_environment(monkeypatch):
    monkeypatch.setenv("TOGETHER_TIMEOUT", "12.5")
    assert Together(api_key="k").timeout == httpx.Timeout(12.5)
    assert Together(api_key="k", timeout=3).timeout == httpx.Timeout(3)
    custom = httpx.Timeout(5, connect=1)
    assert Together(api_key="k", timeout=custom).timeout is custom


def test_max_retries_argument_then_environment(monkeypatch):
    monkeypatch.setenv("TOGETHER_MAX_RETRIES", "5")
    assert Together(api_key="k").max_retries == 5
    assert Together(api_key="k", max_retries=0).max_retries == 0


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TOGETHER_TIMEOUT", "abc"),
        ("TOGETHER_TIMEOUT", "-1"),
        ("TOGETHER_TIMEOUT", "nan"),
        ("TOGETHER_MAX_RETRIES", "-1"),
        ("TOGETHER_MAX_RETRIES", "two"),
        ("TOGETHER_MAX_RETRIES", "1.5"),
        ("TOGETHER_BASE_URL", "api.together.ai"),
    ],
)
def test_malformed_environment_variable_names_variable_and_value(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError) as info:
        Together(api_key="k")
    assert name in str(info.value) and repr(value) in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "error", "names"),
    [
        ({"timeout": "soon"}, ValueError, "timeout"),
        ({"timeout": 0}, ValueError, "timeout"),
        ({"max_retries": -2}, ValueError, "max_retries"),
        ({"max_retries": True}, TypeError, "max_retries"),
        ({"base_url": "ftp://x"}, ValueError, "base_url"),
        ({"default_headers": {"X-A": 1}}, TypeError, "default_headers"),
        ({"http_client": httpx.AsyncClient()}, TypeError, "http_client"),
    ],
)
def test_malformed_argument_names_the_argument(kwargs, error, names):
    with pytest.raises(error, match=names):
        Together(api_key="k", **kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"api_key": "sk-abc\nInjected: 1"},
        {"api_key": "k", "default_headers": {"X-Note": "a\r\nInjected: 1"}},
    ],
)
def test_line_breaks_in_key_or_headers_are_refused(kwargs):
    with pytest.raises(ValueError, match="line break"):
        Together(**kwargs)


def test_line_break_in_environment_key_is_refused(monkeypatch):
    monkeypatch.setenv("TOGETHER_API_KEY", "ab\nc")
    with pytest.raises(ValueError, match="line break"):
        Together()


def test_key_is_never_shown_in_repr():
    client = Together(api_key="sk-secret-value")
    assert "sk-secret-value" not in repr(client)
    assert "sk-secret-value" not in repr(client._settings)


def test_supplied_headers_is_the_1x_name_of_default_headers():
    client = Together(api_key="k", supplied_headers={"X-Team": "a"})
    assert client._settings.headers()["X-Team"] == "a"
    with pytest.raises(TypeError):
        Together(api_key="k", supplied_headers={"A": "b"}, default_headers={"A": "c"})


def test_resources_are_built_eagerly_without_importing_generated_modules(monkeypatch):
    for name in [m for m in sys.modules if m.startswith("together_generated")]:
        monkeypatch.delitem(sys.modules, name)  # restored afterwards: later tests share classes
    client = Together(api_key="k")
    assert client.chat.completions is not None and client.audio.speech is not None
    assert not [m for m in sys.modules if m.startswith("together_generated")]


def test_with_options_shares_the_pool_and_keeps_other_settings():
    client = Together(api_key="k", max_retries=4, default_headers={"X-A": "1"})
    other = client.with_options(timeout=7)
    assert other._transport.client is client._transport.client
    assert (other.max_retries, other.timeout, other.api_key) == (4, httpx.Timeout(7), "k")
    assert other._settings.headers()["X-A"] == "1"
    assert other._transport.pool is client._transport.pool
    other.close()  # a derived client does not own the pool
    assert not client._transport.client.is_closed
    client.close()
    assert client._transport.client.is_closed


def test_user_http_client_is_used_and_not_closed(httpserver):
    httpserver.expect_request("/v1/models").respond_with_json([])
    mine = httpx.Client(headers={"X-Mine": "yes"})
    with Together(api_key="k", base_url=httpserver.url_for("/v1"), http_client=mine) as client:
        assert client.models.list() == []
    assert httpserver.log[0][0].headers["X-Mine"] == "yes"
    assert not mine.is_closed
    mine.close()
