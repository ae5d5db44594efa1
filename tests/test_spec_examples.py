"""The generated models accept the spec's own examples.

Every example the spec gives for an operation's JSON request body or 2xx JSON response
goes through the generated code unharmed:

- a request example parses with the endpoint's body model (``Model.from_dict``) and
  ``to_dict()`` gives the same JSON back;
- a response example parses through the endpoint module's own ``parse_response``
  (strictly) into the model the spec declares for that status, and gives the same JSON
  back.

A parsed model must also hold only what its schema allows: a field the schema does not
describe (it lands in ``additional_properties``) or a value of the wrong type (the
generated ``from_dict`` copies scalars unchecked) is a failure, because the example or
the schema is wrong, and a union may have picked the wrong branch.

Examples come from the *overlaid* spec, the one the generator reads, so that the overlay
fixes a wrong example the way it fixes a wrong schema:

- ``example`` / ``examples`` of the media type, and of the body or response schema;
- the JSON body (``-d '{...}'``) of the operation's cURL sample in ``x-codeSamples``: the
  example the API reference shows for most request bodies;
- one *composed* example per body and per 2xx JSON response, built the way documentation
  renderers and mock servers build one: each field takes its own ``example`` from the
  spec, else its ``const``, first ``enum`` value or ``default``, else a placeholder of its
  type; a union takes its first branch. The spec has hundreds of field-level examples
  and almost no whole-body ones, so this is how most of them get checked.

A failure names the operation, the schema and where the example comes from. Fix it at
the source: a wrong schema or a wrong example with an action in ``openapi/overlay.yaml``,
a generator shortfall in ``generator/``; never by hand in ``together_generated/``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

import pytest

from .support.spec_examples import (
    CHECKS,
    COMPOSED,
    EXAMPLES,
    FIELD_EXAMPLES_USED,
    TALLY,
    Example,
    Unreadable,
)

pytestmark = pytest.mark.needs_generator


# A little under what the pinned spec yields (the summary at the end of a run shows the
# counts): far fewer would mean the collection broke and these tests check little.
MIN_REQUEST_EXAMPLES = 45
MIN_RESPONSE_EXAMPLES = 85
MIN_CURL_EXAMPLES = 18
MIN_FIELD_EXAMPLES_USED = 150


# --- Collecting the examples -----------------------------------------------------------


# --- What came out against what went in --------------------------------------------------


# --- The generated code an example goes through ------------------------------------------


# --- The tests -----------------------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_generated_code_accepts_spec_example(example: Example) -> None:
    ok = False
    try:
        if isinstance(example.value, Unreadable):
            pytest.fail(f"{example.id}: {example.value.why}")
        problems = CHECKS[example.direction](example)
        ok = not problems
    finally:
        TALLY.record(example, ok)
    assert not problems, f"{example.id}:\n  " + "\n  ".join(problems)


def test_enough_examples_are_collected() -> None:
    counts = Counter(e.direction for e in EXAMPLES)
    assert counts["request"] >= MIN_REQUEST_EXAMPLES, counts
    assert counts["response"] >= MIN_RESPONSE_EXAMPLES, counts
    assert sum(e.source == "cURL sample" for e in EXAMPLES) >= MIN_CURL_EXAMPLES
    assert any(e.source.startswith("schema example") for e in EXAMPLES)


def test_composed_examples_are_made_of_the_spec_s_field_examples() -> None:
    assert len(FIELD_EXAMPLES_USED) >= MIN_FIELD_EXAMPLES_USED


# --- A broken example fails ------------------------------------------------------------------


def _example(direction: str, method: str, path: str, source: str) -> Example:
    return next(
        e
        for e in EXAMPLES
        if (e.direction, e.method, e.path, e.source) == (direction, method, path, source)
    )


def verdict(example: Example) -> str:
    """All that is wrong with ``example``, whether the check reports it or raises."""
    try:
        return "\n".join(CHECKS[example.direction](example))
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"


def test_a_request_example_as_given_passes() -> None:
    assert verdict(_example("request", "POST", "/chat/completions", "cURL sample")) == ""


def test_a_request_example_with_a_wrong_shape_fails() -> None:
    example = _example("request", "POST", "/chat/completions", "cURL sample")
    broken = {**example.value, "messages": {"role": "user", "content": "hi"}}
    assert verdict(replace(example, value=broken)) != ""


def test_a_request_example_with_a_misspelt_field_fails() -> None:
    example = _example("request", "POST", "/chat/completions", "cURL sample")
    broken = {**example.value, "max_token": 10}
    assert verdict(replace(example, value=broken)) == (
        "$: ChatCompletionRequest has no field ['max_token']"
    )


def test_a_request_example_with_a_value_outside_its_enum_fails() -> None:
    example = _example("request", "PUT", "/compute/clusters/{cluster_id}", "cURL sample")
    broken = {**example.value, "cluster_type": "kubernetes"}
    assert "kubernetes" in verdict(replace(example, value=broken))


def test_a_response_example_without_a_required_field_fails() -> None:
    example = _example("response", "POST", "/chat/completions", COMPOSED)
    broken = {k: v for k, v in example.value.items() if k != "choices"}
    assert "choices" in verdict(replace(example, value=broken))


def test_a_response_example_with_a_value_of_the_wrong_type_fails() -> None:
    example = _example("response", "GET", "/files/{id}", COMPOSED)
    broken = {**example.value, "bytes": "8"}
    assert "'8'" in verdict(replace(example, value=broken))


def test_a_response_example_of_another_model_fails() -> None:
    example = _example("response", "GET", "/files/{id}", COMPOSED)
    other = _example("response", "POST", "/chat/completions", COMPOSED)
    assert verdict(replace(example, value=other.value)) != ""


# --- The summary at the end of the run -------------------------------------------------------


class _Summary:
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not TALLY.checked:
            return
        write = terminalreporter.write_line
        terminalreporter.section("spec examples through the generated models")
        for direction in ("request", "response"):
            keys = [k for k in TALLY.checked if k[0] == direction]
            for composed in (False, True):
                checked = sum(TALLY.checked[k] for k in keys if k[2] == composed)
                failed = sum(TALLY.failed[k] for k in keys if k[2] == composed)
                kind = COMPOSED if composed else "given in the spec"
                write(f"{direction} examples {kind}: {checked} checked, {failed} failed")
            per_schema: Counter[str] = Counter()
            failed_schema: Counter[str] = Counter()
            for key in keys:
                per_schema[key[1]] += TALLY.checked[key]
                failed_schema[key[1]] += TALLY.failed[key]
            write(f"  {len(per_schema)} {direction} schemas:")
            for name, count in sorted(per_schema.items()):
                failed = f", {failed_schema[name]} failed" if failed_schema[name] else ""
                write(f"    {name}: {count}{failed}")
        write(f"field examples of the spec used in composed examples: {len(FIELD_EXAMPLES_USED)}")


@pytest.fixture(autouse=True, scope="module")
def _summary_at_the_end(request: pytest.FixtureRequest) -> None:
    plugins = request.config.pluginmanager
    if not plugins.has_plugin("spec-examples-summary"):
        plugins.register(_Summary(), "spec-examples-summary")
