"""``wait``: poll a long-running job until it ends, written once for both clients as a
script of effects (see ``_drivers.py``) that the client's driver runs.

Each namespace of the status table (``_status.WAITERS``) gets a ``wait`` method:
``client.fine_tuning.wait("ft-...")``, awaited on ``AsyncTogether``. Its signature, for
``inspect.signature`` and for the stub (``_stubgen``), is made here from the table and the
generated descriptions of the operations it names.
"""

from __future__ import annotations

import inspect
import json
import time
import warnings
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from ._drivers import Script, Sleep
from ._errors import JobFailedError, NotFoundError, WaitTimeoutError
from ._resource import Resource, call_of, method
from ._shape import LazySignature
from ._status import DELETED, WAITERS, Statuses

FIRST_POLL = 1.5  # seconds; each wait is then 1.5 times the last, up to LONGEST_POLL
LONGEST_POLL = 45.0  # within the 30-60 s Together's docs recommend for batches


def poll_delays(poll_interval: float | None) -> Iterator[float]:
    """The pauses between polls: ``poll_interval`` each time, else backing off."""
    delay = FIRST_POLL if poll_interval is None else poll_interval
    while True:
        yield delay
        if poll_interval is None:
            delay = min(delay * 1.5, LONGEST_POLL)


def dig(obj: Any, where: str) -> Any:
    """``obj.a.b``, ``obj.items.-1.message``: the value at a dotted path, or None."""
    for part in where.split("."):
        if obj is None:
            return None
        if part.lstrip("-").isdigit():
            try:
                obj = obj[int(part)]
            except (IndexError, KeyError, TypeError):
                return None
        elif isinstance(obj, dict):
            obj = obj.get(part)
        else:
            found = getattr(obj, part, None)
            if found is None:  # a field of another member of a union, read leniently
                extra = getattr(obj, "additional_properties", None)
                found = extra.get(part) if isinstance(extra, dict) else None
            obj = found
    return obj


def id_of(job: Any, statuses: Statuses, where: str) -> str:
    """The id to poll: ``job`` itself, or where the object ``create`` returned holds it."""
    if isinstance(job, str):
        if not job:
            raise ValueError(f"{where}: expected a non-empty id")
        return job
    for path in statuses.ids:
        found = dig(job, path)
        if isinstance(found, str) and found:
            return found
    raise TypeError(
        f"{where}: expected an id or the object create returned, got {type(job).__name__}"
    )


def _status(obj: Any, field: str) -> str | None:
    value = getattr(obj, field, None)
    return None if value is None else str(value)


def _event_key(event: Any) -> str:
    data = event.to_dict() if hasattr(event, "to_dict") else event
    return json.dumps(data, sort_keys=True, default=str)


def _error_event(events: list[Any]) -> str | None:
    """The message of the last error event (by level or type), if any."""
    for event in reversed(events):
        data = event.to_dict() if hasattr(event, "to_dict") else {}
        if data.get("level") == "error" or data.get("type") == "job_error":
            message = data.get("message")
            if message:
                return str(message)
    return None


