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
"""

from __future__ import annotations

import builtins
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


def main() -> int:
    strings.RESERVED_WORDS = set(KEPT)
    properties.property_from_data = property_from_data
    openapi_python_client.TEMPLATE_FILTERS["python_aliases"] = python_aliases
    openapi_python_client.TEMPLATE_FILTERS["builtin_names"] = builtin_names
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
