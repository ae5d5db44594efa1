"""Command-line options of an operation, from its generated description.

Each path parameter is a positional argument; each query parameter and body field an
option ``--<name>`` typed by its JSON kind: integers, numbers, booleans
(``--flag`` / ``--no-flag``), enums with their choices, arrays and objects as JSON or
``@file.json``. An unknown option is a usage error that names the nearest one.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from .._shape import argument_name
from .errors import UsageError

if TYPE_CHECKING:
    from together_generated.types import Parameter

    from .._shape import Shape


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are raised (to be printed once, with the key
    hidden) and whose unknown options get the nearest known one as a hint."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")

    def parse_command(self, args: list[str]) -> argparse.Namespace:
        known = [s for action in self._actions for s in action.option_strings]
        # Unknown options first: a misspelt required option is named as misspelt.
        unknown = [a for a in args if a.startswith("--") and a.split("=")[0] not in known]
        if not unknown:
            unknown = self.parse_known_args(args)[1]
        namespace = argparse.Namespace()
        if not unknown:
            namespace = self.parse_args(args)
        if unknown:
            first = unknown[0]
            close = difflib.get_close_matches(first.split("=")[0], known, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            what = "option" if first.startswith("-") else "argument"
            raise UsageError(f"{self.prog}: unknown {what} {first!r}{hint}")
        return namespace


def add_settings(parser: argparse.ArgumentParser) -> None:
    """The options every command takes: the client's settings and the output form."""
    group = parser.add_argument_group("settings (else TOGETHER_API_KEY, TOGETHER_BASE_URL, ...)")
    group.add_argument("--api-key", metavar="KEY", help="the API key (never printed)")
    group.add_argument("--base-url", metavar="URL", help="the API's base URL")
    group.add_argument("--timeout", metavar="SECONDS", type=float, help="timeout of each read")
    group.add_argument("--max-retries", metavar="N", type=int, help="retries of a failed call")
    group.add_argument(
        "--json",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="print the API's JSON document as sent (a stream: one chunk a line); "
        "the default when stdout is not a terminal",
    )
    group.add_argument(
        "--jsonl", action="store_true", help="print a list's items as JSON, one a line"
    )


def new_parser(prog: str, description: str, usage: str | None) -> Parser:
    parser = Parser(
        prog=prog,
        usage=usage,
        description=description,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    add_settings(parser)
    return parser


_TAG = re.compile(r"<br\s*/?>|<[^>]+>")


def plain_text(text: str) -> str:
    """A spec description for a terminal: without HTML tags, whitespace collapsed."""
    return " ".join(_TAG.sub(" ", text or "").split()).replace("%", "%%")


def json_value(text: str) -> Any:
    """A JSON value from the command line, or from a file named ``@path``."""
    if text.startswith("@"):
        try:
            text = Path(text[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            raise argparse.ArgumentTypeError(f"can't read {text[1:]!r}: {exc.strerror}") from None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not JSON ({exc})") from None


def any_value(text: str) -> Any:
    """JSON when it reads as JSON (``@file.json`` too), else the text itself."""
    if text.startswith("@"):
        return json_value(text)
    try:
        return json.loads(text)
    except ValueError:
        return text


json_value.__name__ = "JSON"  # argparse names the type in its error message
any_value.__name__ = "value"

_KINDS: dict[str, tuple[Any, str]] = {
    "integer": (int, "N"),
    "number": (float, "X"),
    "array": (json_value, "JSON"),
    "object": (json_value, "JSON"),
    "any": (any_value, "VALUE"),
    "file": (str, "PATH"),
}


def option_name(p: Parameter) -> str:
    return "--" + p.name.replace("_", "-")


def add_operation(parser: Parser, shape: Shape) -> list[Parameter]:
    """Add the operation's parameters and fields to ``parser`` (the shape's ``commands``
    as positional arguments); returns them in the order they are added (positionals
    first)."""
    op = shape.op
    taken = {s for action in parser._actions for s in action.option_strings}
    added: list[Parameter] = []
    params = [p for p in (*op.parameters, *op.fields) if p.location in ("path", "query", "body")]
    for p in (a.parameter for a in shape.commands):
        parser.add_argument(p.python_name, metavar=p.name.upper(), help=plain_text(p.description))
        added.append(p)
    options = parser.add_argument_group("options of the operation")
    for p in params:
        if p in added or option_name(p) in taken:
            continue
        help_text = plain_text(p.description)
        if p.required:
            help_text = f"(required) {help_text}"
        kwargs: dict[str, Any] = {"dest": p.python_name, "help": help_text, "required": p.required}
        if p.kind == "boolean":
            kwargs["action"] = argparse.BooleanOptionalAction
        elif p.choices and p.kind == "const":
            kwargs["choices"] = [str(c) for c in p.choices]
            kwargs["metavar"] = "{" + ",".join(map(str, p.choices)) + "}"
        elif p.choices and p.kind == "string":
            # Open values: the spec's values are shown, another is sent with a warning.
            kwargs["metavar"] = "{" + ",".join(map(str, p.choices)) + "}"
        else:
            convert, metavar = _KINDS.get(p.kind, (str, "TEXT"))
            kwargs.update(type=convert, metavar=metavar)
        options.add_argument(option_name(p), **kwargs)
        added.append(p)
    return added


def call_arguments(
    args: argparse.Namespace, params: list[Parameter], shape: Shape
) -> tuple[list[Any], dict[str, Any]]:
    """The client method's positional and keyword arguments from the parsed options: the
    command's positionals beyond the method's own go by keyword, as every option does,
    under the name the method takes it by."""
    values = vars(args)
    first = [values[a.parameter.python_name] for a in shape.positional]
    taken = {a.parameter.python_name for a in shape.positional}
    keywords: dict[str, Any] = {}
    for p in params:
        value = values.get(p.python_name)
        if p.python_name not in taken and value is not None:
            keywords[argument_name(p)] = value
    return first, keywords
