"""The clients' namespaces and methods, derived from the operation table and the spec.

``layout()`` places every operation of ``together_generated.operations`` under its name
from ``_table.NAMES`` (or, for one the table doesn't name, under the name ``_naming``'s
rule gives it from its method and path). ``build(client)`` makes the namespace objects: a
hand-written class where one adds behaviour (``resources.CLASSES``), otherwise a plain
``Resource``. A method the class does not define itself is derived from the operation's
generated description: positional arguments are the path parameters, keyword arguments
the body's fields or the query parameters, plus the per-call options.
"""

from __future__ import annotations

import builtins
import difflib
import functools
import inspect
import keyword
import re
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from ._drivers import Lookup, Script
from ._resource import Resource, api_call, describe, method, operation
from ._table import NAMES, NAMESPACE_ALIASES
from ._transport import OPTION_NAMES

if TYPE_CHECKING:
    from together_generated.operations import OperationInfo
    from together_generated.types import Operation

    from ._compat import ArgumentHook
    from ._transport import Call


def default_name(
    info: OperationInfo, taken: Mapping[str, Mapping[str, Any]] | None = None
) -> tuple[str, str]:
    """(namespace, method) of an operation the table doesn't name: what a person would
    pick from its method and path, by the one rule the table's own names mostly follow
    (``_naming``: ``GET /fine-tunes/{id}/metrics`` → ``fine_tuning.list_metrics``). Where
    that name is taken (in ``taken``: namespace → its methods; a namespace's name too) or
    is no Python name, its generated module's tag folder and name (the operationId in
    snake case)."""
    from ._naming import rule_name  # (only for an operation the table doesn't name)

    full = rule_name(info.key, NAMES, _roots())
    namespace, _, name = full.rpartition(".")
    taken = taken or {}
    python = all(w.isidentifier() and not keyword.iskeyword(w) for w in full.split("."))
    free = name not in taken.get(namespace, {}) and full not in taken
    if python and free and full not in NAMESPACE_ALIASES:
        return namespace, name
    namespace, _, name = info.module.partition(".")
    return namespace, name


@functools.lru_cache(maxsize=1)
def _roots() -> dict[str, tuple[str, ...]]:
    from ._naming import roots

    return roots(NAMES)


_NAME = re.compile(r"^([\w.]+)\.(\w+)(?:\(([\w, ]*)\))?$")


class Entry(NamedTuple):
    info: OperationInfo
    positional: tuple[str, ...] | None  # fields taken by position, when the table says


@functools.lru_cache(maxsize=1)
def layout() -> dict[str, dict[str, Entry]]:
    """namespace path (``"chat.completions"``) → method name → its operation, for every
    HTTP operation of the spec in use; parents of namespaces are present, maybe empty."""
    from together_generated.operations import OPERATIONS

    tree: dict[str, dict[str, Entry]] = {}
    later = []  # the operations the table doesn't name: after it, so no name of it is taken
    for info in OPERATIONS:
        if info.websocket:
            continue
        if info.key not in NAMES:
            later.append(info)
            continue
        for name in NAMES[info.key]:
            match = _NAME.match(name)
            if match is None:
                raise ValueError(f"_table.NAMES[{info.key!r}]: {name!r} is not a dotted name")
            namespace, method, fields = match.groups()
            positional = None if fields is None else tuple(re.findall(r"\w+", fields))
            tree.setdefault(namespace, {}).setdefault(method, Entry(info, positional))
    for info in later:
        namespace, method = default_name(info, tree)
        tree.setdefault(namespace, {}).setdefault(method, Entry(info, None))
    for namespace in [*tree, *NAMESPACE_ALIASES]:
        parts = namespace.split(".")
        for depth in range(1, len(parts)):
            parent = ".".join(parts[:depth])
            if parent not in NAMESPACE_ALIASES:
                tree.setdefault(parent, {})
    return tree


def unnamed() -> list[OperationInfo]:
    """The operations of the spec in use that the table doesn't name."""
    from together_generated.operations import OPERATIONS

    return [i for i in OPERATIONS if not i.websocket and i.key not in NAMES]


