"""Run openapi-python-client with this project's naming of fields and parameters.

    python -m generator.run_client generate ...   (the arguments of openapi-python-client)

openapi-python-client offers no setting for the two things done here, so they are made
to its functions before it runs (it reads them at call time):

- Builtins keep their names. openapi-python-client appends ``_`` to every name that is a
  Python builtin (``type_``, ``object_``, ``input_``, ``bytes_``, ``format_``, ...). Users
  of Together's API write the JSON names (``event.type``, ``model.type == "chat"``,
  ``chunk.object``, ``file.bytes``), as the official SDKs do, and a builtin's name is a
  valid attribute and keyword: only Python keywords (``from``, ``class``) and the names
  in ``KEPT`` get another spelling. (The ``_`` spellings stay readable: see
  ``types.Model``.)
- The overlay can name a field's attribute: ``x-python-name`` on a property replaces the
  generated name (for a field named like a result method, which ``make generate`` then
  reports), and ``x-python-aliases`` lists other attribute names it is also read by (the
  official SDK's, where they differ from the spec's); the model template reads those
  with the ``python_aliases`` filter.

Two facts openapi-python-client does not hand to the templates are given to them as
filters, read from the (overlaid) spec it was given: the model each streamed event holds
(``stream_chunk``: openapi-python-client reads one media type per response, not the
``text/event-stream`` one), and which member of a response union each value of a request
field asks for (``request_choice``: ``response_format="verbose_json"`` asks for the verbose
transcription).
"""

from __future__ import annotations

import builtins
import json
import re
import sys
from typing import Any

import openapi_python_client
from openapi_python_client import strings
from openapi_python_client.parser import properties

# What stays respelled besides keywords: ``self`` (the methods' first parameter), the
# generated modules' own imports, the JSON literals openapi-python-client reserves, and
# the builtins that generated function bodies call by name (a field of that name would be
# a local hiding them). ``type`` and ``object`` are not among them: users read those
# fields on every event, so the templates call neither by name (``x.__class__``,
# ``builtins.type``, ``types.new_instance``).
KEPT = frozenset(
    {"self", "true", "false", "datetime", "builtins", "json", "cast"}
    | {"isinstance", "dict", "list", "tuple", "str", "int", "float", "bool", "len", "iter"}
    | {"enumerate", "getattr", "frozenset", "TypeError", "ValueError", "KeyError"}
    | {"AttributeError"}
)

# The names of the methods every result has (types.Model in types.py.jinja; a test checks
# that this lists them all). A field by one of these names would hide the method, so it
# must be given another attribute name in the overlay (``x-python-name``).
RESULT_METHODS = frozenset(
    {"to_dict", "to_json", "model_dump", "model_dump_json", "dict", "json", "keys", "get"}
    | {"from_dict", "from_response", "to_multipart", "additional_properties", "additional_keys"}
)

ALIASES: dict[tuple[str, str], tuple[str, ...]] = {}  # (class name, JSON name) → aliases
CLASHES: list[str] = []

_property_from_data = properties.property_from_data


def property_from_data(*args: Any, **kwargs: Any) -> Any:
    prop, schemas = _property_from_data(*args, **kwargs)
    if isinstance(prop, properties.PropertyError) or not kwargs.get("parent_name"):
        return prop, schemas
    data = kwargs["data"]
    extra = getattr(data, "model_extra", None) or {}
    parent = str(kwargs["parent_name"])
    if "x-python-name" in extra:
        prop.set_python_name(extra["x-python-name"], config=kwargs["config"], skip_snake_case=True)
    elif prop.python_name in RESULT_METHODS:
        CLASHES.append(f"{parent}.{_text(prop.name)}")
    if "x-python-aliases" in extra:
        ALIASES[(parent, _text(prop.name))] = tuple(extra["x-python-aliases"])
    return prop, schemas


