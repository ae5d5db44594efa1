"""The ``together`` command line, run as a subprocess (``python -m together``, the same
function as the installed script) against local servers on loopback."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from .support import API_KEY
from .support.batchserver import BatchServer
from .support.cli import COMMAND, ROOT, env_for, together


def sent(httpserver: HTTPServer, index: int = -1) -> Any:
    return json.loads(httpserver.log[index][0].get_data())


def test_console_script_is_the_module_entry():
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["scripts"]["together"] == "together._cli:main_exit"
    main = (ROOT / "together" / "__main__.py").read_text()
    assert "from ._cli import main_exit" in main


def test_help_reads_only_the_index_and_a_command_loads_only_its_module():
    code = """
import sys, io, contextlib
from together._cli import main
def loaded():
    return sorted(m for m in sys.modules if m.startswith(("together_generated.api.", "together_generated.models.")))
out = io.StringIO()
with contextlib.redirect_stdout(out):
    codes = [main(["--help"])]
    top = loaded()
    codes.append(main(["fine-tuning", "--help"]))
    ns = loaded()
    try:
        main(["fine-tuning", "retrieve", "--help"])
    except SystemExit as exc:
        codes.append(exc.code)
print(codes, top, ns, [m for m in loaded() if ".api." in m])
print(out.getvalue())
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env_for("x")
    )
    first, _, helps = done.stdout.partition("\n")
    assert first == (
        "[0, 0, 0] [] [] ['together_generated.api.fine_tuning', "
        "'together_generated.api.fine_tuning.get_fine_tunes_id']"
    ), done.stderr
    # every level shows the spec's words: namespaces, summaries, parameter descriptions
    assert re.search(r"\n  fine-tuning +14  cancel, content, create, ", helps)
    assert "list-events              List job events (GET /fine-tunes/{id}/events)" in helps
    assert "usage: together fine-tuning retrieve ID [options]" in helps
    assert "The ID of the job to retrieve" in helps


def test_a_generated_command_sends_path_query_and_body(httpserver: HTTPServer):
    url = httpserver.url_for("/v1")
    httpserver.expect_request("/v1/endpoints/ep-1", method="PATCH").respond_with_json(
        {"id": "ep-1", "display_name": "new", "state": "STARTED"}
    )
    httpserver.expect_request(
        "/v1/fine-tunes/ft-1", method="DELETE", query_string="force=true"
    ).respond_with_json({"message": "deleted"})
    autoscaling = ROOT / "build" / "cli-autoscaling.json"
    autoscaling.parent.mkdir(exist_ok=True)
    autoscaling.write_text('{"min_replicas": 1, "max_replicas": 3}')
    done = together(
        url,
        "endpoints",
        "update",
        "ep-1",
        "--display-name",
        "new",
        "--autoscaling",
        f"@{autoscaling}",
    )
    assert done.returncode == 0, done.stderr
    assert sent(httpserver, 0) == {
        "display_name": "new",
        "autoscaling": {"min_replicas": 1, "max_replicas": 3},
    }
    assert json.loads(done.stdout) == {"id": "ep-1", "display_name": "new", "state": "STARTED"}
    done = together(url, "fine-tuning", "delete", "ft-1", "--force", "--no-json")
    assert (done.returncode, done.stdout) == (0, "message: deleted\n"), done.stderr
    assert httpserver.log[1][0].args["force"] == "true"


