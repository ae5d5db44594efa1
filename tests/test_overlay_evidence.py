"""The overlay's "required in practice" actions hold for what the live API sends.

An overlay action with ``x-evidence: {kind, each, has}`` makes a field required because
every response recorded from the live API has it: each object that the JSONPath ``each``
selects, in every recording of that ``kind`` in ``../shared/real-responses`` (see its
sources.jsonl), has the field ``has``. ``make generate`` doesn't read the recordings;
this test does, and is skipped where the folder is absent.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonpath
import pytest

from generator.specfile import load_yaml

pytestmark = pytest.mark.needs_generator

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT.parent / "shared" / "real-responses"
ACTIONS = [
    action for action in load_yaml(ROOT / "openapi" / "overlay.yaml")["actions"]
    if "x-evidence" in action
]  # fmt: skip


def recordings(kind: str) -> list[tuple[str, Any]]:
    """(file, body) of each recording of ``kind``; each event of a stream is a body."""
    found = []
    for line in (FOLDER / "sources.jsonl").read_text().splitlines():
        source = json.loads(line)
        if source["kind"] != kind or source.get("status", 200) != 200:
            continue
        text = (FOLDER / source["file"]).read_text()
        if source["file"].endswith(".sse"):
            for event in text.splitlines():
                data = event.removeprefix("data:").strip()
                if event.startswith("data:") and data != "[DONE]":
                    found.append((source["file"], json.loads(data)))
        else:
            found.append((source["file"], json.loads(text)))
    return found


def test_the_overlay_has_required_in_practice_actions() -> None:
    assert ACTIONS, "no overlay action carries x-evidence"


@pytest.mark.skipif(not FOLDER.is_dir(), reason=f"no recordings at {FOLDER}")
@pytest.mark.parametrize("action", ACTIONS, ids=[a.get("x-name", a["target"]) for a in ACTIONS])
def test_every_recorded_response_has_the_field_the_action_requires(action: dict[str, Any]) -> None:
    evidence = action["x-evidence"]
    assert action["update"] == {"required": [evidence["has"]]}  # what the evidence supports
    bodies = recordings(evidence["kind"])
    assert bodies, f"no recordings of kind {evidence['kind']!r}"
    checked = 0
    for file, body in bodies:
        for item in jsonpath.findall(evidence["each"], body):
            assert evidence["has"] in item, f"{file}: {evidence['each']} without {evidence['has']}"
            checked += 1
    assert checked >= len(bodies)  # every recording had something to check
