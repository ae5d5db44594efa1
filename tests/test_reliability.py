"""Reliability, round 2: a client across ``fork`` and event loops, the API key in no log
record, one batch run per output at a time, downloads that keep existing files, every
server-caused failure as a library error, JSON too deep or too large, damaged run state.

Each case runs the real client against a real local server.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import multiprocessing
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import together
from together import AsyncTogether, Together

from .support import API_KEY
from .support.clients import run

# -- fork -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def echo_url() -> Iterator[str]:
    """The base URL of tests/echoserver.py, run in its own process."""
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.support.echoserver"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=os.path.dirname(os.path.dirname(__file__)),
    )
    assert server.stdout is not None and server.stdin is not None
    port = int(server.stdout.readline())
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        server.stdin.close()
        server.wait(timeout=10)


_FORKED_CLIENT: Together | None = None  # set before the fork: what the children inherit


def _ask(n: int) -> tuple[int, Any]:
    """One pool job: the answer to a request carrying ``n`` (or the error it got)."""
    assert _FORKED_CLIENT is not None
    try:
        return n, _FORKED_CLIENT.post("/echo", body={"n": n})["n"]
    except Exception as exc:
        return n, f"{type(exc).__name__}: {exc}"


@pytest.mark.skipif(not hasattr(os, "register_at_fork"), reason="no fork on this platform")
@pytest.mark.parametrize("shared", ["client", "copy"])
def test_forked_processes_each_get_their_own_answers(echo_url: str, shared: str) -> None:
    """A client used before a fork (gunicorn --preload, multiprocessing's fork start method)
    keeps a pooled keep-alive connection; each child must open its own instead of writing
    to and reading from the one socket they all inherited. A copy sharing the pool too."""
    global _FORKED_CLIENT
    client = Together(api_key=API_KEY, base_url=echo_url, max_retries=0, timeout=10)
    _FORKED_CLIENT = client if shared == "client" else client.with_options(timeout=10)
    context = multiprocessing.get_context("fork")
    try:
        for _ in range(5):
            assert client.post("/echo", body={"n": -1})["n"] == -1  # a pooled connection
            with context.Pool(4) as pool:
                answers = pool.map(_ask, range(60), chunksize=1)
            assert [answer for n, answer in answers if answer != n] == []
    finally:
        client.close()


# -- the API key in no log record ----------------------------------------------------------


@pytest.fixture(scope="module")
def realtime_server() -> Iterator[Any]:
    from .support.wsserver import RealtimeServer

    with RealtimeServer(API_KEY) as server:
        yield server


class _Everything(logging.Handler):
    """Keeps every record any logger emits, at every level."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def all_records() -> Iterator[list[logging.LogRecord]]:
    """Every record logged while the test runs, as with logging.basicConfig(level=DEBUG)."""
    root = logging.getLogger()
    handler, level = _Everything(), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler.records
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


@pytest.mark.parametrize("flavor", ["sync", "async"])
def test_a_realtime_session_logs_no_api_key_at_debug(
    realtime_server: Any, all_records: list[logging.LogRecord], flavor: str
) -> None:
    """The WebSocket library logs the handshake's headers at DEBUG: the key must not be
    among them (the session's log lines are there, the key shown as ***)."""
    settings = {"api_key": API_KEY, "base_url": realtime_server.base_url(), "timeout": 5}
    if flavor == "sync":
        with (
            Together(**settings) as client,
            client.audio.speech.connect(model="hexgrad/Kokoro-82M") as tts,
        ):
            tts.send_text("Hello.")
            tts.commit()
            assert b"".join(tts.iter_audio()) == b"Hello."
    else:

        async def session() -> bytes:
            async with (
                AsyncTogether(**settings) as client,
                client.audio.speech.connect(model="hexgrad/Kokoro-82M") as tts,
            ):
                await tts.send_text("Hello.")
                await tts.commit()
                return b"".join([chunk async for chunk in tts.iter_audio()])

        assert asyncio.run(session()) == b"Hello."
    # (The test server's own records, under websockets.server, are not the client's.)
    records = [r for r in all_records if not r.name.startswith("websockets.server")]
    assert any("authorization" in record.getMessage().lower() for record in records)
    leaks = [r.getMessage() for r in records if API_KEY in r.getMessage()]
    leaks += [repr(r.args) for r in records if API_KEY in repr(r.args)]
    assert leaks == []


# -- one batch run per output at a time -------------------------------------------------------


@pytest.fixture
def batch_server() -> Iterator[Any]:
    from .support.batchserver import BatchServer

    with BatchServer() as server:
        yield server


def _chat(text: str) -> dict[str, Any]:
    return {"model": "m", "messages": [{"role": "user", "content": text}]}


def test_two_runs_on_one_output_at_once_create_one_batch(batch_server: Any, tmp_path: Any) -> None:
    """A second batches.run on the same output while the first runs (a cron job
    overlapping the last one) refuses at once, naming the lock and its holder, and leaves
    the first run's state alone: one batch is created, and the first run completes."""
    output = tmp_path / "out.jsonl"
    start = threading.Barrier(2)
    outcomes: list[Any] = []
    batch_server.hold.set()  # the batches stay in progress until the test lets them end

    def run() -> None:
        with Together(api_key=API_KEY, base_url=batch_server.url, max_retries=0) as client:
            start.wait()
            try:
                outcomes.append(client.batches.run([_chat("a")], output=output, poll_interval=0.01))
            except Exception as exc:
                outcomes.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while not outcomes and len(batch_server.created) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    batch_server.hold.clear()
    for thread in threads:
        thread.join(timeout=30)
    assert len(batch_server.created) == 1
    [refused] = [o for o in outcomes if isinstance(o, Exception)]
    assert isinstance(refused, together.TogetherError)
    assert f"{output}.batch.lock" in str(refused)
    assert f"process {os.getpid()} on {socket.gethostname()}" in str(refused)
    [result] = [o for o in outcomes if not isinstance(o, Exception)]
    assert result.succeeded == 1


# -- AsyncTogether across event loops -----------------------------------------------------------


def test_an_async_client_works_in_one_event_loop_after_another(echo_url: str) -> None:
    """Notebooks, scripts and test suites call asyncio.run several times with one client:
    the connection pooled in a loop that has closed is dropped, and the call goes through."""
    client = AsyncTogether(api_key=API_KEY, base_url=echo_url, max_retries=0, timeout=10)

    async def ask(n: int) -> Any:
        return (await client.post("/echo", body={"n": n}))["n"]

    assert [asyncio.run(ask(n)) for n in range(4)] == [0, 1, 2, 3]
    asyncio.run(client.close())


# -- downloads keep the files you have --------------------------------------------------------


def _serve_file(httpserver: Any, name: str, content: bytes) -> None:
    httpserver.expect_request("/v1/files/file-1/content").respond_with_data(
        content, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def test_a_download_into_a_folder_never_replaces_a_file_already_there(
    client: Together, httpserver: Any, tmp_path: Any
) -> None:
    _serve_file(httpserver, "data.jsonl", b"served")
    (tmp_path / "data.jsonl").write_bytes(b"mine")
    with pytest.raises(together.OutputExistsError, match=r"data\.jsonl.*overwrite=True"):
        client.files.content("file-1", output=tmp_path)
    assert (tmp_path / "data.jsonl").read_bytes() == b"mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.jsonl"]  # no temporary file


def test_a_download_replaces_a_file_when_asked_or_named(
    client: Together, httpserver: Any, tmp_path: Any
) -> None:
    _serve_file(httpserver, "data.jsonl", b"served")
    (tmp_path / "data.jsonl").write_bytes(b"mine")
    client.files.content("file-1", output=tmp_path, overwrite=True)
    assert (tmp_path / "data.jsonl").read_bytes() == b"served"
    (tmp_path / "named.jsonl").write_bytes(b"mine")
    client.files.content("file-1", output=tmp_path / "named.jsonl")  # the user named it
    assert (tmp_path / "named.jsonl").read_bytes() == b"served"


def test_the_cli_download_exits_1_on_an_existing_file_and_replaces_it_with_force(
    httpserver: Any, tmp_path: Any
) -> None:
    from .support.cli import together as cli

    _serve_file(httpserver, "data.jsonl", b"served")
    (tmp_path / "data.jsonl").write_bytes(b"mine")
    refused = cli(httpserver.url_for("/v1"), "files", "download", "file-1", "-o", str(tmp_path))
    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1 and "--force" in refused.stderr
    assert (tmp_path / "data.jsonl").read_bytes() == b"mine"
    forced = cli(
        httpserver.url_for("/v1"), "files", "download", "file-1", "-o", str(tmp_path), "--force"
    )
    assert forced.returncode == 0, forced.stderr
    assert (tmp_path / "data.jsonl").read_bytes() == b"served"


# -- every failure the server causes is a library error ----------------------------------------


def _gzip_cut(data: bytes) -> bytes:
    """Gzip of ``data`` whose second half is garbage: it starts decoding, then fails."""
    packed = gzip.compress(data)
    return packed[: len(packed) // 2] + bytes(range(256)) * 4


def _models(client: Any) -> Any:
    return client.models.list()


@pytest.mark.anyio
async def test_a_redirect_loop_is_a_connection_error(
    httpserver: Any, base_url: str, flavor: str
) -> None:
    httpserver.expect_request("/v1/models").respond_with_data(
        "", status=302, headers={"Location": "/v1/models"}
    )
    with pytest.raises(together.APIConnectionError, match="redirect") as caught:
        await run(flavor, base_url, _models)
    assert isinstance(caught.value.__cause__, httpx.TooManyRedirects)


@pytest.mark.anyio
async def test_a_redirect_to_another_scheme_is_a_connection_error(
    httpserver: Any, base_url: str, flavor: str
) -> None:
    httpserver.expect_request("/v1/models").respond_with_data(
        "", status=302, headers={"Location": "ftp://127.0.0.1/models"}
    )
    with pytest.raises(together.APIConnectionError, match="ftp") as caught:
        await run(flavor, base_url, _models)
    assert isinstance(caught.value.__cause__, httpx.UnsupportedProtocol)


@pytest.mark.anyio
async def test_a_body_that_cannot_be_decoded_is_a_response_validation_error(
    httpserver: Any, base_url: str, flavor: str
) -> None:
    httpserver.expect_request("/v1/models").respond_with_data(
        b"not gzip at all", headers={"Content-Encoding": "gzip"}, content_type="application/json"
    )
    with pytest.raises(together.APIResponseValidationError, match="decoded") as caught:
        await run(flavor, base_url, _models)
    assert isinstance(caught.value.__cause__, httpx.DecodingError)
    assert caught.value.status_code == 200


@pytest.mark.anyio
async def test_an_undecodable_error_body_keeps_the_status_error_class(
    httpserver: Any, base_url: str, flavor: str
) -> None:
    httpserver.expect_request("/v1/models").respond_with_data(
        b"not gzip at all", status=503, headers={"Content-Encoding": "gzip"}
    )
    with pytest.raises(together.InternalServerError, match="503") as caught:
        await run(flavor, base_url, _models)
    assert isinstance(caught.value.__cause__, httpx.DecodingError)


@pytest.mark.anyio
async def test_a_stream_whose_compression_breaks_midway_is_a_response_validation_error(
    httpserver: Any, base_url: str, flavor: str
) -> None:
    from .support.streams import HELLO

    httpserver.expect_request("/v1/chat/completions", method="POST").respond_with_data(
        _gzip_cut(HELLO * 200),
        headers={"Content-Encoding": "gzip"},
        content_type="text/event-stream",
    )
    chat = lambda c: c.chat.completions.create(model="m", messages=[], stream=True)  # noqa: E731
    with pytest.raises(together.APIResponseValidationError, match="decoded") as caught:
        await run(flavor, base_url, chat)
    assert isinstance(caught.value.__cause__, httpx.DecodingError)


def test_the_cli_reports_a_redirect_loop_in_one_line_and_exits_1(httpserver: Any) -> None:
    from .support.cli import together as cli

    httpserver.expect_request("/v1/models").respond_with_data(
        "", status=302, headers={"Location": "/v1/models"}
    )
    done = cli(httpserver.url_for("/v1"), "models", "list")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "APIConnectionError" in done.stderr


# -- JSON too deep ----------------------------------------------------------------------------


def _nested(depth: int) -> bytes:
    """A list of one model with a field nested ``depth`` deep."""
    return b'[{"id": "x", "deep": ' + b"[" * depth + b"]" * depth + b"}]"


@pytest.mark.parametrize(
    ("body", "deep"),
    [
        # brackets inside strings, and escapes (\n, \", \\) just before a closing quote
        ({"s": '\n"[[[' + "[" * 400 + "\n", "t": "]" * 400 + "\\"}, False),
        ([{"embedding": [0.5] * 64, "text": "a\tb\u00e9\\"} for _ in range(400)], False),
        # strings full of closing brackets do not hide real nesting
        (["]" * 300, json.loads("[" * 300 + "]" * 300)], True),
    ],
)
def test_the_depth_count_reads_strings_as_strings(body: Any, deep: bool) -> None:
    from together._json import too_deep

    assert too_deep(json.dumps(body).encode()) is deep


@pytest.mark.anyio
@pytest.mark.parametrize("depth", [100_000, 500])
async def test_json_nested_too_deep_is_a_response_validation_error_keeping_the_body(
    httpserver: Any, base_url: str, flavor: str, depth: int
) -> None:
    """Deeper than the recursion limit (100,000) or than the explicit cap (500): never a
    RecursionError, now or later in repr, to_dict or pickle."""
    httpserver.expect_request("/v1/models").respond_with_data(
        _nested(depth), content_type="application/json"
    )
    with pytest.raises(together.APIResponseValidationError, match="nested") as caught:
        await run(flavor, base_url, _models)
    assert isinstance(caught.value.body, str) and caught.value.body.startswith('[{"id": "x"')
    assert len(caught.value.body) <= 64 * 1024


@pytest.mark.anyio
async def test_an_error_body_nested_too_deep_keeps_its_status_error_with_the_text(
    httpserver: Any, base_url: str, flavor: str
) -> None:
    httpserver.expect_request("/v1/models").respond_with_data(
        _nested(100_000), status=400, content_type="application/json"
    )
    with pytest.raises(together.BadRequestError) as caught:
        await run(flavor, base_url, _models)
    assert isinstance(caught.value.body, str) and caught.value.body.startswith('[{"id": "x"')


@pytest.mark.anyio
async def test_a_stream_chunk_nested_too_deep_is_a_response_validation_error(
    httpserver: Any, base_url: str, flavor: str
) -> None:
    httpserver.expect_request("/v1/chat/completions", method="POST").respond_with_data(
        b"data: " + _nested(100_000)[1:-1] + b"\n\n", content_type="text/event-stream"
    )
    chat = lambda c: c.chat.completions.create(model="m", messages=[], stream=True)  # noqa: E731
    with pytest.raises(together.APIResponseValidationError, match="nested"):
        await run(flavor, base_url, chat)


def test_a_realtime_message_nested_too_deep_is_an_api_error(realtime_server: Any) -> None:
    settings = {"api_key": API_KEY, "base_url": realtime_server.base_url(), "timeout": 5}
    with (
        Together(**settings) as client,
        client.audio.speech.connect(model="hexgrad/Kokoro-82M") as tts,
    ):
        tts.send_text("DEEP")
        tts.commit()
        with pytest.raises(together.APIError, match="nested"):
            list(tts.iter_audio())


# -- batch results that can't be read ------------------------------------------------------------


def _batch_run(server: Any, requests: Any, output: Any, **kwargs: Any) -> Any:
    with Together(api_key=API_KEY, base_url=server.url, max_retries=0) as client:
        return client.batches.run(requests, output=output, poll_interval=0.002, **kwargs)


def _statuses(output: Any) -> list[str]:
    return [json.loads(line)["status"] for line in output.read_text().splitlines()]


def test_an_unreadable_result_line_fails_its_request_and_the_rest_are_written(
    batch_server: Any, tmp_path: Any
) -> None:
    output = tmp_path / "out.jsonl"
    result = _batch_run(batch_server, [_chat("a"), _chat("please-garble"), _chat("b")], output)
    assert _statuses(output) == ["succeeded", "failed", "succeeded"]
    error = json.loads(output.read_text().splitlines()[1])["error"]
    assert "can't be read" in error["message"] and "nested" in error["message"]
    assert (result.succeeded, result.failed, result.not_run) == (2, 1, 0)


def test_requests_left_without_a_result_after_an_unreadable_line_are_unreadable(
    batch_server: Any, tmp_path: Any
) -> None:
    """Their result may be the line that can't be read: not "not_run" (never processed),
    and retry_failed does not bill them again."""
    output = tmp_path / "out.jsonl"
    requests = [_chat("a"), _chat("please-garble-id"), _chat("please-error")]
    result = _batch_run(batch_server, requests, output, retry_failed=True)
    assert _statuses(output) == ["succeeded", "unreadable", "failed"]
    assert result.unreadable == 1 and result.not_run == 0
    assert len(result.unreadable_lines) == 1 and "line" in result.unreadable_lines[0]
    assert len(batch_server.created) == 2  # the retry round holds only the failed request
    retried = batch_server.files[batch_server.created[1]["input_file_id"]]
    assert retried["bytes"] < 200


def test_retry_unreadable_resubmits_the_requests_left_without_a_result(
    batch_server: Any, tmp_path: Any
) -> None:
    output = tmp_path / "out.jsonl"
    _batch_run(batch_server, [_chat("please-garble-id")], output, retry_unreadable=True)
    assert len(batch_server.created) == 2


def test_result_lines_for_unknown_custom_ids_are_reported(batch_server: Any, tmp_path: Any) -> None:
    output = tmp_path / "out.jsonl"
    result = _batch_run(batch_server, [_chat("please-stranger")], output)
    assert _statuses(output) == ["succeeded"]
    assert result.unknown_custom_ids == ["stranger-1"]


# -- a damaged run manifest ----------------------------------------------------------------------


DAMAGED = {
    "truncated": '{"version": 1, "endpoint": "/v1/chat/compl',
    "empty": "",
    "garbage": "\x00\x17 not a manifest",
    "a list": "[1, 2, 3]",
    "fields missing": '{"version": 1}',
}


@pytest.mark.parametrize("damage", list(DAMAGED))
def test_a_damaged_manifest_is_named_with_how_to_start_over(
    batch_server: Any, tmp_path: Any, damage: str
) -> None:
    output = tmp_path / "out.jsonl"
    manifest = tmp_path / "out.jsonl.batch" / "manifest.json"
    manifest.parent.mkdir()
    manifest.write_text(DAMAGED[damage])
    with pytest.raises(together.BatchRunStateError) as caught:
        _batch_run(batch_server, [_chat("a")], output)
    assert str(manifest) in str(caught.value) and "remove" in str(caught.value)
    assert batch_server.log == []  # nothing sent


def test_the_cli_exits_1_on_a_damaged_manifest(batch_server: Any, tmp_path: Any) -> None:
    from .support.cli import together as cli

    requests = tmp_path / "in.jsonl"
    requests.write_text(json.dumps(_chat("a")) + "\n")
    manifest = tmp_path / "out.jsonl.batch" / "manifest.json"
    manifest.parent.mkdir()
    manifest.write_text("[1, 2, 3]")
    done = cli(batch_server.url, "batches", "run", str(requests), "-o", str(tmp_path / "out.jsonl"))
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "manifest.json" in done.stderr


def test_the_cli_exits_1_on_a_requests_file_with_invalid_lines(
    batch_server: Any, tmp_path: Any
) -> None:
    """A data error (the file's content), not a usage error (exit 2 is for the command
    line itself)."""
    from .support.cli import together as cli

    requests = tmp_path / "in.jsonl"
    requests.write_text("not json\n")
    done = cli(batch_server.url, "batches", "run", str(requests), "-o", str(tmp_path / "out.jsonl"))
    assert done.returncode == 1 and "line 1: not JSON" in done.stderr


# -- size caps ---------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_a_compressed_body_that_inflates_past_the_cap_is_refused(
    httpserver: Any, base_url: str, flavor: str
) -> None:
    """A gzip bomb costs memory up to max_response_bytes, then the call fails."""
    inflated = b"[" + b"0," * 5_000_000 + b"0]"  # 10 MB, about 10 KB compressed
    httpserver.expect_request("/v1/models").respond_with_data(
        gzip.compress(inflated),
        headers={"Content-Encoding": "gzip"},
        content_type="application/json",
    )
    with pytest.raises(together.APIResponseValidationError, match="max_response_bytes") as caught:
        await run(flavor, base_url, _models, max_response_bytes=1_000_000)
    assert isinstance(caught.value.body, str) and len(caught.value.body) <= 64 * 1024


def test_the_size_cap_is_a_client_setting_with_a_default(base_url: str) -> None:
    client = Together(api_key=API_KEY, base_url=base_url)
    assert client.max_response_bytes == 256 * 1024 * 1024
    assert client.with_options(max_response_bytes=None).max_response_bytes is None
    with pytest.raises(ValueError, match="max_response_bytes"):
        Together(api_key=API_KEY, base_url=base_url, max_response_bytes=0)


def test_binary_downloads_are_not_capped(client: Together, httpserver: Any, base_url: str) -> None:
    httpserver.expect_request("/v1/files/file-1/content").respond_with_data(b"x" * 100_000)
    small = client.with_options(max_response_bytes=1000)
    assert len(small.files.content("file-1")) == 100_000


def test_an_sse_line_without_end_is_refused_past_its_cap() -> None:
    from together._streaming import MAX_LINE, SSEDecoder

    decoder = SSEDecoder()
    piece = b"x" * (1 << 20)
    with pytest.raises(ValueError, match="longer than"):
        for _ in range(MAX_LINE // len(piece) + 2):
            decoder.read(b"data: " + piece if not decoder._buffer else piece)


def test_a_long_sse_line_is_assembled_in_time_linear_in_its_length() -> None:
    """4 MB arriving 1 KB at a time: each read must not copy or rescan what came before."""
    from together._streaming import SSEDecoder

    decoder = SSEDecoder()
    started = time.perf_counter()
    assert decoder.read(b"data: ") == []
    for _ in range(4096):
        decoder.read(b"y" * 1024)
    [event] = decoder.read(b"\n\n")
    assert len(event) == 4 * 1024 * 1024
    assert time.perf_counter() - started < 1.0


# -- realtime close codes --------------------------------------------------------------------------


@pytest.fixture
def tts(realtime_server: Any) -> Iterator[Any]:
    settings = {"api_key": API_KEY, "base_url": realtime_server.base_url(), "timeout": 5}
    with (
        Together(**settings) as client,
        client.audio.speech.connect(model="hexgrad/Kokoro-82M") as session,
    ):
        yield session


def test_a_normal_close_ends_the_audio_quietly_and_a_send_after_it_says_closed(tts: Any) -> None:
    tts.send_text("Hi.")
    tts.commit()  # the server speaks it, then closes the session normally (1000)
    assert b"".join(tts.iter_audio()) == b"Hi."
    with pytest.raises(together.APIConnectionError, match="session is closed") as caught:
        tts.send_text("More.")
    assert "lost" not in str(caught.value)


def test_a_message_over_the_size_limit_is_reported_as_too_large(tts: Any) -> None:
    tts.send_text("HUGE")
    tts.commit()
    with pytest.raises(together.APIConnectionError, match=r"too large.*1009"):
        list(tts.iter_audio())


@pytest.mark.anyio
async def test_a_stream_with_a_line_past_the_cap_is_a_response_validation_error(
    httpserver: Any, base_url: str, flavor: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("together._streaming.MAX_LINE", 1000)
    httpserver.expect_request("/v1/chat/completions", method="POST").respond_with_data(
        b"data: " + b"x" * 5000, content_type="text/event-stream"
    )
    chat = lambda c: c.chat.completions.create(model="m", messages=[], stream=True)  # noqa: E731
    with pytest.raises(together.APIResponseValidationError, match="longer than 1000"):
        await run(flavor, base_url, chat)