def test_json_output_round_trips_documents_lists_and_streams(httpserver: HTTPServer):
    url = httpserver.url_for("/v1")
    file = {
        "id": "file-1",
        "object": "file",
        "filename": "a.jsonl",
        "bytes": 12,
        "purpose": "fine-tune",
        "created_at": 1700000000,
        "FileType": "jsonl",
        "LineCount": 2,
        "Processed": True,
        "new_field": {"kept": [1, 2]},
    }
    httpserver.expect_request("/v1/files/file-1").respond_with_json(file)
    httpserver.expect_request("/v1/files").respond_with_json(
        {"object": "list", "data": [file, {**file, "id": "file-2"}]}
    )
    chunks = [
        {
            "id": "c",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "m",
            "choices": [{"index": 0, "delta": {"role": "assistant", "content": text}}],
        }
        for text in ("Hel", "lo")
    ]
    sse = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"
    httpserver.expect_request("/v1/chat/completions").respond_with_data(
        sse, content_type="text/event-stream"
    )

    done = together(url, "files", "retrieve", "file-1")
    assert json.loads(done.stdout) == file
    done = together(url, "files", "list")
    assert json.loads(done.stdout) == {"object": "list", "data": [file, {**file, "id": "file-2"}]}
    done = together(
        url,
        "chat",
        "completions",
        "create",
        "--model",
        "m",
        "--stream",
        "--messages",
        '[{"role": "user", "content": "hi"}]',
        "--max-tokens",
        "5",
    )
    assert [json.loads(line) for line in done.stdout.splitlines()] == chunks, done.stderr
    assert sent(httpserver) == {
        "model": "m",
        "stream": True,
        "max_tokens": 5,
        "messages": [{"role": "user", "content": "hi"}],
    }
    # chat "PROMPT": the answer's text on stdout
    done = together(url, "chat", "Say hello", "-m", "m", "--system", "be brief", "--no-json")
    assert (done.returncode, done.stdout) == (0, "Hello\n"), done.stderr
    assert sent(httpserver)["messages"] == [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "Say hello"},
    ]
    done = together(url, "chat", "-m", "m", "--json", stdin="from stdin")
    assert [
        json.loads(line)["choices"][0]["delta"]["content"] for line in done.stdout.splitlines()
    ] == ["Hel", "lo"]
    assert sent(httpserver)["messages"] == [{"role": "user", "content": "from stdin"}]


def test_exit_codes_one_line_errors_and_the_key_never_printed(httpserver: HTTPServer):
    url = httpserver.url_for("/v1")
    httpserver.expect_request("/v1/files/nope").respond_with_json(
        {"error": {"message": f"no file nope (key {API_KEY})"}}, status=404
    )
    done = together(url, "files", "retrieve", "nope")
    assert done.returncode == 1
    assert done.stderr.startswith("error: NotFoundError") and done.stderr.count("\n") == 1
    cases = [
        (("files", "lsit"), "unknown command 'lsit'; did you mean 'list'?"),
        (
            ("chat", "completions", "create", "--model", "m", "--mesages", "[]"),
            "did you mean --messages?",
        ),
        (
            ("chat", "completions", "create", "--model", "m", "--messages", "[", "--n", "2"),
            "--messages: not JSON",
        ),
        (
            ("chat", "completions", "create", "--model", "m", "--messages", "[]", "--n", "two"),
            "--n: invalid int value",
        ),
        (("chat", "completions", "create", "--model", "m"), "required: --messages"),
        (
            ("chat", "completions", "create", "--model", "m", "--messages", "[1]"),
            "chat.completions.create",
        ),
        (("files", "list", "--api-key", API_KEY, "--api-kye", API_KEY), "did you mean --api-key?"),
    ]
    for args, message in cases:
        done = together(url, *args)
        assert done.returncode == 2 and message in done.stderr, (args, done.stderr)
        assert API_KEY not in done.stderr + done.stdout
    assert len(httpserver.log) == 1  # usage errors send nothing
    done = together("http://127.0.0.1:9/v1", "files", "list", "--timeout", "2")
    assert done.returncode == 1 and "APIConnectionError" in done.stderr


def test_settings_flags_win_over_the_environment(httpserver: HTTPServer):
    httpserver.expect_request("/v2/files").respond_with_json({"object": "list", "data": []})
    done = together(
        "http://127.0.0.1:9/v1",
        "files",
        "list",
        "--api-key",
        "sk-other-key",
        "--base-url",
        httpserver.url_for("/v2"),
        "--max-retries",
        "0",
    )
    assert done.returncode == 0, done.stderr
    assert httpserver.log[0][0].headers["Authorization"] == "Bearer sk-other-key"


