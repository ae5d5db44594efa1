"""Files: what each method sends and returns; uploads that stream and check first; downloads
that land whole or not at all."""

from __future__ import annotations

import io
import json
import sys
import tracemalloc
import types
from pathlib import Path
from typing import Any, ClassVar

import pytest
from werkzeug import Response

import together
from together import AsyncTogether, Together
from together._dataset_check import FileTypeError

from .bench.upload_rss import FILE_RESPONSE, UploadSink
from .support import API_KEY
from .support.faultserver import CLOSE, FaultServer, response_head

ROWS = [{"text": "first example"}, {"text": "second example"}]


def dataset(tmp_path: Path, rows: list[Any] = ROWS, name: str = "train.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def file_response(**changes: Any) -> dict[str, Any]:
    return {**FILE_RESPONSE, "filename": "train.jsonl", **changes}


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


class Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


class FakeTqdm:
    """Stands in for tqdm.auto.tqdm: records bars instead of drawing them."""

    bars: ClassVar[list[FakeTqdm]] = []

    def __init__(self, total: int | None = None, **kwargs: Any) -> None:
        self.total, self.kwargs, self.n, self.closed = total, kwargs, 0, False
        FakeTqdm.bars.append(self)

    def update(self, n: int) -> None:
        self.n += n

    def reset(self) -> None:
        self.n = 0

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def fake_tqdm(monkeypatch: pytest.MonkeyPatch) -> type[FakeTqdm]:
    module = types.ModuleType("tqdm.auto")
    module.tqdm = FakeTqdm  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tqdm.auto", module)
    FakeTqdm.bars = []
    return FakeTqdm


# -- upload -----------------------------------------------------------------------------


def test_upload_sends_the_spec_multipart_fields(client, httpserver, tmp_path):
    path = dataset(tmp_path)
    httpserver.expect_request("/v1/files/upload", method="POST").respond_with_json(file_response())
    result = client.files.upload(path)
    request = httpserver.log[0][0]
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert dict(request.form) == {
        "purpose": "fine-tune",
        "file_name": "train.jsonl",
        "file_type": "jsonl",
    }
    assert list(request.files) == ["file"]
    assert request.files["file"].filename == "train.jsonl"
    assert request.files["file"].read() == path.read_bytes()
    assert type(result).__name__ == "FileResponse"
    assert result.id == "file-1"


def test_upload_announces_its_length_instead_of_chunking(client, httpserver, tmp_path):
    httpserver.expect_request("/v1/files/upload").respond_with_json(file_response())
    client.files.upload(dataset(tmp_path))
    request = httpserver.log[0][0]
    assert "Transfer-Encoding" not in request.headers
    assert int(request.headers["Content-Length"]) == len(request.get_data())


def test_upload_of_bytes_and_file_objects(client, httpserver, tmp_path):
    httpserver.expect_request("/v1/files/upload").respond_with_json(file_response())
    data = dataset(tmp_path).read_bytes()
    client.files.upload(data, file_name="mine.jsonl")
    with dataset(tmp_path).open("rb") as f:
        client.files.upload(f, purpose="eval")
    first, second = (entry[0] for entry in httpserver.log)
    assert first.form["file_name"] == "mine.jsonl"
    assert first.files["file"].read() == data
    assert (second.form["file_name"], second.form["purpose"]) == ("train.jsonl", "eval")
    assert second.files["file"].read() == data


def test_upload_of_unnamed_bytes_gets_a_name_by_type(client, httpserver):
    httpserver.expect_request("/v1/files/upload").respond_with_json(file_response())
    client.files.upload(b'{"text": "x"}\n')
    assert httpserver.log[0][0].form["file_name"] == "data.jsonl"


@pytest.mark.anyio
async def test_async_upload_is_the_same_request(aclient, httpserver, tmp_path):
    path = dataset(tmp_path)
    httpserver.expect_request("/v1/files/upload", method="POST").respond_with_json(file_response())
    result = await aclient.files.upload(path)
    request = httpserver.log[0][0]
    assert dict(request.form) == {
        "purpose": "fine-tune",
        "file_name": "train.jsonl",
        "file_type": "jsonl",
    }
    assert request.files["file"].read() == path.read_bytes()
    assert int(request.headers["Content-Length"]) == len(request.get_data())
    assert result.id == "file-1"


def test_invalid_dataset_raises_with_line_numbers_and_sends_nothing(client, httpserver, tmp_path):
    path = dataset(tmp_path, [{"text": "ok"}, {"text": 7}, {"messages": []}])
    with pytest.raises(FileTypeError) as info:
        client.files.upload(path)
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    assert "line 2: `text` must be a string, found the number 7" in message
    assert "line 3:" in message
    assert [p.line for p in info.value.report.problems] == [2, 3]
    assert httpserver.log == []


@pytest.mark.anyio
async def test_async_invalid_dataset_sends_nothing(aclient, httpserver, tmp_path):
    with pytest.raises(ValueError, match="line 1"):
        await aclient.files.upload(dataset(tmp_path, [{"prompt": "no completion"}]))
    assert httpserver.log == []


def test_check_false_uploads_an_invalid_file(client, httpserver, tmp_path):
    httpserver.expect_request("/v1/files/upload").respond_with_json(file_response())
    client.files.upload(dataset(tmp_path, [{"nothing": "useful"}]), check=False)
    assert len(httpserver.log) == 1


def test_other_purposes_are_not_checked_as_fine_tuning_data(client, httpserver, tmp_path):
    httpserver.expect_request("/v1/files/upload").respond_with_json(
        file_response(purpose="batch-api")
    )
    client.files.upload(dataset(tmp_path, [{"custom_id": "1", "body": {}}]), purpose="batch-api")
    assert httpserver.log[0][0].form["purpose"] == "batch-api"


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"purpose": 5}, TypeError, "PostFilesUploadBody.purpose"),
        ({"file": 42}, TypeError, "expected a path, bytes or a binary file object"),
        ({"file": "missing.jsonl"}, ValueError, "no such file"),
        ({"file": io.StringIO("text")}, TypeError, "binary mode"),
        ({"colour": "red"}, TypeError, "unexpected arguments: colour"),
    ],
)
def test_bad_upload_arguments_send_nothing(client, httpserver, tmp_path, kwargs, error, match):
    kwargs = {"file": dataset(tmp_path), **kwargs}
    with pytest.raises(error, match=match):
        client.files.upload(**kwargs)
    assert httpserver.log == []


