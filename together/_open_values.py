"""Strict on names and kinds, open on values: what the client does with a value the spec
doesn't list, and with ``None`` for an argument that can't be null.

- A value of the right JSON kind that the spec doesn't list (an enum value such as
  ``images.generate(response_format="b64_json")``, or a union member it doesn't know such
  as ``response_format={"type": "regex", ...}``) is sent as given, with an
  ``UnknownValueWarning`` naming the field, the value and the values the spec knows: once
  per process for each (field, value), pointing at the line of the call.
- ``None`` for an optional field that can't be null means "not given": it is left out of
  the request, at the top level and inside the dicts and models passed
  (``messages[i]["name"] = None``). Where the spec allows null it is sent as null.

The generated models' ``from_dict`` finds both (see ``together_generated.OPEN_VALUES``);
this module turns what it finds into the warning and the body sent.
"""

from __future__ import annotations

import os
import sys
import threading
import warnings
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import together_generated

__all__ = [
    "UnknownValueWarning",
    "deferring",
    "install",
    "leave_out_nones",
    "replay",
    "strictly",
    "without_dropped_nones",
]

T = TypeVar("T")


class UnknownValueWarning(UserWarning):
    """A value the API's spec doesn't list (an enum value, a kind of object) was sent as
    given. The API is often ahead of its spec; if the server refuses the value, the
    error says so. Silence it with ``warnings.filterwarnings("ignore",
    category=together.UnknownValueWarning)``."""


# Frames in these folders are the client's own: the warning points at the first frame
# outside them, the user's call, whichever way (sync or async, derived or hand-written
# method, the CLI) led to the check.
_OWN = tuple(
    os.path.dirname(os.path.abspath(path)) + os.sep
    for path in (__file__, together_generated.__file__ or "")
)
_seen: set[tuple[str, object]] = set()
_lock = threading.Lock()


# Per thread: ``strict`` while a response is read strictly (``strict_responses``), where
# a value the spec doesn't list is an error, not a warning (reading is synchronous: no
# await inside); ``deferred`` while a call is built in a worker thread for AsyncTogether,
# whose stack doesn't hold the user's call: what it finds is warned about afterwards.
_state = threading.local()


def strictly(read: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``read(*args, **kwargs)`` (a response model's ``from_dict``), with a value the spec
    doesn't list, or a null it doesn't allow, raising TypeError."""
    _state.strict = True
    try:
        return read(*args, **kwargs)
    finally:
        _state.strict = False


def null_dropped(where: str) -> None:
    """A None left out of ``where`` as not given: an error when reading strictly."""
    if getattr(_state, "strict", False):
        raise TypeError(f"{where}: null where the spec doesn't allow it")


def report(where: str, value: object, known: tuple[object, ...]) -> None:
    """Warn that ``where`` was given ``value``, which the spec doesn't list (once per
    process for each field and value)."""
    listed = ", ".join(repr(k) for k in known)
    if getattr(_state, "strict", False):
        raise TypeError(f"{where}: expected one of {listed}; got {value!r:.60}")
    deferred = getattr(_state, "deferred", None)
    if deferred is not None:
        deferred.append((where, value, known))
        return
    try:
        key: tuple[str, object] = (where, value)
        hash(key)
    except TypeError:
        key = (where, repr(value))
    with _lock:
        if key in _seen:
            return
    level, frame = 1, sys._getframe(0)
    while frame is not None and frame.f_code.co_filename.startswith(_OWN):
        frame, level = frame.f_back, level + 1  # type: ignore[assignment]
    warnings.warn(
        f"{where}: {value!r} is not a value the spec lists ({listed}); sent as given",
        UnknownValueWarning,
        stacklevel=level,
    )
    with _lock:  # (after warn: with warnings as errors, each call raises)
        _seen.add(key)


def deferring(build: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[T, list[Any]]:
    """``build(*args, **kwargs)`` in a worker thread, and the unknown values it found, for
    ``replay`` in the caller's context."""
    found: list[Any] = []
    _state.deferred = found
    try:
        return build(*args, **kwargs), found
    finally:
        _state.deferred = None


def replay(found: list[Any]) -> None:
    """Warn about what ``deferring`` found, at the line of the call being run."""
    for where, value, known in found:
        report(where, value, known)


def install() -> None:
    """Make the generated models report unknown values as UnknownValueWarning."""
    together_generated.OPEN_VALUES.report = report
    together_generated.OPEN_VALUES.null_dropped = null_dropped


def leave_out_nones(
    given: dict[str, Any], model: Any, names: Mapping[str, str], count: int
) -> dict[str, Any]:
    """``given`` (a request body as the caller gave it, checked into ``model``) less the
    Nones that ``from_dict`` left out as not given, ``count`` of them. ``names`` maps the
    body's JSON names to the model's attributes. Top-level ones (the usual case: a
    keyword argument given None) are found from the model's empty slots; when some are
    nested (``messages[i]["name"]``), from its ``to_dict()``."""
    kept = {}
    found = 0
    for key, value in given.items():
        if value is None and key in names:
            try:
                object.__getattribute__(model, names[key])
            except AttributeError:  # an empty slot: left out
                found += 1
                continue
        kept[key] = value
    # (the count is shared by all threads: more than found may be another thread's too)
    return kept if found >= count else without_dropped_nones(kept, model.to_dict())


def without_dropped_nones(given: Any, checked: Any) -> Any:
    """``given`` (a request body as the caller gave it) less the Nones the model left out
    as not given: ``checked`` is the model's ``to_dict()``, where they are absent. The
    rest stays as given."""
    if type(given) is dict and type(checked) is dict:
        return {
            key: without_dropped_nones(value, checked[key]) if key in checked else value
            for key, value in given.items()
            if value is not None or key in checked
        }
    if type(given) is list and type(checked) is list and len(given) == len(checked):
        return [without_dropped_nones(g, c) for g, c in zip(given, checked, strict=True)]
    return given
