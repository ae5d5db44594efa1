"""The name an operation gets when the table (``_table.NAMES``) doesn't name it.

One rule, read off the names the table already gives, so that a new operation lands
where a person would put it (``GET /fine-tunes/{id}/metrics`` → ``fine_tuning.list_metrics``):

1. **Where**: each namespace of the table has a *root*, the longest path that more than
   half of its operations start with (``/fine-tunes`` for ``fine_tuning``; parameters
   are not part of a root). The operation goes to the namespace whose root is the longest
   start of its path, and the rest of its path is what follows the root. When no root
   is, its namespace is its path's words up to the first parameter
   (``/chat/completions`` → ``chat.completions``, ``/widgets/{id}`` → ``widgets``), and
   the rest what follows them.
2. **What**: from the HTTP method and the rest of the path after the root:

   | rest of the path          | GET            | POST     | PUT / PATCH    | DELETE         |
   | ------------------------- | -------------- | -------- | -------------- | -------------- |
   | nothing                   | ``list``       | ``create`` | ``update``   | ``delete``     |
   | ``{id}``                  | ``retrieve``   | ``update`` | ``update``   | ``delete``     |
   | ``.../word(s)/{id}``      | ``retrieve_word`` | ``word`` | ``update_word`` | ``delete_word`` |
   | ``.../words`` (a plural)  | ``list_words`` | ``words`` | ``update_words`` | ``delete_words`` |
   | ``.../word``              | ``word``       | ``word`` | ``update_word`` | ``delete_word`` |

   ``word`` is the last word of the path, in snake case (``estimate-price`` →
   ``estimate_price``); a plural ends in "s" (not "ss" nor "us": ``status`` is one), and
   is made singular before an id (``checkpoints/{id}`` → ``retrieve_checkpoint``).

``reproduced()`` measures the rule on the table itself: each named operation is named
by the rule from all the *other* names, and compared with the table's first name (78 of
96 at the pin; ``make generate`` prints the count, tests/test_naming.py keeps it from
dropping).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# The verb of each HTTP method on a namespace's collection (its root) and on one item of it.
_ON_COLLECTION = {"GET": "list", "POST": "create", "PUT": "update", "PATCH": "update"}
_ON_ITEM = {"GET": "retrieve", "POST": "update", "PUT": "update", "PATCH": "update"}
_ON_COLLECTION["DELETE"] = _ON_ITEM["DELETE"] = "delete"


def _segments(path: str) -> tuple[str, ...]:
    """``/fine-tunes/{id}/events`` → ``("fine-tunes", "{}", "events")``."""
    return tuple(re.sub(r"^\{.*\}$", "{}", s) for s in path.strip("/").split("/") if s)


def _word(segment: str) -> str:
    return re.sub(r"\W+", "_", segment).strip("_").lower()


def _plural(word: str) -> bool:
    return word.endswith("s") and not word.endswith(("ss", "us"))


def roots(named: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Each namespace of ``named`` (the table) → its root: the longest path, without
    parameters, that more than half of its operations start with (at least one)."""
    paths: dict[str, list[tuple[str, ...]]] = {}
    for key, names in named.items():
        namespace = names[0].partition("(")[0].rpartition(".")[0]
        paths.setdefault(namespace, []).append(_segments(key.partition(" ")[2]))
    found = {}
    for namespace, its in paths.items():
        starts = {
            segments[:depth]
            for segments in its
            for depth in range(1, len(segments) + 1)
            if "{}" not in segments[:depth]
        }
        most = [
            start for start in starts if 2 * sum(s[: len(start)] == start for s in its) > len(its)
        ]
        found[namespace] = max(most, key=len) if most else ()
    return found


def rule_name(
    key: str,
    named: Mapping[str, tuple[str, ...]],
    root_of: Mapping[str, tuple[str, ...]] | None = None,
) -> str:
    """``"namespace.method"`` for the operation ``key`` (``"GET /fine-tunes/{id}/metrics"``)
    by the rule above, given the table's names ``named`` (``root_of``: their ``roots``,
    when already worked out)."""
    method, _, path = key.partition(" ")
    segments = _segments(path)
    placed = [
        (len(root), namespace)
        for namespace, root in (roots(named) if root_of is None else root_of).items()
        if root and segments[: len(root)] == root
    ]
    if placed:
        depth, namespace = max(placed)
        rest = segments[depth:]
    else:
        static = segments[: segments.index("{}")] if "{}" in segments else segments
        namespace = ".".join(_word(s) for s in static)
        rest = segments[len(static) :]
    words = [_word(s) for s in rest if s != "{}"]
    if not words:  # the collection, or one item of it
        verb = (_ON_ITEM if rest else _ON_COLLECTION).get(method, method.lower())
        return f"{namespace}.{verb}"
    word = words[-1]
    if rest[-1] == "{}":  # one of several: ``checkpoints/{id}`` is a checkpoint
        word = word[:-1] if _plural(word) else word
        prefix = "" if method == "POST" else _ON_ITEM.get(method, method.lower()) + "_"
    elif method == "GET":
        prefix = "list_" if _plural(word) else ""
    elif method == "POST":
        prefix = ""
    else:
        prefix = _ON_COLLECTION.get(method, method.lower()) + "_"
    return f"{namespace}.{prefix}{word}"


def reproduced(named: Mapping[str, tuple[str, ...]]) -> tuple[int, list[str]]:
    """How many of ``named``'s operations the rule names as the table does (its first
    name), each from the other names; and the others, as ``"KEY: table → rule"``."""
    same, differ = 0, []
    for key, names in named.items():
        others = {k: v for k, v in named.items() if k != key}
        given = names[0].partition("(")[0]
        guess = rule_name(key, others)
        if guess == given:
            same += 1
        else:
            differ.append(f"{key}: {given} → {guess}")
    return same, differ