def test_extra_body_becomes_extra_form_fields(client, httpserver, tmp_path):
    httpserver.expect_request("/v1/files/upload").respond_with_json(file_response())
    client.files.upload(dataset(tmp_path), extra_body={"project": "p1"})
    assert httpserver.log[0][0].form["project"] == "p1"


def test_a_retried_upload_sends_the_whole_file_again(base_url, httpserver, tmp_path):
    path = dataset(tmp_path)
    answers = iter(
        [
            Response(json.dumps({"error": {"message": "busy"}}), 503, {"retry-after-ms": "1"}),
            Response(json.dumps(file_response()), 200, content_type="application/json"),
        ]
    )
    httpserver.expect_request("/v1/files/upload").respond_with_handler(
        lambda request: next(answers)
    )
    with Together(api_key=API_KEY, base_url=base_url, max_retries=1) as client:
        assert client.files.upload(path).id == "file-1"
    bodies = [entry[0].files["file"].read() for entry in httpserver.log]
    assert bodies == [path.read_bytes(), path.read_bytes()]


def test_upload_streams_instead_of_reading_the_file_into_memory(tmp_path):
    path = tmp_path / "big.jsonl"
    with path.open("wb") as f:
        f.truncate(50 * 2**20)  # 50 MiB of zeros (sparse), sent unchecked
    with UploadSink() as sink, Together(api_key="k", base_url=sink.url(), max_retries=0) as client:
        client.files.upload(b"{}", check=False)  # imports and the connection, before measuring
        tracemalloc.start()
        try:
            client.files.upload(path, check=False, progress=False)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    received = sink.requests[-1]
    assert received.complete and received.length > path.stat().st_size
    assert peak < 8 * 2**20, f"peak {peak / 2**20:.1f} MiB for a 50 MiB upload"


# -- progress ---------------------------------------------------------------------------


def test_no_progress_bar_when_stderr_is_not_a_terminal(
    client, httpserver, tmp_path, fake_tqdm, monkeypatch
):
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # not a TTY
    httpserver.expect_request("/v1/files/upload").respond_with_json(file_response())
    client.files.upload(dataset(tmp_path))
    assert fake_tqdm.bars == []


