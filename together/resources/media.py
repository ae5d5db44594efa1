"""Audio (speech, transcription, translation, voices), video, and models."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

import httpx

from .._files import file_input
from .._resource import M, Resource, json_call, operation
from .._streaming import ByteStream, Stream
from .._transport import Call

if TYPE_CHECKING:
    from together_generated.models import (
        ListVoicesResponse,
        ModelInfo,
        ModelUploadSuccessResponse,
        VideoJob,
    )


def _audio_stream(response: httpx.Response) -> Stream[bytes] | ByteStream:
    """Speech streams arrive as SSE chunks of base64 audio, or as raw audio bytes."""
    if response.headers.get("content-type", "").startswith("text/event-stream"):
        from together_generated.models.audio_speech_stream_chunk import AudioSpeechStreamChunk

        return Stream(response, lambda p: base64.b64decode(AudioSpeechStreamChunk.from_dict(p).b64))
    return ByteStream(response)


class Speech(Resource[M]):
    @operation
    def create(
        self, /, *, model: str, input: str, voice: str, stream: bool = False, **params: Any
    ) -> Call[Any]:
        """POST /audio/speech: the audio as bytes, or with ``stream=True`` an iterable of
        audio byte chunks (a context manager; close it to stop early)."""
        from together_generated.api.audio import audio_speech
        from together_generated.models.audio_speech_request import AudioSpeechRequest

        fields = {"model": model, "input": input, "voice": voice, **params}
        if stream:
            fields["stream"] = True
        call = json_call(audio_speech, fields, body=AudioSpeechRequest, where="audio.speech.create")
        return call.evolve(
            parse=lambda response: response.content, stream=_audio_stream if stream else None
        )


def _transcribe(
    endpoint: Any, model_cls: Any, file: Any, params: dict[str, Any], where: str
) -> Call[Any]:
    return json_call(
        endpoint,
        {"file": file_input(file, f"{where}: file", urls=True), **params},
        body=model_cls,
        where=where,
    )


class Transcriptions(Resource[M]):
    @operation
    def create(self, /, *, file: Any, **params: Any) -> Call[Any]:
        """POST /audio/transcriptions (multipart): ``file`` is a path, bytes, a binary file
        object or an audio URL."""
        from together_generated.api.audio import audio_transcriptions
        from together_generated.models.audio_transcription_request import (
            AudioTranscriptionRequest,
        )

        return _transcribe(
            audio_transcriptions,
            AudioTranscriptionRequest,
            file,
            params,
            "audio.transcriptions.create",
        )


class Translations(Resource[M]):
    @operation
    def create(self, /, *, file: Any, **params: Any) -> Call[Any]:
        """POST /audio/translations (multipart): like transcriptions, into English."""
        from together_generated.api.audio import audio_translations
        from together_generated.models.audio_translation_request import AudioTranslationRequest

        return _transcribe(
            audio_translations, AudioTranslationRequest, file, params, "audio.translations.create"
        )


class Voices(Resource[M]):
    @operation
    def list(self, /, **options: Any) -> Call[ListVoicesResponse]:
        """GET /voices: the voices each speech model offers."""
        from together_generated.api.voices import fetch_voices

        return json_call(fetch_voices, options, where="audio.voices.list")


class Audio(Resource[M]):
    def __init__(self, transport: M) -> None:
        super().__init__(transport)
        self.speech: Speech[M] = Speech(transport)
        self.transcriptions: Transcriptions[M] = Transcriptions(transport)
        self.translations: Translations[M] = Translations(transport)
        self.voices: Voices[M] = Voices(transport)


class Videos(Resource[M]):
    @operation
    def create(self, /, *, model: str, **params: Any) -> Call[VideoJob]:
        """POST /videos: starts a generation job; poll it with ``retrieve``."""
        from together_generated.api.video import create_video
        from together_generated.models.create_video_body import CreateVideoBody

        return json_call(
            create_video, {"model": model, **params}, body=CreateVideoBody, where="videos.create"
        )

    @operation
    def retrieve(self, /, id: str, **options: Any) -> Call[VideoJob]:
        """GET /videos/{id}."""
        from together_generated.api.video import retrieve_video

        return json_call(retrieve_video, options, path={"id": id}, where="videos.retrieve")


class Models(Resource[M]):
    @operation
    def list(self, /, **params: Any) -> Call[list[ModelInfo]]:
        """GET /models (``dedicated=True`` lists dedicated-endpoint models only)."""
        from together_generated.api.models import models

        return json_call(models, params, where="models.list")

    @operation
    def upload(
        self, /, *, model_name: str, model_source: str, **params: Any
    ) -> Call[ModelUploadSuccessResponse]:
        """POST /models: import a model from Hugging Face or S3."""
        from together_generated.api.models import upload_model
        from together_generated.models.model_upload_request import ModelUploadRequest

        return json_call(
            upload_model,
            {"model_name": model_name, "model_source": model_source, **params},
            body=ModelUploadRequest,
            where="models.upload",
        )
