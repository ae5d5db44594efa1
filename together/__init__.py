"""together: a typed, fast Python client for the Together AI API.

from together import Together
client = Together()  # reads TOGETHER_API_KEY
reply = client.chat.completions.create(model=..., messages=[{"role": "user", "content": "Hi"}])
"""

from typing import TYPE_CHECKING

from ._compat import check_environment

# Before anything else: over the official package's files, the imports below may fail in
# confusing ways (one stat).
check_environment(__path__[0])

from ._client import AsyncTogether, Together  # noqa: E402
from ._config import NOT_GIVEN, NotGiven, RetryInfo  # noqa: E402
from ._errors import (  # noqa: E402
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    BatchRunLockedError,
    BatchRunStateError,
    ConflictError,
    InternalServerError,
    JobFailedError,
    LengthFinishReasonError,
    NotFoundError,
    OutputExistsError,
    PermissionDeniedError,
    RateLimitError,
    StructuredOutputError,
    TogetherError,
    ToolRunError,
    UnprocessableEntityError,
    WaitTimeoutError,
)
from ._open_values import UnknownValueWarning  # noqa: E402
from ._streaming import AsyncStream, ByteStream, Stream  # noqa: E402
from ._version import __version__  # noqa: E402

__all__ = [
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncAPIResponse",
    "AsyncChatCompletionStream",
    "AsyncChatCompletionStreamManager",
    "AsyncStream",
    "AsyncTogether",
    "AsyncToolRunStream",
    "AuthenticationError",
    "BadRequestError",
    "BatchRequestResult",
    "BatchRunLockedError",
    "BatchRunProgress",
    "BatchRunResult",
    "BatchRunStateError",
    "ByteStream",
    "ChatCompletionAccumulator",
    "ChatCompletionStream",
    "ChatCompletionStreamEvent",
    "ChatCompletionStreamManager",
    "ConflictError",
    "DatasetReport",
    "DatasetValidationError",
    "DefaultAioHttpClient",
    "FileTypeError",
    "FunctionTool",
    "InternalServerError",
    "JobFailedError",
    "LengthFinishReasonError",
    "NotFoundError",
    "NotGiven",
    "OutputExistsError",
    "ParsedChatCompletion",
    "ParsedChatCompletionMessage",
    "ParsedChoice",
    "PermissionDeniedError",
    "Problem",
    "RateLimitError",
    "RetryInfo",
    "Stream",
    "StructuredOutputError",
    "Together",
    "TogetherError",
    "ToolRunError",
    "ToolRunResult",
    "ToolRunStream",
    "UnknownValueWarning",
    "UnprocessableEntityError",
    "WaitTimeoutError",
    "__version__",
    "check_dataset",
    "function_tool",
]

# The dataset checker and the batch runner's types load on first use: most programs
# never use them. name -> (module, its name there)
_LAZY = {
    "DatasetReport": ("_dataset_check", "DatasetReport"),
    # a clearer name; FileTypeError is the SDK's
    "DatasetValidationError": ("_dataset_check", "FileTypeError"),
    "FileTypeError": ("_dataset_check", "FileTypeError"),
    "Problem": ("_dataset_check", "Problem"),
    "check_dataset": ("_dataset_check", "check_dataset"),
    "BatchRequestResult": ("_batch.result", "BatchRequestResult"),
    "BatchRunProgress": ("_batch.result", "BatchRunProgress"),
    "BatchRunResult": ("_batch.result", "BatchRunResult"),
    # the aiohttp transport of the [aiohttp] extra (aiohttp itself loads on construction)
    "DefaultAioHttpClient": ("_aiohttp", "DefaultAioHttpClient"),
    # what with_raw_response / with_streaming_response give
    "APIResponse": ("_response", "APIResponse"),
    "AsyncAPIResponse": ("_response", "AsyncAPIResponse"),
    # chat helpers: structured outputs, stream events, tools
    "ChatCompletionAccumulator": ("_accumulate", "ChatCompletionAccumulator"),
    "ChatCompletionStreamEvent": ("_accumulate", "ChatCompletionStreamEvent"),
    "ChatCompletionStream": ("_chat_stream", "ChatCompletionStream"),
    "ChatCompletionStreamManager": ("_chat_stream", "ChatCompletionStreamManager"),
    "AsyncChatCompletionStream": ("_chat_stream", "AsyncChatCompletionStream"),
    "AsyncChatCompletionStreamManager": ("_chat_stream", "AsyncChatCompletionStreamManager"),
    "ParsedChatCompletion": ("_parsed", "ParsedChatCompletion"),
    "ParsedChatCompletionMessage": ("_parsed", "ParsedChatCompletionMessage"),
    "ParsedChoice": ("_parsed", "ParsedChoice"),
    "FunctionTool": ("_tools", "FunctionTool"),
    "ToolRunResult": ("_tools", "ToolRunResult"),
    "ToolRunStream": ("_tools", "ToolRunStream"),
    "AsyncToolRunStream": ("_tools", "AsyncToolRunStream"),
    "function_tool": ("_tools", "function_tool"),
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        module, attribute = _LAZY[name]
        value = getattr(importlib.import_module(f".{module}", __name__), attribute)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'together' has no attribute {name!r}")


if TYPE_CHECKING:
    from ._accumulate import ChatCompletionAccumulator, ChatCompletionStreamEvent
    from ._aiohttp import DefaultAioHttpClient
    from ._batch.result import BatchRequestResult, BatchRunProgress, BatchRunResult
    from ._chat_stream import (
        AsyncChatCompletionStream,
        AsyncChatCompletionStreamManager,
        ChatCompletionStream,
        ChatCompletionStreamManager,
    )
    from ._dataset_check import DatasetReport, FileTypeError, Problem, check_dataset
    from ._parsed import ParsedChatCompletion, ParsedChatCompletionMessage, ParsedChoice
    from ._response import APIResponse, AsyncAPIResponse
    from ._tools import (
        AsyncToolRunStream,
        FunctionTool,
        ToolRunResult,
        ToolRunStream,
        function_tool,
    )

    DatasetValidationError = FileTypeError
