"""Errors in shell words: the library's messages advise Python code (``api_key=...``,
``check=False``); at the shell the same advice names a flag or a variable. The request
id, when the API gave one, ends the line (for a support ticket). And the command line's
own error, UsageError (exit code 2)."""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._config import RetryInfo


class UsageError(Exception):
    """A command line that can't be run as given (exit code 2)."""


# The library's advice → the command line's. Each library phrase is matched exactly, so
# a reworded library message shows unchanged rather than wrongly translated.
_ADVICE = (
    (
        re.compile(
            r"Pass api_key=\.\.\. to the client, set the TOGETHER_API_KEY environment "
            r"variable, or \(in Colab\) add a TOGETHER_API_KEY secret\."
        ),
        "Set TOGETHER_API_KEY or pass --api-key.",
    ),
    (re.compile(r"\(check=False skips this check\)"), "(--no-check uploads it anyway)"),
    # A setting named as the keyword it came from (``base_url must start with ...``).
    (re.compile(r"^(api_key|base_url|timeout|max_retries)\b"), None),
)


def shell_message(exc: BaseException) -> str:
    """``exc`` as one line (a dataset's problems: a few) for stderr."""
    from .._errors import TogetherError

    text = str(exc)
    if isinstance(exc, TogetherError):
        text = f"{type(exc).__name__}: {text}"
    for pattern, replacement in _ADVICE:
        if replacement is None:
            text = pattern.sub(lambda m: "--" + m.group(1).replace("_", "-"), text)
        else:
            text = pattern.sub(replacement, text)
    request_id = getattr(exc, "request_id", None)
    if isinstance(request_id, str) and request_id and request_id not in text:
        text += f" (request id {request_id})"
    return text


def retry_note(info: RetryInfo) -> None:
    """The client's ``on_retry`` on a terminal: one line on stderr per retry."""
    if info.status_code == 429:
        why = "rate limited (429)"
    elif info.status_code is not None:
        why = f"the API answered {info.status_code}"
    else:
        why = f"network error ({type(info.error).__name__})"
    sys.stderr.write(f"{why}; retry {info.retry} in {info.delay:.1f} s\n")
    sys.stderr.flush()
