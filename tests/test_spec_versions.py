"""The client follows the spec it is generated from: generated from the older upstream
version in the shared mirror (two RL operations fewer), the operation table, the derived
methods and the contract cases follow, with no error and no edit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.needs_generator

ROOT = Path(__file__).resolve().parent.parent
MIRROR = Path(os.environ.get("SPEC_MIRROR", ROOT.parent / "shared" / "openapi")).resolve()
OLDER = MIRROR / "together-openapi.2026-03-11.yaml"
GONE = [
    "POST /rl/training-sessions/{session_id}/operations/training-checkpoint",
    "GET /rl/training-sessions/{session_id}/operations/training-checkpoint/{operation_id}",
]

SCRIPT = """
import json, together_generated
from together import AsyncTogether, Together
from together._namespaces import layout, report
from tests.contract.cases import CASES, MISSING

sync, asyn = Together(api_key="k"), AsyncTogether(api_key="k")
methods = sorted(f"{ns}.{m}" for ns, ms in layout().items() for m in ms)
def reach(client, dotted):
    for part in dotted.split("."):
        client = getattr(client, part)
    return callable(client)
print(json.dumps({
    "package": together_generated.__file__,
    "methods": methods,
    "reachable": all(reach(c, m) for c in (sync, asyn) for m in methods),
    "sessions": sorted(n for n in dir(sync.rl.training_sessions) if not n.startswith("_")),
    "cases": sorted(case.id for case in CASES),
    "missing": MISSING,
    "report": report(),
}))
"""


@pytest.fixture(scope="module")
def older(tmp_path_factory: pytest.TempPathFactory) -> dict:
    if not OLDER.is_file():
        pytest.skip(f"the older spec is not in the mirror ({OLDER})")
    out = tmp_path_factory.mktemp("older")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            str(OLDER),
            "--output",
            str(out / "together_generated"),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(out), str(ROOT)]),
        "TOGETHER_SPEC_FILE": str(OLDER),
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=out, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-3000:]
    data: dict = json.loads(result.stdout.splitlines()[-1])
    assert data["package"].startswith(str(out))
    return data


def test_the_two_operations_the_older_spec_lacks_have_no_method_and_no_case(older):
    assert len(older["cases"]) == 94
    assert not set(GONE) & set(older["cases"])
    assert older["missing"] == []
    assert "create_training_checkpoint" not in older["sessions"]
    assert "retrieve_training_checkpoint" not in older["sessions"]
    assert "retrieve_inference_checkpoint" in older["sessions"]


def test_every_method_of_the_older_spec_is_on_both_clients(older):
    assert older["reachable"]
    assert "rl.training_sessions.sample" in older["methods"]


def test_the_report_names_what_the_table_has_and_the_spec_lacks(older):
    report = older["report"]
    assert "unnamed: 0 operations" in report
    assert "gone: 2 operations" in report
    for key in GONE:
        assert key in report