def _text(name: Any) -> str:
    """A name from the spec as text (openapi-python-client wraps it: UntrustedString)."""
    return str(name.get_untrusted_value() if hasattr(name, "get_untrusted_value") else name)


def python_aliases(prop: Any, class_name: str) -> tuple[str, ...]:
    return ALIASES.get((str(class_name), _text(prop.name)), ())


def builtin_names(props: Any) -> list[str]:
    """The attribute names, of ``props``, that openapi-python-client would have respelled
    with a trailing ``_`` (the model template keeps that spelling as a keyword)."""
    return [str(prop.python_name) for prop in props if prop.python_name in BUILTINS]


# (openapi-python-client never respelled ``id``)
BUILTINS = frozenset(dir(builtins)) - {"id"}


SPEC: dict[str, Any] = {}  # the spec being generated from (its --path), once read
OPS: dict[tuple[str, str], dict[str, Any]] = {}  # (METHOD, normalized path) → operation


def stream_chunk(endpoint: Any) -> str:
    """The class name of the model each streamed event of ``endpoint`` holds, or ""."""
    from generator.inventory import normalize, spec_operations
    from generator.operations import stream_chunk as chunk_of

    if not OPS:
        OPS.update({(m, normalize(p)): op for (m, p), op in spec_operations(SPEC).items()})
    op = OPS[(_text(endpoint.method).upper(), normalize(_text(endpoint.path)))]
    name = chunk_of(SPEC, op)
    return str(strings.ClassName(name, "field_")) if name else ""


def _words(name: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", name)]


def request_choice(endpoint: Any, members: list[str]) -> tuple[str, dict[str, str]] | None:
    """(a request body field's JSON name, {its value: the member class it asks for}) when
    the values of one enum field of the body name the members of a response union: a
    value names the member whose class name holds the value's words and the fewest others
    (``json`` → ``AudioTranscriptionJsonResponse``, ``verbose_json`` →
    ``AudioTranscriptionVerboseJsonResponse``). Every member must be named, each by one
    value; else None (the answer is read by its fields alone)."""
    if len(endpoint.bodies) != 1:
        return None
    body = endpoint.bodies[0].prop
    for prop in [
        *getattr(body, "required_properties", []),
        *getattr(body, "optional_properties", []),
    ]:
        enums = (
            [prop]
            if hasattr(prop, "values")
            else [
                inner for inner in getattr(prop, "inner_properties", []) if hasattr(inner, "values")
            ]
        )
        values = sorted({str(v) for enum in enums for v in enum.values if v is not None})
        chosen: dict[str, str] = {}
        for value in values:
            words = _words(value.replace("_", " ").title().replace(" ", ""))
            fits = [
                m
                for m in members
                if any(_words(m)[i : i + len(words)] == words for i in range(len(_words(m))))
            ]
            if fits:
                chosen[value] = min(fits, key=lambda m: len(_words(m)))
        if sorted(set(chosen.values())) == sorted(members) and len(chosen) == len(members):
            return _text(prop.name), chosen
    return None


def main() -> int:
    strings.RESERVED_WORDS = set(KEPT)
    properties.property_from_data = property_from_data
    openapi_python_client.TEMPLATE_FILTERS["python_aliases"] = python_aliases
    openapi_python_client.TEMPLATE_FILTERS["builtin_names"] = builtin_names
    openapi_python_client.TEMPLATE_FILTERS["stream_chunk"] = stream_chunk
    openapi_python_client.TEMPLATE_FILTERS["request_choice"] = request_choice
    if "--path" in sys.argv:
        with open(sys.argv[sys.argv.index("--path") + 1]) as spec:
            SPEC.update(json.load(spec))
    from openapi_python_client.cli import app

    sys.argv[0] = "openapi-python-client"
    try:
        app()
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise
    if CLASHES:
        print(
            "fields named like a result method (give each an `x-python-name` in "
            "openapi/overlay.yaml; result[name] still reads it): " + ", ".join(sorted(CLASHES)),
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
