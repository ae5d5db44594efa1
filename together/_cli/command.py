"""What a workflow is: a command beyond one operation (``workflows.py`` lists them), and
the context it runs in."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # argparse is imported only for a command, not for --help
    import argparse

    from .parsing import Parser


class Context(NamedTuple):
    client: Callable[[], Any]  # the Together client, made on first use
    use_json: bool
    call: Callable[[], Any]  # the command's own operation (for workflows that extend one)
    jsonl: bool = False  # --jsonl: a list's items, one a line


class Workflow(NamedTuple):
    summary: str
    arguments: Callable[[Parser], None]
    run: Callable[[Context, argparse.Namespace], int]
    extends: bool = False  # adds to the options of the operation of the same name
