"""Python types as JSON schemas, and JSON values as those types, without pydantic.

``json_schema(tp)`` describes a dataclass, a ``TypedDict``, an attrs class, a pydantic
model (through its own ``model_json_schema()``), or the fields of a function's signature
(``signature_schema``), with the usual field types inside: ``str``, ``int``, ``float``,
``bool``, ``None``, lists, tuples, sets, ``dict[str, X]``, ``Literal``, ``Enum``, unions
and ``Optional``, ``Annotated[X, "description"]``, dates and times, and nested classes.
``build(tp, value)`` checks parsed JSON against the same type and makes the instance
(pydantic validation for a pydantic model), raising ValueError that names the path.

pydantic is imported only when the type given is a pydantic model.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import inspect
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Literal, Union, get_args, get_origin

_ANNOTATED = type(typing.Annotated[int, ""])
_FORMATS: dict[type, str] = {
    datetime.datetime: "date-time",
    datetime.date: "date",
    datetime.time: "time",
}


def is_pydantic_model(tp: object) -> bool:
    """A pydantic (v2) model class, told without importing pydantic."""
    return isinstance(tp, type) and callable(getattr(tp, "model_json_schema", None))


def is_typeddict(tp: object) -> bool:
    return isinstance(tp, type) and issubclass(tp, dict) and hasattr(tp, "__total__")


def is_attrs(tp: object) -> bool:
    return isinstance(tp, type) and hasattr(tp, "__attrs_attrs__")


def is_structured(tp: object) -> bool:
    """A type this module describes as an object of fields."""
    return (
        is_pydantic_model(tp)
        or is_typeddict(tp)
        or is_attrs(tp)
        or (isinstance(tp, type) and dataclasses.is_dataclass(tp))
    )


class _Field(typing.NamedTuple):
    name: str
    type: Any
    required: bool
    description: str | None = None


def _hints(owner: Any) -> dict[str, Any]:
    try:
        return typing.get_type_hints(owner, include_extras=True)
    except Exception as exc:
        name = getattr(owner, "__qualname__", repr(owner))
        raise TypeError(f"{name}: can't read its type hints: {exc}") from None


def fields_of(tp: type) -> list[_Field]:
    """The fields of a dataclass, TypedDict or attrs class, in order."""
    hints = _hints(tp)
    if is_typeddict(tp):
        required = getattr(tp, "__required_keys__", frozenset(hints))
        return [_Field(name, kind, name in required) for name, kind in hints.items()]
    if dataclasses.is_dataclass(tp):
        return [
            _Field(
                f.name,
                hints.get(f.name, Any),
                f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
            )
            for f in dataclasses.fields(tp)
            if f.init
        ]
    import attrs

    return [
        _Field(a.alias or a.name, hints.get(a.name, a.type or Any), a.default is attrs.NOTHING)
        for a in attrs.fields(tp)
        if a.init
    ]


def json_schema(tp: Any) -> dict[str, Any]:
    """The JSON schema of ``tp`` (a class of fields, or any type this module knows)."""
    if is_pydantic_model(tp):
        schema: dict[str, Any] = tp.model_json_schema()
        return schema
    return _Schemas().of(tp, tp)


def signature_schema(function: Callable[..., Any], params: Mapping[str, str]) -> dict[str, Any]:
    """The schema of the keyword arguments ``function`` takes (its parameters' type
    hints; ``params``: descriptions by name, from its docstring)."""
    hints = _hints(function)
    fields: list[_Field] = []
    for p in inspect.signature(function).parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD, p.POSITIONAL_ONLY):
            if p.kind is p.POSITIONAL_ONLY:
                raise TypeError(
                    f"{function.__qualname__}: a tool's arguments are given by name; "
                    f"{p.name!r} is positional-only"
                )
            continue
        fields.append(
            _Field(p.name, hints.get(p.name, Any), p.default is p.empty, params.get(p.name))
        )
    return _Schemas().object(fields, function)


class _Schemas:
    def __init__(self) -> None:
        self.seen: list[Any] = []  # the classes being described: a cycle can't be inlined

    def object(self, fields: list[_Field], owner: Any) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        for f in fields:
            schema = self.of(f.type, owner)
            if f.description:
                schema = {**schema, "description": f.description}
            properties[f.name] = schema
        schema = {
            "type": "object",
            "properties": properties,
            "required": [f.name for f in fields if f.required],
            "additionalProperties": False,
        }
        return schema

    def of(self, tp: Any, owner: Any) -> dict[str, Any]:
        if isinstance(tp, _ANNOTATED):
            annotated: Any = tp
            schema = self.of(annotated.__origin__, owner)
            texts = [m for m in annotated.__metadata__ if isinstance(m, str)]
            return {**schema, "description": texts[0]} if texts else schema
        if tp is Any or tp is object:
            return {}
        if tp is None or tp is type(None):
            return {"type": "null"}
        if tp is bool:
            return {"type": "boolean"}
        if tp is int:
            return {"type": "integer"}
        if tp is float:
            return {"type": "number"}
        if tp is str:
            return {"type": "string"}
        if tp in _FORMATS:
            return {"type": "string", "format": _FORMATS[tp]}
        origin = get_origin(tp)
        args = get_args(tp)
        if origin is Literal:
            return {"enum": list(args)}
        if origin is Union or origin is types.UnionType:
            return {"anyOf": [self.of(a, owner) for a in args]}
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return {"enum": [m.value for m in tp]}
        if origin in (list, set, frozenset) or _is_abc(origin, "Sequence", "Set", "Iterable"):
            schema = {"type": "array", "items": self.of(args[0] if args else Any, owner)}
            return {**schema, "uniqueItems": True} if origin in (set, frozenset) else schema
        if origin is tuple:
            if len(args) == 2 and args[1] is Ellipsis:
                return {"type": "array", "items": self.of(args[0], owner)}
            return {
                "type": "array",
                "prefixItems": [self.of(a, owner) for a in args],
                "minItems": len(args),
                "maxItems": len(args),
            }
        if origin is dict or _is_abc(origin, "Mapping"):
            value = args[1] if len(args) == 2 else Any
            return {"type": "object", "additionalProperties": self.of(value, owner)}
        if tp in (list, tuple, set, frozenset):
            return {"type": "array"}
        if tp is dict:
            return {"type": "object"}
        if is_pydantic_model(tp):
            schema = tp.model_json_schema()
            return dict(schema)
        if is_structured(tp):
            if tp in self.seen:
                raise TypeError(f"{_name(owner)}: {_name(tp)} refers to itself")
            self.seen.append(tp)
            try:
                return self.object(fields_of(tp), tp)
            finally:
                self.seen.pop()
        raise TypeError(f"{_name(owner)}: no JSON schema for the type {tp!r}")


def _is_abc(origin: Any, *names: str) -> bool:
    import collections.abc as abc

    return any(origin is getattr(abc, n) for n in names)


def _name(tp: Any) -> str:
    return getattr(tp, "__qualname__", None) or getattr(tp, "__name__", None) or repr(tp)


# -- JSON as a type --------------------------------------------------------------------


def build(tp: Any, value: Any, path: str = "$") -> Any:
    """``value`` (parsed JSON) as an instance of ``tp``; ValueError naming the place
    where it doesn't fit."""
    if is_pydantic_model(tp):
        return tp.model_validate(value)
    if isinstance(tp, _ANNOTATED):
        return build(get_args(tp)[0], value, path)
    if tp is Any or tp is object:
        return value
    if tp is None or tp is type(None):
        if value is None:
            return None
        raise _mismatch(path, "null", value)
    if tp is bool:
        if isinstance(value, bool):
            return value
        raise _mismatch(path, "a boolean", value)
    if tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise _mismatch(path, "an integer", value)
    if tp is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raise _mismatch(path, "a number", value)
    if tp is str:
        if isinstance(value, str):
            return value
        raise _mismatch(path, "a string", value)
    if tp in _FORMATS:
        if not isinstance(value, str):
            raise _mismatch(path, f"a {_FORMATS[tp]} string", value)
        try:
            return tp.fromisoformat(value)
        except ValueError:
            raise _mismatch(path, f"a {_FORMATS[tp]} string", value) from None
    origin, args = get_origin(tp), get_args(tp)
    if origin is Literal:
        if value in args:
            return value
        raise _mismatch(path, f"one of {list(args)}", value)
    if origin is Union or origin is types.UnionType:
        for arg in args:
            try:
                return build(arg, value, path)
            except ValueError:
                continue
        raise _mismatch(path, " or ".join(_name(a) for a in args), value)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        try:
            return tp(value)
        except ValueError:
            raise _mismatch(path, f"one of {[m.value for m in tp]}", value) from None
    if origin in (list, set, frozenset, tuple) or _is_abc(origin, "Sequence", "Set", "Iterable"):
        if not isinstance(value, list):
            raise _mismatch(path, "an array", value)
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            if len(value) != len(args):
                raise _mismatch(path, f"an array of {len(args)} items", value)
            pairs = enumerate(zip(args, value, strict=True))
            return tuple(build(a, v, f"{path}[{i}]") for i, (a, v) in pairs)
        item = args[0] if args else Any
        items = [build(item, v, f"{path}[{i}]") for i, v in enumerate(value)]
        if origin in (set, frozenset):
            return origin(items)
        return tuple(items) if origin is tuple else items
    if origin is dict or _is_abc(origin, "Mapping"):
        if not isinstance(value, dict):
            raise _mismatch(path, "an object", value)
        kind = args[1] if len(args) == 2 else Any
        return {k: build(kind, v, f"{path}.{k}") for k, v in value.items()}
    if tp in (list, dict, tuple, set, frozenset):
        expected = list if tp is not dict else dict
        if not isinstance(value, expected):
            raise _mismatch(path, "an object" if tp is dict else "an array", value)
        return tp(value)
    if is_structured(tp):
        if not isinstance(value, dict):
            raise _mismatch(path, f"an object ({_name(tp)})", value)
        fields = fields_of(tp)
        known = {f.name for f in fields}
        unknown = sorted(set(value) - known)
        if unknown:
            raise ValueError(f"{path}: unexpected field {unknown[0]!r} for {_name(tp)}")
        kwargs: dict[str, Any] = {}
        for f in fields:
            if f.name in value:
                kwargs[f.name] = build(f.type, value[f.name], f"{path}.{f.name}")
            elif f.required:
                raise ValueError(f"{path}: missing field {f.name!r} of {_name(tp)}")
        return kwargs if is_typeddict(tp) else tp(**kwargs)
    raise TypeError(f"no way to read JSON as {tp!r}")


