"""The spec's examples, collected from the overlaid spec (the one the generator reads) and
composed from its field examples, and how generated models are checked against them:
tests/test_spec_examples.py reads them, and the contract suite composes its requests and
compares its responses with them. The module docstring of tests/test_spec_examples.py says
where each example comes from."""

from __future__ import annotations

import copy
import datetime as dt
import importlib
import itertools
import json
import re
import shlex
import types
import typing
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import attrs
import httpx
from dateutil.parser import isoparse

from generator import inventory
from generator.overlay import apply_overlay
from generator.spec import ROOT, fetch
from generator.specfile import load_yaml
from together._open_values import strictly

OVERLAY = ROOT / "openapi" / "overlay.yaml"


PACKAGE = ROOT / "together_generated"


def _overlaid_spec() -> dict[str, Any]:
    """The pinned spec with the overlay applied, as ``make generate`` hands it to the
    generator (build/spec/together-openapi.overlaid.json); made here rather than read
    from build/ so that it always follows the current overlay."""
    spec = load_yaml(fetch())
    apply_overlay(spec, load_yaml(OVERLAY))
    result: dict[str, Any] = json.loads(json.dumps(spec, default=str))  # as the generator does
    return result


SPEC = _overlaid_spec()


MODULES = inventory.endpoint_modules(PACKAGE)


@dataclass(frozen=True)
class Example:
    method: str
    path: str
    direction: str  # "request" or "response"
    status: str  # the response status; "" for a request
    schema: str  # the component schema of the body, or "inline"
    source: str  # where in the spec the example comes from
    value: Any

    @property
    def id(self) -> str:
        where = "request" if self.direction == "request" else self.status
        return f"{self.method} {self.path} {where} {self.schema} <{self.source}>"

    @property
    def composed(self) -> bool:
        return self.source == COMPOSED


@dataclass(frozen=True)
class Unreadable:
    """An example that cannot even be read from the spec; its test fails with ``why``."""

    why: str


COMPOSED = "composed from field examples"


