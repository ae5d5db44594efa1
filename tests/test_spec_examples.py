"""The generated models accept the spec's own examples.

Every example the spec gives for an operation's JSON request body or 2xx JSON response
must go through the generated code unharmed:

- a request example parses with the endpoint's body model (``Model.from_dict``) and
  ``to_dict()`` gives back the same JSON;
- a response example parses through the endpoint module's own ``_parse_response`` into
  the model the spec declares for that status, and that model's ``to_dict()`` gives back
  the same JSON.

Either way, a field the schema does not describe (it lands in a model's
``additional_properties``) counts as a failure: it means the example or the schema is
wrong, and a union would silently pick the wrong branch.

Examples are read from the *overlaid* spec, the one the generator consumed, so that the
overlay fixes a wrong example the same way it fixes a wrong schema. They come from:

- ``example`` / ``examples`` of the media type, and ``example`` / ``examples`` on the
  body or response schema itself (what OpenAPI calls an example);
- the JSON body of the operation's cURL sample (``x-codeSamples``, ``-d '{...}'``): the
  example the API reference shows for most request bodies;
- a *composed* example per body and per 2xx JSON response, built the way documentation
  renderers and mock servers build one: each field takes its own ``example`` from the
  spec, else its ``const``, first ``enum`` value or ``default``, else a placeholder of
  its type; unions take their first branch. The spec has hundreds of field-level
  examples and almost no whole-body ones, so this is how most of them are checked.

A failure names the operation, the schema and the source of the example. Fix it where it
comes from: a wrong schema or a wrong example with an action in ``openapi/overlay.yaml``,
a generator shortfall with a template in ``generator/templates/``; never by hand in
``together_generated/``.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib
import json
import re
import shlex
import types
import typing
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest
from dateutil.parser import isoparse

import together_generated.models
from generator import inventory
from generator.overlay import apply_overlay
from generator.spec import ROOT, fetch
from generator.specfile import load_yaml
from together_generated.client import Client
from together_generated.types import Unset

OVERLAY = ROOT / "openapi" / "overlay.yaml"
PACKAGE = ROOT / "together_generated"

# What the pinned spec holds today (see the summary at the end of the run): far fewer
# and these tests would be checking almost nothing.
MIN_REQUEST_EXAMPLES = 50
MIN_RESPONSE_EXAMPLES = 70
MIN_CURL_EXAMPLES = 20


def _overlaid_spec() -> dict[str, Any]:
    """The pinned spec with the overlay applied, as ``make generate`` hands it to the
    generator (build/spec/together-openapi.overlaid.json): made here rather than read from
    build/ so that it always follows the current overlay."""
    spec = load_yaml(fetch())
    apply_overlay(spec, load_yaml(OVERLAY))
    # The same JSON round trip as the generator's: YAML timestamps become strings.
    return json.loads(json.dumps(spec, default=str))  # type: ignore[no-any-return]


SPEC = _overlaid_spec()
MODULES = inventory.endpoint_modules(PACKAGE)


# --- Collecting the examples -----------------------------------------------------------


@dataclass(frozen=True)
class Example:
    method: str
    path: str
    direction: str  # "request" or "response"
    status: str  # the response status, "" for a request
    schema: str  # the component schema of the body, or "inline"
    source: str  # where in the spec the example comes from
    value: Any = field(compare=False)

    @property
    def id(self) -> str:
        where = "request" if self.direction == "request" else self.status
        return f"{self.method} {self.path} {where} {self.schema} <{self.source}>"


def _ref_name(schema: dict[str, Any]) -> str | None:
    ref = schema.get("$ref", "")
    return ref.rsplit("/", 1)[-1] if ref.startswith("#/components/schemas/") else None


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Follow ``$ref`` (schemas, examples, request bodies, responses) within the spec."""
    seen = set()
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if ref in seen or not ref.startswith("#/"):
            raise ValueError(f"cannot resolve {ref!r}")
        seen.add(ref)
        target: Any = SPEC
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _given_examples(media: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """The examples a media type object states outright, with where each one sits."""
    if "example" in media:
        yield "media example", media["example"]
    for name, example in (media.get("examples") or {}).items():
        example = _resolve(example)
        if "value" in example:
            yield f"media examples.{name}", example["value"]
    schema = media.get("schema") or {}
    for node in (schema, _resolve(schema)):
        if "example" in node:
            yield "schema example", node["example"]
        for number, example in enumerate(node.get("examples") or []):
            yield f"schema examples[{number}]", example
        if node is not schema and ("example" in schema or "examples" in schema):
            break  # a sibling of $ref overrides the referenced schema's own example


def _curl_bodies(operation: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """The JSON body (``-d '...'``) of each cURL sample of the operation."""
    for sample in operation.get("x-codeSamples") or []:
        if sample.get("lang") != "Shell" or "curl" not in sample.get("source", ""):
            continue
        source = "cURL sample"
        try:
            words = shlex.split(sample["source"].replace("\\\n", " "))
        except ValueError as exc:
            yield source, Unreadable(f"not a valid shell command ({exc}):\n{sample['source']}")
            continue
        for flag, value in zip(words, words[1:], strict=False):
            if flag in ("-d", "--data", "--data-raw") and value.lstrip().startswith("{"):
                try:
                    yield source, json.loads(value)
                except ValueError as exc:
                    yield source, Unreadable(f"the body is not JSON ({exc}):\n{value}")


@dataclass(frozen=True)
class Unreadable:
    """An example that could not even be read from the spec: its check fails with ``why``."""

    why: str


def _composed(schema: dict[str, Any], direction: str) -> Any:
    return _Composer(direction).value(schema)


class _Omit:
    """A field that cannot be given a value (a schema that refers back to itself)."""


OMIT = _Omit()
PLACEHOLDER_STRINGS = {
    "date-time": "2024-01-02T03:04:05Z",
    "date": "2024-01-02",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "email": "user@example.com",
}


@dataclass
class _Composer:
    """Builds an example from a schema's own field examples, as doc renderers do."""

    direction: str
    stack: list[str] = field(default_factory=list)

    def value(self, schema: dict[str, Any]) -> Any:
        # An example next to a $ref describes this use of the referenced schema.
        for node in (schema, _resolve(schema)):
            if "example" in node:
                return copy.deepcopy(node["example"])
            if node.get("examples"):
                return copy.deepcopy(node["examples"][0])
        name = _ref_name(schema)
        if name in self.stack:
            return OMIT
        if name:
            self.stack.append(name)
        try:
            return self._value(_resolve(schema))
        finally:
            if name:
                self.stack.pop()

    def _value(self, schema: dict[str, Any]) -> Any:
        if "const" in schema:
            return schema["const"]
        if [v for v in schema.get("enum") or [] if v is not None]:
            return next(v for v in schema["enum"] if v is not None)
        if schema.get("default") is not None:
            return copy.deepcopy(schema["default"])
        if "allOf" in schema:
            merged: dict[str, Any] = {}
            for part in schema["allOf"]:
                value = self.value(part)
                if isinstance(value, dict):
                    merged.update(value)
            return merged
        for key in ("oneOf", "anyOf"):
            branches = [b for b in schema.get(key) or [] if _resolve(b).get("type") != "null"]
            for branch in branches:
                value = self.value(branch)
                if value is not OMIT:
                    return value
            if key in schema:
                return None if len(branches) < len(schema[key]) else OMIT
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        if kind == "object" or "properties" in schema:
            return self._object(schema)
        if kind == "array":
            item = self.value(schema.get("items") or {})
            return [] if item is OMIT else [item]
        if kind == "string":
            return PLACEHOLDER_STRINGS.get(schema.get("format", ""), "string")
        if kind in ("integer", "number"):
            low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
            value = max(0, low) + (1 if "exclusiveMinimum" in schema else 0)
            return value if kind == "integer" else float(value)
        if kind == "boolean":
            return True
        if kind == "null":
            return None
        return {}  # a schema without a type: any JSON value will do

    def _object(self, schema: dict[str, Any]) -> Any:
        skip = "readOnly" if self.direction == "request" else "writeOnly"
        required = set(schema.get("required") or [])
        result = {}
        for name, sub in (schema.get("properties") or {}).items():
            if _resolve(sub).get(skip) or sub.get(skip):
                continue
            value = self.value(sub)
            if value is OMIT:
                if name in required:
                    return OMIT
                continue
            result[name] = value
        return result


def _collect() -> list[Example]:
    found = []
    for (method, path), operation in sorted(inventory.spec_operations(SPEC).items()):
        if (method, inventory.normalize(path)) not in MODULES:
            continue  # WebSocket operations: nothing generated to check
        body = _resolve(operation.get("requestBody") or {})
        media = (body.get("content") or {}).get("application/json")
        if media is not None:
            schema = media.get("schema") or {}
            name = _ref_name(schema) or "inline"
            sources = [*_given_examples(media), *_curl_bodies(operation)]
            sources.append(("composed from field examples", _composed(schema, "request")))
            found += [
                Example(method, path, "request", "", name, source, value)
                for source, value in sources
            ]
        for status, response in (operation.get("responses") or {}).items():
            status = str(status)
            media = (_resolve(response).get("content") or {}).get("application/json")
            if not status.startswith("2") or media is None:
                continue
            schema = media.get("schema") or {}
            name = _ref_name(schema) or "inline"
            sources = list(_given_examples(media))
            sources.append(("composed from field examples", _composed(schema, "response")))
            found += [
                Example(method, path, "response", status, name, source, value)
                for source, value in sources
            ]
    return found


EXAMPLES = _collect()


# --- Comparing what went in with what came out -----------------------------------------


def _same_instant(a: str, b: str) -> bool:
    """``2024-01-02T03:04:05Z`` and ``2024-01-02T03:04:05+00:00`` are the same date-time."""
    if not (re.match(r"\d{4}-\d\d-\d\d", a) and re.match(r"\d{4}-\d\d-\d\d", b)):
        return False
    try:
        return isoparse(a) == isoparse(b)
    except ValueError:
        return False


def differences(expected: Any, actual: Any, where: str = "$") -> list[str]:
    """Where ``actual`` (from ``to_dict()``) differs from ``expected`` (the example)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = [f"{where}.{k}: dropped" for k in expected if k not in actual]
        found += [f"{where}.{k}: added ({actual[k]!r})" for k in actual if k not in expected]
        for key in expected.keys() & actual.keys():
            found += differences(expected[key], actual[key], f"{where}.{key}")
        return found
    if isinstance(expected, list) and isinstance(actual, list | tuple):
        if len(expected) != len(actual):
            return [f"{where}: {len(expected)} items became {len(actual)}"]
        return [
            d for i, (e, a) in enumerate(zip(expected, actual)) for d in differences(e, a, f"{where}[{i}]")
        ]
    if isinstance(actual, dt.date):
        actual = actual.isoformat()
    same_kind = isinstance(expected, bool) == isinstance(actual, bool)
    if same_kind and expected == actual:
        return []
    if isinstance(expected, str) and isinstance(actual, str) and _same_instant(expected, actual):
        return []
    return [f"{where}: {expected!r} became {actual!r}"]


class _Models(dict[str, Any]):
    """Names a model's annotations use, imported on demand (``models`` loads lazily)."""

    def __missing__(self, name: str) -> Any:
        if name not in dir(together_generated.models):
            raise KeyError(name)
        return getattr(together_generated.models, name)


_MODELS = _Models()


def conforms(value: Any, hint: Any) -> bool:
    """Whether ``value`` is of the annotated type ``hint``: the generated ``from_dict``
    copies scalars without checking them, so a string example on an integer field would
    otherwise go through unnoticed."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(conforms(value, arg) for arg in args)
    if origin is typing.Literal:
        return value in args
    if origin in (list, tuple):
        return isinstance(value, list | tuple) and all(conforms(v, args[0]) for v in value)
    if origin is dict:
        return isinstance(value, dict) and all(conforms(v, args[1]) for v in value.values())
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is type(None):
        return value is None
    if isinstance(hint, type):
        return isinstance(value, hint)
    return True  # an annotation this check does not understand


def model_problems(value: Any, where: str = "$") -> list[str]:
    """What a parsed model holds that its schema does not allow: fields the schema does
    not describe (they land in ``additional_properties``) and values of the wrong type."""
    found = []
    if attrs.has(type(value)):
        hints = typing.get_type_hints(type(value), localns=_MODELS)
        declared = [f.name for f in attrs.fields(type(value)) if f.name != "additional_properties"]
        extra = getattr(value, "additional_properties", None) or {}
        if declared and extra:
            found.append(f"{where}: {type(value).__name__} has no field {sorted(extra)}")
        for name in [*declared, "additional_properties"] if extra else declared:
            item = getattr(value, name)
            if not conforms(item, hints[name]):
                found.append(f"{where}.{name}: {item!r} is not {hints[name]}")
            found += model_problems(item, f"{where}.{name}")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found += model_problems(item, f"{where}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            found += model_problems(item, f"{where}.{key}")
    return found


def _to_json(value: Any) -> Any:
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    return value


# --- Finding the generated code for an example -----------------------------------------


def _module(example: Example) -> Any:
    return importlib.import_module(MODULES[(example.method, inventory.normalize(example.path))])


def body_model(module: Any) -> type:
    """The model class of the ``body`` argument of an endpoint's ``_get_kwargs``."""
    hints = typing.get_type_hints(module._get_kwargs)
    options = [
        t for t in typing.get_args(hints["body"]) or (hints["body"],) if t not in (Unset, type(None))
    ]
    assert len(options) == 1, f"body is a union {options}: cannot tell which model to use"
    return options[0]


def response_type(module: Any, status: str) -> type | tuple[type, ...]:
    """What ``_parse_response`` builds for ``status``, read from the generated source."""
    source = Path(module.__file__).read_text()
    block = re.search(
        rf"if response.status_code == {status}:\n(.*?)\n        return response_{status}\n",
        source,
        re.S,
    )
    assert block, f"{module.__name__}: _parse_response does not handle {status}"
    code = block[1]
    if match := re.search(rf"response_{status} = \(?\s*(\w+)\.from_dict\(", code):
        return getattr(module, match[1])
    if f"response_{status} = []" in code:
        return list
    if match := re.search(r"-> ([\w |]+):", code):
        return tuple(getattr(module, name.strip()) for name in match[1].split("|"))
    return object  # a free-form JSON value


# --- The checks ------------------------------------------------------------------------


@dataclass
class Tally:
    checked: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    failed: Counter[tuple[str, str, str]] = field(default_factory=Counter)

    def record(self, example: Example, ok: bool) -> None:
        kind = "literal" if not example.source.startswith("composed") else "composed"
        key = (example.direction, example.schema, kind)
        self.checked[key] += 1
        if not ok:
            self.failed[key] += 1


TALLY = Tally()


def check_request(example: Example) -> list[str]:
    model = body_model(_module(example))
    parsed = model.from_dict(copy.deepcopy(example.value))
    return model_problems(parsed) + differences(example.value, parsed.to_dict())


def check_response(example: Example) -> list[str]:
    module = _module(example)
    status = int(example.status)
    request = httpx.Request(example.method, f"http://x{example.path}")
    response = httpx.Response(status, json=example.value, request=request)
    client = Client(base_url="http://x", raise_on_unexpected_status=True)
    parsed = module._parse_response(client=client, response=response)
    expected = response_type(module, example.status)
    if parsed is None:
        return ["_parse_response returned None"]
    if not isinstance(parsed, expected):
        return [f"parsed into {type(parsed).__name__}, expected {expected}"]
    return model_problems(parsed) + differences(example.value, _to_json(parsed))


CHECKS: dict[str, Callable[[Example], list[str]]] = {
    "request": check_request,
    "response": check_response,
}


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


def test_enough_examples_are_checked() -> None:
    counts = Counter(e.direction for e in EXAMPLES)
    curl = sum(e.source.startswith("cURL") for e in EXAMPLES)
    assert counts["request"] >= MIN_REQUEST_EXAMPLES, counts
    assert counts["response"] >= MIN_RESPONSE_EXAMPLES, counts
    assert curl >= MIN_CURL_EXAMPLES, curl


def test_every_json_body_and_response_has_an_example() -> None:
    covered = {(e.method, e.path, e.direction, e.status) for e in EXAMPLES}
    assert all(
        (e.method, e.path, e.direction, e.status) in covered
        for e in EXAMPLES
        if e.source.startswith("composed")
    )
    composed = [e for e in EXAMPLES if e.source.startswith("composed")]
    assert len(composed) == len(covered)


# --- The checks themselves can fail ----------------------------------------------------


def _one(direction: str, method: str, path: str, source: str) -> Example:
    return next(
        e
        for e in EXAMPLES
        if (e.direction, e.method, e.path) == (direction, method, path) and e.source.startswith(source)
    )


def test_a_request_example_with_a_wrong_type_fails() -> None:
    example = _one("request", "POST", "/chat/completions", "cURL")
    broken = copy.deepcopy(example.value)
    broken["messages"] = "not a list of messages"
    with pytest.raises((TypeError, ValueError, AttributeError, KeyError)):
        check_request(replace(example, value=broken))


def test_a_request_example_with_a_misspelt_field_fails() -> None:
    example = _one("request", "POST", "/chat/completions", "cURL")
    broken = {**example.value, "max_token": 10}
    problems = check_request(replace(example, value=broken))
    assert problems == ["$: ChatCompletionRequest has no field ['max_token']"]


def test_a_response_example_missing_a_required_field_fails() -> None:
    example = _one("response", "POST", "/chat/completions", "composed")
    broken = {k: v for k, v in example.value.items() if k != "choices"}
    with pytest.raises(KeyError):
        check_response(replace(example, value=broken))


def test_a_response_example_with_a_value_of_the_wrong_type_fails() -> None:
    example = _one("response", "GET", "/files/{id}", "composed")
    broken = {**example.value, "bytes": "8"}
    problems = check_response(replace(example, value=broken))
    assert problems == ["$.bytes: '8' is not int"]



# --- Reporting ---------------------------------------------------------------------------


class _Summary:
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not TALLY.checked:
            return
        write = terminalreporter.write_line
        terminalreporter.section("spec examples through the generated models")
        for direction in ("request", "response"):
            rows = sorted(k for k in TALLY.checked if k[0] == direction)
            for kind in ("literal", "composed"):
                total = sum(TALLY.checked[k] for k in rows if k[2] == kind)
                failed = sum(TALLY.failed[k] for k in rows if k[2] == kind)
                write(f"{direction} examples, {kind}: {total} checked, {failed} failed")
            per_schema: Counter[str] = Counter()
            failed_schema: Counter[str] = Counter()
            for key in rows:
                per_schema[key[1]] += TALLY.checked[key]
                failed_schema[key[1]] += TALLY.failed[key]
            write(
                f"  by schema: "
                + ", ".join(
                    f"{name} {n}" + (f" ({failed_schema[name]} failed)" if failed_schema[name] else "")
                    for name, n in sorted(per_schema.items())
                )
            )


@pytest.fixture(autouse=True, scope="module")
def _report_at_the_end(request: pytest.FixtureRequest) -> None:
    manager = request.config.pluginmanager
    if not manager.has_plugin("spec-examples-summary"):
        manager.register(_Summary(), "spec-examples-summary")
