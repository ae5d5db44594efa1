"""Tools from Python functions, and ``run_tools``: the loop that lets the model call them.

``function_tool(fn)`` describes a function to the model: its name, the docstring's first
part as the description, and a JSON schema of its parameters (from their type hints, with
the docstring's ``Args:`` lines as descriptions; see ``_schema``). A pydantic model,
dataclass, TypedDict or attrs class works as well: the tool's arguments are its fields and
its result is the instance built from them.

The runner is a script of effects (``_drivers.py``): each round is one model call,
then the tool calls it asked for as one ``Concurrently`` effect (or one at a time), so the
same loop runs on both clients.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ._drivers import END, Emit, Next, Script, outcomes
from ._errors import ToolRunError
from ._schema import (
    build,
    docstring_parts,
    is_pydantic_model,
    is_structured,
    json_schema,
    signature_schema,
)

if TYPE_CHECKING:
    from together_generated.models import ChatCompletionResponse

    from ._accumulate import ChatCompletionStreamEvent
    from ._drivers import AsyncDriver, SyncDriver
    from ._resource import Resource

R = TypeVar("R")

REDACTED = "[redacted]"


class FunctionTool(Generic[R]):
    """A function the model may call: ``name``, ``description``, ``parameters`` (a JSON
    schema), and ``to_param()``, the entry of a request's ``tools``. Calling the tool
    calls the function."""

    def __init__(
        self,
        function: Callable[..., R],
        *,
        name: str | None = None,
        description: str | None = None,
    ) -> None:
        if not callable(function):
            raise TypeError(f"function_tool: expected a function or a class, got {function!r}")
        self.function = function
        self._class = isinstance(function, type) and (
            is_structured(function) or is_pydantic_model(function)
        )
        text, params = docstring_parts(function)
        self.name: str = name or str(getattr(function, "__name__", type(function).__name__))
        self.description: str = text if description is None else description
        if self._class:
            self.parameters: dict[str, Any] = json_schema(function)
            self._hints: dict[str, Any] = {}
        else:
            self.parameters = signature_schema(function, params)
            self._hints = _parameter_hints(function)
        self.is_async = inspect.iscoroutinefunction(function) or inspect.iscoroutinefunction(
            getattr(function, "__call__", None)  # noqa: B004  # (an object's async __call__)
        )

    def to_param(self) -> dict[str, Any]:
        """The tool as a request's ``tools`` entry."""
        function: dict[str, Any] = {"name": self.name, "parameters": self.parameters}
        if self.description:
            function["description"] = self.description
        return {"type": "function", "function": function}

    def arguments(self, text: str | None) -> dict[str, Any]:
        """The keyword arguments of a call from the model's JSON text; ValueError naming
        what doesn't fit."""
        try:
            data = json.loads(text or "{}")
        except ValueError as exc:
            raise ValueError(f"the arguments are not JSON: {exc}") from None
        if not isinstance(data, dict):
            raise ValueError("the arguments must be a JSON object")
        if self._class:
            return {"__value__": build(self.function, data)}
        required = set(self.parameters.get("required", ()))
        missing = sorted(required - set(data))
        if missing:
            raise ValueError(f"missing argument {missing[0]!r}")
        unknown = sorted(set(data) - set(self._hints))
        if unknown:
            raise ValueError(f"unexpected argument {unknown[0]!r}")
        return {k: build(self._hints[k], v, k) for k, v in data.items()}

    @property
    def target(self) -> Callable[..., Any]:
        """What runs a call, given ``arguments(...)`` as keywords."""
        return _instance if self._class else self.function

    def __call__(self, *args: Any, **kwargs: Any) -> R:
        return self.function(*args, **kwargs)

    def __repr__(self) -> str:
        return f"FunctionTool(name={self.name!r})"


def _instance(__value__: Any) -> Any:
    return __value__


def _parameter_hints(function: Callable[..., Any]) -> dict[str, Any]:
    from ._schema import _hints

    hints = _hints(function)
    return {
        p.name: hints.get(p.name, Any)
        for p in inspect.signature(function).parameters.values()
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    }


