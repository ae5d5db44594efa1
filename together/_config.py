"""Client settings and where each comes from.

| setting     | 1. argument     | 2. environment         | 3. then                         |
|-------------|-----------------|------------------------|---------------------------------|
| api_key     | ``api_key``     | ``TOGETHER_API_KEY``   | Colab secret, else an error     |
| base_url    | ``base_url``    | ``TOGETHER_BASE_URL``  | ``https://api.together.ai/v1``  |
| timeout     | ``timeout``     | ``TOGETHER_TIMEOUT``   | 600 s (connect: 10 s)           |
| max_retries | ``max_retries`` | ``TOGETHER_MAX_RETRIES``| 2                              |
| deadline    | ``deadline``    | ``TOGETHER_DEADLINE``  | None (off)                      |

An empty environment variable counts as unset. ``timeout=None`` means no timeout at all
(as in the OpenAI SDK); leaving ``timeout`` out is what picks the environment or default.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple, Union

import httpx

from ._errors import AuthenticationError
from ._version import __version__

DEFAULT_BASE_URL = "https://api.together.ai/v1"
# Generations of long outputs can take minutes before the first byte; connecting should not.
DEFAULT_TIMEOUT = httpx.Timeout(600.0, connect=10.0)
DEFAULT_MAX_RETRIES = 2

TimeoutTypes = Union[float, int, httpx.Timeout]  # noqa: UP007 - evaluated at runtime on 3.10


class NotGiven:
    """``NOT_GIVEN``: the default shown for optional arguments, meaning "not given" (as
    in the official SDK). Passing it is leaving the argument out; for ``timeout`` it is
    also unlike ``None``, which means no timeout."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:  # copies and pickles stay the one NOT_GIVEN
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()
# httpx's own default: a user's http_client still having it did not choose a timeout.
HTTPX_DEFAULT_TIMEOUT = httpx.Timeout(5.0)

_MISSING_KEY = (
    "No API key found. Pass api_key=... to the client, set the TOGETHER_API_KEY "
    "environment variable, or (in Colab) add a TOGETHER_API_KEY secret. "
    "Keys are at https://api.together.ai/settings/api-keys"
)


class RetryInfo(NamedTuple):
    """What a client's ``on_retry`` hook is told just before it pauses to retry a call."""

    retry: int  # 1 for the first retry of the call, 2 for the second, ...
    delay: float  # seconds until it is sent again
    status_code: int | None  # the status being retried (429, 503, ...); None: a network error
    error: Exception | None  # the network error being retried, if that is what happened
    request: httpx.Request  # the request (its headers hold the API key: don't print them)


class Settings(NamedTuple):
    """Everything a client resolved at construction; shared by all of its resources."""

    api_key: str
    base_url: str
    timeout: httpx.Timeout
    max_retries: int
    default_headers: tuple[tuple[str, str], ...] = ()
    # Off: responses are read leniently (values newer than the spec are kept as received).
    strict_responses: bool = False
    # Seconds a whole call may take (all attempts, backoff, the body); None is no limit.
    deadline: float | None = None
    # Called before each retry's pause (to show "rate limited, retrying in 2 s").
    on_retry: Callable[[RetryInfo], object] | None = None
    # Bytes a JSON body may take once decoded (a gzip bomb stops here); None is no limit.
    max_response_bytes: int | None = None

    def __repr__(self) -> str:  # never show the key
        return (
            f"Settings(base_url={self.base_url!r}, timeout={self.timeout!r}, "
            f"max_retries={self.max_retries}, api_key='***')"
        )

    def headers(self) -> dict[str, str]:
        """The headers every request carries."""
        headers = {
            "Authorization": f"Bearer {self.api_key}",
            "User-Agent": f"together-client/{__version__} (python; httpx {httpx.__version__})",
            "Accept": "application/json",
        }
        headers.update(self.default_headers)
        return headers


def _env(name: str, environ: Mapping[str, str]) -> str | None:
    value = environ.get(name)
    return value if value else None