def test_files_check_upload_and_download(httpserver: HTTPServer, tmp_path: Path):
    url = httpserver.url_for("/v1")
    good = tmp_path / "good.jsonl"
    good.write_text('{"text": "a"}\n{"text": "b"}\n')
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "a"}\nnot json\n')
    uploaded = {
        "id": "file-9",
        "object": "file",
        "filename": "good.jsonl",
        "bytes": 28,
        "purpose": "fine-tune",
        "created_at": 1,
        "FileType": "jsonl",
    }
    httpserver.expect_request("/v1/files/upload", method="POST").respond_with_json(uploaded)
    httpserver.expect_request("/v1/files/file-9/content").respond_with_data(b"x" * 5000)

    done = together(url, "files", "check", str(good), "--no-json")
    assert done.returncode == 0 and "2" in done.stdout, done.stderr
    done = together(url, "files", "check", str(bad))
    assert done.returncode == 1 and "line 2" in json.loads(done.stdout)["problems"][0]
    done = together(url, "files", "upload", str(bad))
    assert done.returncode == 1 and "line 2" in done.stderr and httpserver.log == []
    done = together(url, "files", "upload", str(good))
    assert json.loads(done.stdout) == uploaded, done.stderr
    form = httpserver.log[0][0].get_data()
    assert b'name="purpose"\r\n\r\nfine-tune' in form and b'{"text": "b"}' in form
    done = together(url, "files", "upload", str(bad), "--no-check", "--purpose", "batch-api")
    assert done.returncode == 0 and b"batch-api" in httpserver.log[1][0].get_data()
    out = tmp_path / "out.bin"
    done = together(url, "files", "download", "file-9", "-o", str(out))
    assert (done.returncode, done.stdout, out.read_bytes()) == (0, f"{out}\n", b"x" * 5000)


def test_a_download_draws_a_progress_bar_on_a_terminal(httpserver: HTTPServer, tmp_path: Path):
    httpserver.expect_request("/v1/files/file-9/content").respond_with_data(
        b"x" * 300_000, headers={"Content-Length": "300000"}
    )
    leader, follower = pty.openpty()
    # a terminal of 24 x 100 (a fresh pseudo-terminal has no size: tqdm would draw nothing)
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    out = tmp_path / "out.bin"
    process = subprocess.Popen(
        [*COMMAND, "files", "download", "file-9", "-o", str(out)],
        stdout=follower,
        stderr=follower,
        stdin=subprocess.DEVNULL,
        cwd=ROOT,
        env=env_for(httpserver.url_for("/v1")),
    )
    os.close(follower)
    seen = b""
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:  # the terminal closed: the command ended
            break
        if not data:
            break
        seen += data
    os.close(leader)
    assert process.wait(timeout=30) == 0, seen
    assert out.stat().st_size == 300_000
    assert b"100%" in seen and b"\r" in seen, seen  # tqdm's bar, redrawn in place


def _fine_tune_server(httpserver: HTTPServer) -> None:
    polls = {"n": 0}
    events = [
        {
            "object": "fine-tune-event",
            "created_at": f"2026-01-01T00:00:0{i}Z",
            "message": f"step {i}",
            "type": "job_start",
            "level": "info",
        }
        for i in range(3)
    ]

    def retrieve(request: Request) -> Response:
        polls["n"] += 1
        status = "completed" if polls["n"] >= 3 else "running"
        return Response(
            json.dumps({"id": "ft-1", "status": status}), content_type="application/json"
        )

    def list_events(request: Request) -> Response:
        shown = events[: polls["n"] + 1]
        return Response(json.dumps({"data": shown}), content_type="application/json")

    httpserver.expect_request("/v1/fine-tunes/models/limits").respond_with_json(
        {"model_name": "m", "max_num_epochs": 10}
    )
    httpserver.expect_request("/v1/fine-tunes/estimate-price").respond_with_json(
        {"estimated_total_price": 1.5, "allowed_to_proceed": True}
    )
    httpserver.expect_request("/v1/fine-tunes", method="POST").respond_with_json(
        {"id": "ft-1", "status": "pending", "model": "m", "training_file": "file-1"}
    )
    httpserver.expect_request("/v1/fine-tunes/ft-1").respond_with_handler(retrieve)
    httpserver.expect_request("/v1/fine-tunes/ft-1/events").respond_with_handler(list_events)
    httpserver.expect_request("/v1/finetune/download").respond_with_data(b"weights")