def wait_script(
    resource: Resource[Any],
    path: str,
    job: Any,
    *,
    methods: dict[str, str],
    timeout: float | None,
    poll_interval: float | None,
    on_update: Callable[[Any], object] | None,
    raise_on_failure: bool,
    until: str | None,
    on_event: Callable[[Any], object] | None,
    replay: bool,
) -> Script[Any]:
    """Polls the job until it reaches ``until`` (default: its success state), a failure
    state, or (``until="deleted"``) a 404. ``methods``: the namespace's method for each
    operation it polls (``"GET /batches/{id}"`` → ``"retrieve"``)."""
    statuses = WAITERS[path]
    where = f"{path}.wait"
    job_id = id_of(job, statuses, where)
    if timeout is not None and not timeout >= 0:
        raise ValueError(f"{where}: timeout must be a number of seconds >= 0, or None")
    if poll_interval is not None and not poll_interval > 0:
        raise ValueError(f"{where}: poll_interval must be a positive number of seconds")
    known = statuses.pending | statuses.success | statuses.failure
    if until is not None and until != DELETED and until not in known:
        warnings.warn(
            f"{where}: until={until!r} is not a status this library knows for {path}",
            stacklevel=5,
        )
    deadline = None if timeout is None else time.monotonic() + timeout
    delays = poll_delays(poll_interval)
    # Events delivered by earlier waits on this job (on this client) are not delivered
    # again, unless replay=True.
    seen: set[str] = set()
    if on_event is not None:
        memory: dict[str, set[str]] = resource.__dict__.setdefault("_events_seen", {})
        seen = set() if replay else set(memory.get(job_id, ()))
        memory[job_id] = seen
    last: Any = None
    last_status: object = object()  # no status seen yet
    warned: set[str] = set()
    while True:
        try:
            obj = yield call_of(resource, methods[statuses.retrieve], job_id)
        except NotFoundError:
            if until == DELETED:
                return None
            raise
        last = obj
        status = _status(obj, statuses.field)
        if status != last_status:
            last_status = status
            if on_update is not None:
                on_update(obj)
        if status is not None and status not in known and status not in warned:
            warned.add(status)
            warnings.warn(
                f"{where}: {job_id} has status {status!r}, which this library doesn't "
                "know; still waiting",
                stacklevel=5,
            )
        events: list[Any] = []
        ended = (
            until != DELETED
            and status is not None
            and (
                status == until
                or (until is None and status in statuses.success)
                or (status in statuses.failure and status != until)
            )
        )
        # After the status: so that events written as the job ended are read too.
        if statuses.events is not None and (
            on_event is not None or (ended and status != until and status in statuses.failure)
        ):
            listed = yield call_of(resource, methods[statuses.events], job_id)
            events = list(getattr(listed, "data", None) or [])
            if on_event is not None:
                for event in events:
                    key = _event_key(event)
                    if key not in seen:
                        seen.add(key)
                        on_event(event)
        if ended:
            if status in statuses.failure and status != until:
                if not raise_on_failure:
                    return obj
                raise JobFailedError(
                    _failure_message(where, job_id, status, obj, statuses, events),
                    job=obj,
                    status=status,
                )
            return obj
        delay = next(delays)
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                state = f"there ({status!r})" if until == DELETED else repr(status)
                raise WaitTimeoutError(
                    f"{where}: {job_id} is still {state} after {timeout:g} s"
                    " (the job goes on; call wait again to go on waiting)",
                    job=last,
                    status=status,
                )
            delay = min(delay, left)
        yield Sleep(delay)


def _failure_message(
    where: str, job_id: str, status: str | None, obj: Any, statuses: Statuses, events: list[Any]
) -> str:
    reason = next((str(m) for m in (dig(obj, p) for p in statuses.message) if m), None)
    if reason is None and events:
        reason = _error_event(events)
    return f"{where}: {job_id} ended {status}" + (f": {reason}" if reason else "")


# -- the method, its signature ---------------------------------------------------


class Arg(NamedTuple):
    name: str
    annotation: str
    default: str | None  # its text in the stub; None: required
    kind: inspect._ParameterKind = inspect.Parameter.KEYWORD_ONLY


def _result_type(key: str) -> str:
    from ._resource import describe

    return describe(method_module(key)).result_type


def method_module(key: str) -> str:
    from together_generated.operations import OPERATIONS

    return next(i.module for i in OPERATIONS if i.key == key)


def status_annotation(path: str) -> str:
    """The generated type of the polled result's status field (``FinetuneJobStatus``)."""
    import together_generated.models as models

    model = getattr(models, _result_type(WAITERS[path].retrieve))
    text = str(model.__annotations__[WAITERS[path].field])
    return " | ".join(p for p in text.split(" | ") if p != "None")


def status_words(path: str) -> frozenset[str]:
    """Every word the spec lists for the status field polled by ``path``'s waiter."""
    import typing

    import together_generated.models as models

    words: set[str] = set()
    for name in status_annotation(path).split(" | "):
        words.update(str(v) for v in typing.get_args(getattr(models, name)))
    return frozenset(words)


def deletable(path: str) -> bool:
    """Whether the resource can be deleted (a DELETE on its retrieve path)."""
    from together_generated.operations import OPERATIONS

    target = "DELETE " + WAITERS[path].retrieve.partition(" ")[2]
    return any(i.key == target for i in OPERATIONS)


def event_type(path: str) -> str | None:
    """The generated type of one event, for a waiter that delivers events."""
    import together_generated.models as models

    key = WAITERS[path].events
    if key is None:
        return None
    listing = getattr(models, _result_type(key))
    text = str(listing.__annotations__["data"])
    return text.removeprefix("list[").removesuffix("]").split(" | ")[0]