def function_tool(
    function: Callable[..., R], *, name: str | None = None, description: str | None = None
) -> FunctionTool[R]:
    """``function`` described as a tool the model can call (name, docstring and a JSON
    schema of its parameters). Pass it in ``run_tools(tools=[...])``, or its
    ``to_param()`` in ``create(tools=[...])``."""
    if isinstance(function, FunctionTool):
        return function
    return FunctionTool(function, name=name, description=description)


def _as_json_text(value: Any) -> str:
    """A tool's result as the text sent back to the model."""
    if isinstance(value, str):
        return value
    return json.dumps(value, default=_jsonable, ensure_ascii=False)


def _jsonable(value: Any) -> Any:
    if is_pydantic_model(type(value)):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if hasattr(type(value), "__attrs_attrs__"):
        import attrs

        return attrs.asdict(value)
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


class ToolRunResult:
    """What ``run_tools`` returns: ``completion``, the model's last answer (the one
    without tool calls), and ``messages``, the whole conversation (yours first, then
    each assistant message and tool result, the last answer included)."""

    def __init__(self, completion: ChatCompletionResponse, messages: list[Any]) -> None:
        self.completion = completion
        self.messages = messages

    def __repr__(self) -> str:
        return f"ToolRunResult(rounds={sum(_is_assistant(m) for m in self.messages)})"


class ToolRunStream:
    """What ``run_tools_stream`` returns on Together: iterate it for the events of each
    round's streamed answer (as ``chat.completions.stream()`` yields them), in order;
    ``get_final_result()`` reads what is left and returns the ToolRunResult. Leaving a
    ``with`` block (or ``close()``) stops the run and closes the connection."""

    def __init__(self, script: Script[ToolRunResult], driver: SyncDriver) -> None:
        self._result: list[ToolRunResult] = []
        self._events = driver.iterate(script, self._result)

    def __iter__(self) -> Iterator[ChatCompletionStreamEvent]:
        return self._events

    def __next__(self) -> ChatCompletionStreamEvent:
        event: ChatCompletionStreamEvent = next(self._events)
        return event

    def get_final_result(self) -> ToolRunResult:
        for _ in self._events:
            pass
        if not self._result:
            raise RuntimeError("the run was stopped before it ended")
        return self._result[0]

    def close(self) -> None:
        self._events.close()  # type: ignore[attr-defined]  # (a generator)

    def __enter__(self) -> ToolRunStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncToolRunStream:
    """ToolRunStream for AsyncTogether: ``async for``, ``await get_final_result()``,
    ``async with``."""

    def __init__(self, script: Script[ToolRunResult], driver: AsyncDriver) -> None:
        self._result: list[ToolRunResult] = []
        self._events = driver.iterate(script, self._result)

    def __aiter__(self) -> AsyncIterator[ChatCompletionStreamEvent]:
        return self._events

    async def __anext__(self) -> ChatCompletionStreamEvent:
        event: ChatCompletionStreamEvent = await self._events.__anext__()
        return event

    async def get_final_result(self) -> ToolRunResult:
        async for _ in self._events:
            pass
        if not self._result:
            raise RuntimeError("the run was stopped before it ended")
        return self._result[0]

    async def close(self) -> None:
        await self._events.aclose()  # type: ignore[attr-defined]  # (an async generator)

    async def __aenter__(self) -> AsyncToolRunStream:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


def _is_assistant(message: Any) -> bool:
    return isinstance(message, dict) and message.get("role") == "assistant"


def prepare_tools(
    tools: Iterable[Callable[..., Any] | FunctionTool[Any]], *, where: str
) -> dict[str, FunctionTool[Any]]:
    """The tools by name."""
    found: dict[str, FunctionTool[Any]] = {}
    for item in tools:
        tool = function_tool(item)
        if tool.name in found:
            raise ValueError(f"{where}: two tools are named {tool.name!r}")
        found[tool.name] = tool
    if not found:
        raise ValueError(f"{where}: give at least one tool")
    return found


def _redact(text: str, secret: str | None) -> str:
    return text.replace(secret, REDACTED) if secret else text


def _assistant_message(message: Any) -> dict[str, Any]:
    """The assistant's message as it goes back in ``messages``: its own tool calls, as
    the response gave them (with their ``index``)."""
    entry: dict[str, Any] = {"role": "assistant", "content": message.content}
    if message.tool_calls:
        entry["tool_calls"] = [call.to_dict() for call in message.tool_calls]
    return entry


