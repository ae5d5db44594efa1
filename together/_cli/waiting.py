"""``<resource> wait ID`` in every namespace whose jobs can be waited for, and ``--wait``
on the command that creates one (``fine-tuning create --wait``): each new status on
stderr, the final object on stdout."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .command import Context, Workflow
from .output import as_json, emit

if TYPE_CHECKING:  # argparse is imported only for a command, not for --help
    import argparse

    from .parsing import Parser

WAIT_HELP = "poll until it ends, progress on stderr (Ctrl-C stops waiting, not the job)"


def _wait_options(parser: Parser, flag: bool) -> None:
    group = parser.add_argument_group("waiting")
    if flag:
        group.add_argument("--wait", action="store_true", help=WAIT_HELP)
    group.add_argument(
        "--max-wait", type=float, metavar="SECONDS", help="give up after this long (exit 1)"
    )
    group.add_argument(
        "--poll-interval", type=float, metavar="SECONDS", help="default: 1.5 s, growing to 45 s"
    )
    group.add_argument("--until", metavar="STATE", help="wait for this state instead")


def _wait_arguments(parser: Parser) -> None:
    parser.add_argument("id", help="the job's id")
    _wait_options(parser, flag=False)


def create_arguments(parser: Parser) -> None:
    _wait_options(parser, flag=True)


def waited(ctx: Context, args: argparse.Namespace, path: str, job: Any) -> int:
    """Waits for ``job`` with the namespace's ``wait``: each new status and event on
    stderr, the final object on stdout."""
    from .._status import WAITERS
    from .._wait import id_of

    job_id = id_of(job, WAITERS[path], f"{path}.wait")

    def update(obj: Any) -> None:
        status = getattr(obj, WAITERS[path].field, None)
        sys.stderr.write(f"{job_id}: {status}\n")
        sys.stderr.flush()

    def show(event: Any) -> None:
        data = as_json(event)
        sys.stderr.write(f"{data.get('created_at', '')}  {data.get('message', '')}\n")
        sys.stderr.flush()

    extra = {"on_event": show} if WAITERS[path].events else {}
    namespace = ctx.client()
    for part in path.split("."):
        namespace = getattr(namespace, part)
    try:
        final = namespace.wait(
            job,
            timeout=args.max_wait,
            poll_interval=args.poll_interval,
            until=args.until,
            on_update=update,
            **extra,
        )
    except KeyboardInterrupt:
        again = f"together {path.replace('_', '-')} wait {job_id}"
        sys.stderr.write(f"stopped waiting; {job_id} goes on. To wait again: {again}\n")
        return 130
    emit(final, ctx.use_json, ctx.jsonl)
    return 0


def _wait_command(path: str) -> Callable[[Context, argparse.Namespace], int]:
    def run(ctx: Context, args: argparse.Namespace) -> int:
        return waited(ctx, args, path, args.id)

    return run


def _create_command(path: str) -> Callable[[Context, argparse.Namespace], int]:
    def run(ctx: Context, args: argparse.Namespace) -> int:
        job = ctx.call()
        if not args.wait:
            emit(job, ctx.use_json, ctx.jsonl)
            return 0
        return waited(ctx, args, path, job)

    return run


def waiters() -> dict[tuple[str, str], Workflow]:
    """``wait`` in every namespace of the status table, and ``--wait`` on the command
    that creates one (``models upload`` waits on its job)."""
    from together_generated.operations import OPERATIONS

    from .._status import WAITERS
    from .._table import NAMES

    found: dict[tuple[str, str], Workflow] = {}
    for path, statuses in WAITERS.items():
        found[(path, "wait")] = Workflow(
            f"wait until the job ends ({', '.join(sorted(statuses.success))} or a failure)",
            _wait_arguments,
            _wait_command(path),
        )
        names = NAMES.get(statuses.create)
        if names:
            namespace, _, method = names[0].partition("(")[0].rpartition(".")
            summary = next(i.summary for i in OPERATIONS if i.key == statuses.create)
            found[(namespace, method.replace("_", "-"))] = Workflow(
                f"{summary} ({statuses.create}); --wait waits until it ends",
                create_arguments,
                _create_command(path),
                extends=True,
            )
    return found
