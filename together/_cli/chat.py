"""``together chat``: one question, or a conversation on a terminal.

A conversation keeps the messages so far and sends them all each turn. Lines starting
with ``/`` are commands (``/help``); Ctrl-C stops an answer, Ctrl-D (or ``/exit``) ends.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .output import emit_chunk, write_line

if TYPE_CHECKING:
    import argparse

COMMANDS = """\
/system TEXT   set the system message (/system alone: remove it)
/model NAME    ask another model from now on
/reset         forget the conversation (the system message stays)
/save FILE     write the conversation as JSON (a list of messages)
/exit          end (so does Ctrl-D); Ctrl-C stops an answer
"""


class Conversation:
    """The messages so far and the settings of the next request."""

    def __init__(self, client: Callable[[], Any], args: argparse.Namespace) -> None:
        self.client = client
        self.model: str = args.model
        self.system: str | None = args.system
        self.history: list[dict[str, str]] = []
        self.extra = {
            k: v
            for k, v in (("max_tokens", args.max_tokens), ("temperature", args.temperature))
            if v is not None
        }

    def messages(self) -> list[dict[str, str]]:
        first = [{"role": "system", "content": self.system}] if self.system else []
        return first + self.history

    def ask(self, prompt: str, chunks: bool = False) -> str:
        """Send the conversation and ``prompt``; print the answer as it streams (with
        ``chunks``, each chunk's JSON on a line) and keep both in the history."""
        from .output import as_json, chunk_text

        answer: list[str] = []
        stream = self.client().chat.completions.create(
            model=self.model,
            messages=[*self.messages(), {"role": "user", "content": prompt}],
            stream=True,
            **self.extra,
        )
        self.history.append({"role": "user", "content": prompt})
        try:
            with stream:
                for chunk in stream:
                    emit_chunk(chunk, chunks)
                    answer.append(chunk_text(as_json(chunk)) or "")
        finally:
            if not chunks:
                write_line("")
            # An answer cut short (Ctrl-C) is kept as far as it went, as it was shown.
            self.history.append({"role": "assistant", "content": "".join(answer)})
        return "".join(answer)

    def session(self) -> int:
        """Read questions from the terminal until Ctrl-D or ``/exit``."""
        with contextlib.suppress(ImportError):  # line editing and history, where there is one
            import readline  # noqa: F401
        from .._errors import TogetherError
        from .errors import shell_message

        sys.stderr.write(f"chatting with {self.model}; /help for commands, Ctrl-D to end\n")
        while True:
            try:
                line = input("> ")
            except EOFError:
                sys.stderr.write("\n")
                return 0
            except KeyboardInterrupt:
                sys.stderr.write("\n")
                continue
            if not line.strip():
                continue
            if line.startswith("/"):
                if self.command(line) is False:
                    return 0
                continue
            try:
                self.ask(line)
            except KeyboardInterrupt:
                sys.stderr.write("(stopped)\n")
            except TogetherError as exc:  # the question was not answered: ask again
                sys.stderr.write(f"error: {shell_message(exc)}\n")

    def command(self, line: str) -> bool:
        """Run a ``/command``; False when the session is to end."""
        name, _, rest = line.strip().partition(" ")
        rest = rest.strip()
        if name in ("/exit", "/quit"):
            return False
        if name == "/system":
            self.system = rest or None
            _note(f"system message {'set' if rest else 'removed'}")
        elif name == "/model" and rest:
            self.model = rest
            _note(f"now asking {rest}")
        elif name == "/reset":
            self.history.clear()
            _note("conversation forgotten")
        elif name == "/save" and rest:
            path = Path(rest).expanduser()
            path.write_text(json.dumps(self.messages(), indent=2, ensure_ascii=False) + "\n")
            _note(f"saved {len(self.messages())} messages to {path}")
        else:
            sys.stderr.write(COMMANDS)
        return True


def _note(text: str) -> None:
    sys.stderr.write(f"({text})\n")
    sys.stderr.flush()
