"""``together shell-completion bash|zsh|fish``: a completion script on stdout, for the
user to install (the command itself writes no file). The script holds the command words
of this version, so completing costs no Python start-up; after an upgrade, print it again.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

    from .command import Workflow
    from .parsing import Parser

SHELLS = ("bash", "zsh", "fish")

INSTALL = {
    "bash": 'eval "$(together shell-completion bash)"  # in ~/.bashrc',
    "zsh": 'eval "$(together shell-completion zsh)"  # in ~/.zshrc',
    "fish": "together shell-completion fish > ~/.config/fish/completions/together.fish",
}

OPTIONS = "--help --json --no-json --jsonl --api-key --base-url --timeout --max-retries"


def arguments(parser: Parser) -> None:
    parser.description = "Print a completion script for your shell. To install it:\n" + "\n".join(
        f"  {line}" for line in INSTALL.values()
    )
    parser.add_argument("shell", choices=SHELLS)


def next_words(workflows: dict[tuple[str, str], Workflow]) -> dict[str, list[str]]:
    """The words typed so far (space-joined, options left out) → the words that may
    come next."""
    from .tree import nodes

    tree = nodes()
    out: dict[str, list[str]] = {}

    def visit(path: str, typed: str) -> None:
        node = tree[path]
        found = {*node.children, *node.methods}
        found |= {w for p, w in workflows if p == path and w}
        out[typed] = sorted(found)
        for w, child in sorted(node.children.items()):
            visit(child, f"{typed} {w}".strip())

    visit("", "")
    return out


def script(shell: str, table: dict[str, list[str]]) -> str:
    if shell == "fish":
        cases = "".join(
            f"        case '{typed}'\n            printf '%s\\n' {' '.join(words)}\n"
            for typed, words in table.items()
        )
        return (
            f"# together completion for fish. Install: {INSTALL['fish']}\n"
            "function __together_words\n"
            "    set -l typed (commandline -opc)\n"
            "    set -e typed[1]\n"
            "    switch (string join ' ' -- (string match -v -- '-*' $typed))\n"
            f"{cases}"
            "    end\n"
            "end\n"
            "complete -c together -f -a '(__together_words)'\n"
            f"complete -c together -f -a '{OPTIONS}' -n 'string match -q -- \"-*\" "
            "(commandline -ct)'\n"
        )
    cases = "".join(
        f'    "{typed}") words="{" ".join(words)}" ;;\n' for typed, words in table.items()
    )
    head = f"# together completion for {shell}. Install: {INSTALL[shell]}\n" + (
        "autoload -U +X bashcompinit && bashcompinit\n" if shell == "zsh" else ""
    )
    return (
        head + "_together() {\n"
        '  local cur="${COMP_WORDS[COMP_CWORD]}" typed="" i words=""\n'
        "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
        '    [[ ${COMP_WORDS[i]} == -* ]] || typed="${typed:+$typed }${COMP_WORDS[i]}"\n'
        "  done\n"
        '  case "$typed" in\n'
        f"{cases}"
        "  esac\n"
        f'  [[ $cur == -* ]] && words="{OPTIONS}"\n'
        '  COMPREPLY=($(compgen -W "$words" -- "$cur"))\n'
        "}\n"
        "complete -o default -F _together together\n"
    )


def run(args: argparse.Namespace, workflows: dict[tuple[str, str], Workflow]) -> int:
    """Print the script for ``args.shell``, its words from the command tree and
    ``workflows`` (every workflow, this command's own among them)."""
    sys.stdout.write(script(args.shell, next_words(workflows)))
    return 0
