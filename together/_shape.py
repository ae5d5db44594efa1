"""The shape of a derived method: how it is called, worked out once per method from the
operation's generated description and the table's word on positional fields.

==============  ==========================================================================
``positional``  the arguments taken by position: the fields the table lists
                (``clusters.storage.update(volume_id)``), else the last path parameter
                (``retrieve_sample(operation_id, *, session_id)``, as in the official SDKs)
``commands``    the command line's positional arguments: the table's fields, else every
                path parameter (``together rl training-sessions retrieve-sample SID OID``)
``keywords``    every other argument, keyword-only, required ones first
``accepted``    each keyword the method takes → the name it goes by once bound: body
                fields by their JSON name, parameters by the generated code's name, each
                also by its other name; plus the per-call options
``result``      what the method returns (the generated type), ``chunk`` what a stream
                yields (``stream=True``), if it streams
==============  ==========================================================================

Everything that needs to know how a method is called reads its ``Shape``: binding at run
time (``bind``: what the signature shows, and nothing else), ``inspect.signature``
(``signature``), the stub (``_stubgen``), the command line (``_cli.parsing``) and the
realtime sessions' query (``_realtime``). ``NOT_GIVEN``, the default shown for optional
arguments, may be passed: it means "not given", like leaving the argument out.
"""

from __future__ import annotations

import ast
import builtins
import functools
import importlib
import inspect
import keyword
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from ._config import NOT_GIVEN
from ._transport import OPTION_NAMES

if TYPE_CHECKING:
    from collections.abc import Callable

    from together_generated.types import Operation, Parameter

    from ._transport import Call


def endpoint_module(name: str) -> ModuleType:
    """``"batches.post_batches"`` → the generated module, imported on first use."""
    full_name = f"together_generated.api.{name}"
    module = sys.modules.get(full_name)
    # A module enters sys.modules before its body has run: while another thread is still
    # importing it, it is half-built (no ``OPERATION`` yet). Only a finished module may
    # skip import_module, which waits for that thread's import to complete.
    if module is None or getattr(module.__spec__, "_initializing", False):
        module = importlib.import_module(full_name)
    return module


def describe(endpoint: ModuleType | Operation | str) -> Operation:
    """The generated description of an operation, from its module or its module's name."""
    if isinstance(endpoint, str):
        endpoint = endpoint_module(endpoint)
    if isinstance(endpoint, ModuleType):
        operation: Operation = endpoint.OPERATION
        return operation
    return endpoint


def argument_name(p: Parameter) -> str:
    """The keyword a method takes a field or parameter by: its spec name where Python
    allows it (``input``, ``type``), else the generated code's name for it."""
    return p.name if p.name.isidentifier() and not keyword.iskeyword(p.name) else p.python_name


class Argument(NamedTuple):
    """One argument of a method: the keyword it is taken by, and its parameter or field
    (location, wire name ``name``, ``python_name``, type, whether required)."""

    name: str
    parameter: Parameter
    filled: bool = False  # required by the spec, but a hook can fill it from its keywords
    retyped: str | None = None  # what a hook takes instead of the spec's type

    @property
    def required(self) -> bool:
        return self.parameter.required and not self.filled

    def annotation(self, names: set[str] | None = None) -> str:
        """The type a caller may pass (a model's field also takes a mapping, a list any
        sequence; None where the spec allows null or the argument is optional), adding
        the generated names it uses to ``names``."""
        p = self.parameter
        text = p.type if self.retyped is None else self.retyped
        kind = annotation_of(text, set() if names is None else names, request=True)
        if (p.nullable or not self.required) and "None" not in kind:
            kind += " | None"
        return kind


class Extra(NamedTuple):
    """A keyword a hook adds to a derived method (``lora=`` on ``fine_tuning.create``):
    always optional, shown after the spec's."""

    name: str
    type: str
    required: bool = False

    def annotation(self, names: set[str] | None = None) -> str:
        return self.type


class Lookup(NamedTuple):
    """A call a hook needs answered before the method's own call can be built: ``finish``
    gets its result and completes the arguments."""

    call: Call[Any]
    finish: Callable[[Any], None]


class Hook(NamedTuple):
    """What hand-written code adds to a derived method, which keeps its shape (signature,
    stub, command, contract case):

    - ``keywords``: the ones it takes beyond the operation's (shown after them); one
      named as an argument of the operation retypes it (``file``: a path, bytes, ...);
    - ``adapt(params, where)``: turns those, and the official SDKs' other argument forms,
      into the operation's own arguments, in place; returns a Lookup when it needs one
      answer first (the arguments then hold provisional values, complete enough to be
      checked);
    - ``fills``: the operation's required fields ``adapt`` can make from its keywords
      (shown as optional: 1.x's ``min_replicas`` make ``autoscaling``);
    - ``after(call, given)``: the built call, wrapped (its result as a view, how the
      answer is read, a download); ``given`` holds the arguments by the names they were
      given, with the hook's own keywords that ``adapt`` left (``output=``), which the
      operation never sees; ``returns`` / ``chunk``: the result and stream item types then
      shown, when that changes them (naming generated models, or classes in ``types``).
    """

    keywords: tuple[Extra, ...] = ()
    adapt: Callable[[dict[str, Any], str], Lookup | None] | None = None
    after: Callable[[Call[Any], dict[str, Any]], Call[Any]] | None = None
    returns: str | None = None
    fills: tuple[str, ...] = ()  # required fields ``adapt`` can make from its keywords
    chunk: str | None = None  # what a stream then yields, when that changes it
    types: tuple[type, ...] = ()  # hand-written classes ``returns`` and ``chunk`` name


