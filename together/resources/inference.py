"""Inference: chat and text completions, embeddings, images, rerank."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._resource import M, Resource, api_call, operation

if TYPE_CHECKING:
    from together_generated.models import (
        ChatCompletionChunk,
        ChatCompletionResponse,
        CompletionChunk,
        CompletionResponse,
        EmbeddingsResponse,
        ImageResponse,
        RerankResponse,
    )

    from .._streaming import Stream
    from .._transport import Call


def _with_stream(stream: bool, params: dict[str, Any]) -> dict[str, Any]:
    if stream:
        params["stream"] = True
    return params


class ChatCompletions(Resource[M]):
    @operation
    def create(
        self, /, *, model: str, messages: list[Any], stream: bool = False, **params: Any
    ) -> Call[ChatCompletionResponse | Stream[ChatCompletionChunk]]:
        """POST /chat/completions. Keyword arguments are the request's fields
        (``max_tokens``, ``temperature``, ``tools``, ``response_format``, ...).

        Returns a ChatCompletionResponse, or with ``stream=True`` a Stream of
        ChatCompletionChunk (iterate it; use it as a context manager to close early).
        """
        from together_generated.models.chat_completion_chunk import ChatCompletionChunk

        return api_call(
            "chat.chat_completions",
            _with_stream(stream, {"model": model, "messages": messages, **params}),
            where="chat.completions.create",
            stream_chunk=ChatCompletionChunk,
        )


class Chat(Resource[M]):
    def __init__(self, transport: M) -> None:
        super().__init__(transport)
        self.completions: ChatCompletions[M] = ChatCompletions(transport)


class Completions(Resource[M]):
    @operation
    def create(
        self, /, *, model: str, prompt: str, stream: bool = False, **params: Any
    ) -> Call[CompletionResponse | Stream[CompletionChunk]]:
        """POST /completions (raw text completion). With ``stream=True`` returns a Stream
        of CompletionChunk."""
        from together_generated.models.completion_chunk import CompletionChunk

        return api_call(
            "completion.completions",
            _with_stream(stream, {"model": model, "prompt": prompt, **params}),
            where="completions.create",
            stream_chunk=CompletionChunk,
        )


class Embeddings(Resource[M]):
    @operation
    def create(
        self, /, *, model: str, input: str | list[str], **params: Any
    ) -> Call[EmbeddingsResponse]:
        """POST /embeddings: one vector per input string."""
        return api_call(
            "embeddings.embeddings",
            {"model": model, "input": input, **params},
            where="embeddings.create",
        )


class Images(Resource[M]):
    @operation
    def generate(self, /, *, model: str, prompt: str, **params: Any) -> Call[ImageResponse]:
        """POST /images/generations."""
        return api_call(
            "images.post_images_generations",
            {"model": model, "prompt": prompt, **params},
            where="images.generate",
        )

    create = generate  # the 1.x name


class Rerank(Resource[M]):
    @operation
    def create(
        self, /, *, model: str, query: str, documents: list[Any], **params: Any
    ) -> Call[RerankResponse]:
        """POST /rerank: documents ordered by relevance to ``query``."""
        return api_call(
            "rerank.rerank",
            {"model": model, "query": query, "documents": documents, **params},
            where="rerank.create",
        )
