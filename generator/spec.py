"""Fetch Together's OpenAPI spec at the pinned version and verify it.

    python -m generator.spec            # fetch the pinned spec into build/spec/
    python -m generator.spec pin COMMIT # move the pin to another upstream commit (download)
    python -m generator.spec pin COMMIT --file PATH  # ... offline, from a local copy

The spec comes from ``$SPEC_MIRROR`` when it is set (a folder holding the file, or
the file itself), otherwise from the upstream URL in ``openapi/pin.toml``. Either
way its sha256 must match the pin, so every machine generates from the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
import urllib.request
from pathlib import Path

import tomllib
import yaml

from generator.specfile import Yaml12Loader

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


COMMIT_RE = re.compile(r"[0-9a-fA-F]{7,40}")


def check_spec(data: bytes, source: str) -> None:
    """Fail unless ``data`` parses as YAML (or JSON) into a mapping with openapi and paths."""
    try:
        doc = yaml.load(data, Loader=Yaml12Loader)
    except yaml.YAMLError as exc:
        raise SpecError(f"{source} is not valid YAML: {exc}") from exc
    if not isinstance(doc, dict) or "openapi" not in doc or not isinstance(doc.get("paths"), dict):
        raise SpecError(f"{source} is not an OpenAPI document (no `openapi` and `paths` keys)")


def move_pin(commit: str, spec_file: Path | None = None, pin_file: Path | None = None) -> str:
    """Point the pin at another upstream commit, recording that file's sha256.

    The file is downloaded from upstream at ``commit``, or read from ``spec_file`` when
    given (offline: the URL is still upstream's at that commit). Only the ``commit``,
    ``url`` and ``sha256`` lines of ``pin_file`` (default ``openapi/pin.toml``) change; its
    comments stay. Returns the message printed for the maintainer.
    """
    pin_file = pin_file or PIN_FILE
    if not COMMIT_RE.fullmatch(commit):
        raise SpecError(f"COMMIT must be a commit id of 7 to 40 hex digits, got {commit!r}")
    commit = commit.lower()
    url = UPSTREAM.format(commit=commit)
    if spec_file is None:
        data = _download(url)
        source = url
    else:
        try:
            data = spec_file.read_bytes()
        except OSError as exc:
            raise SpecError(f"cannot read SPEC_FILE {spec_file}: {exc}") from exc
        source = str(spec_file)
    check_spec(data, source)
    digest = sha256(data)
    text = pin_file.read_text()
    for key, value in (("commit", commit), ("url", url), ("sha256", digest)):
        text, count = re.subn(rf'(?m)^{key} = ".*"$', f'{key} = "{value}"', text)
        if count != 1:
            raise SpecError(f'{pin_file} has {count} `{key} = "..."` lines, expected one')
    pin_file.write_text(text)
    lines = [f"pin moved to {commit} (sha256 {digest}, from {source})"]
    if len(commit) < 40:
        lines.append(
            f"note: {commit} is a short commit id; the pinned URL uses it as is ({url}). "
            "A full 40-hex-digit id is preferred: it cannot become ambiguous"
        )
    lines.append("now run `make generate` and the tests")
    return "\n".join(lines)


def _pin_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m generator.spec pin")
    parser.add_argument("commit", help="upstream commit id (7 to 40 hex digits; 40 preferred)")
    parser.add_argument("--file", type=Path, help="take the spec from this file (offline)")
    parser.add_argument("--pin-file", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    try:
        if argv[:1] == ["pin"]:
            args = _pin_args(argv[1:])
            print(move_pin(args.commit, args.file, args.pin_file))
        elif not argv:
            path = fetch().resolve()
            # (a candidate spec, $TOGETHER_SPEC_FILE, may lie outside the repository)
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except SpecError as exc:
        print(f"spec: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
