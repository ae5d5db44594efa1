"""Fetch Together's OpenAPI spec at the pinned version and verify it.

    python -m generator.spec            # fetch the pinned spec into build/spec/
    python -m generator.spec pin COMMIT # move the pin to another upstream commit

The spec comes from ``$SPEC_MIRROR`` when it is set (a folder holding the file, or
the file itself), otherwise from the upstream URL in ``openapi/pin.toml``. Either
way its sha256 must match the pin, so every machine generates from the same bytes.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import urllib.request
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent
PIN_FILE = ROOT / "openapi" / "pin.toml"
SPEC_PATH = ROOT / "build" / "spec" / "together-openapi.yaml"
UPSTREAM = "https://raw.githubusercontent.com/togethercomputer/openapi/{commit}/openapi.yaml"


class SpecError(Exception):
    """The spec could not be fetched or does not match the pin."""


def read_pin() -> dict[str, str]:
    with PIN_FILE.open("rb") as f:
        return tomllib.load(f)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _from_mirror(mirror: Path, want: str) -> bytes:
    if mirror.is_file():
        return mirror.read_bytes()
    if not mirror.is_dir():
        raise SpecError(f"SPEC_MIRROR={mirror} is neither a file nor a folder")
    seen = []
    for candidate in sorted(mirror.glob("*.y*ml")) + sorted(mirror.glob("*.json")):
        data = candidate.read_bytes()
        if sha256(data) == want:
            return data
        seen.append(candidate.name)
    raise SpecError(
        f"no file in SPEC_MIRROR={mirror} has the pinned sha256 {want} "
        f"(looked at: {', '.join(seen) or 'nothing'})"
    )


def _download(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            data: bytes = response.read()
            return data
    except OSError as exc:
        raise SpecError(
            f"could not download {url}: {exc}. Offline? Set SPEC_MIRROR to a folder "
            "holding the spec (e.g. SPEC_MIRROR=../shared/openapi)"
        ) from exc


def fetch(dest: Path = SPEC_PATH) -> Path:
    """Write the pinned spec to ``dest`` after checking its sha256; return ``dest``.

    With ``$TOGETHER_SPEC_FILE`` set (``make generate test SPEC=<file>``), that file is
    returned instead, unchecked: a candidate version tried before the pin moves."""
    candidate = os.environ.get("TOGETHER_SPEC_FILE")
    if candidate:
        if not Path(candidate).is_file():
            raise SpecError(f"TOGETHER_SPEC_FILE={candidate} is not a file")
        return Path(candidate)
    pin = read_pin()
    want = pin["sha256"]
    if dest.is_file() and sha256(dest.read_bytes()) == want:
        return dest
    mirror = os.environ.get("SPEC_MIRROR")
    data = _from_mirror(Path(mirror), want) if mirror else _download(pin["url"])
    got = sha256(data)
    if got != want:
        source = mirror or pin["url"]
        raise SpecError(
            f"sha256 mismatch for the spec from {source}: expected {want} "
            f"(openapi/pin.toml), got {got}. Either the source changed or the pin "
            "is stale; move the pin with `make pin COMMIT=...` on purpose, never by hand"
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(".part")
    tmp.write_bytes(data)
    tmp.replace(dest)
    return dest


def move_pin(commit: str) -> None:
    """Point the pin at another upstream commit, recording that file's sha256."""
    if not re.fullmatch(r"[0-9a-f]{40}", commit):
        raise SpecError(f"COMMIT must be a full 40-hex-digit commit id, got {commit!r}")
    url = UPSTREAM.format(commit=commit)
    data = _download(url)
    text = PIN_FILE.read_text()
    text = re.sub(r'(?m)^commit = ".*"$', f'commit = "{commit}"', text)
    text = re.sub(r'(?m)^url = ".*"$', f'url = "{url}"', text)
    text = re.sub(r'(?m)^sha256 = ".*"$', f'sha256 = "{sha256(data)}"', text)
    PIN_FILE.write_text(text)
    print(f"pin moved to {commit} (sha256 {sha256(data)}); now run `make generate`")


def main(argv: list[str]) -> int:
    try:
        if argv[:1] == ["pin"] and len(argv) == 2:
            move_pin(argv[1])
        elif not argv:
            print(fetch().relative_to(ROOT))
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except SpecError as exc:
        print(f"spec: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