def test_progress_bar_on_a_terminal_counts_the_file(
    client, httpserver, tmp_path, fake_tqdm, monkeypatch
):
    monkeypatch.setattr(sys, "stderr", Terminal())
    path = dataset(tmp_path)
    httpserver.expect_request("/v1/files/upload").respond_with_json(file_response())
    client.files.upload(path)
    (bar,) = fake_tqdm.bars
    assert bar.total == bar.n == path.stat().st_size
    assert bar.kwargs["desc"] == "train.jsonl"
    assert bar.closed


def test_progress_false_wins_over_a_terminal(client, httpserver, tmp_path, fake_tqdm, monkeypatch):
    monkeypatch.setattr(sys, "stderr", Terminal())
    httpserver.expect_request("/v1/files/upload").respond_with_json(file_response())
    client.files.upload(dataset(tmp_path), progress=False)
    assert fake_tqdm.bars == []


def test_progress_true_without_tqdm_warns_and_uploads(client, httpserver, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # import → ImportError
    httpserver.expect_request("/v1/files/upload").respond_with_json(file_response())
    with pytest.warns(UserWarning, match="tqdm is not installed"):
        client.files.upload(dataset(tmp_path), progress=True)
    assert len(httpserver.log) == 1


# -- list, retrieve, delete ---------------------------------------------------------------


def test_list_is_typed_and_iterable(client, httpserver):
    httpserver.expect_request("/v1/files", method="GET").respond_with_json(
        {"data": [file_response(id="a"), file_response(id="b")]}
    )
    files = client.files.list()
    assert type(files).__name__ == "FileList"
    assert [f.id for f in files] == ["a", "b"]
    assert len(files) == 2


def test_retrieve(client, httpserver):
    httpserver.expect_request("/v1/files/file-1", method="GET").respond_with_json(file_response())
    result = client.files.retrieve("file-1")
    assert (type(result).__name__, result.filename, result.bytes) == (
        "FileResponse",
        "train.jsonl",
        0,
    )
    assert (result.file_type, result.processed) == ("jsonl", False)


def test_delete(client, httpserver):
    httpserver.expect_request("/v1/files/file-1", method="DELETE").respond_with_json(
        {"id": "file-1", "deleted": True}
    )
    result = client.files.delete("file-1")
    assert type(result).__name__ == "FileDeleteResponse"
    assert result.deleted is True


@pytest.mark.anyio
async def test_async_list_retrieve_delete(aclient, httpserver):
    httpserver.expect_request("/v1/files", method="GET").respond_with_json(
        {"data": [file_response()]}
    )
    httpserver.expect_request("/v1/files/file-1", method="GET").respond_with_json(file_response())
    httpserver.expect_request("/v1/files/file-1", method="DELETE").respond_with_json(
        {"id": "file-1", "deleted": True}
    )
    assert len(await aclient.files.list()) == 1
    assert (await aclient.files.retrieve("file-1")).id == "file-1"
    assert (await aclient.files.delete("file-1")).deleted is True


def test_ids_are_path_escaped_and_an_empty_id_is_refused(client, httpserver):
    httpserver.expect_request("/v1/files/a/b", method="GET").respond_with_json(file_response())
    client.files.retrieve("a/b")
    assert httpserver.log[0][0].environ["REQUEST_URI"] == "/v1/files/a%2Fb"  # werkzeug decodes it
    with pytest.raises(ValueError, match="non-empty"):
        client.files.delete("")
    assert len(httpserver.log) == 1


# -- content ---------------------------------------------------------------------------------

CONTENT = b'{"text": "first example"}\n' * 1000


def test_content_without_output_returns_the_bytes_unparsed(client, httpserver):
    httpserver.expect_request("/v1/files/file-1/content", method="GET").respond_with_data(
        CONTENT, content_type="application/json"
    )
    assert client.files.content("file-1") == CONTENT
    assert client.files.retrieve_content("file-1") == CONTENT  # the 1.x name


def test_content_with_output_is_written_and_its_path_returned(client, httpserver, tmp_path):
    httpserver.expect_request("/v1/files/file-1/content").respond_with_data(CONTENT)
    target = tmp_path / "out.jsonl"
    result = client.files.content("file-1", output=target)
    assert result == target
    assert target.read_bytes() == CONTENT
    assert leftovers(tmp_path) == ["out.jsonl"]


@pytest.mark.anyio
async def test_async_content_with_output(aclient, httpserver, tmp_path):
    httpserver.expect_request("/v1/files/file-1/content").respond_with_data(CONTENT)
    result = await aclient.files.content("file-1", output=str(tmp_path / "out.jsonl"))
    assert result == tmp_path / "out.jsonl"
    assert result.read_bytes() == CONTENT
    assert await aclient.files.content("file-1") == CONTENT
    assert leftovers(tmp_path) == ["out.jsonl"]


def test_content_into_a_folder_takes_the_served_name(client, httpserver, tmp_path):
    httpserver.expect_request("/v1/files/file-1/content").respond_with_data(
        CONTENT, headers={"Content-Disposition": 'attachment; filename="../../etc/train.jsonl"'}
    )
    assert client.files.content("file-1", output=tmp_path) == tmp_path / "train.jsonl"
    assert (tmp_path / "train.jsonl").read_bytes() == CONTENT


def test_content_into_a_folder_without_a_served_name_uses_the_id(client, httpserver, tmp_path):
    httpserver.expect_request("/v1/files/file-1/content").respond_with_data(CONTENT)
    assert client.files.content("file-1", output=tmp_path) == tmp_path / "file-1"


def test_content_replaces_an_existing_file_only_when_complete(client, httpserver, tmp_path):
    target = tmp_path / "out.jsonl"
    target.write_bytes(b"old")
    httpserver.expect_request("/v1/files/file-1/content").respond_with_data(CONTENT)
    client.files.content("file-1", output=target)
    assert target.read_bytes() == CONTENT


def test_content_shows_progress_against_the_content_length(client, httpserver, tmp_path, fake_tqdm):
    httpserver.expect_request("/v1/files/file-1/content").respond_with_data(CONTENT)
    client.files.content("file-1", output=tmp_path / "out.jsonl", progress=True)
    (bar,) = fake_tqdm.bars
    assert bar.total == bar.n == len(CONTENT)
    assert bar.closed


def test_content_under_a_file_posing_as_folder_sends_nothing(client, httpserver, tmp_path):
    (tmp_path / "taken").write_text("a file")
    with pytest.raises(ValueError, match="is a file, not a folder"):
        client.files.content("file-1", output=tmp_path / "taken" / "sub" / "out.jsonl")
    assert httpserver.log == []


def test_content_error_status_leaves_no_file(client, httpserver, tmp_path):
    httpserver.expect_request("/v1/files/file-1/content").respond_with_json(
        {"error": {"message": "no such file"}}, status=404
    )
    with pytest.raises(together.NotFoundError):
        client.files.content("file-1", output=tmp_path / "out.jsonl")
    assert leftovers(tmp_path) == []


def cut_download(length: int, sent: bytes) -> list[Any]:
    """A response announcing ``length`` bytes whose connection closes after ``sent``."""
    head = response_head(
        "200 OK", [("Content-Type", "application/octet-stream"), ("Content-Length", str(length))]
    )
    return [head + sent, CLOSE]


def test_a_download_cut_mid_body_leaves_neither_file_nor_temp(tmp_path):
    folder = tmp_path / "downloads"
    folder.mkdir()
    with (
        FaultServer() as server,
        Together(api_key="k", base_url=server.url(), max_retries=0, timeout=5) as client,
    ):
        server.play(cut_download(100_000, b"x" * 30_000))
        with pytest.raises(together.APIConnectionError, match="cut"):
            client.files.content("file-1", output=folder / "out.jsonl")
    assert leftovers(folder) == []


@pytest.mark.anyio
async def test_async_download_cut_mid_body_leaves_neither_file_nor_temp(tmp_path):
    with FaultServer() as server:
        server.play(cut_download(100_000, b"x" * 30_000))
        async with AsyncTogether(
            api_key="k", base_url=server.url(), max_retries=0, timeout=5
        ) as aclient:
            with pytest.raises(together.APIConnectionError, match="cut"):
                await aclient.files.content("file-1", output=tmp_path / "out.jsonl")
    assert leftovers(tmp_path) == []


def test_a_download_interrupted_by_the_user_leaves_nothing(
    client, httpserver, tmp_path, monkeypatch
):
    httpserver.expect_request("/v1/files/file-1/content").respond_with_data(CONTENT)

    def interrupt(self: Any, chunk: bytes) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("together._download._Writer.write", interrupt)
    with pytest.raises(KeyboardInterrupt):
        client.files.content("file-1", output=tmp_path / "out.jsonl")
    assert leftovers(tmp_path) == []
