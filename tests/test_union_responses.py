"""A response the spec types as a union of models is read as the member the request asked
for, where a request field names the members (``response_format="verbose_json"``);
otherwise as the member that fits it best: of the members it fits, the one whose fields
it carries most; never a smaller member with the rest in ``additional_properties``. Run
on both clients against a local server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from together_generated.models import (
    AudioTranscriptionJsonResponse,
    AudioTranscriptionVerboseJsonResponse,
)

from .support.clients import run

pytestmark = pytest.mark.anyio

VERBOSE = {
    "task": "transcribe",
    "language": "english",
    "duration": 2.5,
    "text": "Hello there.",
    "segments": [{"id": 0, "start": 0.0, "end": 2.5, "text": "Hello there."}],
    "words": [
        {"word": "Hello", "start": 0.0, "end": 1.0},
        {"word": "there.", "start": 1.2, "end": 2.5},
    ],
}


@pytest.fixture
def audio(tmp_path: Path) -> Path:
    path = tmp_path / "speech.wav"
    path.write_bytes(b"RIFF....WAVE")
    return path


def transcribe(audio: Path, **options: Any) -> Any:
    return lambda c: c.audio.transcriptions.create(
        file=audio, model="openai/whisper-large-v3", **options
    )


async def test_a_verbose_transcription_has_its_language_segments_and_words(
    flavor: str, httpserver: HTTPServer, audio: Path
) -> None:
    httpserver.expect_request("/v1/audio/transcriptions", method="POST").respond_with_json(VERBOSE)
    response = await run(
        flavor,
        httpserver.url_for("/v1"),
        transcribe(audio, response_format="verbose_json", timestamp_granularities="word"),
    )
    assert isinstance(response, AudioTranscriptionVerboseJsonResponse)
    assert (response.language, response.duration) == ("english", 2.5)
    assert [segment.text for segment in response.segments] == ["Hello there."]
    assert [word.word for word in response.words] == ["Hello", "there."]
    assert response.additional_properties == {}


async def test_a_plain_transcription_is_the_plain_member(
    flavor: str, httpserver: HTTPServer, audio: Path
) -> None:
    httpserver.expect_request("/v1/audio/transcriptions", method="POST").respond_with_json(
        {"text": "Hello there."}
    )
    response = await run(flavor, httpserver.url_for("/v1"), transcribe(audio))
    assert isinstance(response, AudioTranscriptionJsonResponse)
    assert response.text == "Hello there."


async def test_a_verbose_transcription_missing_a_field_is_still_the_verbose_member(
    flavor: str, httpserver: HTTPServer, audio: Path
) -> None:
    # It fits no member exactly (no "segments"): the closest one is the verbose one.
    body = {key: value for key, value in VERBOSE.items() if key != "segments"}
    httpserver.expect_request("/v1/audio/transcriptions", method="POST").respond_with_json(body)
    response = await run(
        flavor, httpserver.url_for("/v1"), transcribe(audio, response_format="verbose_json")
    )
    assert isinstance(response, AudioTranscriptionVerboseJsonResponse)
    assert response.language == "english"
    assert response.segments is None


async def test_a_verbose_transcription_asked_for_is_the_verbose_member_whatever_it_holds(
    flavor: str, httpserver: HTTPServer, audio: Path
) -> None:
    # By its fields alone this answer is the plain member.
    httpserver.expect_request("/v1/audio/transcriptions", method="POST").respond_with_json(
        {"text": "Hello there."}
    )
    response = await run(
        flavor, httpserver.url_for("/v1"), transcribe(audio, response_format="verbose_json")
    )
    assert isinstance(response, AudioTranscriptionVerboseJsonResponse)
    assert (response.text, response.segments) == ("Hello there.", None)


async def test_a_plain_transcription_asked_for_is_the_plain_member_with_what_else_came(
    flavor: str, httpserver: HTTPServer, audio: Path
) -> None:
    httpserver.expect_request("/v1/audio/transcriptions", method="POST").respond_with_json(VERBOSE)
    response = await run(
        flavor, httpserver.url_for("/v1"), transcribe(audio, response_format="json")
    )
    assert isinstance(response, AudioTranscriptionJsonResponse)
    assert response.text == "Hello there."
    assert response.additional_properties["language"] == "english"


async def test_a_verbose_translation_has_its_segments(
    flavor: str, httpserver: HTTPServer, audio: Path
) -> None:
    body = {**VERBOSE, "task": "translate"}
    del body["words"]
    httpserver.expect_request("/v1/audio/translations", method="POST").respond_with_json(body)
    response = await run(
        flavor,
        httpserver.url_for("/v1"),
        lambda c: c.audio.translations.create(
            file=audio, model="openai/whisper-large-v3", response_format="verbose_json"
        ),
    )
    assert response.duration == 2.5
    assert [segment.end for segment in response.segments] == [2.5]


async def test_strict_responses_pick_the_member_that_fits_best_too(
    httpserver: HTTPServer, audio: Path
) -> None:
    httpserver.expect_request("/v1/audio/transcriptions", method="POST").respond_with_json(VERBOSE)
    response = await run(
        "sync",
        httpserver.url_for("/v1"),
        transcribe(audio, response_format="verbose_json"),
        strict_responses=True,
    )
    assert isinstance(response, AudioTranscriptionVerboseJsonResponse)
    assert response.language == "english"


async def test_strict_responses_take_another_member_when_the_one_asked_for_does_not_fit(
    httpserver: HTTPServer, audio: Path
) -> None:
    # The spec lets the answer be either member, whatever was asked.
    httpserver.expect_request("/v1/audio/transcriptions", method="POST").respond_with_json(
        {"text": "Hello there."}
    )
    response = await run(
        "sync",
        httpserver.url_for("/v1"),
        transcribe(audio, response_format="verbose_json"),
        strict_responses=True,
    )
    assert isinstance(response, AudioTranscriptionJsonResponse)
