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

import functools
import keyword
import re
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from ._drivers import Lookup, Script
from ._resource import Resource, api_call, method, operation
from ._shape import Hook, LazySignature, Shape, describe
from ._table import NAMES, NAMESPACE_ALIASES

if TYPE_CHECKING:
    from together_generated.operations import OperationInfo

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


def shape_of(entry: Entry, where: str) -> Shape:
    """The shape of the method ``where`` (``"files.retrieve"``), made once."""
    found = _SHAPES.get(where)
    if found is None:
        found = _SHAPES[where] = Shape(describe(entry.info.module), where, entry.positional)
    return found


_SHAPES: dict[str, Shape] = {}


def operation_call(shape: Shape, args: tuple[Any, ...], params: dict[str, Any]) -> Call[Any]:
    """The call of a derived method, from its arguments as the signature takes them."""
    path = shape.bind(args, params)
    op = shape.op
    return api_call(op, params, path=path, where=shape.where, stream_chunk=op.stream_chunk)


def hooked(build: Callable[..., Call[Any]], hook: Hook, entry: Entry, where: str) -> Any:
    """A derived method's function whose hook adapts its arguments (3.x's ``lora=`` on
    ``fine_tuning.create``): the hook turns them into the operation's own arguments,
    sending one look-up first when it needs to."""
    adapt: Any = hook.adapt

    def function(self: Any, /, *args: Any, **params: Any) -> Call[Any] | Script[Any]:
        # The call is built (so every argument checked) before anything is sent: with a
        # look-up, from the hook's provisional values. The hook sees every argument by
        # name (1.x's ``download("ft-...:10")`` names the step in the positional one).
        if args:
            shape_of(entry, where).name_positionals(args, params)
            args = ()
        ask = adapt(params, where)
        call = build(self, *args, **dict(params))
        if ask is None:
            return call
        return _looked_up(ask, build, self, args, params)

    return function


def _looked_up(
    ask: Any, build: Callable[..., Call[Any]], obj: Any, args: Any, params: Any
) -> Script[Any]:
    ask.finish((yield Lookup(ask.call)))  # (not the method's answer: no raw view)
    return (yield build(obj, *args, **params))


def derived(entry: Entry, where: str, name: str, hook: Hook | None = None) -> method[Any, Any]:
    info = entry.info

    after = None if hook is None else hook.after

    def build(self: Any, /, *args: Any, **params: Any) -> Call[Any]:
        shape = _SHAPES.get(where) or shape_of(entry, where)
        if after is None:
            return operation_call(shape, args, params)
        given = shape.given(args, params, hook)  # type: ignore[arg-type]
        return after(operation_call(shape, args, params), given)

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
    adapts = hook is not None and hook.adapt is not None
    made = operation(hooked(build, hook, entry, where) if adapts else build)  # type: ignore[arg-type]
    made.operation_info = info
    made.signature = LazySignature(lambda: shape_of(entry, where).signature(hook))
    return made


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


def hook_of(cls: type | None, name: str) -> Hook | None:
    """The Hook a hand-written namespace class sets for its derived method ``name`` (in
    its ``HOOKS``), if any."""
    hooks: dict[str, Hook] = getattr(cls, "HOOKS", {})
    return hooks.get(name)


def _install(cls: type, path: str) -> None:
    methods = layout().get(path, {})
    own: dict[Any, Any] = {}  # operation (or with its shape and hook) → its method
    for name, entry in methods.items():
        if name in vars(cls):
            own[entry.info.key] = vars(cls)[name]
    for name, entry in methods.items():
        if name in vars(cls):
            continue
        # An alias is the same method as the name it stands for, unless it has a shape or
        # a hook of its own (1.x's ``batches.create_batch(file_id, endpoint)``).
        hook = hook_of(cls, name)
        alike = (entry.info.key, entry.positional, id(hook))
        method = own.get(entry.info.key) or own.get(alike)
        if method is None:
            method = own[alike] = derived(entry, f"{path}.{name}", name, hook)
            method.__set_name__(cls, name)
        setattr(cls, name, method)
    from ._status import WAITERS

    if path in WAITERS and "wait" not in vars(cls):  # long-running jobs: see _wait.py
        from ._wait import wait_method

        found: dict[str, str] = {}  # operation → its first name here
        for name, entry in methods.items():
            found.setdefault(entry.info.key, name)
        method = wait_method(path, found)
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