def _ref_name(schema: dict[str, Any]) -> str | None:
    ref = schema.get("$ref", "")
    return ref.rsplit("/", 1)[-1] if ref.startswith("#/components/schemas/") else None


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Follow ``$ref`` (to schemas, examples, request bodies, responses) within the spec."""
    seen = set()
    while "$ref" in node:
        ref = node["$ref"]
        if ref in seen or not ref.startswith("#/"):
            raise ValueError(f"cannot resolve {ref!r}")
        seen.add(ref)
        target: Any = SPEC
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _own_examples(schema: dict[str, Any]) -> list[Any]:
    """``example`` and 3.1 ``examples`` of a schema; one beside a ``$ref`` wins."""
    for node in (schema, _resolve(schema)):
        found = ([node["example"]] if "example" in node else []) + list(node.get("examples") or [])
        if found:
            return found
    return []


def _given_examples(media: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """The examples a media type states outright, with where each one sits."""
    if "example" in media:
        yield "media example", media["example"]
    for name, example in (media.get("examples") or {}).items():
        example = _resolve(example)
        if "value" in example:
            yield f"media examples.{name}", example["value"]
    for number, example in enumerate(_own_examples(media.get("schema") or {})):
        yield f"schema example {number}", example


def _curl_bodies(operation: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """The JSON body (``-d '...'``) of each cURL sample of the operation."""
    for sample in operation.get("x-codeSamples") or []:
        if sample.get("lang") != "Shell" or "curl" not in sample.get("source", ""):
            continue
        try:
            words = shlex.split(sample["source"].replace("\\\n", " "))
        except ValueError as exc:
            yield "cURL sample", Unreadable(f"not a shell command ({exc}):\n{sample['source']}")
            continue
        for flag, value in itertools.pairwise(words):
            if flag in ("-d", "--data", "--data-raw") and value.lstrip().startswith("{"):
                try:
                    yield "cURL sample", json.loads(value)
                except ValueError as exc:
                    yield "cURL sample", Unreadable(f"the body is not JSON ({exc}):\n{value}")


class _Omit:
    """No value possible: the schema refers back to itself."""


OMIT = _Omit()


PLACEHOLDER_STRINGS = {
    "date-time": "2024-01-02T03:04:05Z",
    "date": "2024-01-02",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "email": "user@example.com",
}


FIELD_EXAMPLES_USED: set[int] = set()  # id() of every schema node whose example was used


@dataclass
class _Composer:
    """Builds an example for a schema out of its fields' own examples, as doc renderers do."""

    direction: str
    stack: list[str] = field(default_factory=list)

    def value(self, schema: dict[str, Any], own_example: bool = True) -> Any:
        """An example of ``schema``; with ``own_example=False`` built from its fields even
        where the schema has an example of its own (that one is checked as given)."""
        for node in (schema, _resolve(schema)) if own_example else ():
            if examples := _own_examples(node):
                FIELD_EXAMPLES_USED.add(id(node))
                return copy.deepcopy(examples[0])
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
        if values := [v for v in schema.get("enum") or [] if v is not None]:
            return values[0]
        if schema.get("default") is not None:
            return copy.deepcopy(schema["default"])
        if "allOf" in schema:
            parts = [self.value(part) for part in schema["allOf"]]
            if OMIT in parts:
                return OMIT
            if not all(isinstance(part, dict) for part in parts):
                return parts[0]  # `allOf: [$ref]`: a reference with a description beside it
            return {key: value for part in parts for key, value in part.items()}
        for key in ("oneOf", "anyOf"):
            if key in schema:
                return self._first_branch(schema[key])
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
            low = max(0, schema.get("minimum", 0), schema.get("exclusiveMinimum", -1) + 1)
            return low if kind == "integer" else float(low)
        if kind == "boolean":
            return True
        if kind == "null":
            return None
        return {}  # no type: any JSON value will do

    def _first_branch(self, branches: list[dict[str, Any]]) -> Any:
        for branch in branches:
            if _resolve(branch).get("type") != "null":
                value = self.value(branch)
                if value is not OMIT:
                    return value
        return None if any(_resolve(b).get("type") == "null" for b in branches) else OMIT

    def _object(self, schema: dict[str, Any]) -> Any:
        skip = "readOnly" if self.direction == "request" else "writeOnly"
        required = set(schema.get("required") or [])
        result = {}
        for name, sub in (schema.get("properties") or {}).items():
            if sub.get(skip) or _resolve(sub).get(skip):
                continue
            value = self.value(sub)
            if value is OMIT:
                if name in required:
                    return OMIT
                continue
            result[name] = value
        return result


def _examples_of(media: dict[str, Any], direction: str, extra: list[tuple[str, Any]]) -> list:
    composed = _Composer(direction).value(media.get("schema") or {}, own_example=False)
    return [*_given_examples(media), *extra, (COMPOSED, composed)]


def _collect() -> list[Example]:
    found = []
    for (method, path), operation in sorted(inventory.spec_operations(SPEC).items()):
        if (method, inventory.normalize(path)) not in MODULES:
            continue  # the WebSocket operations: nothing generated to check
        body = _resolve(operation.get("requestBody") or {})
        media = (body.get("content") or {}).get("application/json")
        if media is not None:
            name = _ref_name(media.get("schema") or {}) or "inline"
            found += [
                Example(method, path, "request", "", name, source, value)
                for source, value in _examples_of(media, "request", [*_curl_bodies(operation)])
            ]
        for status, response in (operation.get("responses") or {}).items():
            media = (_resolve(response).get("content") or {}).get("application/json")
            if str(status).startswith("2") and media is not None:
                name = _ref_name(media.get("schema") or {}) or "inline"
                found += [
                    Example(method, path, "response", str(status), name, source, value)
                    for source, value in _examples_of(media, "response", [])
                ]
    return found


EXAMPLES = _collect()