class Shape:
    """How one method is called (see the module's docstring)."""

    def __init__(
        self, op: Operation, where: str, table_positional: tuple[str, ...] | None = None
    ) -> None:
        self.op = op
        self.where = where
        by_name: dict[str, Parameter] = {p.python_name: p for p in (*op.parameters, *op.fields)}
        by_name.update({p.name: p for p in (*op.parameters, *op.fields)})
        in_path = op.parameters_in("path")
        if table_positional is not None:
            first = commands = [by_name[name] for name in table_positional]
        else:
            first, commands = list(in_path[-1:]), list(in_path)
        self.positional = tuple(Argument(argument_name(p), p) for p in first)
        self.commands = tuple(Argument(argument_name(p), p) for p in commands)
        rest: dict[str, Argument] = {}
        for p in (*in_path, *op.parameters, *op.fields):
            if p in first or p.location == "cookie":
                continue
            name = argument_name(p)
            if name in OPTION_NAMES:
                raise ValueError(f"{op.method} {op.path}: {name} clashes with a call option")
            rest.setdefault(name, Argument(name, p))
        # Required ones first, then ``stream`` (where the stub's overloads put it).
        order = sorted(rest.values(), key=lambda a: (not a.required, a.name != "stream"))
        self.keywords = tuple(order)
        self.accepted = _accepted(op)
        self.path = in_path
        self.result = op.result_type
        streams = any(f.python_name == "stream" for f in op.fields)
        self.chunk: type | None = op.stream_chunk if streams else None

    def name_positionals(self, args: tuple[Any, ...], params: dict[str, Any]) -> None:
        """Put the positional arguments into ``params``, by name, as ``bind`` takes them."""
        if len(args) > len(self.positional):
            names = ", ".join(a.name for a in self.positional) or "none"
            raise TypeError(
                f"{self.where}() takes {len(self.positional)} positional argument(s)"
                f" ({names}), {len(args)} given; pass the others by keyword"
            )
        for argument, value in zip(self.positional, args, strict=False):
            p = argument.parameter
            if p.name in params or p.python_name in params:
                raise TypeError(f"{self.where}() got multiple values for argument {p.name!r}")
            params[argument.name] = value

    def bind(self, args: tuple[Any, ...], params: dict[str, Any]) -> dict[str, Any]:
        """The arguments of one call as the request is built from them, in place in
        ``params`` (per-call options stay in it), and returns the path parameters. Takes
        exactly what ``signature`` shows; ``NOT_GIVEN`` is left out. Raises TypeError as
        Python does for a function, naming the argument."""
        if args:
            self.name_positionals(args, params)
        takes = self.accepted
        for key in list(params):
            target = takes.get(key)
            if target is None:
                raise TypeError(
                    f"{self.where}() got an unexpected keyword argument {key!r}"
                    + unknown_hint(key, takes)
                )
            value = params.pop(key) if target != key else params[key]
            if value is NOT_GIVEN:
                params.pop(key, None)
            elif target != key:
                params[target] = value
        path: dict[str, Any] = {}
        for p in self.path:
            if p.python_name not in params:
                raise TypeError(f"{self.where}() missing required argument {p.name!r}")
            path[p.python_name] = params.pop(p.python_name)
        return path

    def given(self, args: tuple[Any, ...], params: dict[str, Any], hook: Hook) -> dict[str, Any]:
        """The arguments of one call by name, for ``hook.after``; the hook's own keywords
        (those not the operation's) are taken out of ``params``."""
        taken = {a.name for a in (*self.positional, *self.keywords)}
        given = {a.name: value for a, value in zip(self.positional, args, strict=False)}
        given.update(params)
        for extra in hook.keywords:
            if extra.name not in taken:
                params.pop(extra.name, None)
        return given

    def single_values(self) -> Hook:
        """A hook that fills each required argument the spec allows one value for, shown
        as optional (a realtime session's ``input_audio_format``, which ``_realtime``
        fills)."""
        one = [a.name for a in self.keywords if a.required and len(a.parameter.choices) == 1]
        return Hook(fills=tuple(one))

    def arguments(self, hook: Hook | None = None) -> tuple[list[Argument], list[Argument | Extra]]:
        """(positional, keyword-only) arguments as shown, with what ``hook`` adds."""
        if hook is None:
            return list(self.positional), list(self.keywords)
        retyped = {e.name: e.type for e in hook.keywords}
        keywords: list[Argument | Extra] = [
            a._replace(filled=a.name in hook.fills, retyped=retyped.get(a.name))
            for a in self.keywords
        ]
        positional = [a._replace(retyped=retyped.get(a.name)) for a in self.positional]
        taken = {a.name for a in (*self.positional, *self.keywords)}
        return positional, [*keywords, *(e for e in hook.keywords if e.name not in taken)]

    def signature(
        self, hook: Hook | None = None, options: str = "CallOptions"
    ) -> inspect.Signature:
        """What ``inspect.signature`` and ``help()`` show (the stub says the same);
        ``options``: the TypedDict of the per-call options it takes."""
        P = inspect.Parameter
        positional, keywords = self.arguments(hook)

        def parameter(a: Argument | Extra, kind: Any) -> inspect.Parameter:
            default = P.empty if a.required else NOT_GIVEN
            return P(a.name, kind, annotation=a.annotation(), default=default)

        return inspect.Signature(
            [
                *(parameter(a, P.POSITIONAL_OR_KEYWORD) for a in positional),
                *(parameter(a, P.KEYWORD_ONLY) for a in keywords),
                P("options", P.VAR_KEYWORD, annotation=f"Unpack[{options}]"),
            ]
        )


