"""Streamed chunks folded back into the completion a non-streamed call returns, and the
typed events ``chat.completions.stream()`` yields on the way.

What the fold keeps, per choice (``n > 1`` gives several): the message's ``role``,
``content`` (the deltas joined; content that only ever came as ``""`` stays ``""``, none
at all is None), ``reasoning`` (when any came), ``tool_calls`` (by their ``index``, the
arguments' pieces joined; ``[]`` when none, as the API answers), the last
``finish_reason``, and ``logprobs`` gathered as the response's shape (``tokens``,
``token_logprobs``, ``token_ids``, ``top_logprobs``). Of the whole: ``id``, ``created``,
``model`` and ``usage`` (from the chunk that carries it); ``object`` is the response's
("chat.completion", or "text.completion" for a ``completions`` stream). What only chunks
have (``token_id``, a chat chunk's ``text``, ``seed``) is not carried over.
"""

# The fold checks keys with ``in`` and reads them by subscript, not ``.get``: no method
# call per field on the hot path of a stream (make bench, scenario 10).
# ruff: noqa: RUF019, SIM401

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from typing import TypeAlias

    from together_generated.models import (
        ChatCompletionChunk,
        ChatCompletionResponse,
        CompletionChunk,
        CompletionResponse,
    )


class _ToolCall:
    __slots__ = ("arguments", "id", "index", "name", "type")

    def __init__(self, index: int) -> None:
        self.index = index
        self.id: str | None = None
        self.type: str | None = None
        self.name: str | None = None
        self.arguments: list[str] = []

    def as_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "id": self.id or "",
            "type": self.type or "function",
            "function": {"name": self.name or "", "arguments": "".join(self.arguments)},
        }


class _Choice:
    __slots__ = (
        "content",
        "finish_reason",
        "index",
        "logprobs",
        "reasoning",
        "role",
        "token_ids",
        "tokens",
        "tool_calls",
        "top_logprobs",
    )

    def __init__(self, index: int) -> None:
        self.index = index
        self.role: str | None = None
        self.content: list[str] | None = None  # None: no content came, not even ""
        self.reasoning: list[str] | None = None
        self.tool_calls: dict[int, _ToolCall] = {}
        self.finish_reason: Any = None
        self.logprobs: list[Any] | None = None
        self.tokens: list[str] = []
        self.token_ids: list[Any] = []
        self.top_logprobs: list[Any] = []

    def logprobs_json(self) -> dict[str, Any] | None:
        if self.logprobs is None:
            return None
        found: dict[str, Any] = {"tokens": self.tokens, "token_logprobs": self.logprobs}
        if any(t is not None for t in self.token_ids):
            found["token_ids"] = self.token_ids
        if any(t is not None for t in self.top_logprobs):
            found["top_logprobs"] = self.top_logprobs
        return found


# -- events ---------------------------------------------------------------------------


class ChunkEvent:
    """Every chunk, as it arrives (``chunk``), before the events it makes."""

    __slots__ = ("chunk",)
    type: Literal["chunk"] = "chunk"

    def __init__(self, chunk: ChatCompletionChunk) -> None:
        self.chunk = chunk

    def __repr__(self) -> str:
        return f"ChunkEvent(chunk={self.chunk!r})"


class _Delta:
    __slots__ = ("_count", "_parts", "delta", "index")

    def __init__(self, index: int, delta: str, parts: list[str]) -> None:
        self.index = index  # the choice's index
        self.delta = delta
        self._parts = parts
        self._count = len(parts)

    @property
    def snapshot(self) -> str:
        """The text so far, this delta included."""
        return "".join(self._parts[: self._count])

    def __repr__(self) -> str:
        return f"{type(self).__name__}(index={self.index}, delta={self.delta!r})"


class ContentDeltaEvent(_Delta):
    """A piece of a choice's content: ``delta``, ``snapshot`` (the text so far), ``index``."""

    __slots__ = ()
    type: Literal["content.delta"] = "content.delta"


class ReasoningDeltaEvent(_Delta):
    """A piece of a choice's reasoning (DeepSeek, Qwen...): ``delta``, ``snapshot``."""

    __slots__ = ()
    type: Literal["reasoning.delta"] = "reasoning.delta"


class ContentDoneEvent:
    """A choice's content is complete (its ``finish_reason`` came): ``content``, and
    ``parsed`` (the content read as ``response_format``, else None)."""

    __slots__ = ("content", "index", "parsed")
    type: Literal["content.done"] = "content.done"

    def __init__(self, index: int, content: str, parsed: Any = None) -> None:
        self.index = index
        self.content = content
        self.parsed = parsed

    def __repr__(self) -> str:
        return f"ContentDoneEvent(index={self.index}, content={self.content!r})"


class ReasoningDoneEvent:
    """A choice's reasoning is complete: ``reasoning``."""

    __slots__ = ("index", "reasoning")
    type: Literal["reasoning.done"] = "reasoning.done"

    def __init__(self, index: int, reasoning: str) -> None:
        self.index = index
        self.reasoning = reasoning

    def __repr__(self) -> str:
        return f"ReasoningDoneEvent(index={self.index}, reasoning={self.reasoning!r})"


