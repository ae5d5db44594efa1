"""The local dataset check: each documented rule, the line it points at, and what it reads."""

from __future__ import annotations

import asyncio
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from together import AsyncTogether, Together
from together._dataset_check import DatasetReport, FileTypeError, check_dataset

from .support.datasets import checked_with_peak_memory

USER = {"role": "user", "content": "Hi"}
ASSISTANT = {"role": "assistant", "content": "Hello"}
SYSTEM = {"role": "system", "content": "Be brief"}
CONVERSATION = {"messages": [SYSTEM, USER, ASSISTANT]}
PREFERENCE = {
    "input": {"messages": [USER]},
    "preferred_output": [{"role": "assistant", "content": "Good"}],
    "non_preferred_output": [{"role": "assistant", "content": "Bad"}],
}


def jsonl(tmp_path: Path, *rows: Any, name: str = "data.jsonl") -> Path:
    path = tmp_path / name
    lines = [row if isinstance(row, str) else json.dumps(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def problems(report: DatasetReport) -> list[str]:
    return [str(p) for p in report.problems]


@pytest.mark.parametrize(
    ("row", "format"),
    [
        ({"text": "Some text"}, "text"),
        (CONVERSATION, "conversation"),
        ({"prompt": "2+2=", "completion": "4"}, "instruction"),
        (PREFERENCE, "preference"),
    ],
)
def test_each_documented_format_passes(tmp_path, row, format):
    report = check_dataset(jsonl(tmp_path, row, row))
    assert report.ok, problems(report)
    assert (report.format, report.rows, report.file_type) == (format, 2, "jsonl")


def test_extra_fields_are_allowed(tmp_path):
    report = check_dataset(jsonl(tmp_path, {"text": "x", "source": "web", "id": 3}))
    assert report.ok


def test_invalid_json_is_reported_with_its_line(tmp_path):
    report = check_dataset(jsonl(tmp_path, {"text": "a"}, '{"text": "b",}', {"text": "c"}))
    assert len(report.problems) == 1
    assert report.problems[0].line == 2
    assert "not valid JSON" in report.problems[0].message


def test_every_problem_is_reported_not_just_the_first(tmp_path):
    report = check_dataset(jsonl(tmp_path, {"text": 1}, {"text": "ok"}, {"text": None}))
    assert [p.line for p in report.problems] == [1, 3]
    assert "`text` must be a string, found the number 1" in problems(report)[0]


def test_non_utf8_line_is_reported_with_its_line(tmp_path):
    path = tmp_path / "data.jsonl"
    path.write_bytes(b'{"text": "a"}\n{"text": "\xff"}\n')
    report = check_dataset(path)
    assert problems(report) == ["line 2: not UTF-8 text (byte 0xff at column 11)"]


def test_blank_lines_are_skipped_but_keep_line_numbers(tmp_path):
    report = check_dataset(jsonl(tmp_path, {"text": "a"}, "", "   ", {"text": 5}))
    assert report.rows == 2
    assert [p.line for p in report.problems] == [4]


def test_a_line_that_is_not_an_object(tmp_path):
    report = check_dataset(jsonl(tmp_path, ["text", "a"]))
    assert problems(report) == ["line 1: expected a JSON object, found a list of 2"]


def test_unknown_fields_name_what_is_expected(tmp_path):
    report = check_dataset(jsonl(tmp_path, {"question": "q", "answer": "a"}))
    (message,) = problems(report)
    assert message.startswith("line 1: expected the fields of one format: `text` (text)")
    assert "`messages` (conversation)" in message
    assert "found `question`, `answer`" in message


def test_half_of_a_format_names_the_missing_field(tmp_path):
    report = check_dataset(jsonl(tmp_path, {"prompt": "q"}))
    assert problems(report) == [
        "line 1: the instruction format needs `prompt` and `completion`; missing `completion`"
    ]


def test_two_formats_on_one_line_are_refused(tmp_path):
    report = check_dataset(jsonl(tmp_path, {"text": "a", **CONVERSATION}))
    assert (
        "more than one format: text (`text`) and conversation (`messages`)" in problems(report)[0]
    )


def test_a_file_holds_one_format(tmp_path):
    report = check_dataset(jsonl(tmp_path, {"text": "a"}, {"text": "b"}, CONVERSATION))
    assert problems(report) == [
        "line 3: this example is in the conversation format but line 1 is in the text format; "
        "a file holds one format"
    ]


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        (
            [ASSISTANT],
            "`messages[0].role` is 'assistant': expected 'system' or 'user' as the first message",
        ),
        ([USER, USER], "`messages[1].role` is 'user': expected 'assistant' after a user message"),
        (
            [SYSTEM, ASSISTANT],
            "`messages[1].role` is 'assistant': expected 'user' after a system message",
        ),
        ([USER, ASSISTANT, SYSTEM], "`messages[2].role` is 'system': expected 'user' or 'tool'"),
        (
            [USER, {"role": "tool", "content": "42"}],
            "`messages[1].role` is 'tool': expected 'assistant'",
        ),
        ([USER, {"role": "bot", "content": "x"}], "`messages[1].role` is 'bot': expected one of"),
        ([USER, {"content": "x"}], "`messages[1]` has no `role`"),
        ([USER, {"role": "assistant"}], "`messages[1]` has no `content`"),
        ([USER, {"role": "assistant", "content": 3}], "`messages[1].content` must be a string"),
        ([USER, {**ASSISTANT, "weight": 2}], "`messages[1].weight` must be 0 or 1, found 2"),
        ([USER, {**ASSISTANT, "weight": True}], "`messages[1].weight` must be 0 or 1, found True"),
        ([], "`messages` must be a non-empty list of messages, found a list of 0"),
        ("Hi", "`messages` must be a non-empty list of messages, found a string"),
        ([SYSTEM, USER], "`messages` has no assistant message"),
    ],
)
def test_conversation_rules(tmp_path, messages, expected):
    report = check_dataset(jsonl(tmp_path, {"messages": messages}))
    assert len(report.problems) == 1, problems(report)
    assert report.problems[0].line == 1
    assert expected in report.problems[0].message


