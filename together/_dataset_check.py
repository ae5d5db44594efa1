"""Checking a fine-tuning dataset locally, before a byte of it is uploaded.

The rules are the formats Together documents for fine-tuning data
(https://docs.together.ai/docs/fine-tuning-data-preparation):

JSONL, one example per line, every line in the same one of these formats:

- text: ``{"text": "..."}``
- conversation: ``{"messages": [{"role": ..., "content": ...}, ...]}``. Roles are system,
  user, assistant and tool. A conversation starts with system or user; after that user and
  assistant alternate, and tool messages follow an assistant message (the assistant speaks
  after them). It holds at least one assistant message. ``content`` is a string or a list
  of parts (``{"type": "text", "text": ...}``, ``{"type": "image_url", "image_url":
  {"url": ...}}``); an assistant message with ``tool_calls`` may have none. ``weight``, when
  given, is 0 or 1.
- instruction: ``{"prompt": "...", "completion": "..."}``
- preference: ``{"input": {"messages": [...]}, "preferred_output": [message],
  "non_preferred_output": [message]}``; each output is exactly one assistant message, and
  the input's messages follow the conversation rules (they may open with the assistant)
  and do not end with an assistant message.

Other fields are allowed (the server ignores them); a line with the fields of two formats
is not. Parquet files hold tokenized data: an ``input_ids`` column and, optionally,
``attention_mask``, ``labels`` and ``position_ids``, each a list of integers per row of the
same length as ``input_ids``. They are checked only when pyarrow is installed.

The file is read line by line (Parquet: batch by batch), never whole; a JSONL line longer
than 16 MiB (``MAX_LINE_BYTES``) is reported as a problem rather than read.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterable, Iterator
from typing import IO, Any, NamedTuple

from ._errors import TogetherError
from ._upload import LocalFile

MAX_FILE_SIZE = 100 * 2**30  # Together's documented limit for a dataset file
MAX_PROBLEMS = 100  # a file this broken has made its point; stop reading
# The longest JSONL line read (bytes, newline excluded). A line is held in memory about
# three times over (bytes, text, parsed JSON), so this bounds the check's memory whatever
# the file (one with no newline would otherwise be read whole); 16 MiB is far beyond a
# text example (a million tokens is ~4 MiB) and leaves room for images inlined as base64.
MAX_LINE_BYTES = 16 * 2**20

ROLES = ("system", "user", "assistant", "tool")
# Which role may come next, given the previous one (None: the first message).
NEXT_ROLES: dict[str | None, tuple[str, ...]] = {
    None: ("system", "user"),
    "system": ("user",),
    "user": ("assistant",),
    "assistant": ("user", "tool"),
    "tool": ("tool", "assistant"),
}
FORMATS: dict[str, tuple[str, ...]] = {
    "text": ("text",),
    "conversation": ("messages",),
    "instruction": ("prompt", "completion"),
    "preference": ("input", "preferred_output", "non_preferred_output"),
}
PARQUET_COLUMNS = ("input_ids", "attention_mask", "labels", "position_ids")
PARQUET_MAGIC = b"PAR1"


class Problem(NamedTuple):
    """One thing wrong with a dataset: where (a JSONL line or a Parquet row, 1-based; both
    None for the file as a whole) and what was expected."""

    message: str
    line: int | None = None
    row: int | None = None

    def __str__(self) -> str:
        if self.line is not None:
            return f"line {self.line}: {self.message}"
        if self.row is not None:
            return f"row {self.row}: {self.message}"
        return self.message


class DatasetReport:
    """What ``check_dataset`` found.

    ``ok`` is true when no problem was found. ``format`` is the dataset format ("text",
    "conversation", "instruction", "preference", or "tokenized" for Parquet), ``file_type``
    the file's type ("jsonl", "parquet", "csv"), ``rows`` the number of examples read.
    ``checked`` is false when the file could not be checked here (a Parquet file without
    pyarrow installed, a purpose other than fine-tuning); ``note`` then says why.
    """

    def __init__(
        self,
        name: str,
        file_type: str,
        format: str | None = None,
        rows: int = 0,
        problems: list[Problem] | None = None,
        checked: bool = True,
        note: str | None = None,
    ) -> None:
        self.name = name
        self.file_type = file_type
        self.format = format
        self.rows = rows
        self.problems: list[Problem] = [] if problems is None else problems
        self.checked = checked
        self.note = note

    def __repr__(self) -> str:
        return (
            f"DatasetReport(name={self.name!r}, file_type={self.file_type!r}, "
            f"format={self.format!r}, rows={self.rows}, problems={len(self.problems)}, "
            f"checked={self.checked})"
        )

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def full(self) -> bool:
        return len(self.problems) >= MAX_PROBLEMS

    def add(self, message: str, *, line: int | None = None, row: int | None = None) -> None:
        if not self.full:
            self.problems.append(Problem(message, line=line, row=row))

    def __str__(self) -> str:
        name = self.name or "the dataset"
        if not self.checked:
            return f"{name}: not checked: {self.note}"
        if self.ok:
            return f"{name}: OK, {self.rows} examples in the {self.format} format"
        lines = [f"{name}: {len(self.problems)} problem(s)"]
        lines += [f"  {problem}" for problem in self.problems[:20]]
        if len(self.problems) > 20:
            lines.append(f"  ... and {len(self.problems) - 20} more (see .report.problems)")
        if self.full:
            lines.append(f"  (stopped reading after {MAX_PROBLEMS} problems)")
        return "\n".join(lines)


class FileTypeError(TogetherError, ValueError):
    """A dataset failed its local check; nothing was uploaded. ``report`` lists each
    problem with its line number. (The official SDK's name for this error.)"""

    def __init__(self, report: DatasetReport) -> None:
        super().__init__(f"Invalid dataset, not uploaded (check=False skips this check):\n{report}")
        self.report = report


def file_type_of(source: LocalFile) -> str:
    """``jsonl``, ``parquet`` or ``csv``: by the file name's extension, else by content."""
    suffix = source.name.rpartition(".")[2].lower() if "." in source.name else ""
    if suffix in ("jsonl", "parquet", "csv"):
        return suffix
    return "parquet" if source.head(4) == PARQUET_MAGIC else "jsonl"


def check_dataset(file: Any, *, purpose: str = "fine-tune") -> DatasetReport:
    """Check a fine-tuning dataset (a path, bytes or a binary file object) against the
    formats Together documents, without uploading it. Returns a DatasetReport; raises
    ValueError only when a path does not exist and TypeError for a non-file."""
    source = LocalFile.of(file, "check_dataset")
    report = DatasetReport(name=source.name, file_type=file_type_of(source))
    if purpose != "fine-tune":
        report.checked = False
        report.note = f"only fine-tuning datasets are checked (purpose is {purpose!r})"
        return report
    if source.size == 0:
        report.add("the file is empty")
        return report
    if source.size > MAX_FILE_SIZE:
        report.add(f"the file is {source.size / 2**30:.1f} GiB; the limit is 100 GiB")
        return report
    if report.file_type == "csv":
        report.add("CSV files are not accepted for fine-tuning: use JSONL or Parquet")
    elif report.file_type == "parquet":
        _check_parquet(source, report)
    else:
        with source.open() as stream:
            _check_jsonl(stream, report)
    return report


# -- JSONL ----------------------------------------------------------------------------


def _lines(stream: IO[bytes]) -> Iterator[bytes | None]:
    """The stream's lines, each None when longer than MAX_LINE_BYTES (its bytes skipped)."""
    limit = MAX_LINE_BYTES  # read once: a test may patch it
    while True:
        raw = stream.readline(limit + 1)
        if not raw:
            return
        if len(raw) <= limit or raw.endswith(b"\n"):
            yield raw
            continue
        del raw  # skip the rest in small pieces, never holding more than one of them
        while (piece := stream.readline(64 * 1024)) and not piece.endswith(b"\n"):
            pass
        yield None


def _check_jsonl(stream: IO[bytes], report: DatasetReport) -> None:
    first_line = 0
    for number, raw in enumerate(_lines(stream), start=1):
        if report.full:
            return
        if raw is None:
            report.add(
                f"longer than {_size(MAX_LINE_BYTES)}, the most read for one line: is this "
                "JSONL with one example per line?",
                line=number,
            )
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            report.add(
                f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})",
                line=number,
            )
            continue
        if not text.strip():
            continue  # blank lines hold no example
        try:
            example = json.loads(text)
        except ValueError as exc:
            report.add(
                f"not valid JSON: {getattr(exc, 'msg', exc)} (column {getattr(exc, 'colno', '?')})",
                line=number,
            )
            continue
        report.rows += 1
        if not isinstance(example, dict):
            report.add(f"expected a JSON object, found {_kind(example)}", line=number)
            continue
        found = _format_of(example)
        if isinstance(found, list):  # what is wrong with the line's fields
            for message in found:
                report.add(message, line=number)
            continue
        if report.format is None:
            report.format, first_line = found, number
        elif found != report.format:
            report.add(
                f"this example is in the {found} format but line {first_line} is in the "
                f"{report.format} format; a file holds one format",
                line=number,
            )
            continue
        for message in _CHECKS[found](example):
            report.add(message, line=number)
    if report.rows == 0 and report.ok:
        report.add("the file holds no examples")