class FunctionToolCallArgumentsDeltaEvent:
    """A piece of a tool call's arguments: ``name``, ``index`` (the call's),
    ``arguments_delta``, ``arguments`` (so far), ``choice_index``."""

    __slots__ = ("_call", "_count", "arguments_delta", "choice_index")
    type: Literal["tool_calls.function.arguments.delta"] = "tool_calls.function.arguments.delta"

    def __init__(self, choice_index: int, call: _ToolCall, delta: str) -> None:
        self.choice_index = choice_index
        self._call = call
        self._count = len(call.arguments)
        self.arguments_delta = delta

    @property
    def name(self) -> str:
        return self._call.name or ""

    @property
    def index(self) -> int:
        return self._call.index

    @property
    def arguments(self) -> str:
        return "".join(self._call.arguments[: self._count])

    def __repr__(self) -> str:
        return (
            f"FunctionToolCallArgumentsDeltaEvent(index={self.index}, name={self.name!r}, "
            f"arguments_delta={self.arguments_delta!r})"
        )


class FunctionToolCallArgumentsDoneEvent:
    """A tool call is complete: ``name``, ``index``, ``id``, ``arguments`` (the JSON
    text), ``choice_index``."""

    __slots__ = ("arguments", "choice_index", "id", "index", "name")
    type: Literal["tool_calls.function.arguments.done"] = "tool_calls.function.arguments.done"

    def __init__(self, choice_index: int, call: _ToolCall) -> None:
        self.choice_index = choice_index
        self.index = call.index
        self.id = call.id or ""
        self.name = call.name or ""
        self.arguments = "".join(call.arguments)

    def __repr__(self) -> str:
        return (
            f"FunctionToolCallArgumentsDoneEvent(index={self.index}, name={self.name!r}, "
            f"arguments={self.arguments!r})"
        )


ChatCompletionStreamEvent: TypeAlias = (
    ChunkEvent
    | ContentDeltaEvent
    | ContentDoneEvent
    | ReasoningDeltaEvent
    | ReasoningDoneEvent
    | FunctionToolCallArgumentsDeltaEvent
    | FunctionToolCallArgumentsDoneEvent
)


# -- the fold -------------------------------------------------------------------------


def _json_of(chunk: Any) -> dict[str, Any]:
    """The JSON a chunk was read from: a lenient model keeps its body until its unknown
    fields are asked for (reading it is several times faster than the attributes);
    else the model's ``to_dict()``, or the chunk itself when it is a dict."""
    if type(chunk) is dict:
        return chunk
    try:
        raw = chunk._raw
    except AttributeError:
        raw = None
    if type(raw) is dict:
        return raw
    data: dict[str, Any] = chunk.to_dict()
    return data