def test_conversation_with_tool_calls_weights_and_image_parts_passes(tmp_path):
    messages = [
        SYSTEM,
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is this?"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,AA"}},
            ],
        },
        {"role": "assistant", "content": None, "tool_calls": [{"id": "c1", "type": "function"}]},
        {"role": "tool", "content": "a cat", "tool_call_id": "c1"},
        {"role": "assistant", "content": "A cat", "weight": 1},
        {"role": "user", "content": "Thanks", "weight": 0},
        {"role": "assistant", "content": "You're welcome"},
    ]
    report = check_dataset(jsonl(tmp_path, {"messages": messages, "tools": []}))
    assert report.ok, problems(report)


def test_bad_content_part_is_named(tmp_path):
    part = {"type": "audio", "data": "x"}
    report = check_dataset(
        jsonl(tmp_path, {"messages": [{"role": "user", "content": [part]}, ASSISTANT]})
    )
    assert problems(report) == [
        "line 1: `messages[0].content[0]` must be a content part of type 'text' or 'image_url', "
        "found an object of type 'audio'"
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"input": [USER]}, "`input` must be an object with `messages`"),
        (
            {"input": {"messages": [USER, ASSISTANT]}},
            "`input.messages` ends with an assistant message",
        ),
        ({"input": {"messages": [USER, USER]}}, "`input.messages[1].role` is 'user'"),
        (
            {"preferred_output": [ASSISTANT, ASSISTANT]},
            "`preferred_output` must be a list of exactly one",
        ),
        ({"non_preferred_output": [USER]}, "`non_preferred_output[0].role` must be 'assistant'"),
        (
            {"preferred_output": {"role": "assistant"}},
            "`preferred_output` must be a list of exactly one",
        ),
        (
            {"non_preferred_output": [{"role": "assistant"}]},
            "`non_preferred_output[0]` has no `content`",
        ),
    ],
)
def test_preference_rules(tmp_path, change, expected):
    report = check_dataset(jsonl(tmp_path, PREFERENCE, {**PREFERENCE, **change}))
    assert [p.line for p in report.problems] == [2], problems(report)
    assert expected in report.problems[0].message


def test_preference_input_may_open_with_the_assistant(tmp_path):
    # Together's own documented example does.
    row = {**PREFERENCE, "input": {"messages": [ASSISTANT, USER]}}
    assert check_dataset(jsonl(tmp_path, row)).ok