def test_fine_tuning_create_waits_printing_new_events_once_and_downloads(
    httpserver: HTTPServer, tmp_path: Path
):
    url = httpserver.url_for("/v1")
    _fine_tune_server(httpserver)
    done = together(
        url,
        "fine-tuning",
        "create",
        "--training-file",
        "file-1",
        "--model",
        "m",
        "--n-epochs",
        "2",
        "--wait",
        "--poll-interval",
        "0.01",
        "--no-json",
    )
    assert done.returncode == 0, done.stderr
    assert sent(httpserver, 2) == {"training_file": "file-1", "model": "m", "n_epochs": 2}
    # Progress (each event once, each new status) on stderr; the final job on stdout.
    lines = done.stderr.splitlines()
    assert [line.split()[-1] for line in lines if "step" in line] == ["0", "1", "2"]
    assert lines[-1] == "ft-1: completed"
    assert "status: completed" in done.stdout.splitlines()
    out = tmp_path / "model.tar.zst"
    done = together(url, "fine-tuning", "download", "ft-1:4", "-o", str(out))
    assert done.returncode == 0 and out.read_bytes() == b"weights", done.stderr
    assert httpserver.log[-1][0].args.to_dict() == {"ft_id": "ft-1", "checkpoint_step": "4"}


def test_models_list_is_a_table_filtered_by_type(httpserver: HTTPServer):
    url = httpserver.url_for("/v1")
    models = [
        {
            "id": "org/chat-1",
            "object": "model",
            "created": 1,
            "type": "chat",
            "display_name": "Chat One",
            "organization": "Org",
            "context_length": 8192,
            "pricing": {"input": 0.2, "output": 0.6, "hourly": 0, "base": 0, "finetune": 0},
        },
        {
            "id": "org/embed-1",
            "object": "model",
            "created": 1,
            "type": "embedding",
            "organization": "Org",
        },
    ]
    httpserver.expect_request("/v1/models").respond_with_json(models)
    done = together(url, "models", "list", "--type", "chat", "--no-json")
    assert done.returncode == 0, done.stderr
    header, *rows = done.stdout.splitlines()
    assert re.split(r"\s{2,}", header) == ["ID", "TYPE", "CONTEXT", "IN $/1M", "OUT $/1M", "NAME"]
    assert [re.split(r"\s{2,}", r) for r in rows] == [
        ["org/chat-1", "chat", "8192", "0.20", "0.60", "Chat One"]
    ]
    done = together(url, "models", "list")
    assert json.loads(done.stdout) == models  # the API's array, as sent


def test_batches_run_submits_then_collects_in_input_order(tmp_path: Path):
    requests = tmp_path / "requests.jsonl"
    bodies = [{"model": "m", "messages": [{"role": "user", "content": f"q{i}"}]} for i in range(3)]
    bodies[1]["messages"][0]["content"] = "please-fail"
    requests.write_text("".join(json.dumps(b) + "\n" for b in bodies))
    out = tmp_path / "results.jsonl"
    with BatchServer() as server:
        url = server.url
        done = together(url, "batches", "run", str(requests), "-o", str(out), "--no-json")
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("submitted batches: ") and "--wait" in done.stderr
        assert not out.exists() and len(server.created) == 1
        done = together(
            url,
            "batches",
            "run",
            str(requests),
            "-o",
            str(out),
            "--wait",
            "--poll-interval",
            "0.05",
        )
        assert len(server.created) == 1  # resumed: no batch created twice
    assert json.loads(done.stdout) == {
        "output": str(out),
        "succeeded": 2,
        "failed": 1,
        "not_run": 0,
    }
    assert done.returncode == 1  # a request failed
    results = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["custom_id"], r["status"]) for r in results] == [
        ("request-1", "succeeded"),
        ("request-2", "failed"),
        ("request-3", "succeeded"),
    ]


def test_a_namespace_alias_is_a_command_word_too(httpserver: HTTPServer):
    # evals is the 3.x name of evaluation, post-training of rl: the same commands.
    httpserver.expect_request("/v1/evaluation", method="GET").respond_with_json([])
    done = together(httpserver.url_for("/v1"), "evals", "list")
    assert done.returncode == 0, done.stderr
    assert [request.path for request, _ in httpserver.log] == ["/v1/evaluation"]