def operation_call(
    entry: Entry, where: str, args: tuple[Any, ...], params: dict[str, Any]
) -> Call[Any]:
    """The call of a derived method. Positional arguments are the fields the table names
    (``clusters.storage.update(volume_id)``), else the last path parameters in order: one
    argument is the last (``retrieve_sample(operation_id, session_id=...)``), as in the
    official SDKs. Each may also be given by keyword, by its Python or its spec name."""
    info = entry.info
    op = describe(info.module)
    in_path = op.parameters_in("path")
    order = entry.positional
    if order is None:
        order = tuple(p.python_name for p in in_path[len(in_path) - len(args) :])
    if len(args) > len(order) or (entry.positional is None and len(args) > len(in_path)):
        names = ", ".join(entry.positional or [p.python_name for p in in_path]) or "none"
        raise TypeError(
            f"{where}() takes at most {len(entry.positional or in_path)} positional"
            f" argument(s) ({names}), {len(args)} given; pass fields by keyword"
        )
    for name, value in zip(order, args, strict=False):
        if name in params:
            raise TypeError(f"{where}() got multiple values for argument {name!r}")
        params[name] = value
    takes = accepted(op)
    for key in list(params):
        target = takes.get(key)
        if target is None:
            raise TypeError(
                f"{where}() got an unexpected keyword argument {key!r}{hint(key, takes)}"
            )
        if target != key:
            params[target] = params.pop(key)
    path: dict[str, Any] = {}
    for p in in_path:
        key = p.python_name if p.python_name in params else p.name
        if key not in params:
            raise TypeError(f"{where}: missing required argument {p.python_name!r}")
        path[p.python_name] = params.pop(key)
    return api_call(op, params, path=path, where=where, stream_chunk=op.stream_chunk)


_ACCEPTED: dict[int, dict[str, str]] = {}  # id(Operation) → accepted(...): ops live on


def accepted(op: Operation) -> dict[str, str]:
    """Every keyword a derived method of ``op`` takes → the name it goes by from then on:
    body fields by their JSON name, other parameters by the generated code's name (each
    is also accepted by its other name), and the per-call options."""
    found = _ACCEPTED.get(id(op))
    if found is None:
        found = _ACCEPTED[id(op)] = _accepted(op)
    return found


def _accepted(op: Operation) -> dict[str, str]:
    names = {name: name for name in OPTION_NAMES}
    for p in op.parameters:
        names[p.name] = names[p.python_name] = p.python_name
    for p in op.fields:
        names[p.python_name] = names[p.name] = p.name
    # A name of a Python builtin (type, input, format) was spelled with a trailing "_" in
    # earlier versions: that spelling is still taken, unlisted.
    for p in (*op.parameters, *op.fields):
        if p.python_name in _BUILTINS:
            names.setdefault(p.python_name + "_", names[p.python_name])
    return names


_BUILTINS = frozenset(dir(builtins)) - {"id"}  # (``id`` never had the "_")


def hint(key: str, names: dict[str, str]) -> str:
    listed = [name for name in names if not (name.endswith("_") and name[:-1] in names)]
    near = difflib.get_close_matches(key, listed, n=1)
    return f"; did you mean {near[0]!r}?" if near else ""


def hooked(build: Callable[..., Call[Any]], hook: ArgumentHook, where: str) -> Any:
    """A derived method's function that takes a few keywords beyond its operation's (an
    ``ArgumentHook``, e.g. 3.x's ``lora=`` on ``fine_tuning.create``): the hook turns them
    into the operation's own arguments, sending one look-up first when it needs to."""
    adapt = hook.adapt

    def function(self: Any, /, *args: Any, **params: Any) -> Call[Any] | Script[Any]:
        # The call is built (so every argument checked) before anything is sent: with a
        # look-up, from the hook's provisional values.
        lookup = adapt(params, where)
        call = build(self, *args, **dict(params))
        if lookup is None:
            return call
        return _looked_up(lookup, build, self, args, params)

    return function


def _looked_up(
    lookup: Any, build: Callable[..., Call[Any]], obj: Any, args: Any, params: Any
) -> Script[Any]:
    lookup.finish((yield Lookup(lookup.call)))  # (not the method's answer: no raw view)
    return (yield build(obj, *args, **params))


def derived(
    entry: Entry, where: str, name: str, hook: ArgumentHook | None = None
) -> method[Any, Any]:
    info = entry.info

    def build(self: Any, /, *args: Any, **params: Any) -> Call[Any]:
        return operation_call(entry, where, args, params)

    build.__name__ = name
    build.__qualname__ = where
    build.__doc__ = (
        f"{info.method} {info.path}: {info.summary}\n\n"
        f"Returns {info.returns}"
        + (f", or with stream=True a Stream of {info.stream_chunk}" if info.stream_chunk else "")
        + ". Raises an APIStatusError subclass for an error status, APIConnectionError or"
        " APITimeoutError when the request fails, and TypeError or ValueError naming the"
        " argument, before anything is sent, for a bad argument."
    )
    method = operation(build if hook is None else hooked(build, hook, where))
    method.operation_info = info
    method.signature = _LazySignature(entry, name, hook)
    return method