def test_empty_file_and_file_without_examples(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    assert problems(check_dataset(empty)) == ["the file is empty"]
    assert problems(check_dataset(jsonl(tmp_path, "", ""))) == ["the file holds no examples"]


def test_csv_is_not_a_fine_tuning_format(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("a,b\n1,2\n")
    assert "CSV files are not accepted for fine-tuning" in problems(check_dataset(path))[0]


def test_other_purposes_are_not_checked(tmp_path):
    report = check_dataset(jsonl(tmp_path, {"anything": 1}), purpose="batch-api")
    assert report.ok and not report.checked
    assert "only fine-tuning datasets are checked" in report.note


def test_bytes_and_file_objects_are_checked_too(tmp_path):
    data = (json.dumps({"text": "a"}) + "\n" + json.dumps({"text": 2}) + "\n").encode()
    assert [p.line for p in check_dataset(data).problems] == [2]
    stream = io.BytesIO(b"junk" + data)
    stream.seek(4)
    assert [p.line for p in check_dataset(stream).problems] == [2]
    assert stream.tell() == 4  # left where it was


def test_missing_path_raises(tmp_path):
    with pytest.raises(ValueError, match="no such file"):
        check_dataset(tmp_path / "missing.jsonl")


def test_reading_stops_after_many_problems(tmp_path):
    path = tmp_path / "data.jsonl"
    path.write_text("nope\n" * 1000)
    report = check_dataset(path)
    assert len(report.problems) == 100 and report.full
    assert "stopped reading after 100 problems" in str(report)


def test_error_message_lists_problems_with_line_numbers(tmp_path):
    report = check_dataset(jsonl(tmp_path, {"text": "a"}, {"text": 1}))
    error = FileTypeError(report)
    assert isinstance(error, ValueError)
    assert "line 2: `text` must be a string" in str(error)
    assert error.report is report


def test_the_file_is_streamed_not_loaded(tmp_path):
    path = tmp_path / "big.jsonl"
    row = (json.dumps({"text": "x" * 1000}) + "\n").encode()
    with path.open("wb") as f:
        for _ in range(20_000):  # ~20 MB
            f.write(row)
    report, peak = checked_with_peak_memory(path)
    assert report.ok and report.rows == 20_000
    assert peak < 2_000_000, peak


def test_client_files_check_on_both_clients(tmp_path):
    path = jsonl(tmp_path, {"text": 1})
    with Together(api_key="k") as client:
        assert [p.line for p in client.files.check(path).problems] == [1]

    async def run() -> DatasetReport:
        async with AsyncTogether(api_key="k") as aclient:
            return await aclient.files.check(path)

    assert [p.line for p in asyncio.run(run()).problems] == [1]


# -- Parquet --------------------------------------------------------------------------


def test_parquet_without_pyarrow_says_it_was_not_checked(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow → ImportError
    path = tmp_path / "data.parquet"
    path.write_bytes(b"PAR1....PAR1")
    report = check_dataset(path)
    assert report.ok and not report.checked
    assert report.format == "tokenized"
    assert "pyarrow" in report.note


def write_parquet(path: Path, **columns: Any) -> Path:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(pa.table(columns), path)
    return path


def test_tokenized_parquet_passes(tmp_path):
    path = write_parquet(
        tmp_path / "data.parquet",
        input_ids=[[1, 2, 3], [4, 5]],
        attention_mask=[[1, 1, 0], [1, 1]],
        labels=[[-100, 2, 3], [4, 5]],
    )
    report = check_dataset(path)
    assert report.ok, problems(report)
    assert (report.format, report.rows, report.file_type) == ("tokenized", 2, "parquet")


def test_parquet_problems_name_their_rows(tmp_path):
    path = write_parquet(
        tmp_path / "data.parquet",
        input_ids=[[1, 2], [], [3, 4]],
        attention_mask=[[1, 1], [], [1, 2]],
        labels=[[1, 2], [], [3]],
    )
    assert problems(check_dataset(path)) == [
        "row 2: `input_ids` is empty or null",
        "row 3: `labels` has 1 values but `input_ids` has 2",
        "row 3: `attention_mask` values must be 0 or 1",
    ]


def test_parquet_columns_are_checked(tmp_path):
    path = write_parquet(tmp_path / "data.parquet", tokens=[[1]], labels=[["a"]])
    found = problems(check_dataset(path))
    assert found[:2] == [
        "no `input_ids` column (found columns: tokens, labels)",
        "unexpected column `tokens`: expected `input_ids` and `attention_mask` and `labels` "
        "and `position_ids` only",
    ]
    assert found[2].startswith("column `labels` must hold lists of integers, found list<")
    assert len(found) == 3


def test_parquet_is_recognised_by_content_without_an_extension(tmp_path):
    path = write_parquet(tmp_path / "tokens", input_ids=[[1, 2]])
    report = check_dataset(path)
    assert report.file_type == "parquet" and report.ok


def test_a_broken_parquet_file(tmp_path):
    pytest.importorskip("pyarrow")
    path = tmp_path / "data.parquet"
    path.write_bytes(b"PAR1 this is not parquet")
    assert problems(check_dataset(path))[0].startswith("not a readable Parquet file")
