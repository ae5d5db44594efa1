"""The official SDKs' names for results and requests, as the generated models they are:
``from together.types import ChatCompletionChunk`` (1.x and 3.x), ``ChatCompletionResponse``,
``CompletionResponse``, ``EmbeddingResponse`` (1.x), ``Completion``, ``Embedding``,
``FileResponse``, ``FinetuneResponse`` (3.x), ...; 3.x's chat names are in
``together.types.chat``. Each is imported when first asked for. The table (official name
-> generated model) is ``together._compat.TYPES``; the models themselves are in
``together_generated.models``.
"""

from typing import TYPE_CHECKING

from .._compat import TYPES, type_getter

__getattr__ = type_getter(TYPES, __name__)
# Spelled out for type checkers; a test checks it against the table.
__all__ = [
    "AudioSpeechRequest",
    "AudioSpeechStreamChunk",
    "AudioTranscriptionRequest",
    "AudioTranscriptionResponse",
    "AudioTranscriptionVerboseResponse",
    "AudioTranslationRequest",
    "AudioTranslationResponse",
    "AudioTranslationVerboseResponse",
    "BatchJob",
    "BatchJobStatus",
    "ChatCompletionChunk",
    "ChatCompletionRequest",
    "ChatCompletionResponse",
    "Completion",
    "CompletionChunk",
    "CompletionRequest",
    "CompletionResponse",
    "CosineLRSchedulerArgs",
    "DedicatedEndpoint",
    "Embedding",
    "EmbeddingRequest",
    "EmbeddingResponse",
    "EvaluationJob",
    "FileDeleteResponse",
    "FileList",
    "FilePurpose",
    "FileResponse",
    "FileType",
    "FineTuningDeleteResponse",
    "FineTuningListEventsResponse",
    "FineTuningListResponse",
    "FinetuneCheckpoint",
    "FinetuneDeleteResponse",
    "FinetuneEvent",
    "FinetuneEventType",
    "FinetuneLRScheduler",
    "FinetuneList",
    "FinetuneListEvents",
    "FinetuneModelLimits",
    "FinetuneResponse",
    "FinetuneTrainingLimits",
    "FullTrainingType",
    "ImageFile",
    "ImageResponse",
    "LinearLRSchedulerArgs",
    "ListEndpoint",
    "LoRATrainingType",
    "Model",
    "ModelObject",
    "ModelUploadRequest",
    "ModelUploadResponse",
    "ModelVoices",
    "RerankCreateResponse",
    "RerankRequest",
    "RerankResponse",
    "ToolChoice",
    "TrainingMethodDPO",
    "TrainingMethodSFT",
    "VideoJob",
    "VoiceListResponse",
]

if TYPE_CHECKING:
    from together_generated.models import AudioSpeechRequest as AudioSpeechRequest
    from together_generated.models import AudioSpeechStreamChunk as AudioSpeechStreamChunk
    from together_generated.models import (
        AudioTranscriptionJsonResponse as AudioTranscriptionResponse,
    )
    from together_generated.models import AudioTranscriptionRequest as AudioTranscriptionRequest
    from together_generated.models import (
        AudioTranscriptionVerboseJsonResponse as AudioTranscriptionVerboseResponse,
    )
    from together_generated.models import AudioTranslationJsonResponse as AudioTranslationResponse
    from together_generated.models import AudioTranslationRequest as AudioTranslationRequest
    from together_generated.models import (
        AudioTranslationVerboseJsonResponse as AudioTranslationVerboseResponse,
    )
    from together_generated.models import BatchJob as BatchJob
    from together_generated.models import BatchJobStatus as BatchJobStatus
    from together_generated.models import ChatCompletionChunk as ChatCompletionChunk
    from together_generated.models import ChatCompletionRequest as ChatCompletionRequest
    from together_generated.models import ChatCompletionResponse as ChatCompletionResponse
    from together_generated.models import CompletionChunk as CompletionChunk
    from together_generated.models import CompletionRequest as CompletionRequest
    from together_generated.models import CompletionResponse as Completion
    from together_generated.models import CompletionResponse as CompletionResponse
    from together_generated.models import CosineLRSchedulerArgs as CosineLRSchedulerArgs
    from together_generated.models import DedicatedEndpoint as DedicatedEndpoint
    from together_generated.models import EmbeddingsRequest as EmbeddingRequest
    from together_generated.models import EmbeddingsResponse as Embedding
    from together_generated.models import EmbeddingsResponse as EmbeddingResponse
    from together_generated.models import EvaluationJob as EvaluationJob
    from together_generated.models import FileDeleteResponse as FileDeleteResponse
    from together_generated.models import FileList as FileList
    from together_generated.models import FilePurpose as FilePurpose
    from together_generated.models import FileResponse as FileResponse
    from together_generated.models import FileType as FileType
    from together_generated.models import FineTuneCheckpoint as FinetuneCheckpoint
    from together_generated.models import FinetuneDeleteResponse as FineTuningDeleteResponse
    from together_generated.models import FinetuneDeleteResponse as FinetuneDeleteResponse
    from together_generated.models import FineTuneEvent as FinetuneEvent
    from together_generated.models import FinetuneEventType as FinetuneEventType
    from together_generated.models import FinetuneListEvents as FineTuningListEventsResponse
    from together_generated.models import FinetuneListEvents as FinetuneListEvents
    from together_generated.models import FineTuneModelLimits as FinetuneModelLimits
    from together_generated.models import FineTuneModelLimits as FinetuneTrainingLimits
    from together_generated.models import FinetuneResponse as FinetuneResponse
    from together_generated.models import FinetuneTruncatedList as FineTuningListResponse
    from together_generated.models import FinetuneTruncatedList as FinetuneList
    from together_generated.models import FullTrainingType as FullTrainingType
    from together_generated.models import ImageResponse as ImageFile
    from together_generated.models import ImageResponse as ImageResponse
    from together_generated.models import LinearLRSchedulerArgs as LinearLRSchedulerArgs
    from together_generated.models import ListEndpoint as ListEndpoint
    from together_generated.models import ListVoicesResponse as VoiceListResponse
    from together_generated.models import LoRATrainingType as LoRATrainingType
    from together_generated.models import LRScheduler as FinetuneLRScheduler
    from together_generated.models import ModelInfo as Model
    from together_generated.models import ModelInfo as ModelObject
    from together_generated.models import ModelUploadRequest as ModelUploadRequest
    from together_generated.models import ModelUploadSuccessResponse as ModelUploadResponse
    from together_generated.models import ModelVoices as ModelVoices
    from together_generated.models import RerankRequest as RerankRequest
    from together_generated.models import RerankResponse as RerankCreateResponse
    from together_generated.models import RerankResponse as RerankResponse
    from together_generated.models import ToolChoice as ToolChoice
    from together_generated.models import TrainingMethodDPO as TrainingMethodDPO
    from together_generated.models import TrainingMethodSFT as TrainingMethodSFT
    from together_generated.models import VideoJob as VideoJob
