"""The command tree: namespaces and methods of the operation table, as command words.

Built from ``_namespaces.layout()`` and the light operation index only, so that
``together --help`` and a namespace's help import no generated endpoint module. Words
are the Python names with hyphens (``fine_tuning`` → ``fine-tuning``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from .errors import UsageError

if TYPE_CHECKING:
    from .._namespaces import Entry
    from .command import Workflow


def word(name: str) -> str:
    return name.replace("_", "-")


class Node(NamedTuple):
    """A namespace: its child namespaces and its methods, by command word."""

    path: str  # "" for the root, else the namespace path ("fine_tuning")
    children: dict[str, str]  # word → child namespace path
    methods: dict[str, Entry]  # word → operation; an alias maps to the same operation
    primary: dict[str, str]  # operation key → the word shown for it in help


def nodes() -> dict[str, Node]:
    """Every namespace of the client, by path; an alias of a whole namespace (``evals``,
    ``post-training``) is one more word for the namespace it stands for."""
    from .._namespaces import layout
    from .._table import NAMESPACE_ALIASES

    tree = layout()
    out = {path: Node(path, {}, {}, {}) for path in ["", *tree]}
    for path, methods in tree.items():
        parent, _, leaf = path.rpartition(".")
        out[parent].children[word(leaf)] = path
        node = out[path]
        for name, entry in methods.items():
            node.methods[word(name)] = entry
            node.primary.setdefault(entry.info.key, word(name))
    for alias, target in NAMESPACE_ALIASES.items():
        parent, _, leaf = alias.rpartition(".")
        if target in out and parent in out:
            out[parent].children.setdefault(word(leaf), target)
    return out


class Target(NamedTuple):
    """What the command words name: a namespace (``method`` None) or a command in it."""

    node: Node
    method: str | None
    words: tuple[str, ...]


# Options that every command takes, and whether each takes a value (to skip it while
# looking for the command words).
GLOBAL_VALUES = ("--api-key", "--base-url", "--timeout", "--max-retries")


class UnknownCommand(UsageError):
    pass


def resolve(
    argv: list[str], workflows: dict[tuple[str, str], Workflow]
) -> tuple[Target, list[str]]:
    """The command ``argv`` names and the arguments left for it (global options
    included). A namespace with a default command (``chat``) takes any other word
    as that command's first argument."""
    tree = nodes()
    node, method = tree[""], None
    words: list[str] = []
    rest: list[str] = []
    args = iter(argv)
    for token in args:
        if method is not None:
            rest.append(token)
            continue
        if token.startswith("-"):
            rest.append(token)
            if token in GLOBAL_VALUES:
                rest.append(next(args, ""))
            elif (node.path, "") in workflows and token not in ("--json", "--jsonl"):
                method = ""  # an option (or --help) of the namespace's default command
            continue
        if token in node.children:
            node = tree[node.children[token]]
        elif token in node.methods or (node.path, token) in workflows:
            method = token
        elif (node.path, "") in workflows:
            method = ""
            rest.append(token)
            continue
        else:
            import difflib

            known = sorted(
                {*node.children, *node.methods, *(w for p, w in workflows if p == node.path and w)}
            )
            close = difflib.get_close_matches(token, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            where = " ".join(["together", *words])
            raise UnknownCommand(f"{where}: unknown command {token!r}{hint}")
        words.append(token)
    return Target(node, method, tuple(words)), rest


def namespace_help(
    node: Node, words: tuple[str, ...], workflows: dict[tuple[str, str], Workflow]
) -> str:
    """The help of a namespace: its namespaces and commands with their summaries."""
    if not words:
        return root_help(node, workflows)
    prog = " ".join(["together", *words])
    lines = [f"usage: {prog} <command> [options]  ({prog} <command> --help for its options)", ""]
    if node.children:
        lines.append("namespaces:")
        counts = command_counts(workflows)
        for w in sorted(node.children):
            count = counts.get(node.children[w], 0)
            if count:
                lines.append(f"  {w:<24} {count} command{'s' if count > 1 else ''}")
        lines.append("")
    commands: dict[str, str] = {}
    for w, entry in node.methods.items():
        if node.primary[entry.info.key] == w:
            commands[w] = f"{entry.info.summary} ({entry.info.method} {entry.info.path})"
        else:
            commands[w] = f"same as {node.primary[entry.info.key]}"
    for (path, w), flow in workflows.items():
        if path == node.path:
            commands[w or '"PROMPT"'] = flow.summary
    if commands:
        lines.append("commands:")
        lines += [f"  {w:<24} {text}" for w, text in sorted(commands.items())]
        lines.append("")
    if not words:
        lines += [
            "options (every command): --api-key KEY, --base-url URL, --timeout SECONDS,",
            "  --max-retries N (else TOGETHER_API_KEY, TOGETHER_BASE_URL, ...), --json / --no-json",
            "  (JSON output: the default when stdout is not a terminal), --version",
        ]
    return "\n".join(lines).rstrip() + "\n"


def command_counts(workflows: dict[tuple[str, str], Workflow]) -> dict[str, int]:
    """namespace path → the number of command words under it (all levels), as its help
    lists them: each operation's words (an alias too) and each workflow of its own."""
    from .._namespaces import layout

    found: dict[str, set[str]] = {}
    commands = {(path, word(name)) for path, methods in layout().items() for name in methods}
    commands |= {(path, w) for path, w in workflows if path}
    for path, w in commands:
        parts = path.split(".")
        for depth in range(1, len(parts) + 1):
            found.setdefault(".".join(parts[:depth]), set()).add(f"{path} {w}")
    return {path: len(words) for path, words in found.items()}


# The top-level help's first part: what most people run, one line each.
EVERYDAY = (
    ('chat "PROMPT" -m MODEL', "ask a model (no prompt on a terminal: a conversation)"),
    ("models list", "the models, with context length and prices"),
    ("files upload FILE", "check a dataset, then upload it"),
    ("fine-tuning create", "show the price, then start a job (--dry-run, --wait)"),
    ("fine-tuning wait ID", "follow a job until it ends (again after Ctrl-C)"),
    ("batches run FILE -o OUT", "run a JSONL file of requests through the Batch API"),
    ("shell-completion SHELL", "print a completion script for bash, zsh or fish"),
)

EXAMPLES = (
    'together chat "Why is the sky blue?" -m Qwen/Qwen2.5-7B-Instruct-Turbo',
    "together models list --type chat --sort price --search llama",
    "together fine-tuning create --training-file train.jsonl --model M --lora -y",
    "together files list --json | jq '.data[].id'",
)


def root_help(node: Node, workflows: dict[tuple[str, str], Workflow]) -> str:
    """``together --help``: the everyday commands, every namespace on one line with its
    number of commands and their words, examples; at most 79 characters a line."""
    lines = ["usage: together <command> [options]   (together <command> --help: its options)"]
    lines += ["", "everyday commands:"]
    lines += [f"  {usage:<23} {text}" for usage, text in EVERYDAY]
    lines += ["", "every namespace (commands):"]
    counts = command_counts(workflows)
    tree = nodes()
    aliases: dict[str, list[str]] = {}
    for w, path in node.children.items():
        if word(path) != w:
            aliases.setdefault(path, []).append(w)
    for w in sorted(node.children):
        path = node.children[w]
        if word(path) != w:
            continue
        child = tree[path]
        # A namespace of aliases only (3.x's beta) counts the commands they lead to.
        count = counts.get(path) or sum(counts.get(p, 0) for p in child.children.values())
        if not count:
            continue
        own = {fw for p, fw in workflows if p == path and fw}
        names = sorted({*child.children, *child.primary.values(), *own})
        title = " | ".join([w, *aliases.get(path, [])])
        line = f"  {title:<21} {count:>2}  {', '.join(names)}"
        lines.append(line if len(line) <= 79 else line[:78] + "…")
    lines += ["", "examples:"]
    lines += [f"  {example}" for example in EXAMPLES]
    lines += [
        "",
        "options (every command): --api-key KEY, --base-url URL, --timeout SECONDS,",
        "  --max-retries N (else TOGETHER_API_KEY, TOGETHER_BASE_URL, ...), --json (the",
        "  API's JSON: the default when stdout is not a terminal), --jsonl, --version",
    ]
    return "\n".join(lines) + "\n"
