"""The command line as people use it: tables, help, chat, fine-tuning create, errors and
shell completion. Each test runs the installed ``together`` as a subprocess against a
local fake API (``tests/support/fakeapi.py``, a real HTTP server on loopback), under a
pseudo-terminal where the output on a terminal differs."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import struct
import subprocess
import termios
import time
from pathlib import Path
from typing import Any

from .support import API_KEY
from .support.cli import COMMAND, ROOT, env_for, together
from .support.fakeapi import FILE, JOB_ID, FakeAPI


def run(
    fake_api: FakeAPI, *args: str, columns: int = 200, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    """``together ARGS`` with stdout a pipe, ``COLUMNS`` columns wide, in UTC."""
    return together(fake_api.url, *args, stdin=stdin, COLUMNS=str(columns), TZ="UTC", **env)


class Terminal:
    """``together ARGS`` on a pseudo-terminal (stdin, stdout and stderr), 24 x ``columns``."""

    def __init__(self, fake_api: FakeAPI, *args: str, columns: int = 100, **env: str) -> None:
        self.leader, follower = pty.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
        self.process = subprocess.Popen(
            [*COMMAND, *args],
            stdin=follower,
            stdout=follower,
            stderr=follower,
            cwd=ROOT,
            env={**env_for(fake_api.url), "TZ": "UTC", **env},
        )
        os.close(follower)
        self.seen = b""

    def expect(self, text: str, timeout: float = 20) -> str:
        """Read until ``text`` appears; everything read so far."""
        end = time.monotonic() + timeout
        while text.encode() not in self.seen:
            if time.monotonic() > end:
                raise AssertionError(f"{text!r} not seen in {self.seen!r}")
            if select.select([self.leader], [], [], 0.1)[0]:
                try:
                    self.seen += os.read(self.leader, 4096)
                except OSError:
                    break
        return self.seen.decode(errors="replace")

    def send(self, line: str) -> None:
        os.write(self.leader, line.encode() + b"\n")

    def finish(self) -> tuple[int, str]:
        """Wait for the command to end: its exit code and all it wrote."""
        while True:
            try:
                data = os.read(self.leader, 4096)
            except OSError:
                break
            if not data:
                break
            self.seen += data
        os.close(self.leader)
        return self.process.wait(timeout=30), self.seen.decode(errors="replace")


# -- tables -----------------------------------------------------------------------------


def test_a_table_shows_ids_whole_sizes_and_dates_for_people_and_marks_a_cut_cell(fake_api: FakeAPI):
    done = run(fake_api, "files", "list", "--no-json", columns=120)
    assert done.returncode == 0, done.stderr
    header, row = done.stdout.splitlines()
    assert re.split(r"\s{2,}", header) == ["ID", "NAME", "TYPE", "SIZE", "CREATED"]
    cells = re.split(r"\s{2,}", row)
    assert cells[0] == FILE["id"]  # whole
    assert cells[1].endswith("…") and FILE["filename"].startswith(cells[1][:-1])
    assert cells[3:] == ["50.0 MB", "2025-12-06 00:00"]  # 50,001,460 bytes; epoch 1764979200


def test_at_80_columns_columns_are_dropped_before_an_id_is_cut(fake_api: FakeAPI):
    done = run(fake_api, "files", "list", "--no-json", columns=80)
    lines = done.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines), lines
    assert lines[1].startswith(FILE["id"] + "  ")
    assert "CREATED" not in lines[0] and "SIZE" in lines[0]  # the least useful went first
    # When the id alone is wider than the terminal, the line overflows: the id stays whole.
    done = run(fake_api, "files", "list", "--no-json", columns=20)
    assert done.stdout.splitlines() == ["ID", FILE["id"]]


def test_models_list_shows_context_and_prices_and_takes_type_search_and_sort(fake_api: FakeAPI):
    done = run(fake_api, "models", "list", "--no-json", "--sort", "price", columns=80)
    header, *rows = done.stdout.splitlines()
    assert re.split(r"\s{2,}", header) == ["ID", "TYPE", "CONTEXT", "IN $/1M", "OUT $/1M"]
    assert [re.split(r"\s{2,}", r) for r in rows] == [
        ["BAAI/bge-large-en-v1.5", "embedding", "512", "0.02", "0.00"],
        ["Qwen/Qwen2.5-7B-Instruct-Turbo", "chat", "32768", "0.30", "0.30"],
        ["meta-llama/Llama-3.3-70B-Instruct-Turbo", "chat", "131072", "0.88", "0.88"],
    ]
    done = run(fake_api, "models", "list", "--type", "chat", "--sort", "context", "--jsonl")
    assert [json.loads(line)["id"] for line in done.stdout.splitlines()] == [
        "meta-llama/Llama-3.3-70B-Instruct-Turbo",
        "Qwen/Qwen2.5-7B-Instruct-Turbo",
    ]
    done = run(fake_api, "models", "list", "--search", "QWEN")
    assert [m["id"] for m in json.loads(done.stdout)] == ["Qwen/Qwen2.5-7B-Instruct-Turbo"]


# -- JSON -------------------------------------------------------------------------------


def test_json_is_the_document_as_sent_and_jsonl_its_items_one_a_line(fake_api: FakeAPI):
    document = json.loads(run(fake_api, "files", "list", "--json").stdout)
    assert document == {"object": "list", "data": [FILE]}  # the object with data stays
    models = json.loads(run(fake_api, "models", "list", "--json").stdout)
    assert isinstance(models, list) and len(models) == 3  # the array stays an array
    lines = run(fake_api, "files", "list", "--jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == [FILE]


# -- chat -------------------------------------------------------------------------------


def test_chat_prints_the_answer_text_off_a_terminal_and_chunks_with_json(fake_api: FakeAPI):
    done = run(fake_api, "chat", "Is it text?", "-m", "m")
    assert (done.returncode, done.stdout) == (0, "You said: Is it text? (1 messages)\n")
    done = run(fake_api, "chat", "Is it text?", "-m", "m", "--json")
    chunks = [json.loads(line) for line in done.stdout.splitlines()]
    assert [c["choices"][0]["delta"]["content"] for c in chunks][:2] == ["You", " said: "]
    done = run(fake_api, "chat", "-m", "m", "--system", "be brief", stdin="from a pipe")
    assert done.stdout == "You said: from a pipe (2 messages)\n"


def test_chat_help_shows_its_own_options(fake_api: FakeAPI):
    done = run(fake_api, "chat", "--help", columns=80)
    assert done.returncode == 0
    assert "-m MODEL, --model MODEL" in done.stdout and "--system" in done.stdout
    assert "together chat completions create --help" in done.stdout


def test_chat_on_a_terminal_without_a_prompt_is_a_conversation(fake_api: FakeAPI, tmp_path: Path):
    saved = tmp_path / "chat.json"
    term = Terminal(fake_api, "chat", "-m", "first-model")
    term.expect("> ")
    term.send("one")
    term.expect("You said: one (1 messages)")
    term.send("two")  # the history goes with each question
    term.expect("You said: two (3 messages)")
    term.send("/system be brief")
    term.expect("(system message set)")
    term.send("/model second-model")
    term.expect("(now asking second-model)")
    term.send("/reset")
    term.expect("(conversation forgotten)")
    term.send("three")
    term.expect("You said: three (2 messages)")  # the system message and the question
    term.send(f"/save {saved}")
    term.expect("(saved 3 messages")
    term.send("/exit")
    code, _ = term.finish()
    assert code == 0
    assert json.loads(saved.read_text()) == [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "three"},
        {"role": "assistant", "content": "You said: three (2 messages)"},
    ]
    last = fake_api.state.requests[-1][2]
    assert last["model"] == "second-model"


# -- help -------------------------------------------------------------------------------


def test_the_top_level_help_fits_80_columns_everyday_commands_first_with_true_counts(
    fake_api: FakeAPI,
):
    done = run(fake_api, "--help", columns=80)
    lines = done.stdout.splitlines()
    assert done.returncode == 0 and all(len(line) <= 80 for line in lines), lines
    assert lines[2] == "everyday commands:" and "chat" in lines[3]
    assert "examples:" in lines
    # Each namespace's count is the number of commands its own help lists.
    count = int(next(m[1] for line in lines if (m := re.match(r"  files +(\d+)  ", line))))
    listed = run(fake_api, "files", "--help").stdout.split("commands:\n")[1].strip().splitlines()
    assert count == len(listed) == 8


# -- fine-tuning create -----------------------------------------------------------------


def _created(fake_api: FakeAPI) -> Any:
    return next(
        body
        for method, path, body in fake_api.state.requests
        if path == "/fine-tunes" and method == "POST"
    )


def test_lora_shorthands_send_what_the_librarys_lora_keywords_send(fake_api: FakeAPI):
    from together import Together

    done = run(
        fake_api, "fine-tuning", "create", "--training-file", "file-1", "--model", "org/base",
        "--lora", "--lora-alpha", "8",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    from_cli = _created(fake_api)["training_type"]
    fake_api.state.requests.clear()
    with Together(api_key=API_KEY, base_url=fake_api.url) as client:
        client.fine_tuning.create(training_file="file-1", model="org/base", lora=True, lora_alpha=8)
    assert _created(fake_api)["training_type"] == from_cli
    # the model's default rank (16 at the fake API), looked up as the library does
    assert from_cli == {
        "type": "Lora",
        "lora_r": 16,
        "lora_alpha": 8,
        "lora_dropout": 0.0,
        "lora_trainable_modules": "all-linear",
    }


def test_training_method_words_and_dpo_shorthands(fake_api: FakeAPI):
    base = ("fine-tuning", "create", "--training-file", "file-1", "--model", "m")
    done = run(fake_api, *base, "--training-method", "dpo", "--full")
    assert done.returncode == 0, done.stderr
    sent = _created(fake_api)
    assert (sent["training_method"], sent["training_type"]) == ({"method": "dpo"}, {"type": "Full"})
    fake_api.state.requests.clear()
    run(fake_api, *base, "--dpo-beta", "0.3", "--lora-r", "8")
    sent = _created(fake_api)
    assert sent["training_method"] == {"method": "dpo", "dpo_beta": 0.3}
    assert sent["training_type"]["lora_r"] == 8
    fake_api.state.requests.clear()
    done = run(fake_api, *base, "--training-type", "full")
    assert _created(fake_api)["training_type"] == {"type": "Full"}, done.stderr


def test_a_local_training_file_is_checked_and_uploaded_and_dry_run_creates_nothing(
    fake_api: FakeAPI, tmp_path: Path
):
    data = tmp_path / "train.jsonl"
    data.write_text('{"text": "a"}\n{"text": "b"}\n')
    done = run(
        fake_api, "fine-tuning", "create", "--training-file", str(data), "--model", "m",
        "--dry-run", "--no-json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    paths = [path for _, path, _ in fake_api.state.requests]
    assert paths == ["/files/upload", "/fine-tunes/models/limits", "/fine-tunes/estimate-price"]
    assert fake_api.state.requests[2][2]["training_file"] == "file-uploaded-1"  # the upload's id
    assert "estimate:  $4.21 for 1,250,000 training tokens" in done.stdout
    assert "LoRA:      rank <= 64, batch size 8..96" in done.stdout
    assert "uploaded train.jsonl as file-uploaded-1" in done.stderr
    assert "no job created" in done.stderr and "--training-file file-uploaded-1" in done.stderr
    # A file that fails its check is not uploaded; the error says how to upload it anyway.
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n")
    done = run(fake_api, "fine-tuning", "create", "--training-file", str(bad), "--model", "m")
    assert done.returncode == 1 and "--no-check uploads it anyway" in done.stderr
    assert "check=False" not in done.stderr


def test_on_a_terminal_create_asks_first_and_then_shows_the_model_to_try(fake_api: FakeAPI):
    args = ("fine-tuning", "create", "--training-file", "file-1", "--model", "org/base")
    term = Terminal(fake_api, *args)
    term.expect("create this job? [y/N] ")
    term.send("n")
    code, seen = term.finish()
    assert code == 1 and "not created" in seen and "estimate:  $4.21" in seen
    assert not any(path == "/fine-tunes" for _, path, _ in fake_api.state.requests)
    term = Terminal(fake_api, *args, "-y")
    code, seen = term.finish()
    assert code == 0 and "create this job" not in seen
    assert f"together fine-tuning wait {JOB_ID}" in seen
    assert 'together chat "Hello" -m user/base-ft-1a2b3c4d' in seen


# -- errors -----------------------------------------------------------------------------


def test_errors_speak_shell_and_carry_the_request_id(fake_api: FakeAPI):
    done = run(fake_api, "files", "list", TOGETHER_API_KEY="")
    assert done.returncode == 1
    assert "Set TOGETHER_API_KEY or pass --api-key" in done.stderr and "api_key=" not in done.stderr
    done = run(fake_api, "files", "retrieve", "file-nope")
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert done.stderr.rstrip().endswith("(request id req-fake-0001)")
    done = run(fake_api, "files", "list", "--base-url", "ftp://host")
    assert done.returncode == 2 and done.stderr.startswith("error: --base-url must start")


def test_a_retry_after_429_is_noted_on_a_terminal_only(fake_api: FakeAPI):
    fake_api.state.rate_limited = 1
    term = Terminal(fake_api, "files", "list", "--max-retries", "2")
    code, seen = term.finish()
    assert code == 0 and "rate limited (429); retry 1 in 0.3 s" in seen, seen
    fake_api.state.rate_limited = 1
    done = run(fake_api, "files", "list", "--max-retries", "2")
    assert done.returncode == 0 and done.stderr == ""


# -- shell completion -------------------------------------------------------------------


def test_shell_completion_prints_a_script_that_completes_and_writes_no_file(
    fake_api: FakeAPI, tmp_path: Path
):
    home = tmp_path / "home"
    home.mkdir()
    scripts = {}
    for shell in ("bash", "zsh", "fish"):
        done = run(fake_api, "shell-completion", shell, HOME=str(home))
        assert done.returncode == 0 and "together shell-completion" in done.stdout
        scripts[shell] = done.stdout
    assert list(home.iterdir()) == []  # nothing installed: the user decides where
    script = tmp_path / "together.bash"
    script.write_text(scripts["bash"])
    probe = (
        f"source {script}; "
        "COMP_WORDS=(together fil); COMP_CWORD=1; _together; echo ${COMPREPLY[@]}; "
        'COMP_WORDS=(together files ""); COMP_CWORD=2; _together; echo ${COMPREPLY[@]}; '
        "COMP_WORDS=(together files list --js); COMP_CWORD=3; _together; echo ${COMPREPLY[@]}"
    )
    done = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, timeout=30)
    assert done.stdout.splitlines() == [
        "files",
        "check content delete download list retrieve retrieve-content upload",
        "--json --jsonl",
    ], done.stderr
    assert "bashcompinit" in scripts["zsh"] and "complete -c together" in scripts["fish"]
    done = run(fake_api, "shell-completion", "tcsh")
    assert done.returncode == 2 and "invalid choice" in done.stderr
