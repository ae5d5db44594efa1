"""The official SDK 3.x's chat names (``from together.types.chat import ChatCompletion``),
as the generated models they are; imported when first asked for. The table is
``together._compat.CHAT_TYPES``."""

from typing import TYPE_CHECKING

from .._compat import CHAT_TYPES, type_getter

__getattr__ = type_getter(CHAT_TYPES, __name__)
# Spelled out for type checkers; a test checks it against the table.
__all__ = [
    "ChatCompletion",
    "ChatCompletionAssistantMessageParam",
    "ChatCompletionChunk",
    "ChatCompletionMessage",
    "ChatCompletionSystemMessageParam",
    "ChatCompletionToolMessageParam",
    "ChatCompletionUsage",
    "ChatCompletionUserMessageParam",
]

if TYPE_CHECKING:
    from together_generated.models import (
        ChatCompletionAssistantMessageParam as ChatCompletionAssistantMessageParam,
    )
    from together_generated.models import ChatCompletionChunk as ChatCompletionChunk
    from together_generated.models import ChatCompletionMessage as ChatCompletionMessage
    from together_generated.models import ChatCompletionResponse as ChatCompletion
    from together_generated.models import (
        ChatCompletionSystemMessageParam as ChatCompletionSystemMessageParam,
    )
    from together_generated.models import (
        ChatCompletionToolMessageParam as ChatCompletionToolMessageParam,
    )
    from together_generated.models import (
        ChatCompletionUserMessageParam as ChatCompletionUserMessageParam,
    )
    from together_generated.models import UsageData as ChatCompletionUsage