def _mismatch(path: str, expected: str, value: Any) -> ValueError:
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return ValueError(f"{path}: expected {expected}, got {shown}")


def docstring_parts(function: Callable[..., Any]) -> tuple[str, dict[str, str]]:
    """(description, parameter descriptions) from a docstring: the text before an
    ``Args:``/``Parameters`` section or ``:param x:`` lines, and each parameter's line."""
    doc = inspect.getdoc(function) or ""
    lines = doc.splitlines()
    description: list[str] = []
    params: dict[str, str] = {}
    section = False
    current: str | None = None
    for line in lines:
        stripped = line.strip()
        if stripped.startswith(":param "):
            name, _, text = stripped[len(":param ") :].partition(":")
            current = name.split()[-1] if name.split() else None
            if current:
                params[current] = text.strip()
            section = True
            continue
        if stripped.rstrip(":").lower() in ("args", "arguments", "parameters", "params"):
            section = True
            continue
        if stripped.startswith(("Returns", "Raises", ":return", ":raises", "-----")) and (
            section or description
        ):
            section = True
            current = None
            continue
        if not section:
            description.append(line)
            continue
        head, sep, text = stripped.partition(":")
        name = head.split(" ")[0].strip()
        if sep and name.isidentifier() and line[: len(line) - len(line.lstrip())]:
            current = name
            params[name] = text.strip()
        elif current is not None and stripped:
            params[current] = f"{params[current]} {stripped}".strip()
    return "\n".join(description).strip(), params


__all__ = [
    "build",
    "docstring_parts",
    "fields_of",
    "is_pydantic_model",
    "is_structured",
    "json_schema",
    "signature_schema",
]
