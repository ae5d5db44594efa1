"""Realtime sessions (``client.audio.speech.connect``, ``client.audio.transcriptions.connect``)
against a local WebSocket server that speaks the spec's protocol (tests/support/wsserver.py)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

import together
from together import AsyncTogether, Together
from together._realtime import RealtimeEventError
from together_generated.models import (
    RealtimeAudioOutputDeltaEvent,
    RealtimeAudioOutputDoneEvent,
    RealtimeInputTextReceivedEvent,
    RealtimeServerEvent,
    RealtimeTranscriptionCompletedEvent,
    RealtimeTranscriptionDeltaEvent,
    RealtimeTranscriptionSessionCreatedEvent,
    RealtimeTtsFailedEvent,
    RealtimeTtsSessionCreatedEvent,
)

from .support import API_KEY
from .support.realtime import Step, speech, talk, text
from .support.wsserver import STT_MODELS, RealtimeServer

pytestmark = pytest.mark.anyio

STT = STT_MODELS[0]


def transcription(**params: Any) -> Callable[[Any], Any]:
    return lambda client: client.audio.transcriptions.connect(**{"model": STT, **params})


def audio(*chunks: bytes) -> list[Step]:
    return [*(("send_audio", (c,)) for c in chunks), ("commit", ())]


# -- text-to-speech ---------------------------------------------------------------------
async def test_speech_events_are_typed_and_come_in_the_documented_order(
    flavor: str, realtime_server: RealtimeServer
) -> None:
    events = await talk(flavor, realtime_server, speech(voice="tara"), text("Hello there."))
    assert [type(e) for e in events] == [
        RealtimeTtsSessionCreatedEvent,
        RealtimeInputTextReceivedEvent,
        RealtimeAudioOutputDeltaEvent,
        RealtimeAudioOutputDeltaEvent,
        RealtimeAudioOutputDoneEvent,
    ]
    assert events[0].session.voice == "tara"
    assert events[1].text == "Hello there."
    assert {e.item_id for e in events[2:]} == {"tts_1"}


async def test_iter_audio_yields_the_decoded_audio_until_the_session_ends(
    flavor: str, realtime_server: RealtimeServer
) -> None:
    audio_bytes = await talk(
        flavor, realtime_server, speech(), text("Hello there. ", "Bye."), "audio"
    )
    assert audio_bytes == b"Hello there. Bye."


async def test_update_clear_and_commit_send_the_documented_client_events(
    flavor: str, realtime_server: RealtimeServer
) -> None:
    steps: list[Step] = [
        ("update", (), {"voice": "alloy"}),
        ("send_text", ("dropped",)),
        ("clear", ()),
        ("send_text", ("kept",)),
        ("commit", ()),
    ]
    assert await talk(flavor, realtime_server, speech(), steps, "audio") == b"kept"
    assert realtime_server.messages == [
        {"type": "tts_session.updated", "session": {"voice": "alloy"}},
        {"type": "input_text_buffer.append", "text": "dropped"},
        {"type": "input_text_buffer.clear"},
        {"type": "input_text_buffer.append", "text": "kept"},
        {"type": "input_text_buffer.commit"},
    ]


async def test_client_events_are_checked_before_they_are_sent(
    flavor: str, realtime_server: RealtimeServer
) -> None:
    with pytest.raises(TypeError, match="voice"):
        await talk(flavor, realtime_server, speech(), [("update", (), {"voice": 3})])
    with pytest.raises(TypeError, match="text"):
        await talk(flavor, realtime_server, speech(), [("send_text", (None,))])
    assert realtime_server.messages == []


async def test_a_failed_item_is_yielded_as_its_event(
    flavor: str, realtime_server: RealtimeServer
) -> None:
    events = await talk(flavor, realtime_server, speech(), text("FAIL this", "fine"))
    failed = [e for e in events if isinstance(e, RealtimeTtsFailedEvent)]
    assert len(failed) == 1
    assert failed[0].error.message == "cannot speak this"
    # The session goes on: the next item is spoken.
    assert isinstance(events[-1], RealtimeAudioOutputDoneEvent)


async def test_iter_audio_raises_a_failed_item(
    flavor: str, realtime_server: RealtimeServer
) -> None:
    with pytest.raises(RealtimeEventError) as info:
        await talk(flavor, realtime_server, speech(), text("FAIL this"), "audio")
    assert isinstance(info.value, together.APIError)
    assert "cannot speak this" in str(info.value)
    assert isinstance(info.value.event, RealtimeTtsFailedEvent)
    assert info.value.body["type"] == "conversation.item.tts.failed"


async def test_an_event_of_an_unknown_type_is_kept_as_a_generic_event(
    flavor: str, realtime_server: RealtimeServer
) -> None:
    events = await talk(flavor, realtime_server, speech(), text("NEW thing"))
    unknown = [e for e in events if isinstance(e, RealtimeServerEvent)]
    assert len(unknown) == 1
    assert unknown[0].type == "conversation.item.audio_output.started"
    assert unknown[0].additional_properties["n"] == 1
    assert await talk(flavor, realtime_server, speech(), text("NEW thing"), "audio") == b"NEW thing"


async def test_a_dropped_speech_connection_raises_instead_of_ending(
    flavor: str, realtime_server: RealtimeServer
) -> None:
    with pytest.raises(together.APIConnectionError) as info:
        await talk(flavor, realtime_server, speech(), text("DROP me"), "audio")
    assert "lost" in str(info.value)
    assert API_KEY not in str(info.value)


# -- transcription ------------------------------------------------------------------------
async def test_transcription_events_are_typed(flavor: str, realtime_server: RealtimeServer) -> None:
    events = await talk(
        flavor, realtime_server, transcription(), audio(b"The quick ", b"brown fox")
    )
    assert [type(e) for e in events] == [
        RealtimeTranscriptionSessionCreatedEvent,
        RealtimeTranscriptionDeltaEvent,
        RealtimeTranscriptionDeltaEvent,
        RealtimeTranscriptionCompletedEvent,
    ]
    assert events[-1].transcript == "The quick brown fox"


async def test_send_audio_sends_base64_chunks(flavor: str, realtime_server: RealtimeServer) -> None:
    await talk(flavor, realtime_server, transcription(), audio(b"hi"))
    assert realtime_server.messages == [
        {"type": "input_audio_buffer.append", "audio": "aGk="},
        {"type": "input_audio_buffer.commit"},
    ]


async def test_iter_text_yields_the_partial_text(
    flavor: str, realtime_server: RealtimeServer
) -> None:
    pieces = await talk(
        flavor, realtime_server, transcription(), audio(b"The quick ", b"brown"), "text"
    )
    assert pieces == ["The quick ", "brown"]


async def test_transcript_is_the_completed_text(
    flavor: str, realtime_server: RealtimeServer
) -> None:
    result = await talk(
        flavor, realtime_server, transcription(), audio(b"lazy ", b"dog"), "transcript"
    )
    assert result == "lazy dog"


async def test_transcript_raises_a_failed_transcription(
    flavor: str, realtime_server: RealtimeServer
) -> None:
    with pytest.raises(RealtimeEventError) as info:
        await talk(flavor, realtime_server, transcription(), audio(b"FAIL"), "transcript")
    assert info.value.code == "invalid_audio"
    assert "unsupported audio" in str(info.value)


async def test_transcript_raises_when_the_session_ends_without_one(
    flavor: str, realtime_server: RealtimeServer
) -> None:
    with pytest.raises(together.APIConnectionError, match="before the transcript"):
        await talk(flavor, realtime_server, transcription(), audio(b"QUIET"), "transcript")


async def test_a_dropped_transcription_raises(flavor: str, realtime_server: RealtimeServer) -> None:
    with pytest.raises(together.APIConnectionError):
        await talk(flavor, realtime_server, transcription(), audio(b"DROP"), "events")


# -- connecting -----------------------------------------------------------------------------
async def test_a_refused_key_raises_authentication_error(
    flavor: str, realtime_server: RealtimeServer
) -> None:
    wrong = "sk-wrong-key-0123456789"
    with pytest.raises(together.AuthenticationError) as info:
        await talk(flavor, realtime_server, speech(), text("hi"), api_key=wrong)
    assert info.value.status_code == 401
    assert "Invalid API key" in str(info.value)
    assert info.value.body["error"]["code"] == "invalid_api_key"
    assert wrong not in str(info.value) and wrong not in repr(info.value)


async def test_a_refused_model_raises_bad_request_error(
    flavor: str, realtime_server: RealtimeServer
) -> None:
    with pytest.raises(together.BadRequestError) as info:
        await talk(flavor, realtime_server, transcription(model="openai/whisper-tiny"), audio(b"x"))
    assert info.value.status_code == 400
    assert "bad model" in str(info.value)


async def test_no_server_raises_connection_error(
    flavor: str, realtime_server: RealtimeServer
) -> None:
    with pytest.raises(together.APIConnectionError) as info:
        await talk(flavor, realtime_server, speech(), [], base_url="http://127.0.0.1:9/v1")
    assert "127.0.0.1:9" in str(info.value)
    assert API_KEY not in str(info.value)


async def test_a_silent_server_raises_timeout(flavor: str, realtime_server: RealtimeServer) -> None:
    # After session.created the transcription server waits for audio: nothing comes.
    with pytest.raises(together.APITimeoutError):
        await talk(flavor, realtime_server, transcription(), [], "events", timeout=0.3)


async def test_the_key_goes_in_the_authorization_header_and_the_query_in_the_url(
    flavor: str, realtime_server: RealtimeServer
) -> None:
    await talk(flavor, realtime_server, speech(voice="tara", max_partial_length=40), text("hi"))
    await talk(flavor, realtime_server, transcription(), audio(b"hi"))
    (tts_path, tts_headers), (stt_path, stt_headers) = realtime_server.requests
    assert tts_headers["authorization"] == f"Bearer {API_KEY}"
    assert stt_headers["authorization"] == f"Bearer {API_KEY}"
    assert tts_headers["user-agent"].startswith("together-client/")
    # The spec's defaults (model) are the server's to apply: only what was given is sent.
    assert tts_path == ("/v1/audio/speech/websocket?voice=tara&max_partial_length=40")
    # The one allowed input_audio_format is the default.
    assert (
        stt_path
        == f"/v1/realtime?model={STT.replace('/', '%2F')}&input_audio_format=pcm_s16le_16000"
    )
    assert API_KEY not in tts_path


@pytest.mark.parametrize(
    ("base_url", "scheme"),
    [("https://api.example.com/v1", "wss://"), ("http://127.0.0.1:1/v1", "ws://")],
)
def test_the_base_url_becomes_a_websocket_url(base_url: str, scheme: str) -> None:
    with Together(api_key=API_KEY, base_url=base_url) as client:
        session = client.audio.transcriptions.connect(model=STT)
    assert repr(session).startswith(f"<TranscriptionSession {scheme}")
    assert f"{base_url.split('://')[1]}/realtime?" in repr(session)
    assert API_KEY not in repr(session)
    assert API_KEY not in repr(session._plan)


@pytest.mark.parametrize(
    ("connect", "field"),
    [
        (speech(max_partial_length="long"), "max_partial_length"),
        (speech(voice=7), "voice"),
        (speech(model=["no/such-model"]), "model"),
        (transcription(input_audio_format=5), "input_audio_format"),
        (transcription(model=3), "model"),
        (speech(speed=1.5), "speed"),
        (speech(max_retries=3), "max_retries"),
    ],
)
async def test_bad_arguments_raise_type_error_before_connecting(
    flavor: str, realtime_server: RealtimeServer, connect: Callable[[Any], Any], field: str
) -> None:
    with pytest.raises(TypeError, match=field):
        await talk(flavor, realtime_server, connect, [])
    assert realtime_server.requests == []


async def test_the_session_needs_a_with_block(flavor: str, realtime_server: RealtimeServer) -> None:
    client_class = Together if flavor == "sync" else AsyncTogether
    client = client_class(api_key=API_KEY, base_url=realtime_server.base_url())
    session = client.audio.speech.connect()
    with pytest.raises(RuntimeError, match="with"):
        result = session.send_text("hi")
        if flavor == "async":
            await result
    assert realtime_server.requests == []


def test_connect_without_websockets_says_which_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "websockets", None)  # import websockets → ImportError
    client = Together(api_key=API_KEY, base_url="http://127.0.0.1:1/v1")
    with pytest.raises(ImportError, match=r"pip install 'together-client\[realtime\]'"):
        client.audio.speech.connect()


def test_importing_together_does_not_import_websockets() -> None:
    code = (
        "import sys, together; c = together.Together(api_key='k'); c.audio.speech; "
        "assert 'websockets' not in sys.modules, 'imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