class LazySignature:
    """What ``inspect.signature`` finds (through ``__wrapped__``) on a method whose
    signature comes from a shape: made on first look, as it needs the operation's
    description (``make()``)."""

    def __init__(self, make: Callable[[], inspect.Signature]) -> None:
        self._make = make

    @functools.cached_property
    def __signature__(self) -> inspect.Signature:
        return self._make()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:  # (inspect wants a callable)
        raise TypeError("only a signature")


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


def unknown_hint(key: str, names: dict[str, str]) -> str:
    """``; did you mean 'x'?`` for a misspelt keyword, when one is close."""
    import difflib  # (only for a misspelt argument: kept off the import path)

    listed = [name for name in names if not (name.endswith("_") and name[:-1] in names)]
    near = difflib.get_close_matches(key, listed, n=1)
    return f"; did you mean {near[0]!r}?" if near else ""


# -- types as a caller writes them ---------------------------------------------------------


_TYPING = ("Any", "IO", "Literal")  # names the stub imports from typing


@functools.cache
def generated_home(name: str) -> str | None:
    """Where a name in a generated type string comes from: "models", "types" or None."""
    import together_generated.models as models
    import together_generated.types as types

    if name in _TYPING or name in vars(builtins):
        return None
    if hasattr(models, name):
        return "models"
    if hasattr(types, name):
        return "types"
    return None


def _is_model(name: str) -> bool:
    import together_generated.models as models

    return generated_home(name) == "models" and hasattr(getattr(models, name), "from_dict")


class _Types(ast.NodeTransformer):
    """Rewrites a generated type expression for what a caller may pass, and records the
    generated names it uses."""

    def __init__(self, names: set[str], request: bool, known: frozenset[str]) -> None:
        self.names = names
        self.request = request
        self.known = known

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in self.known:
            self.names.add(node.id)
        elif generated_home(node.id):
            self.names.add(node.id)
            if self.request and _is_model(node.id):
                return ast.parse(f"{node.id} | Mapping[str, Any]", mode="eval").body
        elif node.id not in vars(builtins) and node.id not in _TYPING:
            raise ValueError(f"a type name the stub can't import: {node.id}")
        return node

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.value, ast.Name) and node.value.id in ("list", "dict"):
            if self.request:
                node.value.id = {"list": "Sequence", "dict": "Mapping"}[node.value.id]
            else:  # a namespace's own method may be called ``list``
                node.value.id = f"builtins.{node.value.id}"
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        return node  # datetime.datetime, datetime.date, os.PathLike


class _Unions(ast.NodeTransformer):
    """``A | (B | C) | A`` as ``A | B | C``."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        if not isinstance(node.op, ast.BitOr):
            return self.generic_visit(node)
        members: list[ast.AST] = []

        def collect(part: ast.AST) -> None:
            if isinstance(part, ast.BinOp) and isinstance(part.op, ast.BitOr):
                collect(part.left)
                collect(part.right)
            else:
                members.append(self.visit(part))

        collect(node)
        unique: dict[str, ast.AST] = {}
        for member in members:
            unique.setdefault(ast.unparse(member), member)
        result, *rest = unique.values()
        for member in rest:
            result = ast.BinOp(
                left=cast(ast.expr, result), op=ast.BitOr(), right=cast(ast.expr, member)
            )
        return result


def annotation_of(
    text: str, names: set[str], *, request: bool, known: frozenset[str] = frozenset()
) -> str:
    """A generated type string as the stub writes it: for a request, what a caller may
    pass; for a result, with ``builtins.list``/``dict`` (a method may be named ``list``).
    ``known``: hand-written class names it may use besides the generated ones."""
    tree = _Types(names, request, known).visit(ast.parse(text, mode="eval"))
    return ast.unparse(_Unions().visit(tree))
