"""Code written for the official SDKs (together 1.x and 3.x), as their READMEs and
Together's docs show it, runs unchanged: the names it imports, the errors it catches, the
fine-tuning keywords it passes, the base URL it sets, the folders it downloads into. Each
test is such a script against a local server, on both clients where it makes a call."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

import together
from together._compat import CHAT_TYPES, ERRORS, OFFICIAL_MARKER, TYPES

from .support.bodies import JOB, LIMITS, MODEL_BYTES
from .support.clients import done, open_client

HELLO = {"role": "user", "content": "hi"}


def sent_json(httpserver: HTTPServer) -> Any:
    return json.loads(httpserver.log[-1][0].data)


# -- together.error ------------------------------------------------------------------------
@pytest.mark.anyio
async def test_1x_rate_limit_error_from_together_error_catches_a_429(flavor, base_url, httpserver):
    from together.error import RateLimitError

    httpserver.expect_request("/v1/chat/completions").respond_with_json(
        {"error": {"message": "slow down"}}, status=429
    )
    async with open_client(flavor, base_url) as c:
        with pytest.raises(RateLimitError, match="slow down") as caught:
            await done(c.chat.completions.create(model="m", messages=[HELLO]))
    assert caught.value.http_status == 429  # 1.x's attribute


@pytest.mark.anyio
async def test_a_503_is_caught_by_1x_service_unavailable_and_3x_internal_server_error(
    flavor, base_url, httpserver
):
    from together.error import ServiceUnavailableError

    httpserver.expect_request("/v1/models").respond_with_json(
        {"error": {"message": "overloaded"}}, status=503
    )
    async with open_client(flavor, base_url) as c:
        with pytest.raises(ServiceUnavailableError) as caught:
            await done(c.models.list())
    assert isinstance(caught.value, together.InternalServerError)
    assert caught.value.status_code == 503


@pytest.mark.anyio
async def test_1x_invalid_request_error_catches_a_404(flavor, base_url, httpserver):
    from together.error import InvalidRequestError

    httpserver.expect_request("/v1/files/file-x").respond_with_json(
        {"error": {"message": "no such file"}}, status=404
    )
    async with open_client(flavor, base_url) as c:
        with pytest.raises(InvalidRequestError) as caught:
            await done(c.files.retrieve("file-x"))
    assert isinstance(caught.value, together.NotFoundError)


@pytest.mark.anyio
async def test_1x_timeout_and_api_connection_error_catch_a_refused_connection(flavor):
    from together.error import APIConnectionError, Timeout, TogetherException

    async with open_client(flavor, "http://127.0.0.1:9/v1") as c:
        with pytest.raises(APIConnectionError) as caught:
            await done(c.models.list())
    assert isinstance(caught.value, TogetherException)
    assert issubclass(Timeout, APIConnectionError)


def test_every_1x_error_name_imports_from_together_error():
    import together.error

    for name, cls in ERRORS.items():
        assert getattr(together.error, name) is cls, name
        assert name in together.error.__all__
    assert together.error.FileTypeError is together.FileTypeError


# -- together.types -------------------------------------------------------------------------
def test_1x_and_3x_type_names_are_the_generated_models():
    from together.types import ChatCompletionChunk, ChatCompletionResponse, Completion
    from together.types.chat import ChatCompletion
    from together_generated import models

    assert ChatCompletion is ChatCompletionResponse is models.ChatCompletionResponse
    assert ChatCompletionChunk is models.ChatCompletionChunk
    assert Completion is models.CompletionResponse


def test_every_name_of_the_type_tables_resolves_and_the_stub_imports_agree():
    """What the type checker is told (the TYPE_CHECKING imports) is what the names give."""
    import ast

    import together.types
    import together.types.chat
    from together_generated import models

    for module, table in ((together.types, TYPES), (together.types.chat, CHAT_TYPES)):
        assert sorted(module.__all__) == sorted(table)
        for name, generated in table.items():
            assert getattr(module, name) is getattr(models, generated), name
        assert module.__file__ is not None
        tree = ast.parse(Path(module.__file__).read_text())
        typed = {
            alias.asname: alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "together_generated.models"
            for alias in node.names
        }
        assert typed == table


def test_importing_together_types_loads_no_generated_model():
    code = (
        "import sys, together.types, together.types.chat, together.error, together.utils;"
        "print(sorted(m for m in sys.modules if m.startswith('together_generated.models.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.anyio
async def test_a_stream_chunk_is_an_instance_of_together_types_chat_completion_chunk(
    flavor, base_url, httpserver
):
    from together.types import ChatCompletionChunk

    chunk = {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "delta": {"content": "hi"}, "finish_reason": None}],
    }
    body = f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n"
    httpserver.expect_request("/v1/chat/completions").respond_with_data(
        body, content_type="text/event-stream"
    )
    async with open_client(flavor, base_url) as c:
        stream = await done(c.chat.completions.create(model="m", messages=[HELLO], stream=True))
        chunks = list(stream) if flavor == "sync" else [x async for x in stream]
    assert [type(x) for x in chunks] == [ChatCompletionChunk]


# -- together.utils.check_file --------------------------------------------------------------
def test_1x_check_file_passes_a_good_dataset(tmp_path):
    from together.utils import check_file

    data = tmp_path / "data.jsonl"
    data.write_text('{"text": "one"}\n{"text": "two"}\n')
    report = check_file(data)
    assert report["is_check_passed"] is True
    assert report["message"] == "Checks passed"
    assert (report["found"], report["file_size"], report["filetype"]) == (
        True,
        data.stat().st_size,
        "jsonl",
    )
    assert (report["utf8"], report["load_json"], report["num_samples"]) == (True, True, 2)
    assert report["has_min_samples"] is True


def test_1x_check_file_reports_a_bad_line_with_its_number(tmp_path):
    from together.utils import check_file

    data = tmp_path / "data.jsonl"
    data.write_text('{"text": "one"}\nnot json\n')
    report = check_file(str(data))
    assert report["is_check_passed"] is False
    assert report["load_json"] is False
    assert report["line_number"] == 2
    assert "line 2" in report["message"]


def test_1x_check_file_reports_a_missing_file(tmp_path):
    from together.utils import check_file

    report = check_file(tmp_path / "nope.jsonl")
    assert (report["is_check_passed"], report["found"]) == (False, False)


# -- fine_tuning.create(lora=...) -----------------------------------------------------------
@pytest.mark.anyio
async def test_3x_lora_keywords_become_the_lora_training_type(flavor, base_url, httpserver):
    httpserver.expect_request("/v1/fine-tunes", method="POST").respond_with_json(JOB)
    async with open_client(flavor, base_url) as c:
        await done(
            c.fine_tuning.create(
                training_file="file-1",
                model="m",
                lora=True,
                lora_r=8,
                lora_alpha=16,
                lora_dropout=0.05,
                lora_trainable_modules="q_proj,v_proj",
                train_on_inputs="auto",
            )
        )
    body = sent_json(httpserver)
    assert body["training_type"] == {
        "type": "Lora",
        "lora_r": 8,
        "lora_alpha": 16,
        "lora_dropout": 0.05,
        "lora_trainable_modules": "q_proj,v_proj",
    }
    assert body["training_method"] == {"method": "sft", "train_on_inputs": "auto"}
    assert "lora" not in body and "train_on_inputs" not in body


@pytest.mark.anyio
async def test_3x_lora_without_a_rank_uses_the_models_default_rank(flavor, base_url, httpserver):
    limits = {**LIMITS, "lora_training": {"max_batch_size": 8, "min_batch_size": 1}}
    limits["lora_training"]["default_rank"] = 32
    httpserver.expect_ordered_request("/v1/fine-tunes/models/limits").respond_with_json(limits)
    httpserver.expect_ordered_request("/v1/fine-tunes", method="POST").respond_with_json(JOB)
    async with open_client(flavor, base_url) as c:
        job = await done(c.fine_tuning.create(training_file="file-1", model="org/m", lora=True))
    assert job.id == "ft-1"
    assert httpserver.log[0][0].args["model_name"] == "org/m"
    assert sent_json(httpserver)["training_type"] == {
        "type": "Lora",
        "lora_r": 32,
        "lora_alpha": 64,
        "lora_dropout": 0.0,
        "lora_trainable_modules": "all-linear",
    }


def test_lora_without_a_rank_on_a_model_without_a_default_takes_its_max_rank(client, httpserver):
    limits = {**LIMITS, "lora_training": {"max_rank": 64}}
    httpserver.expect_ordered_request("/v1/fine-tunes/models/limits").respond_with_json(limits)
    httpserver.expect_ordered_request("/v1/fine-tunes", method="POST").respond_with_json(JOB)
    client.fine_tuning.create(training_file="file-1", model="m", lora=True)
    assert sent_json(httpserver)["training_type"]["lora_r"] == 64


@pytest.mark.anyio
async def test_3x_lora_false_is_full_training_and_no_lora_leaves_it_to_the_api(
    flavor, base_url, httpserver
):
    httpserver.expect_request("/v1/fine-tunes", method="POST").respond_with_json(JOB)
    async with open_client(flavor, base_url) as c:
        await done(c.fine_tuning.create(training_file="file-1", model="m", lora=False))
        assert sent_json(httpserver)["training_type"] == {"type": "Full"}
        await done(c.fine_tuning.create(training_file="file-1", model="m"))
        assert "training_type" not in sent_json(httpserver)


@pytest.mark.anyio
async def test_a_bad_argument_beside_lora_is_refused_before_the_rank_is_looked_up(
    flavor, base_url, httpserver
):
    async with open_client(flavor, base_url) as c:
        with pytest.raises(TypeError, match="n_epochs"):
            await done(
                c.fine_tuning.create(training_file="f", model="m", lora=True, n_epochs="three")
            )
    assert httpserver.log == []


def test_lora_with_a_training_type_too_is_refused_before_sending(client, httpserver):
    with pytest.raises(TypeError, match="lora or training_type"):
        client.fine_tuning.create(
            training_file="f", model="m", lora=True, lora_r=8, training_type={"type": "Full"}
        )
    assert httpserver.log == []


def test_lora_keywords_are_in_the_signature_and_the_stub():
    import inspect

    signature = inspect.signature(together.Together(api_key="k").fine_tuning.create)
    for name in ("lora", "lora_r", "lora_alpha", "lora_dropout", "lora_trainable_modules"):
        assert signature.parameters[name].kind is inspect.Parameter.KEYWORD_ONLY
    stub = (Path(together.__file__).parent / "_api.pyi").read_text()
    assert stub.count("lora_r: int | None = ...") == 2  # sync and async


@pytest.mark.anyio
async def test_the_raw_view_of_a_lora_create_is_the_jobs_response(flavor, base_url, httpserver):
    limits = {**LIMITS, "lora_training": {"default_rank": 16}}
    httpserver.expect_ordered_request("/v1/fine-tunes/models/limits").respond_with_json(limits)
    httpserver.expect_ordered_request("/v1/fine-tunes", method="POST").respond_with_json(JOB)
    async with open_client(flavor, base_url) as c:
        raw = await done(
            c.fine_tuning.with_raw_response.create(training_file="f", model="m", lora=True)
        )
        assert raw.http_request.url.path == "/v1/fine-tunes"
        assert (await done(raw.parse())).id == "ft-1"


# -- base URL in the 3.x form ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("https://api.together.ai", "https://api.together.ai/v1"),  # 3.x's form
        ("https://api.together.xyz/", "https://api.together.xyz/v1"),
        ("https://api.together.ai/v1", "https://api.together.ai/v1"),  # 1.x's form
        ("http://127.0.0.1:4010", "http://127.0.0.1:4010"),  # a local mock: as given
        ("https://proxy.example.com/together", "https://proxy.example.com/together"),
    ],
)
def test_a_together_host_without_a_path_gets_v1_and_other_urls_stay(given, used, monkeypatch):
    assert together.Together(api_key="k", base_url=given).base_url == used
    monkeypatch.setenv("TOGETHER_BASE_URL", given)
    assert together.Together(api_key="k").base_url == used


def test_the_cli_reads_the_base_url_the_same_way(monkeypatch, capsys, httpserver):
    from together._cli import main

    httpserver.expect_request("/models").respond_with_json(
        {"error": {"message": "not found"}}, status=404
    )
    monkeypatch.setenv("TOGETHER_API_KEY", "k")
    code = main(["--base-url", httpserver.url_for("/"), "--max-retries", "0", "models", "list"])
    assert code == 1
    assert "routes are under /v1" in capsys.readouterr().err


@pytest.mark.anyio
async def test_a_404_from_a_base_url_without_v1_says_where_the_routes_are(flavor, httpserver):
    httpserver.expect_request("/models").respond_with_json(
        {"error": {"message": "not found"}}, status=404
    )
    async with open_client(flavor, httpserver.url_for("/")) as c:
        with pytest.raises(together.NotFoundError, match="routes are under /v1"):
            await done(c.models.list())


@pytest.mark.anyio
async def test_a_404_from_a_v1_base_url_has_no_such_hint(flavor, base_url, httpserver):
    httpserver.expect_request("/v1/files/x").respond_with_json(
        {"error": {"message": "no such file"}}, status=404
    )
    async with open_client(flavor, base_url) as c:
        with pytest.raises(together.NotFoundError) as caught:
            await done(c.files.retrieve("x"))
    assert "/v1" not in str(caught.value).split("no such file")[1]


# -- downloads into folders that don't exist yet ----------------------------------------------
@pytest.mark.anyio
async def test_fine_tuning_download_creates_the_missing_parent_folder(
    flavor, base_url, httpserver, tmp_path
):
    httpserver.expect_request("/v1/finetune/download").respond_with_data(MODEL_BYTES)
    target = tmp_path / "my-model" / "nested" / "model.tar.zst"
    async with open_client(flavor, base_url) as c:
        path = await done(c.fine_tuning.download("ft-1", output=str(target)))
    assert Path(path) == target and target.read_bytes() == MODEL_BYTES


@pytest.mark.anyio
async def test_an_output_ending_in_a_separator_is_a_folder_created_for_the_served_name(
    flavor, base_url, httpserver, tmp_path
):
    httpserver.expect_request("/v1/files/file-1/content").respond_with_data(
        b'{"text": "x"}\n', headers={"Content-Disposition": 'attachment; filename="data.jsonl"'}
    )
    folder = tmp_path / "downloads"
    async with open_client(flavor, base_url) as c:
        path = await done(c.files.content("file-1", output=f"{folder}{os.sep}"))
    assert Path(path) == folder / "data.jsonl"
    assert Path(path).read_bytes() == b'{"text": "x"}\n'


def test_a_failed_download_creates_no_folder(client, httpserver, tmp_path):
    httpserver.expect_request("/v1/files/file-1/content").respond_with_json(
        {"error": {"message": "no"}}, status=404
    )
    with pytest.raises(together.NotFoundError):
        client.files.content("file-1", output=tmp_path / "new" / "out.jsonl")
    assert list(tmp_path.iterdir()) == []


# -- living next to the official package --------------------------------------------------------
def _copy_of_this_package(tmp_path: Path, *, official: bool) -> Path:
    """This package copied into ``tmp_path`` (first on sys.path in the subprocess), with
    the official package's marker file added when ``official``."""
    package = tmp_path / "together"
    shutil.copytree(Path(together.__file__).parent, package)
    if official:
        marker = package / OFFICIAL_MARKER
        marker.parent.mkdir(exist_ok=True)
        marker.write_text("# a file of the official SDK\n")
    return tmp_path


@pytest.mark.parametrize("official", [True, False])
def test_import_refuses_to_run_over_the_official_packages_files(tmp_path, official):
    root = _copy_of_this_package(tmp_path, official=official)
    code = "import together; print(together.__file__)"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), *sys.path])}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    if not official:
        assert result.returncode == 0 and result.stdout.startswith(str(root))
        return
    assert result.returncode == 1
    assert "ImportError: The official 'together' package is installed" in result.stderr
    assert "pip uninstall -y together together-client && pip install together-client" in (
        result.stderr
    )


def test_the_official_marker_is_not_a_file_of_this_package():
    assert not (Path(together.__file__).parent / OFFICIAL_MARKER).exists()
