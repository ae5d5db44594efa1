"""The ``together`` command line: every operation of the API as a command, derived from
the operation table (``together <namespace words> <method> [ID...] --<field> VALUE``),
plus the daily workflows (``workflows.py``).

Exit codes: 0 done, 1 an API, network or data error (one line on stderr), 2 a usage
error. The API key is never printed. Only the command being run imports its generated
module; ``together --help`` and a namespace's help read the light operation index.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from .errors import UsageError

__all__ = ["main", "main_exit"]


def main(argv: list[str] | None = None) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        return _run(args)
    except UsageError as exc:
        _fail(str(exc), args)
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, as other commands do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as exc:
        from .._errors import TogetherError
        from .errors import shell_message

        if isinstance(exc, TogetherError):
            _fail(shell_message(exc), args)
            return 1
        import httpx

        if isinstance(exc, httpx.HTTPError):  # (the client maps these; in case one slips by)
            _fail(f"{type(exc).__name__}: {exc}", args)
            return 1
        if isinstance(exc, (TypeError, ValueError)):  # the client refused the arguments
            _fail(shell_message(exc), args)
            return 2
        if isinstance(exc, OSError):
            _fail(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), args)
            return 1
        raise


def main_exit() -> None:
    """The console script ``together``: runs ``main`` and exits with its code."""
    sys.exit(main())


def _fail(message: str, args: list[str]) -> None:
    """One line (or a few, for a dataset's problems) on stderr, any key in it hidden."""
    for key in _keys(args):
        message = message.replace(key, "***")
    sys.stderr.write(f"error: {message}\n")


def _keys(args: list[str]) -> list[str]:
    keys = [os.environ.get("TOGETHER_API_KEY", "")]
    for i, arg in enumerate(args):
        if arg == "--api-key" and i + 1 < len(args):
            keys.append(args[i + 1])
        elif arg.startswith("--api-key="):
            keys.append(arg.partition("=")[2])
    return [k.strip() for k in keys if len(k.strip()) >= 4]


def _run(argv: list[str]) -> int:
    from .tree import UnknownCommand, namespace_help, resolve
    from .workflows import WORKFLOWS

    if argv and argv[0] == "--version":
        from .._version import __version__

        sys.stdout.write(f"together (together-client) {__version__}\n")
        return 0
    try:
        target, rest = resolve(argv, WORKFLOWS)
    except UnknownCommand as exc:
        raise UsageError(str(exc)) from None
    if target.method is None and not rest and (target.node.path, "") in WORKFLOWS:
        return _command(target.node, "", target.words, ["--help"])  # ``together chat``
    if target.method is None:
        usage = namespace_help(target.node, target.words, WORKFLOWS)
        if any(a in ("-h", "--help") for a in rest) or not rest:
            sys.stdout.write(usage)
            return 0 if any(a in ("-h", "--help") for a in rest) or not target.words else 2
        raise UsageError(f"{' '.join(['together', *target.words])}: give a command\n{usage}")
    return _command(target.node, target.method, target.words, rest)


def _command(node: Any, method: str, words: tuple[str, ...], rest: list[str]) -> int:
    from .command import Context
    from .parsing import add_operation, call_arguments, new_parser, plain_text
    from .workflows import WORKFLOWS

    prog = " ".join(["together", *words])
    flow = WORKFLOWS.get((node.path, method))
    entry = node.methods.get(method)
    call: Any = None
    if entry is not None and (flow is None or flow.extends):
        from .._namespaces import shape_of

        shape = shape_of(entry, f"{node.path}.{_name_of(node.path, entry, method)}")
        op = shape.op
        text = plain_text(op.description) if op.description != op.summary else ""
        description = f"{op.summary} ({op.method} {op.path})" + (f"\n\n{text}" if text else "")
        if flow is not None:
            description += f"\n\n{flow.summary}"
        commands = [a.parameter.name.upper() for a in shape.commands]
        usage = " ".join([prog, *commands, "[options]"])
        parser = new_parser(prog, description, usage)
        params = add_operation(parser, shape)
    else:
        assert flow is not None
        parser = new_parser(prog, flow.summary, None)
    if flow is not None:
        flow.arguments(parser)
    args = parser.parse_command(rest)
    clients: list[Any] = []

    def client() -> Any:
        if not clients:
            from .._client import Together

            settings = {
                k: getattr(args, k)
                for k in ("api_key", "base_url", "timeout", "max_retries")
                if getattr(args, k) is not None
            }
            if sys.stderr.isatty():  # say why a call seems stuck: it waits to retry
                from .errors import retry_note

                settings["on_retry"] = retry_note
            clients.append(Together(**settings))
        return clients[0]

    if entry is not None and (flow is None or flow.extends):

        def call() -> Any:
            first, keywords = call_arguments(args, params, shape)
            namespace = client()
            for part in node.path.split("."):
                namespace = getattr(namespace, part)
            return getattr(namespace, shape.where.rpartition(".")[2])(*first, **keywords)

    use_json = args.json if args.json is not None else not (sys.stdout.isatty() or args.jsonl)
    try:
        if flow is not None:
            return flow.run(Context(client, use_json, call, args.jsonl), args)
        from .output import emit

        emit(call(), use_json, args.jsonl)
        return 0
    finally:
        if clients:
            clients[0].close()


def _name_of(path: str, entry: Any, command: str) -> str:
    """The method a command word stands for (``list-events`` → ``list_events``)."""
    from .._namespaces import layout

    return next(
        name
        for name, found in layout()[path].items()
        if found.info.key == entry.info.key and name.replace("_", "-") == command
    )
