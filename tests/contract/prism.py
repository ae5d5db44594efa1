"""The Stoplight Prism mock server the contract tests run against.

Prism (``@stoplight/prism-cli``, pinned in ``package.json`` / ``package-lock.json`` beside
this file) serves every operation of an OpenAPI document: it validates each request
against the spec (a violation gets 400, or 422 where the operation declares no 400, with
the reasons in the ``sl-violations`` header) and answers with the spec's example for the
status asked for (``Prefer: code=N``) or the first 2xx.

Nothing is installed globally: ``npm ci`` fills ``node_modules/`` here, and only when it is
missing or the lock file changed since (a stamp records the lock's hash).
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
NODE_MODULES = HERE / "node_modules"
STAMP = NODE_MODULES / ".contract-installed"
PRISM_PACKAGE = NODE_MODULES / "@stoplight" / "prism-cli"

INSTALL_TIMEOUT = 600.0
READY_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0

INSTALL_HINT = (
    "The contract tests run the Prism mock server, a Node.js program: install Node.js (>= 20)"
    " and npm (Debian/Ubuntu: `apt-get install nodejs npm`; or https://nodejs.org). The tests"
    " then install Prism themselves with `npm ci` into tests/contract/node_modules."
)


class PrismError(Exception):
    """Prism could not be installed, started or reached; the message says why."""


def _lock_digest() -> str:
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        digest.update((HERE / name).read_bytes())
    return digest.hexdigest()


def _tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def node() -> str:
    """The ``node`` executable; PrismError naming what to install when Node or npm is missing."""
    found = shutil.which("node")
    if found is None or shutil.which("npm") is None:
        missing = " and ".join(n for n in ("node", "npm") if shutil.which(n) is None)
        raise PrismError(f"{missing} not found on PATH. {INSTALL_HINT}")
    return found


def install() -> None:
    """``npm ci`` from the committed lock file, unless node_modules already matches it."""
    node()
    want = _lock_digest()
    if STAMP.is_file() and STAMP.read_text().strip() == want and _entry_point().is_file():
        return
    npm = shutil.which("npm")
    assert npm is not None
    env = dict(os.environ)
    # No telemetry from install scripts (none are needed: --ignore-scripts), no update checks.
    env.update(
        SCARF_ANALYTICS="false",
        NPM_CONFIG_UPDATE_NOTIFIER="false",
        NPM_CONFIG_FUND="false",
        NPM_CONFIG_AUDIT="false",
    )
    cmd = [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"]
    try:
        proc = subprocess.run(
            cmd, cwd=HERE, env=env, capture_output=True, text=True, timeout=INSTALL_TIMEOUT
        )
    except subprocess.TimeoutExpired as exc:
        raise PrismError(f"`npm ci` in {HERE} took over {INSTALL_TIMEOUT:.0f} s") from exc
    if proc.returncode != 0:
        raise PrismError(
            f"`npm ci` in {HERE} failed (exit {proc.returncode}); it needs the npm registry"
            f" or a filled npm cache:\n{_tail(proc.stdout + proc.stderr)}"
        )
    if not _entry_point().is_file():
        raise PrismError(f"`npm ci` ran but {_entry_point()} is missing")
    STAMP.write_text(want + "\n")


def _entry_point() -> Path:
    return PRISM_PACKAGE / "dist" / "index.js"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@dataclass
class Prism:
    """A running Prism: ``url`` is its base URL (operations at the root, no ``/v1``)."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, lines: int = 30) -> str:
        try:
            return _tail(self.log.read_text(errors="replace"), lines)
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """Stop this Prism (its own process, by PID): SIGTERM, then SIGKILL if it lingers."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(STOP_TIMEOUT)


def _die_with_parent() -> None:
    """In the child, before exec: on Linux, have the kernel SIGTERM Prism should the test
    process die without its teardown (killed), so that no Prism outlives its session."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def start(spec: Path, log: Path, *, ready_timeout: float = READY_TIMEOUT) -> Prism:
    """Start Prism on 127.0.0.1 on a free port against ``spec`` and wait until it listens."""
    node_exe = node()
    log.parent.mkdir(parents=True, exist_ok=True)
    port = free_port()
    cmd = [node_exe, str(_entry_point()), "mock", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*cmd, str(spec)],
            cwd=HERE,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
            preexec_fn=_die_with_parent,
        )
    prism = Prism(process=process, port=port, log=log)
    deadline = time.monotonic() + ready_timeout
    # Ready when *this* Prism says it listens (another program could hold the port) and
    # the port takes connections.
    banner = f"listening on http://127.0.0.1:{port}".encode()
    while not (banner in log.read_bytes() and _accepts(port)):
        if process.poll() is not None:
            raise PrismError(
                f"Prism exited with status {process.returncode} before listening"
                f" (log {log}):\n{prism.log_tail()}"
            )
        if time.monotonic() > deadline:
            prism.stop()
            raise PrismError(
                f"Prism did not listen on port {port} within {ready_timeout:.0f} s"
                f" (log {log}):\n{prism.log_tail()}"
            )
        time.sleep(0.2)
    return prism