def _colab_secret(name: str) -> str | None:
    # Only when the user is in Colab already: importing google.colab elsewhere is slow or fails.
    if "google.colab" not in sys.modules:
        return None
    try:
        from google.colab import userdata  # type: ignore[import-not-found]

        value = userdata.get(name)
    except Exception:  # a missing secret or denied notebook access means "not set"
        return None
    return value if isinstance(value, str) and value else None


def no_line_breaks(what: str, value: str) -> str:
    if "\n" in value or "\r" in value:
        raise ValueError(f"{what} contains a line break, which would corrupt the HTTP request")
    return value


def parse_api_key(value: object, source: str) -> str:
    """The key with surrounding whitespace removed (a key pasted with a trailing newline
    is common). Raises ValueError naming ``source`` when what is left is empty or holds a
    line break, another control character or a non-ASCII character; the message never
    contains the key."""
    if not isinstance(value, str):
        raise TypeError(f"{source} must be a str")
    key = value.strip()
    if not key:
        raise ValueError(f"{source} is empty or only whitespace")
    for position, char in enumerate(key):
        if char in "\r\n":
            raise ValueError(
                f"{source} contains a line break (at position {position}), which would "
                "corrupt the HTTP request"
            )
        # httpx would refuse such a header value only when sending, so every call would
        # fail as a connection error whose cause prints the whole key; refuse it here.
        if not (char.isascii() and char.isprintable()):
            raise ValueError(
                f"{source} contains a control or non-ASCII character "
                f"(U+{ord(char):04X} at position {position}); API keys are printable ASCII"
            )
    return key


def _seconds(value: object, source: str, expected: str = "a number of seconds") -> float:
    """A positive, finite number of seconds, from a number or a numeric string."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise TypeError(f"{source} must be {expected}, got {value!r}")
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError(f"{source} must be a number of seconds, got {value!r}") from None
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"{source} must be a positive number of seconds, got {value!r}")
    return seconds


def parse_timeout(value: object, source: str) -> httpx.Timeout:
    """``None`` is no timeout; a number is seconds for every phase."""
    if value is None:
        return httpx.Timeout(None)
    if isinstance(value, httpx.Timeout):
        return value
    return httpx.Timeout(_seconds(value, source, "a number of seconds or an httpx.Timeout"))


def parse_deadline(value: object, source: str) -> float | None:
    """``None`` is no deadline; else a positive number of seconds."""
    return None if value is None else _seconds(value, source)


def parse_max_retries(value: object, source: str) -> int:
    if isinstance(value, bool):
        raise TypeError(f"{source} must be a whole number >= 0, got {value!r}")
    if isinstance(value, str):
        if not value.strip().isdigit():
            raise ValueError(f"{source} must be a whole number >= 0, got {value!r}")
        value = int(value)
    if not isinstance(value, int):
        raise TypeError(f"{source} must be a whole number >= 0, got {value!r}")
    if value < 0:
        raise ValueError(f"{source} must be a whole number >= 0, got {value!r}")
    return value


# The decoded size a JSON response may reach: far above any real one (the largest, an
# embeddings response for a full batch of inputs, is tens of MB), and far below what a
# compressed bomb inflates to (1 MB of gzip makes 1 GiB).
DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024


def parse_max_response_bytes(value: object, source: str) -> int | None:
    """``None`` is no limit; else a whole number of bytes > 0."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{source} must be a whole number of bytes or None, got {value!r}")
    if value <= 0:
        raise ValueError(f"{source} must be a whole number of bytes > 0, got {value!r}")
    return value