def wait_arguments(path: str) -> tuple[list[Arg], str]:
    """The arguments of ``path``'s ``wait`` and its result, as type texts over the
    generated names (the stub's overload for ``until=`` other than "deleted")."""
    statuses = WAITERS[path]
    result = _result_type(statuses.retrieve)
    created = _result_type(statuses.create)
    job = " | ".join(dict.fromkeys(["str", created, result]))
    args = [
        Arg("id", job, None, inspect.Parameter.POSITIONAL_ONLY),
        Arg("timeout", "float | None", "None"),
        Arg("poll_interval", "float | None", "None"),
        Arg("on_update", f"Callable[[{result}], object] | None", "None"),
        Arg("raise_on_failure", "bool", "True"),
        Arg("until", f"{status_annotation(path)} | None", "None"),
    ]
    event = event_type(path)
    if event is not None:
        args += [
            Arg("on_event", f"Callable[[{event}], object] | None", "None"),
            Arg("replay", "bool", "False"),
        ]
    return args, result


_DOC = """Waits for the job (its id, or the object ``create`` returned) to end, polling
{retrieve} at once, then after 1.5 s, 1.5 times longer each time up to 45 s (or
every ``poll_interval`` seconds), and returns its final object.

Waits for {success} by default, or for the state ``until`` names{deleted}. A
state of failure ({failure}) raises JobFailedError (``.job``: the final object; the
job's error message in its text), or with ``raise_on_failure=False`` is returned. ``timeout``
bounds the whole wait (each poll has the client's timeout): WaitTimeoutError (a
TimeoutError) with the last status; the job goes on. ``on_update(obj)`` is called
for each new status.{events} Ctrl-C stops the waiting, not the job."""

_EVENTS = """ ``on_event(event)`` is called once for each new event,
those written as the job ends included; waiting again on the same client delivers only
events not delivered yet (``replay=True``: all)."""


def _doc(path: str) -> str:
    s = WAITERS[path]
    return _DOC.format(
        retrieve=s.retrieve,
        success=" or ".join(sorted(s.success)),
        failure=", ".join(sorted(s.failure)),
        deleted=(' (``until="deleted"``: until it is gone, then None)' if deletable(path) else ""),
        events=_EVENTS if s.events else "",
    )


_DEFAULTS = {"None": None, "True": True, "False": False}


def _signature(path: str) -> inspect.Signature:
    """What ``inspect.signature`` shows for the ``wait`` of the namespace at ``path``."""
    args, result = wait_arguments(path)
    P = inspect.Parameter
    parameters = [
        P(a.name, a.kind, annotation=a.annotation, default=P.empty)
        if a.default is None
        else P(a.name, a.kind, annotation=a.annotation, default=_DEFAULTS[a.default])
        for a in args
    ]
    if deletable(path):
        until = f"{status_annotation(path)} | Literal['deleted'] | None"
        parameters = [p.replace(annotation=until) if p.name == "until" else p for p in parameters]
        result += " | None"
    return inspect.Signature(parameters, return_annotation=result)


def wait_method(path: str, methods: dict[str, str]) -> method[..., Any]:
    """The ``wait`` method of the namespace at ``path``, whose methods for the operations
    it polls are ``methods`` (operation → method name)."""
    has_events = WAITERS[path].events is not None

    def wait(
        self: Resource[Any],
        id: Any,
        /,
        *,
        timeout: float | None = None,
        poll_interval: float | None = None,
        on_update: Callable[[Any], object] | None = None,
        raise_on_failure: bool = True,
        until: str | None = None,
        on_event: Callable[[Any], object] | None = None,
        replay: bool = False,
    ) -> Script[Any]:
        if not has_events and (on_event is not None or replay):
            name = "on_event" if on_event is not None else "replay"
            raise TypeError(f"{path}.wait() got an unexpected keyword argument {name!r}")
        return wait_script(
            self,
            path,
            id,
            methods=methods,
            timeout=timeout,
            poll_interval=poll_interval,
            on_update=on_update,
            raise_on_failure=raise_on_failure,
            until=until,
            on_event=on_event,
            replay=replay,
        )

    wait.__qualname__ = f"{path}.wait"
    wait.__doc__ = _doc(path)
    found: method[..., Any] = method(wait)
    found.signature = LazySignature(lambda: _signature(path))
    return found
