"""``python -m generator.specdiff`` / ``make spec-diff``: what changed between two specs.

The real-spec tests compare the shared 2026-03-11 and 2026-04-13 versions (from
``$SPEC_MIRROR``, default ``../shared/openapi``) and check facts read by hand in those
files; they skip when the folder is not there. The others run on tiny specs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.spec import ROOT
from generator.specdiff import Report, diff, main, render

pytestmark = pytest.mark.needs_generator

MIRROR = Path(os.environ.get("SPEC_MIRROR") or ROOT.parent / "shared" / "openapi")
OLDER = MIRROR / "together-openapi.2026-03-11.yaml"
PINNED = MIRROR / "together-openapi.yaml"
NEWER = MIRROR / "together-openapi.2026-04-13.yaml"

needs_mirror = pytest.mark.skipif(
    not (OLDER.is_file() and NEWER.is_file() and PINNED.is_file()),
    reason=f"the shared spec versions are not in SPEC_MIRROR={MIRROR} "
    "(set SPEC_MIRROR to the folder holding together-openapi*.yaml)",
)


def run(old: Path, new: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator.specdiff", str(old), str(new)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def older_to_newer() -> str:
    if not (OLDER.is_file() and NEWER.is_file()):
        pytest.skip(f"the shared spec versions are not in SPEC_MIRROR={MIRROR}")
    proc = run(OLDER, NEWER)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def section(report: str, heading: str) -> str:
    """The lines under ``heading`` up to the next heading of any level."""
    lines = report.splitlines()
    start = lines.index(heading) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("#")), len(lines))
    return "\n".join(lines[start:end])


# --- Between the two shared versions (facts checked by hand in the files) -------------


@needs_mirror
def test_the_older_spec_lacks_the_two_training_checkpoint_operations(older_to_newer: str) -> None:
    # grep "operationId: createTrainingCheckpoint\|operationId: getTrainingCheckpointOperation"
    # finds both in the pin and in 2026-04-13, neither in 2026-03-11 (96 operations, 98).
    added = section(older_to_newer, "### Added")
    assert added.split() == [
        "-",
        "`POST",
        "/rl/training-sessions/{session_id}/operations/training-checkpoint`",
        "(createTrainingCheckpoint)",
        "-",
        "`GET",
        "/rl/training-sessions/{session_id}/operations/training-checkpoint/{operation_id}`",
        "(getTrainingCheckpointOperation)",
    ]
    assert "96 operations, 234 schemas" in older_to_newer
    assert "98 operations, 242 schemas" in older_to_newer
    assert "Operations: 2 added, 0 removed" in older_to_newer


@needs_mirror
def test_the_pinned_spec_has_the_same_two_operations_more_than_the_older_one() -> None:
    proc = run(OLDER, PINNED)
    assert proc.returncode == 0, proc.stderr
    assert "Operations: 2 added, 0 removed" in proc.stdout
    assert "(createTrainingCheckpoint)" in proc.stdout
    assert "(getTrainingCheckpointOperation)" in proc.stdout
    # RL.TrainingCheckpoint, RL.TrainingCheckpointOperation, RL.TrainingCheckpointResult
    assert "Schemas: 3 added, 0 removed" in proc.stdout


@needs_mirror
def test_rl_sample_takes_a_required_prompts_list_instead_of_prompt(older_to_newer: str) -> None:
    # RL.SampleBody: `required: [prompt]`, prompt: $ref RL.ModelInput (2026-03-11);
    # `required: [prompts]`, prompts: array of $ref RL.ModelInput (2026-04-13).
    body = section(older_to_newer, "#### `RL.SampleBody` (used by: request)")
    assert body.split("\n")[1:3] == [
        "- **breaking** field `prompt` removed",
        "- **breaking** field `prompts` added (required, array of `RL.ModelInput`)",
    ]
    breaking = section(older_to_newer, "## Breaking changes")
    assert "- `RL.SampleBody`: field `prompt` removed" in breaking
    assert "- `RL.SampleBody`: field `prompts` added (required, array of `RL.ModelInput`)" in (
        breaking
    )


@needs_mirror
def test_cluster_creation_drops_driver_version_for_cuda_and_nvidia_driver_versions(
    older_to_newer: str,
) -> None:
    # GPUClusterCreateRequest.required: [..., driver_version, ...] (enum CUDA_12_5_555 ...)
    # becomes [..., cuda_version, nvidia_driver_version, ...], both `type: string`.
    create = section(older_to_newer, "#### `GPUClusterCreateRequest` (used by: request)")
    assert "- **breaking** field `driver_version` removed" in create
    assert "- **breaking** field `cuda_version` added (required, string)" in create
    assert "- **breaking** field `nvidia_driver_version` added (required, string)" in create
    # Optional additions are reported, not flagged.
    assert "- field `install_traefik` added (optional, boolean)" in create
    assert "- field `billing_type`: enum values added: `SCHEDULED_CAPACITY`" in create


@needs_mirror
def test_request_bodies_by_reference_are_reported_under_the_schema(older_to_newer: str) -> None:
    # POST .../operations/sample keeps `$ref: RL.SampleBody`: nothing under the operation.
    assert "operations/sample`" not in section(older_to_newer, "### Changed")
    # POST /fine-tunes has an inline body: its new fields are under the operation.
    fine_tunes = section(older_to_newer, "#### `POST /fine-tunes`")
    assert "- request body: field `packing` added (optional, boolean)" in fine_tunes


@needs_mirror
def test_the_summary_counts_the_flagged_changes(older_to_newer: str) -> None:
    flagged = older_to_newer.count("- **breaking** ")
    listed = len(section(older_to_newer, "## Breaking changes").strip().splitlines())
    assert flagged == listed > 0
    assert f"**{flagged} breaking changes**" in older_to_newer.splitlines()[5]


@needs_mirror
def test_the_report_is_deterministic(older_to_newer: str) -> None:
    assert run(OLDER, NEWER).stdout == older_to_newer


@needs_mirror
def test_a_spec_against_itself_has_no_change() -> None:
    proc = run(NEWER, NEWER)
    assert proc.returncode == 0
    assert "**0 breaking changes**" in proc.stdout
    assert proc.stdout.count("No change.") == 2


def test_unreadable_input_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("openapi: 3.1.0\npaths: {}\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("just: [text\n")
    assert main([str(good), str(tmp_path / "missing.yaml")]) == 1
    assert "cannot read" in capsys.readouterr().err
    assert main([str(bad), str(good)]) == 1
    (tmp_path / "list.yaml").write_text("- a\n")
    assert main([str(tmp_path / "list.yaml"), str(good)]) == 1
    assert "not an OpenAPI document" in capsys.readouterr().err
    assert main([str(good), str(good)]) == 0


def test_make_spec_diff_defaults_old_to_the_pinned_spec() -> None:
    stamp = f"STAMP={__file__}"
    proc = subprocess.run(
        ["make", "-n", "spec-diff", "NEW=/x/new.yaml", stamp],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert "-m generator.spec\n" in proc.stdout  # fetches the pin first (make spec)
    assert "-m generator.specdiff build/spec/together-openapi.yaml /x/new.yaml" in proc.stdout
    proc = subprocess.run(
        ["make", "-n", "spec-diff", "OLD=/x/old.yaml", "NEW=/x/new.yaml", stamp],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert "-m generator.specdiff /x/old.yaml /x/new.yaml" in proc.stdout
    assert "-m generator.spec\n" not in proc.stdout


# --- Each kind of change, on tiny specs --------------------------------------------------


def spec(
    paths: dict[str, Any] | None = None, schemas: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": paths or {},
        "components": {"schemas": schemas or {}},
    }


def op(
    oid: str = "op",
    params: list[dict[str, Any]] | None = None,
    body: dict[str, Any] | None = None,
    responses: dict[str, Any] | None = None,
    body_required: bool = True,
) -> dict[str, Any]:
    out: dict[str, Any] = {"operationId": oid, "responses": responses or {"200": json(None)}}
    if params is not None:
        out["parameters"] = params
    if body is not None:
        out["requestBody"] = {"required": body_required, **json(body)}
    return out


def json(schema: dict[str, Any] | None) -> dict[str, Any]:
    if schema is None:
        return {"description": "ok"}
    return {"description": "ok", "content": {"application/json": {"schema": schema}}}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def lines(report: Report) -> list[str]:
    """Every change as ``subject: [breaking] text``."""
    out = [f"op added: {o}" for o in report.ops_added]
    out += [f"op removed: {o}" for o in report.ops_removed]
    out += [f"schema added: {s}" for s in report.schemas_added]
    out += [f"schema removed: {s}" for s in report.schemas_removed]
    for subject, changes in [*report.ops_changed.items(), *report.schemas_changed.items()]:
        out += [f"{subject}: {'BREAKING ' if c.breaking else ''}{c.text}" for c in changes]
    return out


def test_operations_added_and_removed() -> None:
    old = spec({"/a": {"get": op("getA"), "post": op("postA")}, "/b": {"get": {"responses": {}}}})
    new = spec({"/a": {"get": op("getA")}, "/c": {"delete": op("delC")}})
    report = diff(old, new)
    assert report.ops_added == ["`DELETE /c` (delC)"]
    assert report.ops_removed == ["`POST /a` (postA)", "`GET /b`"]  # by path, then method
    assert report.breaking() == [
        "operation removed: `POST /a` (postA)",
        "operation removed: `GET /b`",
    ]
    text = render(report)
    assert "- **breaking** `POST /a` (postA)" in text
    assert "**2 breaking changes**" in text


def query(name: str, required: bool = False, **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "schema": schema or {"type": "string"},
    }


def test_parameters_added_removed_required_and_type() -> None:
    old = spec(
        {
            "/a/{id}": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "get": op(
                    params=[query("gone"), query("req"), query("t", type="integer"), query("opt")]
                ),
            }
        }
    )
    new = spec(
        {
            "/a/{id}": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "get": op(
                    params=[
                        query("req", True),
                        query("t", type="string"),
                        query("new_opt"),
                        query("new_req", True),
                        query("opt"),
                    ]
                ),
            }
        }
    )
    assert lines(diff(old, new)) == [
        "`GET /a/{id}` (op): BREAKING query parameter `gone` removed",
        "`GET /a/{id}` (op): query parameter `new_opt` added (optional, string)",
        "`GET /a/{id}` (op): BREAKING query parameter `new_req` added (required, string)",
        "`GET /a/{id}` (op): BREAKING query parameter `req` is now required",
        "`GET /a/{id}` (op): BREAKING query parameter `t`: type integer → string",
    ]


def test_a_parameter_made_optional_or_given_more_enum_values_is_not_breaking() -> None:
    old = spec({"/a": {"get": op(params=[query("p", True, type="string", enum=["x"])])}})
    new = spec({"/a": {"get": op(params=[query("p", False, type="string", enum=["x", "y"])])}})
    assert lines(diff(old, new)) == [
        "`GET /a` (op): query parameter `p` is now optional",
        "`GET /a` (op): query parameter `p`: enum values added: `y`",
    ]


def test_request_body_by_reference_reports_the_schema_name() -> None:
    obj = {"type": "object"}
    old = spec({"/a": {"post": op(body=ref("A"))}}, {"A": obj, "B": obj})
    new = spec({"/a": {"post": op(body=ref("B"))}}, {"A": obj, "B": obj})
    assert lines(diff(old, new)) == ["`POST /a` (op): BREAKING request body: schema `A` → `B`"]


def test_request_body_inline_fields_and_required_body() -> None:
    old_body = {"type": "object", "properties": {"a": {"type": "string"}}}
    new_body = {
        "type": "object",
        "required": ["b"],
        "properties": {"b": {"type": "integer", "format": "int64"}},
    }
    old = spec({"/a": {"post": op(body=old_body, body_required=False)}})
    new = spec({"/a": {"post": op(body=new_body)}})
    assert lines(diff(old, new)) == [
        "`POST /a` (op): BREAKING request body is now required",
        "`POST /a` (op): BREAKING request body: field `a` removed",
        "`POST /a` (op): BREAKING request body: field `b` added (required, integer (int64))",
    ]


def test_response_changes_by_status() -> None:
    old = spec(
        {"/a": {"get": op(responses={"200": json(ref("A")), "404": json(None)})}},
        {"A": {"type": "object"}, "B": {"type": "object"}},
    )
    new = spec(
        {
            "/a": {
                "get": op(
                    responses={
                        "200": json(ref("B")),
                        "201": json({"type": "object", "properties": {"x": {"type": "string"}}}),
                    }
                )
            }
        },
        {"A": {"type": "object"}, "B": {"type": "object"}},
    )
    assert lines(diff(old, new)) == [
        "`GET /a` (op): BREAKING response 200: schema `A` → `B`",
        "`GET /a` (op): response 201 added (object)",
        "`GET /a` (op): response 404 removed",
    ]


def test_inline_response_field_removed_is_breaking_added_is_not() -> None:
    body = {"type": "object", "properties": {"a": {"type": "string"}}}
    new_body = {"type": "object", "required": ["b"], "properties": {"b": {"type": "string"}}}
    old = spec({"/a": {"get": op(responses={"200": json(body)})}})
    new = spec({"/a": {"get": op(responses={"200": json(new_body)})}})
    assert lines(diff(old, new)) == [
        "`GET /a` (op): BREAKING response 200: field `a` removed",
        "`GET /a` (op): response 200: field `b` added (required, string)",
    ]


def used_in_request(name: str, old: dict[str, Any], new: dict[str, Any]) -> Report:
    paths = {"/r": {"post": op(body=ref(name))}}
    return diff(spec(paths, {name: old}), spec(paths, {name: new}))


def used_in_response(name: str, old: dict[str, Any], new: dict[str, Any]) -> Report:
    paths = {"/r": {"get": op(responses={"200": json(ref(name))})}}
    return diff(spec(paths, {name: old}), spec(paths, {name: new}))


def obj(required: list[str] | None = None, **props: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        out["required"] = required
    return out


S = {"type": "string"}


def test_schema_fields_added_removed_and_required_in_a_request() -> None:
    report = used_in_request(
        "Req",
        obj(["a"], a=S, b=S, gone=S),
        obj(["b", "new_req"], a=S, b=S, new_opt=S, new_req=S),
    )
    assert report.schema_usage == {"`Req`": "request"}
    assert lines(report) == [
        "`Req`: field `a` is now optional",
        "`Req`: BREAKING field `b` is now required",
        "`Req`: BREAKING field `gone` removed",
        "`Req`: field `new_opt` added (optional, string)",
        "`Req`: BREAKING field `new_req` added (required, string)",
    ]


def test_schema_fields_in_a_response() -> None:
    report = used_in_response("Resp", obj(a=S, gone=S), obj(["a", "new"], a=S, new=S))
    assert report.schema_usage == {"`Resp`": "response"}
    assert lines(report) == [
        "`Resp`: field `a` is now required",
        "`Resp`: BREAKING field `gone` removed",
        "`Resp`: field `new` added (required, string)",
    ]


def test_type_and_format_changes_are_breaking() -> None:
    report = used_in_response(
        "R",
        obj(a=S, b={"type": "string"}, c={"type": "integer"}, d=ref("X")),
        obj(a={"type": "integer"}, b={"type": "string", "format": "date-time"}, c=S, d=ref("Y")),
    )
    assert lines(report) == [
        "`R`: BREAKING field `a`: type string → integer",
        "`R`: BREAKING field `b`: type string → string (date-time)",
        "`R`: BREAKING field `c`: type integer → string",
        "`R`: BREAKING field `d`: type `X` → `Y`",
    ]


def test_a_request_type_that_only_widens_is_not_breaking() -> None:
    old = obj(n={"type": "integer"}, m={"anyOf": [{"type": "string", "enum": ["a"]}, S]})
    new = obj(n={"type": "number"}, m=S)
    assert lines(used_in_request("R", old, new)) == [
        "`R`: field `m`: type anyOf[string enum, string] → string",
        "`R`: field `n`: type integer → number",
    ]
    # The same change in a response is breaking (a client typed for integers gets 1.5).
    assert lines(used_in_response("R", obj(n={"type": "integer"}), obj(n={"type": "number"}))) == [
        "`R`: BREAKING field `n`: type integer → number"
    ]


def test_enum_values_added_and_removed_depend_on_the_direction() -> None:
    old = {"type": "string", "enum": ["a", "b"]}
    new = {"type": "string", "enum": ["b", "c"]}
    assert lines(used_in_request("E", old, new)) == [
        "`E`: enum values added: `c`",
        "`E`: BREAKING enum values removed: `a`",
    ]
    assert lines(used_in_response("E", old, new)) == [
        "`E`: enum values added: `c`",
        "`E`: enum values removed: `a`",
    ]


def test_nullable_changes_in_both_spellings() -> None:
    old = obj(a={"type": "string", "nullable": True}, b={"type": ["string", "null"]}, c=S)
    new = obj(a=S, b=S, c={"anyOf": [S, {"type": "null"}]})
    assert lines(used_in_request("N", old, new)) == [
        "`N`: BREAKING field `a`: no longer nullable",
        "`N`: BREAKING field `b`: no longer nullable",
        "`N`: field `c`: now nullable",
    ]


def test_nested_fields_array_items_and_maps() -> None:
    old = obj(
        outer=obj(inner=S, gone=S),
        items={"type": "array", "items": obj(x=S)},
        map={"type": "object", "additionalProperties": {"type": "string"}},
    )
    new = obj(
        outer=obj(inner={"type": "boolean"}),
        items={"type": "array", "items": obj(x=S, y=S)},
        map={"type": "object", "additionalProperties": {"type": "integer"}},
    )
    assert lines(used_in_response("Nested", old, new)) == [
        "`Nested`: field `items[].y` added (optional, string)",
        "`Nested`: BREAKING field `map{}`: type string → integer",
        "`Nested`: BREAKING field `outer.gone` removed",
        "`Nested`: BREAKING field `outer.inner`: type string → boolean",
    ]


def test_oneof_and_anyof_variants() -> None:
    old = obj(v={"oneOf": [ref("A"), ref("B")]}, w={"anyOf": [S, {"type": "integer"}]})
    new = obj(v={"oneOf": [ref("A"), ref("C")]}, w={"anyOf": [S, {"type": "integer"}, ref("D")]})
    assert lines(used_in_request("U", old, new)) == [
        "`U`: field `v`: oneOf variants added: `C`",
        "`U`: BREAKING field `v`: oneOf variants removed: `B`",
        "`U`: field `w`: anyOf variants added: `D`",
    ]
    # In a response a variant removed is not breaking; one added is reported.
    assert (
        lines(used_in_response("U", old, new))[1] == "`U`: field `v`: oneOf variants removed: `B`"
    )


def test_allof_members_and_inline_fields() -> None:
    # The fields of inline allOf members count as the schema's own.
    old = {"allOf": [ref("Base"), obj(a=S)]}
    new = {"allOf": [ref("Base"), ref("Mixin"), obj(["b"], a=S, b=S)]}
    assert lines(used_in_request("All", old, new)) == [
        "`All`: BREAKING allOf variants added: `Mixin`",
        "`All`: BREAKING field `b` added (required, string)",
    ]


def test_schemas_added_and_removed_and_usage_of_unreferenced_ones() -> None:
    report = diff(spec(schemas={"Old": S, "Kept": S}), spec(schemas={"New": S, "Kept": obj()}))
    assert report.schemas_added == ["New"]
    assert report.schemas_removed == ["Old"]
    assert report.schema_usage == {"`Kept`": "no operation"}
    assert lines(report)[2:] == ["`Kept`: BREAKING type string → object"]
    assert "schema removed: `Old`" in report.breaking()


def test_schema_usage_follows_refs_through_schemas_and_parameters() -> None:
    schemas = {"Outer": obj(inner=ref("Inner")), "Inner": obj(x=S), "P": S}
    paths = {
        "/a": {
            "post": op(
                params=[{"name": "p", "in": "query", "schema": ref("P")}], body=ref("Outer")
            ),
            "get": op(responses={"200": json({"type": "array", "items": ref("Inner")})}),
        }
    }
    new_schemas = {**schemas, "Inner": obj(["x"], x=S), "P": {"type": "string", "enum": ["a"]}}
    report = diff(spec(paths, schemas), spec(paths, new_schemas))
    assert report.schema_usage == {"`Inner`": "request and response", "`P`": "request"}
    assert lines(report) == [
        "`Inner`: BREAKING field `x` is now required",
        "`P`: BREAKING now an enum: `a`",
    ]


def test_render_orders_sections_and_counts() -> None:
    old = spec({"/b": {"get": op("b")}, "/a": {"get": op("a")}}, {"Z": S, "A": S})
    new = spec({"/c": {"get": op("c")}}, {"Z": {"type": "integer"}})
    text = render(diff(old, new, "old.yaml", "new.yaml"))
    assert text.splitlines()[:6] == [
        "# API changes: old.yaml → new.yaml",
        "",
        "- old: `old.yaml` (OpenAPI 3.1.0, info.version 1, 2 operations, 2 schemas)",
        "- new: `new.yaml` (OpenAPI 3.1.0, info.version 1, 1 operations, 1 schemas)",
        "",
        "**4 breaking changes** (**breaking** below), 5 changes in all. Operations: 1 added, "
        "2 removed, 0 changed. Schemas: 0 added, 1 removed, 1 changed.",
    ]
    assert text.index("`GET /a`") < text.index("`GET /b`")
    assert text == render(diff(old, new, "old.yaml", "new.yaml"))