def parse_flag(value: object, source: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{source} must be True or False, got {value!r}")
    return value


# The API's own hosts: their routes are all under /v1.
TOGETHER_HOSTS = frozenset({"api.together.ai", "api.together.xyz"})


def parse_base_url(value: object, source: str) -> str:
    """The URL without a trailing slash; a Together host with no path gets ``/v1``: the
    official SDK 3.x's base URL is ``https://api.together.ai`` (it adds ``/v1`` to each
    route), 1.x's and this client's ``https://api.together.ai/v1``, and either form,
    in ``base_url`` or ``TOGETHER_BASE_URL``, means the same here. Any other URL (a proxy,
    a local mock serving at its root) is kept as given."""
    if not isinstance(value, (str, httpx.URL)):
        raise TypeError(f"{source} must be a URL string, got {value!r}")
    url = no_line_breaks(source, str(value)).rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"{source} must start with http:// or https://, got {value!r}")
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise ValueError(f"{source} is not a valid URL ({exc}): {value!r}") from None
    bare = parsed.path in ("", "/") and not parsed.query and not parsed.fragment
    if bare and parsed.host.lower() in TOGETHER_HOSTS:
        url += "/v1"
    return url


def parse_hook(value: Any, source: str) -> Any:
    if value is not None and not callable(value):
        raise TypeError(f"{source} must be a function or None, got {value!r}")
    return value


def parse_headers(value: Mapping[str, str] | None, source: str) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise TypeError(f"{source} must be a mapping of header names to values")
    for name, header_value in value.items():
        if not isinstance(name, str) or not isinstance(header_value, str):
            raise TypeError(f"{source}: header {name!r} must map a str to a str")
        no_line_breaks(f"{source}[{name!r}]", name + header_value)
    return tuple(value.items())


def resolve(
    *,
    api_key: str | None = None,
    base_url: str | httpx.URL | None = None,
    timeout: TimeoutTypes | NotGiven | None = NOT_GIVEN,
    max_retries: int | None = None,
    default_headers: Mapping[str, str] | None = None,
    strict_responses: bool = False,
    deadline: float | None = None,
    on_retry: Callable[[RetryInfo], object] | None = None,
    max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Resolve every setting (argument → environment → Colab/default) and validate it.

    Raises AuthenticationError when no API key is found, ValueError/TypeError naming the
    argument or environment variable whose value is malformed. Whitespace around the key
    is removed; a control or non-ASCII character left in it is a ValueError.
    ``timeout=None`` is no timeout; only ``NOT_GIVEN`` falls back to the environment.
    ``deadline=None`` falls back to ``TOGETHER_DEADLINE``, else no deadline.
    """
    env = os.environ if environ is None else environ

    if api_key is not None and not isinstance(api_key, str):
        raise TypeError("api_key must be a str")
    if api_key:
        key = parse_api_key(api_key, "api_key")
    elif raw_key := _env("TOGETHER_API_KEY", env):
        key = parse_api_key(raw_key, "environment variable TOGETHER_API_KEY")
    elif raw_key := _colab_secret("TOGETHER_API_KEY"):
        key = parse_api_key(raw_key, "Colab secret TOGETHER_API_KEY")
    else:
        raise AuthenticationError(_MISSING_KEY)

    def pick(arg: Any, var: str, default: Any, parse: Any) -> Any:
        if arg is not None:
            return parse(arg, var.lower().removeprefix("together_"))
        raw = _env(var, env)
        if raw is not None:
            return parse(raw, f"environment variable {var}")
        return default

    return Settings(
        api_key=key,
        base_url=pick(base_url, "TOGETHER_BASE_URL", DEFAULT_BASE_URL, parse_base_url),
        timeout=pick(None, "TOGETHER_TIMEOUT", DEFAULT_TIMEOUT, parse_timeout)
        if isinstance(timeout, NotGiven)
        else parse_timeout(timeout, "timeout"),
        max_retries=pick(
            max_retries, "TOGETHER_MAX_RETRIES", DEFAULT_MAX_RETRIES, parse_max_retries
        ),
        default_headers=parse_headers(default_headers, "default_headers"),
        strict_responses=parse_flag(strict_responses, "strict_responses"),
        deadline=pick(deadline, "TOGETHER_DEADLINE", None, parse_deadline),
        on_retry=parse_hook(on_retry, "on_retry"),
        max_response_bytes=parse_max_response_bytes(max_response_bytes, "max_response_bytes"),
    )
