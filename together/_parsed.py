"""Structured outputs: ``response_format=T`` as the request's ``json_schema`` shape, and
the answer read back as ``T`` on ``choices[i].message.parsed``.

``ParsedChatCompletion[T]``, its choices and their messages are the generated response
models with one field more (``parsed``, left out of ``to_dict()``): a completion read as
usual is copied into them, field by field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from attrs import define, field

from together_generated.models.chat_completion_choices_data_item import (
    ChatCompletionChoicesDataItem,
)
from together_generated.models.chat_completion_message import ChatCompletionMessage
from together_generated.models.chat_completion_response import ChatCompletionResponse
from together_generated.types import model_state, set_model_state

from ._errors import LengthFinishReasonError, StructuredOutputError
from ._schema import build, is_pydantic_model, is_structured, json_schema

T = TypeVar("T")


@define
class ParsedChatCompletionMessage(ChatCompletionMessage, Generic[T]):
    """A message whose content was read as the ``response_format`` type: ``parsed``
    (None for a message with no content, e.g. a tool call)."""

    parsed: T | None = field(default=None, kw_only=True)


@define
class ParsedChoice(ChatCompletionChoicesDataItem, Generic[T]):
    if TYPE_CHECKING:
        message: ParsedChatCompletionMessage[T]


@define
class ParsedChatCompletion(ChatCompletionResponse, Generic[T]):
    """The completion ``chat.completions.parse`` returns: each choice's message has
    ``parsed``, the answer as the ``response_format`` type."""

    if TYPE_CHECKING:
        choices: list[ParsedChoice[T]]  # type: ignore[assignment]


def _promote(obj: Any, cls: type[Any]) -> Any:
    new = object.__new__(cls)
    set_model_state(new, model_state(obj))
    return new


class ResponseFormat:
    """What ``response_format`` asks for: the body's value, and how to read the answer
    (``target``: the type, or None for a JSON schema given as a dict: the parsed JSON)."""

    def __init__(self, value: Any, where: str) -> None:
        self.target: Any = None
        self.reads_json = False
        if isinstance(value, Mapping):
            self.wire: dict[str, Any] = dict(value)
            kind = self.wire.get("type")
            if kind in ("json_schema", "json_object"):
                self.reads_json = True
            elif kind not in ("text", "regex") and (
                kind == "object" or "properties" in value or "$schema" in value
            ):
                # A bare JSON schema: wrapped as the json_schema shape.
                title = str(value.get("title") or "response")
                self.wire = _shape(title, dict(value))
                self.reads_json = True
        elif isinstance(value, type) and (is_structured(value) or is_pydantic_model(value)):
            self.target = value
            self.reads_json = True
            self.wire = _shape(value.__name__, json_schema(value))
        else:
            raise TypeError(
                f"{where}: response_format must be a pydantic model, dataclass, TypedDict or "
                f"attrs class, a JSON schema or a response_format dict; got {value!r:.80}"
            )

    def read(self, content: str | None) -> Any:
        """The answer's text as the type (or the JSON); ValueError when it isn't."""
        if content is None or not self.reads_json:
            return content if not self.reads_json else None
        if is_pydantic_model(self.target):
            return self.target.model_validate_json(content)
        data = json.loads(content)
        return data if self.target is None else build(self.target, data)


def _shape(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    safe = re.sub(r"[^a-zA-Z0-9_-]", "_", name)[:64] or "response"
    return {"type": "json_schema", "json_schema": {"name": safe, "schema": schema, "strict": True}}


def parse_completion(completion: Any, fmt: ResponseFormat) -> ParsedChatCompletion[Any]:
    """The completion as a ParsedChatCompletion, each message's content read: raises
    LengthFinishReasonError for an answer cut at the token limit and
    StructuredOutputError for one that isn't the type."""
    parsed: ParsedChatCompletion[Any] = _promote(completion, ParsedChatCompletion)
    choices = []
    for choice in completion.choices or []:
        new_choice = _promote(choice, ParsedChoice)
        message = choice.message
        if message is not None:
            content = message.content
            if fmt.reads_json and str(choice.finish_reason) == "length":
                raise LengthFinishReasonError(
                    "the answer was cut at the token limit (finish_reason 'length'), so its "
                    "JSON is incomplete: raise max_tokens",
                    content=content,
                    completion=completion,
                )
            new_message = _promote(message, ParsedChatCompletionMessage)
            if content is not None and not message.tool_calls:
                try:
                    new_message.parsed = fmt.read(content)
                except ValueError as exc:  # (pydantic's ValidationError is one)
                    raise StructuredOutputError(
                        f"the answer doesn't fit response_format: {exc}",
                        content=content,
                        completion=completion,
                    ) from exc
            new_choice.message = new_message
        choices.append(new_choice)
    parsed.choices = choices
    return parsed


__all__ = [
    "ParsedChatCompletion",
    "ParsedChatCompletionMessage",
    "ParsedChoice",
    "ResponseFormat",
    "parse_completion",
]
