"""The commands people run daily, beyond one operation each: ``chat``, ``files upload /
check / download``, ``fine-tuning create --wait / download``, ``models list --type``,
``batches run``. Each calls the client's own methods (same checks, retries, errors)."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from .output import as_json, emit, emit_chunk, write_line, write_table

if TYPE_CHECKING:  # argparse is imported only for a command, not for --help
    import argparse

    from .parsing import Parser


class Context(NamedTuple):
    client: Callable[[], Any]  # the Together client, made on first use
    use_json: bool
    call: Callable[[], Any]  # the command's own operation (for workflows that extend one)


class Workflow(NamedTuple):
    summary: str
    arguments: Callable[[Parser], None]
    run: Callable[[Context, argparse.Namespace], int]
    extends: bool = False  # adds to the options of the operation of the same name


# chat "PROMPT" -m MODEL


def _chat_arguments(parser: Parser) -> None:
    parser.add_argument("prompt", nargs="?", default="-", help="the prompt; - (or none): stdin")
    parser.add_argument("-m", "--model", required=True, help="the model to ask")
    parser.add_argument("-s", "--system", help="a system message first")
    parser.add_argument("--max-tokens", type=int, metavar="N")
    parser.add_argument("--temperature", type=float, metavar="X")


def _chat(ctx: Context, args: argparse.Namespace) -> int:
    prompt = sys.stdin.read() if args.prompt == "-" else args.prompt
    messages = [{"role": "system", "content": args.system}] if args.system else []
    messages.append({"role": "user", "content": prompt})
    extra = {k: v for k, v in (("max_tokens", args.max_tokens), ("temperature", args.temperature))}
    with ctx.client().chat.completions.create(
        model=args.model,
        messages=messages,
        stream=True,
        **{k: v for k, v in extra.items() if v is not None},
    ) as stream:
        for chunk in stream:
            emit_chunk(chunk, ctx.use_json)
    if not ctx.use_json:
        write_line("")
    return 0


# files upload / check / download


def _upload_arguments(parser: Parser) -> None:
    parser.add_argument("path", help="the file to upload (JSONL, Parquet or CSV)")
    parser.add_argument(
        "--purpose", default="fine-tune", help="fine-tune (default), batch-api, eval, ..."
    )
    parser.add_argument(
        "--no-check", dest="check", action="store_false", help="skip the dataset check"
    )
    parser.add_argument("--file-name", help="the name to upload it under (default: its own)")


def _upload(ctx: Context, args: argparse.Namespace) -> int:
    emit(
        ctx.client().files.upload(
            args.path, purpose=args.purpose, check=args.check, file_name=args.file_name
        ),
        ctx.use_json,
    )
    return 0


def _check_arguments(parser: Parser) -> None:
    parser.add_argument("path", help="the dataset to check")
    parser.add_argument("--purpose", default="fine-tune")


def _check(ctx: Context, args: argparse.Namespace) -> int:
    from .._dataset_check import check_dataset

    report = check_dataset(args.path, purpose=args.purpose)
    if ctx.use_json:
        fields = ("ok", "checked", "format", "file_type", "rows", "note")
        data = {k: getattr(report, k) for k in fields}
        data["problems"] = [str(p) for p in report.problems]
        write_line(json.dumps(data))
    else:
        write_line(str(report))
    return 0 if report.ok else 1


def _download_arguments(parser: Parser) -> None:
    parser.add_argument("id", help="the file's id")
    parser.add_argument(
        "-o", "--output", required=True, help="where to save it (a path or a folder)"
    )
    _force_argument(parser)


def _force_argument(parser: Parser) -> None:
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace a file already in the folder under the served name",
    )


def _download(ctx: Context, args: argparse.Namespace) -> int:
    emit(ctx.client().files.content(args.id, output=args.output, overwrite=args.force), False)
    return 0


# fine-tuning create --wait / download

FINAL = frozenset({"completed", "error", "cancelled", "user_error"})


def _create_arguments(parser: Parser) -> None:
    group = parser.add_argument_group("waiting")
    group.add_argument(
        "--wait", action="store_true", help="poll until the job ends, printing its events"
    )
    group.add_argument("--poll-interval", type=float, default=10.0, metavar="SECONDS")


def _fine_tune(ctx: Context, args: argparse.Namespace) -> int:
    job = ctx.call()
    if not args.wait:
        emit(job, ctx.use_json)
        return 0
    client, job_id, seen = ctx.client(), str(job.id), 0
    # Events go to stdout as text; with --json to stderr, stdout keeping the final job.
    out = sys.stderr if ctx.use_json else sys.stdout
    out.write(f"{job_id}: created, waiting (Ctrl-C stops waiting; the job goes on)\n")
    while True:
        events = as_json(client.fine_tuning.list_events(job_id)).get("data") or []
        for event in events[seen:]:
            out.write(f"{event.get('created_at', '')}  {event.get('message', '')}\n")
        out.flush()
        seen = max(seen, len(events))
        job = client.fine_tuning.retrieve(job_id)
        status = str(as_json(job).get("status"))
        if status in FINAL:
            break
        time.sleep(args.poll_interval)
    if ctx.use_json:
        emit(job, True)
    else:
        write_line(f"{job_id}: {status}")
    return 0 if status == "completed" else 1


def _ft_download_arguments(parser: Parser) -> None:
    parser.add_argument("id", help="the job's id (ft-..., or ft-...:STEP for a checkpoint)")
    parser.add_argument("-o", "--output", required=True, help="where to save it")
    parser.add_argument("--checkpoint-step", type=int, metavar="N")
    from .._resource import describe  # the download's own module: this command needs it

    op = describe("fine_tuning.get_finetune_download")
    choices = next((p.choices for p in op.parameters if p.name == "checkpoint"), ())
    parser.add_argument("--checkpoint", choices=list(choices) or None)
    _force_argument(parser)


def _ft_download(ctx: Context, args: argparse.Namespace) -> int:
    path = ctx.client().fine_tuning.download(
        args.id,
        output=args.output,
        checkpoint_step=args.checkpoint_step,
        checkpoint=args.checkpoint,
        overwrite=args.force,
    )
    emit(path, False)
    return 0


# models list --type


def _models_arguments(parser: Parser) -> None:
    parser.add_argument(
        "--type",
        dest="model_type",
        metavar="TYPE",
        help="only models of this type (chat, language, image, embedding, ...)",
    )


def _models(ctx: Context, args: argparse.Namespace) -> int:
    models = [as_json(m) for m in ctx.call()]
    if args.model_type:
        models = [m for m in models if m.get("type") == args.model_type]
    if ctx.use_json:
        for model in models:
            write_line(json.dumps(model, ensure_ascii=False))
    else:
        write_table(models, ["id", "type", "display_name", "organization", "context_length"])
    return 0


# batches run FILE -o OUT [--wait]


class _Submitted(Exception):
    pass


def _batch_arguments(parser: Parser) -> None:
    parser.add_argument("file", help="the requests: JSONL, one body or {custom_id, body} a line")
    parser.add_argument(
        "-o", "--output", required=True, help="the results, one line a request, in input order"
    )
    parser.add_argument(
        "--wait",
        action="store_true",
        help="wait for the batches and write OUT (else submit and return)",
    )
    parser.add_argument("--endpoint", default="/v1/chat/completions")
    parser.add_argument("--retry-failed", action="store_true", help="resubmit failed requests once")
    parser.add_argument(
        "--retry-unreadable",
        action="store_true",
        help="resubmit requests whose result could not be read",
    )
    parser.add_argument(
        "--cancel-on-interrupt", action="store_true", help="Ctrl-C cancels the batches"
    )
    parser.add_argument("--poll-interval", type=float, metavar="SECONDS")
    from .._batch.requests import MAX_REQUESTS

    parser.add_argument(
        "--max-requests", type=int, default=MAX_REQUESTS, metavar="N", help="per batch"
    )


def _batch_run(ctx: Context, args: argparse.Namespace) -> int:
    def submitted_only(progress: Any) -> None:
        if (
            not args.wait
            and progress.phase == "create"
            and all(b.batch_id for b in progress.batches)
        ):
            raise _Submitted(", ".join(str(b.batch_id) for b in progress.batches))

    try:
        result = ctx.client().batches.run(
            args.file,
            output=args.output,
            endpoint=args.endpoint,
            poll_interval=args.poll_interval,
            retry_failed=args.retry_failed,
            retry_unreadable=args.retry_unreadable,
            cancel_on_interrupt=args.cancel_on_interrupt,
            max_requests=args.max_requests,
            on_progress=submitted_only,
        )
    except _Submitted as submitted:
        again = f"together batches run {args.file} -o {args.output} --wait"
        if ctx.use_json:
            write_line(json.dumps({"submitted": str(submitted).split(", "), "output": None}))
        else:
            write_line(f"submitted batches: {submitted}")
        sys.stderr.write(f"to collect the results: {again}\n")
        return 0
    summary = {
        "output": args.output,
        "succeeded": result.succeeded,
        "failed": result.failed,
        "not_run": result.not_run,
    }
    problems = {
        "unreadable": result.unreadable,
        "unreadable_lines": result.unreadable_lines,
        "unknown_custom_ids": result.unknown_custom_ids,
    }
    summary.update({k: v for k, v in problems.items() if v})  # (only when there are some)
    if ctx.use_json:
        write_line(json.dumps(summary))
    else:
        write_line(
            f"{args.output}: {result.succeeded} succeeded, {result.failed} failed,"
            f" {result.not_run} not run"
            + (f", {result.unreadable} unreadable" if result.unreadable else "")
        )
        for problem in result.unreadable_lines:
            sys.stderr.write(f"a result line can't be read: {problem}\n")
        for custom_id in result.unknown_custom_ids:
            sys.stderr.write(f"a result for a custom_id that was not sent: {custom_id}\n")
    return 0 if not (result.failed or result.not_run or result.unreadable) else 1


# (namespace path, word) → the command; word "" is the namespace's default command.
WORKFLOWS: dict[tuple[str, str], Workflow] = {
    ("chat", ""): Workflow(
        'ask a model; the answer streams to stdout (together chat "hi" -m MODEL)',
        _chat_arguments,
        _chat,
    ),
    ("files", "upload"): Workflow(
        "check a dataset, then upload it with progress", _upload_arguments, _upload
    ),
    ("files", "check"): Workflow(
        "check a fine-tuning dataset locally (problems with line numbers)", _check_arguments, _check
    ),
    ("files", "download"): Workflow(
        "download a file's content to a path, with progress", _download_arguments, _download
    ),
    ("fine_tuning", "create"): Workflow(
        "start a fine-tuning job; --wait polls and prints its events",
        _create_arguments,
        _fine_tune,
        extends=True,
    ),
    ("fine_tuning", "download"): Workflow(
        "download a fine-tuned model or checkpoint, with progress",
        _ft_download_arguments,
        _ft_download,
    ),
    ("models", "list"): Workflow(
        "the models, as a table; --type filters", _models_arguments, _models, extends=True
    ),
    ("batches", "run"): Workflow(
        "run a JSONL file of requests through the Batch API, resumable",
        _batch_arguments,
        _batch_run,
    ),
}
