"""The commands people run daily, beyond one operation each: ``chat``, ``files upload /
check / download``, ``fine-tuning download``, ``models list --type``, ``batches run``,
``<resource> wait ID`` and ``--wait`` on the commands that create a job. Each calls the
client's own methods (same checks, retries, errors)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import completion, finetune
from .command import Context, Workflow
from .output import as_json, emit, emit_json, write_line, write_table
from .waiting import waiters

if TYPE_CHECKING:  # argparse is imported only for a command, not for --help
    import argparse

    from .parsing import Parser


# chat "PROMPT" -m MODEL


def _chat_arguments(parser: Parser) -> None:
    parser.description = (
        "Ask a model; its answer streams to stdout as text (--json: the chunks, one a\n"
        "line). With no prompt, on a terminal: a conversation (/help lists its commands).\n"
        "The operation itself: together chat completions create --help"
    )
    parser.usage = 'together chat ["PROMPT" | -] -m MODEL [options]'
    parser.add_argument(
        "prompt",
        nargs="?",
        help="the question; - reads it from stdin (so does none, off a terminal)",
    )
    parser.add_argument("-m", "--model", required=True, help="the model to ask")
    parser.add_argument("-s", "--system", help="a system message first")
    parser.add_argument("--max-tokens", type=int, metavar="N")
    parser.add_argument("--temperature", type=float, metavar="X")
    parser.add_argument(
        "--json-schema",
        metavar="FILE",
        help="answer as JSON that fits this JSON schema (a file); prints the parsed JSON",
    )


def _chat(ctx: Context, args: argparse.Namespace) -> int:
    from .chat import Conversation

    conversation = Conversation(ctx.client, args)
    if args.prompt is None and sys.stdin.isatty() and not args.json_schema:
        return conversation.session()
    prompt = sys.stdin.read() if args.prompt in (None, "-") else args.prompt
    if args.json_schema:
        messages = [*conversation.messages(), {"role": "user", "content": prompt}]
        return _chat_json(ctx, args, messages, conversation.extra)
    # The answer's text whatever stdout is (a file, a pipe): only --json asks for chunks.
    conversation.ask(prompt, chunks=bool(args.json) or ctx.jsonl)
    return 0


def _chat_json(
    ctx: Context, args: argparse.Namespace, messages: list[dict[str, str]], extra: dict[str, Any]
) -> int:
    """The whole answer (not streamed), read as JSON fitting the schema, printed."""
    from pathlib import Path

    try:
        schema = json.loads(Path(args.json_schema).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        sys.stderr.write(f"--json-schema: can't read {args.json_schema}: {exc}\n")
        return 2
    if not isinstance(schema, dict):
        sys.stderr.write(f"--json-schema: {args.json_schema} holds no JSON object\n")
        return 2
    completion = ctx.client().chat.completions.parse(
        model=args.model,
        messages=messages,
        response_format=schema,
        **{k: v for k, v in extra.items() if v is not None},
    )
    message = completion.choices[0].message
    write_line(json.dumps(message.parsed, indent=2))
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


# fine-tuning download


def _ft_download_arguments(parser: Parser) -> None:
    parser.add_argument("id", help="the job's id (ft-..., or ft-...:STEP for a checkpoint)")
    parser.add_argument("-o", "--output", required=True, help="where to save it")
    parser.add_argument("--checkpoint-step", type=int, metavar="N")
    from .._resource import describe  # the download's own module: this command needs it

    op = describe("fine_tuning.get_finetune_download")
    choices = next((p.choices for p in op.parameters if p.name == "checkpoint"), ())
    # (open values: the spec's values are shown, another is sent with a warning)
    parser.add_argument("--checkpoint", metavar="{" + ",".join(choices) + "}" if choices else None)
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


# models list --type --search --sort


_MODEL_SORTS = ("id", "context", "price", "created")


def _models_arguments(parser: Parser) -> None:
    group = parser.add_argument_group("choosing models")
    group.add_argument(
        "--type",
        dest="model_type",
        metavar="TYPE",
        help="only models of this type (chat, language, image, embedding, ...)",
    )
    group.add_argument(
        "--search", metavar="TEXT", help="only models whose id or name contains TEXT"
    )
    group.add_argument(
        "--sort",
        choices=_MODEL_SORTS,
        default="id",
        help="order by id (default), context length (longest first), input price "
        "(cheapest first) or date (newest first)",
    )


def _price(model: dict[str, Any], which: str) -> Any:
    pricing = model.get("pricing")
    return pricing.get(which) if isinstance(pricing, dict) else None


def _model_order(sort: str) -> Callable[[dict[str, Any]], Any]:
    def number(value: Any, missing: float) -> float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return float(value) if ok else missing

    if sort == "context":
        return lambda m: (-number(m.get("context_length"), 0), str(m.get("id")))
    if sort == "price":
        return lambda m: (number(_price(m, "input"), float("inf")), str(m.get("id")))
    if sort == "created":
        return lambda m: (-number(m.get("created"), 0), str(m.get("id")))
    return lambda m: str(m.get("id")).lower()


def _models(ctx: Context, args: argparse.Namespace) -> int:
    from .table import Column

    models = [m for m in (as_json(m) for m in ctx.call()) if isinstance(m, dict)]
    if args.model_type:
        models = [m for m in models if m.get("type") == args.model_type]
    if args.search:
        needle = args.search.lower()
        models = [
            m
            for m in models
            if needle in str(m.get("id", "")).lower()
            or needle in str(m.get("display_name") or "").lower()
        ]
    models.sort(key=_model_order(args.sort))
    if ctx.use_json or ctx.jsonl:
        emit_json(models, ctx.use_json, ctx.jsonl)
        return 0
    write_table(
        models,
        [
            Column("ID", lambda m: m.get("id"), "id", 0),
            Column("TYPE", lambda m: m.get("type"), "text", 3),
            Column("CONTEXT", lambda m: m.get("context_length"), "number", 1),
            Column("IN $/1M", lambda m: _price(m, "input"), "price", 2),
            Column("OUT $/1M", lambda m: _price(m, "output"), "price", 2),
            Column("NAME", lambda m: m.get("display_name"), "text", 4),
        ],
    )
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
    online = parser.add_argument_group("online (the live endpoints instead of the Batch API)")
    online.add_argument(
        "--online",
        action="store_true",
        help="send each request to the endpoint, paced by its rate limit; always waits",
    )
    online.add_argument(
        "--concurrency", type=int, metavar="N", help="requests at once (default 64)"
    )


def _batch_run(ctx: Context, args: argparse.Namespace) -> int:
    def submitted_only(progress: Any) -> None:
        if (
            not args.wait
            and progress.phase == "create"
            and all(b.batch_id for b in progress.batches)
        ):
            raise _Submitted(", ".join(str(b.batch_id) for b in progress.batches))

    if args.concurrency is not None and not args.online:
        raise ValueError("--concurrency goes with --online")
    batch = {
        "poll_interval": args.poll_interval,
        "cancel_on_interrupt": args.cancel_on_interrupt,
        "max_requests": args.max_requests,
        "retry_unreadable": args.retry_unreadable,
    }
    if args.online:  # the run refuses the Batch API options given with --online
        batch = {"online": True, "concurrency": args.concurrency or 64, **batch}
    try:
        result = ctx.client().batches.run(
            args.file,
            output=args.output,
            endpoint=args.endpoint,
            retry_failed=args.retry_failed,
            on_progress=None if args.online else submitted_only,
            **batch,
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


# shell-completion bash|zsh|fish


def _shell_completion(ctx: Context, args: argparse.Namespace) -> int:
    return completion.run(args, WORKFLOWS)  # (the commands below, this one among them)


# (namespace path, word) → the command; word "" is the namespace's default command.
WORKFLOWS: dict[tuple[str, str], Workflow] = {
    ("chat", ""): Workflow(
        'ask a model: together chat "hi" -m MODEL (a conversation: no prompt)',
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
    ("fine_tuning", "download"): Workflow(
        "download a fine-tuned model or checkpoint, with progress",
        _ft_download_arguments,
        _ft_download,
    ),
    ("models", "list"): Workflow(
        "the models with context length and prices; --type, --search, --sort",
        _models_arguments,
        _models,
        extends=True,
    ),
    ("batches", "run"): Workflow(
        "run a JSONL file of requests through the Batch API (or --online), resumable",
        _batch_arguments,
        _batch_run,
    ),
    ("", "shell-completion"): Workflow(
        "print a completion script for bash, zsh or fish (to install yourself)",
        completion.arguments,
        _shell_completion,
    ),
    **waiters(),
    ("fine_tuning", "create"): Workflow(
        "Create job (POST /fine-tunes); shows the price first, uploads a local file",
        finetune.arguments,
        finetune.run,
        extends=True,
    ),
}