class _LazySignature:
    """What ``inspect.signature`` finds (through ``__wrapped__``) on a derived method: made
    on first look, as it needs the operation's description."""

    def __init__(self, entry: Entry, name: str, hook: ArgumentHook | None) -> None:
        self._entry, self._name, self._hook = entry, name, hook

    @functools.cached_property
    def __signature__(self) -> inspect.Signature:
        from ._stubgen import runtime_signature

        return runtime_signature(self._entry, self._name, self._hook)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:  # (inspect wants a callable)
        raise TypeError("only a signature")


_GENERIC: dict[str, type[Resource[Any]]] = {}
_READY: set[type] = set()
_LOCK = threading.Lock()


def namespace_class(path: str) -> type[Resource[Any]]:
    """The class of the namespace at ``path``, with its derived methods installed (once)."""
    from .resources import CLASSES

    cls = CLASSES.get(path)
    if cls is None:
        cls = _GENERIC.get(path)
        if cls is None:
            title = "".join(part.title().replace("_", "") for part in path.split("."))
            cls = _GENERIC[path] = type(title, (Resource,), {"__module__": __name__})
    if cls not in _READY:
        with _LOCK:
            if cls not in _READY:
                _install(cls, path)
                _READY.add(cls)
    return cls


def hook_of(cls: type | None, name: str) -> ArgumentHook | None:
    """The ArgumentHook a hand-written namespace class sets for its derived method
    ``name`` (in its ``HOOKS``), if any."""
    hooks: dict[str, ArgumentHook] = getattr(cls, "HOOKS", {})
    return hooks.get(name)


def _install(cls: type, path: str) -> None:
    methods = layout().get(path, {})
    own: dict[str, Any] = {}
    for name, entry in methods.items():
        if name in vars(cls):
            own[entry.info.key] = vars(cls)[name]
    for name, entry in methods.items():
        if name in vars(cls):
            continue
        # An alias is the same method as the name it stands for.
        method = own.get(entry.info.key)
        if method is None:
            hook = hook_of(cls, name)
            method = own[entry.info.key] = derived(entry, f"{path}.{name}", name, hook)
            method.__set_name__(cls, name)
        setattr(cls, name, method)
    from ._status import WAITERS

    if path in WAITERS and "wait" not in vars(cls):  # long-running jobs: see _wait.py
        from ._wait import wait_method

        method = wait_method(path)
        method.__set_name__(cls, "wait")
        cls.wait = method  # type: ignore[attr-defined]


def build(client: Any, driver: Any) -> dict[str, Resource[Any]]:
    """Make the namespace objects of ``client`` over its ``driver`` and set them on it."""
    objects: dict[str, Resource[Any]] = {}
    for path in sorted(layout(), key=lambda p: p.count(".")):
        obj = namespace_class(path)(driver)
        objects[path] = obj
        parent, _, leaf = path.rpartition(".")
        setattr(objects[parent] if parent else client, leaf, obj)
    for alias, target in NAMESPACE_ALIASES.items():  # in order: an alias may sit in one
        if target in objects:
            parent, _, leaf = alias.rpartition(".")
            objects[alias] = objects[target]
            setattr(objects[parent] if parent else client, leaf, objects[target])
    return objects


def report() -> str:
    """What ``make generate`` prints after generating: the operations the table doesn't
    name, with the names they get, and the table's names the spec doesn't have."""
    from together_generated.operations import OPERATIONS

    lines = [f"unnamed: {len(unnamed())} operations the table (together/_table.py) doesn't name"]
    lines += [
        f"  {entry.info.key} -> {namespace}.{method}"
        for namespace, methods in layout().items()
        for method, entry in methods.items()
        if entry.info.key not in NAMES
    ]
    from ._naming import reproduced

    same, _ = reproduced(NAMES)
    lines.append(
        f"naming rule (together/_naming.py): gives {same} of the table's {len(NAMES)} names"
    )
    gone = sorted(set(NAMES) - {i.key for i in OPERATIONS})
    lines.append(f"gone: {len(gone)} operations of the table the spec doesn't have")
    lines += [f"  {key} ({NAMES[key][0]}: no method)" for key in gone]
    return "\n".join(lines)
