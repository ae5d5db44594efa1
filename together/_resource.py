"""What every namespace (``client.chat.completions``, ``client.files``, ...) is made of.

A resource method is written once, as a function that returns an effect: a ``Call`` (the
request and how to parse its answer, no I/O), a script of effects, local work, or the two
forms of one object (see ``_drivers``). ``method`` binds it to the resource's driver, which
does the effect: on ``Together`` the method returns the result, on ``AsyncTogether`` an
awaitable of it. ``operation``, ``script``, ``local`` and ``built_locally`` say which
effect a function returns. Generated modules are imported inside the method bodies, so
constructing a client imports none of them.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Awaitable, Callable, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

import httpx

import together_generated

from ._drivers import Driver, Either, Local, Script, built
from ._open_values import install, leave_out_nones, strictly, without_dropped_nones
from ._shape import describe, endpoint_module
from ._streaming import AsyncStream, Stream
from ._transport import Call, CallOptions, split_options

if TYPE_CHECKING:
    from typing import Concatenate

    from typing_extensions import ParamSpec, Self

    from together_generated.types import Operation

    from ._transport import AsyncTransport, SyncTransport

    P = ParamSpec("P")
else:  # keep typing_extensions out of the import path
    P = TypeVar("P")

install()  # unknown values warn as together.UnknownValueWarning
_OPEN_VALUES = together_generated.OPEN_VALUES

T = TypeVar("T")
S = TypeVar("S")
A = TypeVar("A")
M = TypeVar("M", bound="SyncTransport | AsyncTransport")


class Resource(Generic[M]):
    """A namespace of API methods bound to one client's driver (and through it, its
    transport)."""

    def __init__(self, driver: Driver) -> None:
        self._driver = driver

    @property
    def _transport(self) -> M:
        transport: Any = self._driver.transport
        return transport  # type: ignore[no-any-return]

    @functools.cached_property
    def with_raw_response(self) -> Any:
        """This namespace's methods, each returning the HTTP response (an APIResponse:
        ``headers``, ``status_code``, ``retries_taken``, ``parse()`` for the usual result)
        instead of the result; awaitable on AsyncTogether. Errors raise as usual."""
        from ._response import ResponseView

        return ResponseView(self, streaming=False)

    @functools.cached_property
    def with_streaming_response(self) -> Any:
        """This namespace's methods, each returning a context manager (``async with`` on
        AsyncTogether) over the open response, whose body is read as you go
        (``iter_bytes``, ``iter_lines``, ``stream_to_file``, or ``parse()``) and closed
        when the block ends."""
        from ._response import ResponseView

        return ResponseView(self, streaming=True)


class method(Generic[P, T]):
    """A method of a resource, written once for both clients: ``function(resource, ...)``
    returns an effect (a ``Call``, a script, ``Local`` work, an ``Either``; see
    ``_drivers``) and the client's driver does it. On ``Together`` the method returns the
    result, on ``AsyncTogether`` an awaitable of it (of an ``Either``, the object itself).
    ``responds``: the raw-response views offer the method (its effect sends the call
    whose response they give). The bound function is cached on the instance, so later
    look-ups skip the descriptor entirely."""

    # Set on methods derived from the operation table: the operation they send, and what
    # ``inspect.signature`` shows for them (through ``__wrapped__``).
    operation_info: Any = None
    signature: Any = None

    def __init__(
        self, function: Callable[Concatenate[Any, P], Any], responds: bool = False
    ) -> None:
        self._function = function
        self.responds = responds
        self.__doc__ = function.__doc__
        self.__name__ = function.__name__
        self._name = function.__name__

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, obj: None, owner: type) -> Self: ...
    @overload
    def __get__(self, obj: Resource[SyncTransport], owner: type) -> Callable[P, T]: ...
    @overload
    def __get__(self, obj: Resource[AsyncTransport], owner: type) -> Callable[P, Awaitable[T]]: ...
    def __get__(self, obj: Resource[Any] | None, owner: type) -> Any:
        if obj is None:
            return self
        function, run = self._function, obj._driver.run

        def bound(*args: Any, **kwargs: Any) -> Any:
            return run(function(obj, *args, **kwargs))

        bound.__doc__ = self.__doc__
        bound.__name__ = self.__name__
        bound.__qualname__ = f"{owner.__name__}.{self.__name__}"
        bound.__wrapped__ = self.signature or OwnSignature(function)  # type: ignore[attr-defined]
        obj.__dict__[self._name] = bound
        return bound


_EFFECT = re.compile(r"^(?:Call|Script)\[(.*)\]$")


class OwnSignature:
    """What ``inspect.signature`` finds (through ``__wrapped__``) on a hand-written
    method: its function's own signature, less ``self``, returning ``returns`` or what the
    effect it annotates gives (``Call[X]`` and ``Script[X]`` give ``X``), its ``**params``
    typed ``Unpack[keywords]`` when given; made on first look."""

    def __init__(
        self,
        function: Callable[..., Any],
        returns: str | None = None,
        keywords: str | None = None,
    ) -> None:
        self._function = function
        self._returns = returns
        self._keywords = keywords

    @functools.cached_property
    def __signature__(self) -> inspect.Signature:
        signature = inspect.signature(self._function)
        returns = self._returns or signature.return_annotation
        if isinstance(returns, str):
            returns = _EFFECT.sub(r"\1", returns)
        parameters = list(signature.parameters.values())[1:]
        if self._keywords is not None:  # ``**params``: typed as the keywords it passes on
            parameters = [
                p.replace(annotation=f"Unpack[{self._keywords}]") if p.kind is p.VAR_KEYWORD else p
                for p in parameters
            ]
        return signature.replace(parameters=parameters, return_annotation=returns)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:  # (inspect wants a callable)
        raise TypeError("only a signature")


def operation(function: Callable[Concatenate[Any, P], Call[T] | Script[T]]) -> method[P, T]:
    """A method whose effect sends one request (a ``Call``, or a script ending in one):
    the raw-response views offer it."""
    return method(function, responds=True)


def script(function: Callable[Concatenate[Any, P], Script[T]]) -> method[P, T]:
    """A method whose function returns a script (a generator of effects)."""
    return method(function)


def local(function: Callable[Concatenate[Any, P], T]) -> method[P, T]:
    """A method that only does local work (no request): a plain call on ``Together``, run
    in a worker thread and awaited on ``AsyncTogether``, like every other method there."""

    @functools.wraps(function)
    def effect(self: Any, /, *args: Any, **kwargs: Any) -> Local:
        return Local(functools.partial(function, self, *args, **kwargs))

    return method(effect)


if TYPE_CHECKING:

    class either_method(Generic[P, S, A]):
        """How the type checkers see a method made by ``either`` (at run time, a
        ``method``): the first form on Together, the second on AsyncTogether."""

        @overload
        def __get__(self, obj: None, owner: type) -> Self: ...
        @overload
        def __get__(self, obj: Resource[SyncTransport], owner: type) -> Callable[P, S]: ...
        @overload
        def __get__(self, obj: Resource[AsyncTransport], owner: type) -> Callable[P, A]: ...
        def __get__(self, obj: Resource[Any] | None, owner: type) -> Any: ...


def either(function: Callable[Concatenate[Any, P], Either[S, A]]) -> either_method[P, S, A]:
    """A method whose function gives the two forms of one object (``Either``: a realtime
    session's classes): the method returns the one for its client."""
    return method(function)  # type: ignore[return-value]


def built_locally(function: Callable[Concatenate[Any, P], Call[T]]) -> method[P, T]:
    """An ``operation`` whose building reads local files (a dataset check): built as
    ``Local`` work (on AsyncTogether in a worker thread, so a long check does not block
    the event loop), then sent."""

    @functools.wraps(function)
    def effect(self: Any, /, *args: Any, **kwargs: Any) -> Script[T]:
        return built(function, self, *args, **kwargs)

    return method(effect, responds=True)


def call_of(resource: Resource[Any], name: str, /, *args: Any, **kwargs: Any) -> Call[Any]:
    """What ``resource.<name>(*args, **kwargs)`` would do, not done: the effect its
    method's function returns, a ``Call`` or a script ending in one (a script yields it,
    for the client's driver to do)."""
    return getattr(type(resource), name)._function(resource, *args, **kwargs)  # type: ignore[no-any-return]


_SCALARS = frozenset({str, int, float, bool, type(None)})


def plain(value: Any) -> Any:
    """Generated model instances (anywhere inside ``value``) as the JSON they stand for."""
    # Exact JSON types first: a call's arguments are nearly all plain dicts, lists and
    # scalars, and this runs over each of them on every call.
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is dict:
        return {k: v if type(v) in _SCALARS else plain(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _SCALARS else plain(v) for v in value]
    if hasattr(value, "to_dict") and hasattr(type(value), "from_dict"):
        return value.to_dict()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def build_model(model: type[Any], fields: Mapping[str, Any], where: str) -> Any:
    """Check ``fields`` against a generated model before anything is sent.

    Raises ValueError naming a missing required field and TypeError naming a field
    whose value has the wrong type or shape.
    """
    try:
        return model.from_dict(fields)
    except KeyError as exc:
        raise ValueError(f"{where}: missing required argument {exc.args[0]!r}") from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise TypeError(f"{where}: invalid arguments: {exc}") from None


def checked_body(
    model: type[Any], fields: dict[str, Any], where: str
) -> tuple[Any, dict[str, Any]]:
    """``build_model``, and the body to send: ``fields`` as given, less the Nones given for
    fields that can't be null (left out as not given, as the model leaves them out)."""
    dropped = _OPEN_VALUES.dropped_nones
    built = build_model(model, fields, where)
    if _OPEN_VALUES.dropped_nones != dropped:  # (rare: only then is the body walked again)
        fields = without_dropped_nones(fields, built.to_dict())
    return built, fields


_ATTRIBUTES: dict[int, dict[str, str]] = {}  # id(Operation) → attribute_names(...)


def attribute_names(op: Operation) -> dict[str, str]:
    """The JSON name of each field of ``op``'s body → its attribute on the body's model."""
    found = _ATTRIBUTES.get(id(op))
    if found is None:
        found = _ATTRIBUTES[id(op)] = {p.name: p.python_name for p in op.fields}
    return found


def parse_with(
    endpoint: ModuleType | Operation, asked: Mapping[str, Any] | None = None
) -> Callable[[httpx.Response, bool], Any]:
    """Read a 2xx response with the operation's ``parse_response``: leniently, or exactly
    as the spec says when the client has ``strict_responses``. ``asked``, the arguments
    the request was built from, chooses among the results an answer may be where the
    request says which (``response_format="verbose_json"``)."""
    read = describe(endpoint).parse_response

    def parse(response: httpx.Response, strict: bool) -> Any:
        if strict:
            return strictly(read, response, strict=True, request=asked)
        return read(response, request=asked)

    return parse


class _Json:
    """A JSON body already checked against its model, handed to ``build_request``."""

    __slots__ = ("_fields",)

    def __init__(self, fields: dict[str, Any]) -> None:
        self._fields = fields

    def to_dict(self) -> dict[str, Any]:
        return self._fields


def check_path(where: str, path: Mapping[str, Any]) -> None:
    """Refuse a path parameter that would address another route."""
    for name, value in path.items():
        # An empty id would address another route (``GET /batches/`` is the list), as
        # would a dot segment.
        if value is None:
            raise TypeError(f"{where}: {name} must be a string, not None")
        if str(value) == "":
            raise ValueError(f"{where}: {name} must be a non-empty string")
        # ``.`` and ``..`` are dot segments: the URL would be resolved to another route
        # (``DELETE /files/.`` is ``DELETE /files``).
        if str(value) in (".", ".."):
            raise ValueError(f"{where}: {name} can't be {str(value)!r}")


def api_call(
    endpoint: ModuleType | Operation | str,
    params: dict[str, Any],
    *,
    path: Mapping[str, Any] | None = None,
    where: str | None = None,
    stream_chunk: type[Any] | None = None,
) -> Call[Any]:
    """The usual call. ``params`` (keyword arguments, less per-call options) is the request
    body, checked against the operation's body model, or else its query; ``path`` holds
    path parameters. With ``stream_chunk`` and ``stream=True`` the result is a Stream."""
    op = describe(endpoint)
    where = where or op.name
    fields, options = split_options(params)
    fields = plain(fields)
    if path:  # (most calls have none: no call to make)
        check_path(where, path)
    kwargs: dict[str, Any] = dict(path or {})
    for p in op.parameters:
        # Query and header parameters by their spec name too (``from`` is ``from_``); with
        # a body, they are taken out of the fields first.
        if p.location != "path":
            key = p.python_name if p.python_name in fields else p.name
            if key in fields and (op.body is not None or key != p.python_name):
                kwargs[p.python_name] = fields.pop(key)
    if op.body is not None:
        # (checked_body, inlined: this runs on every call, and a call costs)
        dropped = _OPEN_VALUES.dropped_nones
        model = build_model(op.body, fields, where)
        if _OPEN_VALUES.dropped_nones != dropped:  # None given where null isn't allowed
            fields = leave_out_nones(
                fields, model, attribute_names(op), _OPEN_VALUES.dropped_nones - dropped
            )
        # A JSON body is sent as the caller gave it, once checked: the model's to_dict()
        # would rebuild the same dict (7 us of a chat call's CPU).
        kwargs["body"] = model if op.body_content_type != "application/json" else _Json(fields)
    else:
        kwargs.update(fields)
    try:
        request = op.build_request(**kwargs)
    except TypeError as exc:
        raise TypeError(f"{where}: {exc}") from None
    stream: Callable[[httpx.Response, bool], Any] | None = None
    if stream_chunk is not None and fields.get("stream"):
        request.setdefault("headers", {})["Accept"] = "text/event-stream"
        chunk_model = stream_chunk

        def stream(response: httpx.Response, strict_responses: bool) -> Either[Any, Any]:
            if strict_responses:
                read = functools.partial(strictly, chunk_model.from_dict)
                return Either(Stream, AsyncStream, response, read)
            return Either(Stream, AsyncStream, response, chunk_model.from_response)

    return Call(request=request, parse=parse_with(op, fields), options=options, stream=stream)


__all__ = [
    "Call",
    "CallOptions",
    "Resource",
    "api_call",
    "build_model",
    "built_locally",
    "call_of",
    "check_path",
    "checked_body",
    "describe",
    "either",
    "endpoint_module",
    "local",
    "method",
    "operation",
    "parse_with",
    "plain",
    "script",
]