def run_tools_script(
    resource: Resource[Any],
    *,
    messages: Sequence[Any],
    tools: dict[str, FunctionTool[Any]],
    max_rounds: int,
    parallel_tool_calls: bool,
    raise_tool_errors: bool,
    params: dict[str, Any],
    where: str,
    stream: bool = False,
) -> Script[ToolRunResult]:
    """The runner. With ``stream``, each model call streams and the events of its
    chunks (as ``chat.completions.stream()`` gives them) are emitted as they come."""
    if not (isinstance(max_rounds, int) and max_rounds >= 1):
        raise ValueError(f"{where}: max_rounds must be a whole number >= 1")
    for taken in ("messages", "tools", "stream"):  # (stream: run_tools_stream)
        if taken in params:
            raise TypeError(f"{where}: {taken!r} is set by the runner")
    secret = getattr(resource._transport.settings, "api_key", None)
    create = type(resource).create._function  # type: ignore[attr-defined]
    conversation: list[Any] = list(messages)
    wire_tools = [tool.to_param() for tool in tools.values()]
    for round_number in range(1, max_rounds + 1):
        more = {"stream": True} if stream else {}
        call = create(resource, messages=conversation, tools=wire_tools, **more, **params)
        if stream:
            completion = yield from _streamed(call)
        else:
            completion = yield call
        choices = completion.choices or []
        message = choices[0].message if choices else None
        if message is None:
            return ToolRunResult(completion, conversation)
        conversation.append(_assistant_message(message))
        requested = list(message.tool_calls or [])
        if not requested:
            return ToolRunResult(completion, conversation)
        if round_number == max_rounds:
            break
        answers = yield from _run_round(
            tools, requested, parallel_tool_calls, raise_tool_errors, secret
        )
        for tool_call, text in zip(requested, answers, strict=True):
            conversation.append({"role": "tool", "tool_call_id": tool_call.id, "content": text})
    raise ToolRunError(
        f"{where}: the model still called tools after max_rounds={max_rounds} rounds",
        completion=completion,
        messages=conversation,
    )


def _streamed(call: Any) -> Script[Any]:
    """One streamed model call: its events emitted, its chunks folded."""
    from ._chat_stream import _Events

    chunks = yield call
    events: _Events[Any] = _Events(None)
    while (chunk := (yield Next(chunks))) is not END:
        for event in events.of(chunk):
            yield Emit(event)
    return events.final()


def _run_round(
    tools: dict[str, FunctionTool[Any]],
    requested: list[Any],
    parallel: bool,
    raise_errors: bool,
    secret: str | None,
) -> Script[list[str]]:
    """Runs the tool calls of one round; their answers (results, or error texts)."""
    answers: list[str | None] = [None] * len(requested)
    runnable: list[tuple[int, FunctionTool[Any], dict[str, Any]]] = []
    for i, tool_call in enumerate(requested):
        function = tool_call.function
        name = getattr(function, "name", None)
        tool = tools.get(name or "")
        if tool is None:
            known = ", ".join(tools)
            answers[i] = f"Error: there is no tool named {name!r} (tools: {known})"
            continue
        try:
            kwargs = tool.arguments(getattr(function, "arguments", None))
        except (ValueError, TypeError) as exc:
            answers[i] = _redact(f"Error: invalid arguments for {name}: {exc}", secret)
            continue
        runnable.append((i, tool, kwargs))
    groups = [runnable] if parallel else [[r] for r in runnable]
    for group in groups:
        if not group:
            continue
        results = yield outcomes([(tool.target, kwargs) for _, tool, kwargs in group])
        for (i, tool, _kwargs), (value, error) in zip(group, results, strict=True):
            if error is not None:
                if raise_errors:
                    raise error
                answers[i] = _redact(f"Error: {type(error).__name__}: {error}", secret)
            else:
                try:
                    answers[i] = _redact(_as_json_text(value), secret)
                except (TypeError, ValueError) as exc:
                    answers[i] = f"Error: the result of {tool.name} is not JSON: {exc}"
    return [a or "" for a in answers]


__all__ = [
    "AsyncToolRunStream",
    "FunctionTool",
    "ToolRunResult",
    "ToolRunStream",
    "function_tool",
    "prepare_tools",
    "run_tools_script",
]
