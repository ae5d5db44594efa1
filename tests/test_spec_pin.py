"""``make pin``: moving the pin offline from a file (``--file``) or online (download).

Every test works on a copy of ``openapi/pin.toml`` in a temporary folder (``--pin-file``);
the real pin is never written. The real spec files come from ``$SPEC_MIRROR`` (default
``../shared/openapi``); tests that need them skip when the folder is not there.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

import generator.spec
from generator.spec import ROOT, SpecError, move_pin

pytestmark = pytest.mark.needs_generator

REAL_PIN = ROOT / "openapi" / "pin.toml"
MIRROR = Path(os.environ.get("SPEC_MIRROR") or ROOT.parent / "shared" / "openapi")
# Another version than the pin (the older one of the mirror), so that moving to it changes
# every value line.
NEWER = MIRROR / "together-openapi.2026-03-11.yaml"
NEWER_COMMIT = "941af0ae464c5ff8b7a8175b95986132c1ac508b"
NEWER_SHA256 = "1dbdff4ca57f35bd7cf4b61514955619cb24368bd87645f9d112ec90c0bc505f"
UPSTREAM = "https://raw.githubusercontent.com/togethercomputer/openapi/{}/openapi.yaml"

needs_mirror = pytest.mark.skipif(
    not NEWER.is_file(),
    reason=f"the shared spec {NEWER.name} is not in SPEC_MIRROR={MIRROR} "
    "(set SPEC_MIRROR to the folder holding the shared OpenAPI files)",
)

SMALL_SPEC = b"openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n"


@pytest.fixture
def pin(tmp_path: Path) -> Path:
    copy = tmp_path / "pin.toml"
    copy.write_bytes(REAL_PIN.read_bytes())
    return copy


@pytest.fixture(autouse=True)
def real_pin_untouched() -> object:
    before = REAL_PIN.read_bytes()
    yield
    assert REAL_PIN.read_bytes() == before, "a test wrote the real openapi/pin.toml"


def comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("#")]


def run_pin(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator.spec", "pin", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


@needs_mirror
def test_pin_offline_from_a_file_records_commit_url_and_sha256(pin: Path) -> None:
    before = pin.read_text()
    proc = run_pin(NEWER_COMMIT, "--file", str(NEWER), "--pin-file", str(pin))
    assert proc.returncode == 0, proc.stderr
    assert f"pin moved to {NEWER_COMMIT}" in proc.stdout
    assert "short commit" not in proc.stdout
    after = pin.read_text()
    assert tomllib.loads(after) == {
        "commit": NEWER_COMMIT,
        "url": UPSTREAM.format(NEWER_COMMIT),
        "sha256": NEWER_SHA256,
    }
    assert hashlib.sha256(NEWER.read_bytes()).hexdigest() == NEWER_SHA256
    assert comments(after) == comments(before) and comments(after)
    # Only the three value lines changed, in place.
    changed = [
        (a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b
    ]
    assert [b.split(" =")[0] for _, b in changed] == ["commit", "url", "sha256"]


@needs_mirror
def test_a_short_commit_with_a_file_is_accepted_and_the_url_uses_it_as_is(pin: Path) -> None:
    proc = run_pin("941AF0A", "--file", str(NEWER), "--pin-file", str(pin))
    assert proc.returncode == 0, proc.stderr
    assert "short commit id" in proc.stdout
    assert UPSTREAM.format("941af0a") in proc.stdout
    assert tomllib.loads(pin.read_text())["url"] == UPSTREAM.format("941af0a")


def test_only_the_three_values_change_and_the_comments_stay(pin: Path, tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_bytes(SMALL_SPEC)
    before = pin.read_text()
    move_pin("a" * 40, spec, pin)
    after = pin.read_text()
    assert tomllib.loads(after)["sha256"] == hashlib.sha256(SMALL_SPEC).hexdigest()
    keep = [line for line in before.splitlines() if not line.startswith(("commit", "url", "sha"))]
    assert [line for line in after.splitlines() if line in keep] == keep
    assert len(after.splitlines()) == len(before.splitlines())


@pytest.mark.parametrize("commit", ["", "abc", "610007g", "x" * 40, "a" * 41, "610007f "])
def test_a_commit_that_is_not_7_to_40_hex_digits_is_refused(
    commit: str, pin: Path, tmp_path: Path
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_bytes(SMALL_SPEC)
    before = pin.read_bytes()
    with pytest.raises(SpecError, match="7 to 40 hex digits"):
        move_pin(commit, spec, pin)
    assert pin.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"openapi: [unclosed\n", "not valid YAML"),
        (b"- just\n- a list\n", "not an OpenAPI document"),
        (b"openapi: 3.1.0\ninfo: {title: t}\n", "not an OpenAPI document"),
        (b"paths: {}\n", "not an OpenAPI document"),
    ],
)
def test_a_file_that_is_not_an_openapi_document_is_refused(
    content: bytes, reason: str, pin: Path, tmp_path: Path
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_bytes(content)
    before = pin.read_bytes()
    proc = run_pin("a" * 40, "--file", str(spec), "--pin-file", str(pin))
    assert proc.returncode == 1
    assert reason in proc.stderr
    assert pin.read_bytes() == before


def test_a_missing_file_is_refused(pin: Path, tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="cannot read SPEC_FILE"):
        move_pin("a" * 40, tmp_path / "nope.yaml", pin)


def test_without_a_file_the_spec_is_downloaded_from_upstream_at_that_commit(
    pin: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def download(url: str) -> bytes:
        asked.append(url)
        return SMALL_SPEC

    monkeypatch.setattr(generator.spec, "_download", download)
    message = move_pin("B" * 40, pin_file=pin)
    assert asked == [UPSTREAM.format("b" * 40)]
    assert tomllib.loads(pin.read_text()) == {
        "commit": "b" * 40,
        "url": UPSTREAM.format("b" * 40),
        "sha256": hashlib.sha256(SMALL_SPEC).hexdigest(),
    }
    assert "from https://" in message


def test_a_downloaded_file_that_is_not_a_spec_leaves_the_pin_alone(
    pin: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generator.spec, "_download", lambda url: b"<html>404</html>")
    before = pin.read_bytes()
    with pytest.raises(SpecError, match="not an OpenAPI document"):
        move_pin("c" * 40, pin_file=pin)
    assert pin.read_bytes() == before


def test_make_pin_passes_spec_file_as_file() -> None:
    proc = subprocess.run(
        ["make", "-n", "pin", "COMMIT=abc1234", "SPEC_FILE=/x/spec.yaml", f"STAMP={__file__}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert "-m generator.spec pin abc1234 --file /x/spec.yaml" in proc.stdout
    proc = subprocess.run(
        ["make", "-n", "pin", "COMMIT=abc1234", f"STAMP={__file__}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert "-m generator.spec pin abc1234" in proc.stdout
    assert "--file" not in proc.stdout