def _format_of(example: dict[str, Any]) -> str | list[str]:
    """The example's format, or what is wrong with its fields."""
    matches = [name for name, keys in FORMATS.items() if all(key in example for key in keys)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        both = " and ".join(f"{name} ({_fields(FORMATS[name])})" for name in matches)
        return [f"has the fields of more than one format: {both}; keep one"]
    partial = [
        name for name, keys in FORMATS.items() if len(keys) > 1 and any(k in example for k in keys)
    ]
    if partial:
        return [
            f"the {name} format needs {_fields(FORMATS[name])}; missing "
            + _fields(tuple(k for k in FORMATS[name] if k not in example))
            for name in partial
        ]
    expected = "; ".join(f"{_fields(keys)} ({name})" for name, keys in FORMATS.items())
    found = ", ".join(f"`{key}`" for key in example) or "no fields"
    return [f"expected the fields of one format: {expected}; found {found}"]


def _check_text(example: dict[str, Any]) -> Iterator[str]:
    yield from _string(example["text"], "text")


def _check_instruction(example: dict[str, Any]) -> Iterator[str]:
    yield from _string(example["prompt"], "prompt")
    yield from _string(example["completion"], "completion")


def _check_conversation(example: dict[str, Any]) -> Iterator[str]:
    messages = example["messages"]
    problems = list(_messages(messages, "messages", NEXT_ROLES[None]))
    yield from problems
    if not problems and not any(m.get("role") == "assistant" for m in messages):
        yield "`messages` has no assistant message: there is nothing to train on"


def _check_preference(example: dict[str, Any]) -> Iterator[str]:
    given = example["input"]
    if not isinstance(given, dict) or "messages" not in given:
        yield f"`input` must be an object with `messages`, found {_kind(given)}"
    else:
        messages = given["messages"]
        problems = list(_messages(messages, "input.messages", ("system", "user", "assistant")))
        yield from problems
        if not problems and messages[-1].get("role") == "assistant":
            yield (
                "`input.messages` ends with an assistant message; it should end where the "
                "preferred and non-preferred answers begin"
            )
    for name in ("preferred_output", "non_preferred_output"):
        output = example[name]
        if not isinstance(output, list) or len(output) != 1:
            yield f"`{name}` must be a list of exactly one assistant message, found {_kind(output)}"
            continue
        message = output[0]
        if isinstance(message, dict) and message.get("role") != "assistant":
            yield f"`{name}[0].role` must be 'assistant', found {message.get('role')!r}"
            continue
        yield from _message(message, f"{name}[0]")


_CHECKS = {
    "text": _check_text,
    "conversation": _check_conversation,
    "instruction": _check_instruction,
    "preference": _check_preference,
}


def _messages(messages: Any, where: str, first_roles: tuple[str, ...]) -> Iterator[str]:
    if not isinstance(messages, list) or not messages:
        yield f"`{where}` must be a non-empty list of messages, found {_kind(messages)}"
        return
    previous: str | None = None
    for index, message in enumerate(messages):
        here = f"{where}[{index}]"
        problems = list(_message(message, here))
        if problems:
            yield from problems
            return  # the order of roles means little once a message is malformed
        role = message["role"]
        allowed = first_roles if previous is None else NEXT_ROLES[previous]
        if role not in allowed:
            if previous is None:
                after = "as the first message"
            else:
                after = f"after {'an' if previous == 'assistant' else 'a'} {previous} message"
            yield f"`{here}.role` is {role!r}: expected {_choices(allowed)} {after}"
            return
        previous = role


def _message(message: Any, where: str) -> Iterator[str]:
    if not isinstance(message, dict):
        yield f"`{where}` must be a message object, found {_kind(message)}"
        return
    role = message.get("role")
    if "role" not in message:
        yield f"`{where}` has no `role`"
    elif role not in ROLES:
        yield f"`{where}.role` is {role!r}: expected one of {_choices(ROLES)}"
    content = message.get("content")
    if content is None:
        if not (role == "assistant" and message.get("tool_calls")):
            yield f"`{where}` has no `content`"
    elif isinstance(content, list):
        yield from _parts(content, f"{where}.content")
    elif not isinstance(content, str):
        kind = _kind(content)
        yield f"`{where}.content` must be a string or a list of content parts, found {kind}"
    if "weight" in message and (
        isinstance(message["weight"], bool) or message["weight"] not in (0, 1)
    ):
        yield f"`{where}.weight` must be 0 or 1, found {message['weight']!r}"


def _parts(parts: list[Any], where: str) -> Iterator[str]:
    if not parts:
        yield f"`{where}` is an empty list"
    for index, part in enumerate(parts):
        here = f"{where}[{index}]"
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text":
            yield from _string(part.get("text"), f"{here}.text")
        elif kind == "image_url":
            image = part.get("image_url")
            url = image.get("url") if isinstance(image, dict) else None
            if not isinstance(url, str):
                yield f"`{here}.image_url.url` must be a string"
        else:
            kind = _kind(part)
            yield f"`{here}` must be a content part of type 'text' or 'image_url', found {kind}"


def _string(value: Any, where: str) -> Iterator[str]:
    if not isinstance(value, str):
        yield f"`{where}` must be a string, found {_kind(value)}"


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"the number {value!r}"
    if isinstance(value, dict) and "type" in value:
        return f"an object of type {value['type']!r}"
    return names.get(type(value), type(value).__name__)


def _size(count: int) -> str:
    return f"{count / 2**20:g} MiB" if count >= 2**20 else f"{count} bytes"


def _fields(keys: Iterable[str]) -> str:
    return " and ".join(f"`{key}`" for key in keys)


def _choices(values: Iterable[str]) -> str:
    return " or ".join(repr(v) for v in values)


# -- Parquet --------------------------------------------------------------------------


def _check_parquet(source: LocalFile, report: DatasetReport) -> None:
    report.format = "tokenized"
    try:
        pa = importlib.import_module("pyarrow")
        pc = importlib.import_module("pyarrow.compute")
        pq = importlib.import_module("pyarrow.parquet")
    except ImportError:
        report.checked = False
        report.note = (
            "Parquet files are checked only when pyarrow is installed (pip install pyarrow)"
        )
        return
    with source.open() as stream:
        try:
            # A path lets pyarrow read the file directly; a stream goes through Python.
            parquet = pq.ParquetFile(str(source.path) if source.path else stream)
        except (pa.ArrowException, OSError) as exc:
            report.add(f"not a readable Parquet file: {exc}")
            return
        schema = parquet.schema_arrow
        columns = [name for name in schema.names if name in PARQUET_COLUMNS]
        if "input_ids" not in schema.names:
            report.add(f"no `input_ids` column (found columns: {', '.join(schema.names)})")
        for name in schema.names:
            if name not in PARQUET_COLUMNS:
                report.add(f"unexpected column `{name}`: expected {_fields(PARQUET_COLUMNS)} only")
        for name in columns:
            kind = schema.field(name).type
            if not (
                (pa.types.is_list(kind) or pa.types.is_large_list(kind))
                and pa.types.is_integer(kind.value_type)
            ):
                report.add(f"column `{name}` must hold lists of integers, found {kind}")
        report.rows = parquet.metadata.num_rows
        if not report.ok:
            return
        if report.rows == 0:
            report.add("the file holds no rows")
            return
        offset = 0
        for batch in parquet.iter_batches(columns=columns):
            lengths = {
                name: pc.list_value_length(batch.column(name)).to_pylist() for name in columns
            }
            for index, length in enumerate(lengths["input_ids"]):
                if not length:
                    report.add("`input_ids` is empty or null", row=offset + index + 1)
                for name in columns:
                    other = lengths[name][index]
                    if name != "input_ids" and length and other != length:
                        report.add(
                            f"`{name}` has {other} values but `input_ids` has {length}",
                            row=offset + index + 1,
                        )
            if "attention_mask" in columns:
                mask = batch.column("attention_mask")
                values = pc.list_flatten(mask)
                bad = pc.or_(pc.less(values, 0), pc.greater(values, 1))
                rows = pc.filter(pc.list_parent_indices(mask), bad)
                for index in sorted(set(rows.to_pylist())):
                    report.add("`attention_mask` values must be 0 or 1", row=offset + index + 1)
            if report.full:
                return
            offset += batch.num_rows
