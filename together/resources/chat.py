"""``client.chat.completions``: ``create`` as the spec describes it, plus the helpers
built on it: ``parse`` (structured outputs), ``stream`` (typed events and the final
completion) and ``run_tools`` (the model calls your functions until it answers)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, overload

from .._drivers import Either, Script
from .._resource import M, OwnSignature, Resource, call_of, method, script

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .._api import (
        ChatCompletionsParseArguments,
        ChatCompletionsRunToolsArguments,
        ChatCompletionsRunToolsStreamArguments,
        ChatCompletionsStreamArguments,
    )
    from .._chat_stream import AsyncChatCompletionStreamManager, ChatCompletionStreamManager
    from .._parsed import ParsedChatCompletion, ResponseFormat
    from .._tools import AsyncToolRunStream, FunctionTool, ToolRunResult, ToolRunStream
    from .._transport import AsyncTransport, Call, SyncTransport

T = TypeVar("T")


def _create(resource: Resource[Any], **params: Any) -> Call[Any]:
    """The call ``create(**params)`` would send (checked, unsent)."""
    return call_of(resource, "create", **params)


def _format(response_format: Any, where: str, params: dict[str, Any]) -> ResponseFormat:
    """The response_format, set in ``params``: a regex one (which the spec's model of
    the request doesn't list) goes in ``extra_body``, so that it is sent as given."""
    from .._parsed import ResponseFormat

    fmt = ResponseFormat(response_format, where)
    if fmt.wire.get("type") == "regex":
        params["extra_body"] = {**(params.get("extra_body") or {}), "response_format": fmt.wire}
    else:
        params["response_format"] = fmt.wire
    return fmt


def _no_stream(params: Mapping[str, Any], where: str, instead: str) -> None:
    if params.get("stream"):
        raise TypeError(f"{where}: stream=True is not for this method; {instead}")


def _parse(
    self: Resource[Any],
    /,
    *,
    model: str,
    messages: Sequence[Any],
    response_format: Any,
    **params: Any,
) -> Script[ParsedChatCompletion[Any]]:
    """POST /chat/completions with ``response_format`` a type (a pydantic model, a
    dataclass, a TypedDict, an attrs class) or a JSON schema, sent as Together's
    ``{"type": "json_schema", "json_schema": {"name", "schema", "strict": true}}``
    (a ``json_object`` or ``regex`` response_format dict is sent as it is). Takes
    every argument ``create`` takes, per-call options included.

    Returns a ParsedChatCompletion: each ``choices[i].message.parsed`` is the answer
    as that type (for a JSON schema, the parsed JSON). Raises LengthFinishReasonError
    when the answer was cut at the token limit and StructuredOutputError (a ValueError,
    with the raw text in ``.content``) when it doesn't fit the type."""
    where = "chat.completions.parse"
    _no_stream(params, where, "use chat.completions.stream(response_format=...)")
    fmt = _format(response_format, where, params)
    call = _create(self, model=model, messages=messages, **params)
    return _read_as(call, fmt)


def _read_as(call: Call[Any], fmt: ResponseFormat) -> Script[ParsedChatCompletion[Any]]:
    from .._parsed import parse_completion

    completion = yield call
    return parse_completion(completion, fmt)


def _stream(
    self: Resource[Any],
    /,
    *,
    model: str,
    messages: Sequence[Any],
    response_format: Any = None,
    **params: Any,
) -> Either[ChatCompletionStreamManager[Any], AsyncChatCompletionStreamManager[Any]]:
    """POST /chat/completions, streamed, as a context manager (``with``; ``async with``
    on AsyncTogether) whose stream yields typed events: ``"chunk"``, ``"content.delta"``,
    ``"reasoning.delta"``, ``"tool_calls.function.arguments.delta"``, then ``".done"``
    events as each choice finishes. ``stream.text_stream`` yields the text alone and
    ``stream.get_final_completion()`` the completion the chunks add up to (what arrived,
    after an early exit), with ``message.parsed`` when ``response_format`` is a type or
    schema (as in ``parse``). Takes every argument ``create`` takes, but ``stream``."""
    where = "chat.completions.stream"
    _no_stream(params, where, "it always streams")
    params.pop("stream", None)
    fmt = None if response_format is None else _format(response_format, where, params)
    call = _create(self, model=model, messages=messages, stream=True, **params)
    from .._chat_stream import AsyncChatCompletionStreamManager, ChatCompletionStreamManager

    run = self._driver.run
    return Either(
        ChatCompletionStreamManager, AsyncChatCompletionStreamManager, lambda: run(call), fmt
    )


def _run_tools(
    self: Resource[Any],
    /,
    *,
    model: str,
    messages: Sequence[Any],
    tools: Sequence[Callable[..., Any] | FunctionTool[Any]],
    max_rounds: int = 10,
    parallel_tool_calls: bool = True,
    raise_tool_errors: bool = False,
    **params: Any,
) -> Script[ToolRunResult]:
    """Lets the model call ``tools`` (functions, or ``together.function_tool(...)``s)
    until it answers without tool calls: asks the model, runs the calls it made (at
    once when ``parallel_tool_calls``, else one by one; async functions on AsyncTogether,
    whose plain functions run in threads), sends their results back, and asks again.

    Returns a ToolRunResult: ``completion`` (the last answer) and ``messages`` (the whole
    conversation). A tool that raises has its error text sent to the model instead (the
    API key redacted), as have a call of an unknown tool and arguments that don't fit the
    function; ``raise_tool_errors=True`` raises a tool's exception instead. After
    ``max_rounds`` model calls that all asked for tools, raises ToolRunError (with
    ``completion`` and ``messages``). Every other argument goes to each ``create`` call,
    per-call options (``timeout``, ``deadline``...) included; ``stream`` is not taken.
    On Together an async tool is a TypeError, before anything is sent."""
    options = dict(locals())  # every argument above, by name
    del options["self"], options["params"]
    return _tools_script(self, "run_tools", options, params)


def _tools_script(
    resource: Resource[Any], name: str, options: dict[str, Any], params: dict[str, Any]
) -> Script[ToolRunResult]:
    from .._tools import prepare_tools, run_tools_script

    where = f"chat.completions.{name}"
    found = prepare_tools(options.pop("tools"), where=where)
    resource._driver.check_runnable([(t.name, t.target) for t in found.values()], where)
    return run_tools_script(
        resource,
        messages=options.pop("messages"),
        tools=found,
        params={"model": options.pop("model"), **params},
        where=where,
        stream=name == "run_tools_stream",
        **options,
    )


def _run_tools_stream(
    self: Resource[Any],
    /,
    *,
    model: str,
    messages: Sequence[Any],
    tools: Sequence[Callable[..., Any] | FunctionTool[Any]],
    max_rounds: int = 10,
    parallel_tool_calls: bool = True,
    raise_tool_errors: bool = False,
    **params: Any,
) -> Either[ToolRunStream, AsyncToolRunStream]:
    """``run_tools`` with each model call streamed: returns a ToolRunStream (on
    AsyncTogether an AsyncToolRunStream) that yields the events of each round's answer
    as ``chat.completions.stream()`` does, round by round; ``get_final_result()`` gives
    the ToolRunResult. Use it as a context manager (``async with``) to stop early."""
    options = dict(locals())  # every argument above, by name
    del options["self"], options["params"]
    from .._tools import AsyncToolRunStream, ToolRunStream

    script = _tools_script(self, "run_tools_stream", options, params)
    return Either(ToolRunStream, AsyncToolRunStream, script, self._driver)


def _show(made: method[Any, Any], function: Callable[..., Any], returns: str) -> None:
    """Name ``made`` as its function without the underscore, and show its signature
    with what the method returns and ``**params`` as the arguments it passes on."""
    name = function.__name__.lstrip("_")
    made.__name__ = name
    keywords = "ChatCompletions" + name.title().replace("_", "") + "Arguments"
    made.signature = OwnSignature(function, returns, keywords)


class ChatCompletions(Resource[M]):
    # The helpers take every argument create() takes (but stream) through **params, typed
    # in the stub as ChatCompletions<Helper>Arguments, made from create's shape.
    ARGUMENTS_OF: ClassVar[dict[str, str]] = {
        "parse": "create",
        "stream": "create",
        "run_tools": "create",
        "run_tools_stream": "create",
    }

    if TYPE_CHECKING:

        @overload
        def parse(
            self: ChatCompletions[SyncTransport],
            *,
            model: str,
            messages: Sequence[Any],
            response_format: type[T],
            **params: Unpack[ChatCompletionsParseArguments],
        ) -> ParsedChatCompletion[T]: ...
        @overload
        def parse(
            self: ChatCompletions[SyncTransport],
            *,
            model: str,
            messages: Sequence[Any],
            response_format: Mapping[str, Any],
            **params: Unpack[ChatCompletionsParseArguments],
        ) -> ParsedChatCompletion[Any]: ...
        @overload
        def parse(
            self: ChatCompletions[AsyncTransport],
            *,
            model: str,
            messages: Sequence[Any],
            response_format: type[T],
            **params: Unpack[ChatCompletionsParseArguments],
        ) -> Coroutine[Any, Any, ParsedChatCompletion[T]]: ...
        @overload
        def parse(
            self: ChatCompletions[AsyncTransport],
            *,
            model: str,
            messages: Sequence[Any],
            response_format: Mapping[str, Any],
            **params: Unpack[ChatCompletionsParseArguments],
        ) -> Coroutine[Any, Any, ParsedChatCompletion[Any]]: ...
        def parse(self, *args: Any, **kwargs: Any) -> Any: ...

        @overload
        def stream(
            self: ChatCompletions[SyncTransport],
            *,
            model: str,
            messages: Sequence[Any],
            response_format: type[T],
            **params: Unpack[ChatCompletionsStreamArguments],
        ) -> ChatCompletionStreamManager[T]: ...
        @overload
        def stream(
            self: ChatCompletions[SyncTransport],
            *,
            model: str,
            messages: Sequence[Any],
            response_format: Mapping[str, Any] | None = None,
            **params: Unpack[ChatCompletionsStreamArguments],
        ) -> ChatCompletionStreamManager[Any]: ...
        @overload
        def stream(
            self: ChatCompletions[AsyncTransport],
            *,
            model: str,
            messages: Sequence[Any],
            response_format: type[T],
            **params: Unpack[ChatCompletionsStreamArguments],
        ) -> AsyncChatCompletionStreamManager[T]: ...
        @overload
        def stream(
            self: ChatCompletions[AsyncTransport],
            *,
            model: str,
            messages: Sequence[Any],
            response_format: Mapping[str, Any] | None = None,
            **params: Unpack[ChatCompletionsStreamArguments],
        ) -> AsyncChatCompletionStreamManager[Any]: ...
        def stream(self, *args: Any, **kwargs: Any) -> Any: ...

    else:
        parse = method(_parse)
        _show(parse, _parse, "ParsedChatCompletion[T]")
        stream = method(_stream)
        _show(stream, _stream, "ChatCompletionStreamManager[T]")

    if TYPE_CHECKING:

        @overload
        def run_tools(
            self: ChatCompletions[SyncTransport],
            *,
            model: str,
            messages: Sequence[Any],
            tools: Sequence[Callable[..., Any] | FunctionTool[Any]],
            max_rounds: int = 10,
            parallel_tool_calls: bool = True,
            raise_tool_errors: bool = False,
            **params: Unpack[ChatCompletionsRunToolsArguments],
        ) -> ToolRunResult: ...
        @overload
        def run_tools(
            self: ChatCompletions[AsyncTransport],
            *,
            model: str,
            messages: Sequence[Any],
            tools: Sequence[Callable[..., Any] | FunctionTool[Any]],
            max_rounds: int = 10,
            parallel_tool_calls: bool = True,
            raise_tool_errors: bool = False,
            **params: Unpack[ChatCompletionsRunToolsArguments],
        ) -> Coroutine[Any, Any, ToolRunResult]: ...
        def run_tools(self, *args: Any, **kwargs: Any) -> Any: ...

    else:
        run_tools = script(_run_tools)
        _show(run_tools, _run_tools, "ToolRunResult")
    if TYPE_CHECKING:

        @overload
        def run_tools_stream(
            self: ChatCompletions[SyncTransport],
            *,
            model: str,
            messages: Sequence[Any],
            tools: Sequence[Callable[..., Any] | FunctionTool[Any]],
            max_rounds: int = 10,
            parallel_tool_calls: bool = True,
            raise_tool_errors: bool = False,
            **params: Unpack[ChatCompletionsRunToolsStreamArguments],
        ) -> ToolRunStream: ...
        @overload
        def run_tools_stream(
            self: ChatCompletions[AsyncTransport],
            *,
            model: str,
            messages: Sequence[Any],
            tools: Sequence[Callable[..., Any] | FunctionTool[Any]],
            max_rounds: int = 10,
            parallel_tool_calls: bool = True,
            raise_tool_errors: bool = False,
            **params: Unpack[ChatCompletionsRunToolsStreamArguments],
        ) -> AsyncToolRunStream: ...
        def run_tools_stream(self, *args: Any, **kwargs: Any) -> Any: ...

    else:
        run_tools_stream = method(_run_tools_stream)
        _show(run_tools_stream, _run_tools_stream, "ToolRunStream")
