"""The ``together`` command run as users run it, in a subprocess against a local server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from . import API_KEY

ROOT = Path(__file__).resolve().parents[2]


# The installed console script (pip puts it beside the interpreter) when there is one, as
# users run it; else the module form, which is the same function.
_SCRIPT = Path(sys.executable).with_name("together")


COMMAND = [str(_SCRIPT)] if _SCRIPT.is_file() else [sys.executable, "-m", "together"]


def env_for(base_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOGETHER_")}
    env.update(
        TOGETHER_API_KEY=API_KEY,
        TOGETHER_BASE_URL=base_url,
        TOGETHER_MAX_RETRIES="0",
        PYTHONPATH=str(ROOT),
        COLUMNS="200",
    )
    return env


def together(
    base_url: str, *args: str, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    """``together ARGS`` with stdout a pipe (so JSON output unless --no-json); ``env``
    adds to (or overrides) the environment it runs in."""
    return subprocess.run(
        [*COMMAND, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**env_for(base_url), **env},
        timeout=60,
    )