class ChatCompletionAccumulator:
    """Folds the chunks of a streamed chat completion (or completion) into the completion
    a non-streamed call would have returned::

        acc = together.ChatCompletionAccumulator()
        for chunk in client.chat.completions.create(..., stream=True):
            acc.add(chunk)
        completion = acc.completion  # a ChatCompletionResponse

    ``completion`` may be read at any time: it is what arrived so far. See the module's
    documentation for what is kept.
    """

    def __init__(self) -> None:
        self._choices: dict[int, _Choice] = {}
        self._id: Any = None
        self._created: Any = None
        self._model: Any = None
        self._usage: Any = None
        self._warnings: Any = None
        self._text = False  # a completions stream (text.completion)
        self._chunks = 0

    def add(self, chunk: ChatCompletionChunk | CompletionChunk | dict[str, Any]) -> None:
        """Folds one chunk in (a chunk model, or its JSON)."""
        self._fold(chunk, None)

    def _fold(self, chunk: Any, events: list[Any] | None) -> None:
        data = _json_of(chunk)
        if self._chunks == 0:
            self._id = data.get("id")
            self._created = data.get("created")
            self._model = data.get("model")
            self._text = data.get("object") == "completion.chunk"
        self._chunks += 1
        if "usage" in data and data["usage"] is not None:
            self._usage = data["usage"]
        if "warnings" in data and data["warnings"]:
            self._warnings = data["warnings"]
        text = self._text
        for choice in data["choices"] if "choices" in data and data["choices"] else ():
            index = choice["index"] if "index" in choice and choice["index"] else 0
            state = self._choices.get(index)
            if state is None:
                state = self._choices[index] = _Choice(index)
            delta = choice["delta"] if "delta" in choice else None
            if type(delta) is not dict:
                delta = {}
            if text:
                piece = choice["text"] if "text" in choice else None
                if piece is None and "content" in delta:
                    piece = delta["content"]
                if piece is not None:
                    if state.content is None:
                        state.content = []
                    state.content.append(piece)
            else:
                if state.role is None and "role" in delta:
                    state.role = delta["role"]
                piece = delta["content"] if "content" in delta else None
                if piece is not None:
                    if state.content is None:
                        state.content = []
                    state.content.append(piece)
                    if events is not None and piece:
                        events.append(ContentDeltaEvent(index, piece, state.content))
                if "reasoning" in delta and delta["reasoning"] is not None:
                    reasoning = delta["reasoning"]
                    if state.reasoning is None:
                        state.reasoning = []
                    state.reasoning.append(reasoning)
                    if events is not None and reasoning:
                        events.append(ReasoningDeltaEvent(index, reasoning, state.reasoning))
                if "tool_calls" in delta and delta["tool_calls"]:
                    self._tool_calls(state, delta["tool_calls"], events)
            if "logprobs" in choice and choice["logprobs"] is not None:
                token_id = delta["token_id"] if "token_id" in delta else None
                self._logprob(state, choice["logprobs"], piece, token_id, choice)
            if "finish_reason" in choice and choice["finish_reason"] is not None:
                state.finish_reason = choice["finish_reason"]
                if events is not None:
                    events.extend(self._done(state))

    @staticmethod
    def _tool_calls(state: _Choice, calls: Any, events: list[Any] | None) -> None:
        for part in calls:
            if type(part) is not dict:
                continue
            index = int(part.get("index") or 0)
            call = state.tool_calls.get(index)
            if call is None:
                call = state.tool_calls[index] = _ToolCall(index)
            if part.get("id"):
                call.id = part["id"]
            if part.get("type"):
                call.type = str(part["type"])
            function = part.get("function")
            if type(function) is dict:
                if function.get("name"):
                    call.name = function["name"]
                arguments = function.get("arguments")
                if arguments:
                    call.arguments.append(arguments)
                    if events is not None:
                        events.append(
                            FunctionToolCallArgumentsDeltaEvent(state.index, call, arguments)
                        )

    @staticmethod
    def _logprob(state: _Choice, logprob: Any, piece: Any, token_id: Any, choice: Any) -> None:
        if state.logprobs is None:
            state.logprobs = []
        if isinstance(logprob, (int, float)):
            state.logprobs.append(logprob)
            state.tokens.append(piece if piece is not None else "")
            state.token_ids.append(token_id)
            state.top_logprobs.append(choice.get("top_logprobs"))
            return
        # A logprobs object per chunk (its lists): appended as they come.
        if isinstance(logprob, dict):
            state.logprobs.extend(logprob.get("token_logprobs") or [])
            state.tokens.extend(logprob.get("tokens") or [])
            state.token_ids.extend(logprob.get("token_ids") or [])
            top = logprob.get("top_logprobs")
            state.top_logprobs.extend(top if isinstance(top, list) else [top] if top else [])

    @staticmethod
    def _done(state: _Choice) -> Iterator[Any]:
        if state.reasoning is not None:
            yield ReasoningDoneEvent(state.index, "".join(state.reasoning))
        for call in sorted(state.tool_calls.values(), key=lambda c: c.index):
            yield FunctionToolCallArgumentsDoneEvent(state.index, call)
        if state.content is not None:
            yield ContentDoneEvent(state.index, "".join(state.content))

    def as_json(self) -> dict[str, Any]:
        """The completion so far as the JSON a non-streamed call returns."""
        choices = []
        for index in sorted(self._choices):
            state = self._choices[index]
            content = None if state.content is None else "".join(state.content)
            entry: dict[str, Any] = {"index": index}
            if self._text:
                entry["text"] = content if content is not None else ""
            else:
                message: dict[str, Any] = {"role": str(state.role or "assistant")}
                message["content"] = content
                if state.reasoning is not None:
                    message["reasoning"] = "".join(state.reasoning)
                # As the API answers without streaming: an empty list when no tool was called.
                message["tool_calls"] = [
                    state.tool_calls[i].as_json() for i in sorted(state.tool_calls)
                ]
                entry["message"] = message
            entry["finish_reason"] = (
                None if state.finish_reason is None else str(state.finish_reason)
            )
            entry["logprobs"] = state.logprobs_json()
            choices.append(entry)
        body: dict[str, Any] = {
            "id": self._id,
            "object": "text.completion" if self._text else "chat.completion",
            "created": self._created,
            "model": self._model,
            "choices": choices,
            "usage": self._usage,
        }
        if self._warnings:
            body["warnings"] = self._warnings
        return body

    @property
    def completion(self) -> ChatCompletionResponse:
        """The chat completion so far (read as the non-streamed call's response is). For
        a ``completions`` stream, read ``text_completion``: this raises TypeError."""
        if self._text:
            raise TypeError("a completions stream: read .text_completion")
        from together_generated.models.chat_completion_response import ChatCompletionResponse

        return ChatCompletionResponse.from_response(self.as_json())

    @property
    def text_completion(self) -> CompletionResponse:
        """The completion so far, of a ``completions`` stream (a CompletionResponse)."""
        from together_generated.models.completion_response import CompletionResponse

        return CompletionResponse.from_response(self.as_json())


__all__ = [
    "ChatCompletionAccumulator",
    "ChatCompletionStreamEvent",
    "ChunkEvent",
    "ContentDeltaEvent",
    "ContentDoneEvent",
    "FunctionToolCallArgumentsDeltaEvent",
    "FunctionToolCallArgumentsDoneEvent",
    "ReasoningDeltaEvent",
    "ReasoningDoneEvent",
]