def _same_instant(a: str, b: str) -> bool:
    """``2024-01-02T03:04:05Z`` and ``2024-01-02T03:04:05+00:00`` are one date-time."""
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
            problem
            for i, (e, a) in enumerate(zip(expected, actual, strict=True))
            for problem in differences(e, a, f"{where}[{i}]")
        ]
    if isinstance(actual, dt.date):
        actual = actual.isoformat()
    if isinstance(expected, bool) == isinstance(actual, bool) and expected == actual:
        return []
    if isinstance(expected, str) and isinstance(actual, str) and _same_instant(expected, actual):
        return []
    return [f"{where}: {expected!r} became {actual!r}"]


class _Models(dict[str, Any]):
    """The names model annotations use, imported on demand (``models`` loads lazily)."""

    def __missing__(self, name: str) -> Any:
        models = importlib.import_module("together_generated.models")
        if name not in dir(models):
            raise KeyError(name)
        return getattr(models, name)


_MODELS = _Models()


def conforms(value: Any, hint: Any) -> bool:
    """Whether ``value`` is of the annotated type ``hint``."""
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
    return True  # an annotation this check does not know


def _show(hint: Any) -> str:
    text = re.sub(r"<class '([\w.]+)'>", r"\1", str(hint))
    return re.sub(r"\btogether_generated\.(?:types|models\.\w+)\.", "", text)


def model_problems(value: Any, where: str = "$") -> list[str]:
    """What a parsed model holds that its schema does not allow: fields the schema does
    not describe (in ``additional_properties``) and values of the wrong type."""
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
                found.append(f"{where}.{name}: {item!r} is not {_show(hints[name])}")
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


def endpoint_module(example: Example) -> types.ModuleType:
    return importlib.import_module(MODULES[(example.method, inventory.normalize(example.path))])


def body_model(module: types.ModuleType) -> Any:
    """The model class of the operation's request body, from its public description."""
    model = module.OPERATION.body
    assert model is not None, f"{module.__name__}: the body is not a model"
    return model


def response_type(module: types.ModuleType) -> type | tuple[type, ...]:
    """What ``parse_response`` builds, as the operation's description says."""
    result = module.OPERATION.result_type
    if result.startswith("list["):
        return list
    names = [name.strip() for name in result.split("|")]
    if all(name.isidentifier() and hasattr(module, name) for name in names):
        found = tuple(getattr(module, name) for name in names)
        return found[0] if len(found) == 1 else found
    return object  # a free-form JSON value


def check_request(example: Example) -> list[str]:
    model = body_model(endpoint_module(example))
    # Strictly: the client sends a value its spec doesn't list (with a warning), but the
    # spec's own example must keep to the spec.
    parsed = strictly(model.from_dict, copy.deepcopy(example.value))
    return model_problems(parsed) + differences(example.value, parsed.to_dict())


def check_response(example: Example) -> list[str]:
    module = endpoint_module(example)
    request = httpx.Request(example.method, f"http://x{example.path}")
    response = httpx.Response(int(example.status), json=example.value, request=request)
    parsed = module.OPERATION.parse_response(response, strict=True)
    expected = response_type(module)
    if parsed is None:
        return ["parse_response gave None"]
    if not isinstance(parsed, expected):
        return [f"parsed into {type(parsed).__name__}, not {expected}"]
    return model_problems(parsed) + differences(example.value, _to_json(parsed))


CHECKS: dict[str, Callable[[Example], list[str]]] = {
    "request": check_request,
    "response": check_response,
}


@dataclass
class Tally:
    """Examples checked and failed, per direction, schema and kind, for the summary."""

    checked: Counter[tuple[str, str, bool]] = field(default_factory=Counter)
    failed: Counter[tuple[str, str, bool]] = field(default_factory=Counter)

    def record(self, example: Example, ok: bool) -> None:
        schema = example.schema
        if schema == "inline":
            schema = f"inline ({example.method} {example.path})"
        key = (example.direction, schema, example.composed)
        self.checked[key] += 1
        self.failed[key] += not ok


TALLY = Tally()
