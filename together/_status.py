"""The status table: what each status word of a long-running resource means to a waiter.

This is the one hand-written list of status words. For each namespace with a ``wait``
method: the operation polled (the spec's ``METHOD /path``, named in ``_table.NAMES``),
the status field of its result, and each word of that field's enum placed as

- pending: the job is still moving; the waiter keeps polling;
- success: the state waited for by default (``until=`` names another);
- failure: a resting state other than success (failed, cancelled, expired, stopped):
  the waiter stops there and raises JobFailedError, unless it was ``until``.

``tests/test_waiters.py`` reads each status enum from the generated models and fails when
the spec has a word this table doesn't place. A word the table doesn't know, seen at run
time, keeps the waiter polling, with a warning. ``until="deleted"`` waits until the
resource is gone (its retrieve answers 404).

Also per namespace: the operation that starts one (``--wait`` in the command line, and
the object ``wait`` takes), where that object holds the id, where a failed job keeps its
error message, and, for fine-tuning, the operation listing its events.
"""

from __future__ import annotations

from typing import NamedTuple

DELETED = "deleted"  # until= this: wait until the resource is gone (404)


class Statuses(NamedTuple):
    retrieve: str  # the operation polled
    field: str  # the status field of its result
    pending: frozenset[str]
    success: frozenset[str]
    failure: frozenset[str]
    create: str  # the operation that starts one
    ids: tuple[str, ...]  # where the object ``create`` returned holds the id (dotted)
    message: tuple[str, ...] = ()  # where a failed one's error message is (dotted)
    events: str | None = None  # the operation listing its events


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


WAITERS: dict[str, Statuses] = {
    "fine_tuning": Statuses(
        "GET /fine-tunes/{id}",
        "status",
        pending=_words("pending queued running compressing uploading cancel_requested"),
        success=_words("completed"),
        failure=_words("cancelled error"),
        create="POST /fine-tunes",
        ids=("id",),
        # no error field: the message is its last error event's
        events="GET /fine-tunes/{id}/events",
    ),
    "endpoints": Statuses(
        "GET /endpoints/{endpointId}",
        "state",
        pending=_words("PENDING STARTING STOPPING"),
        success=_words("STARTED"),
        failure=_words("ERROR STOPPED"),  # a stopped endpoint doesn't start by itself
        create="POST /endpoints",
        ids=("id",),
    ),
    "batches": Statuses(
        "GET /batches/{id}",
        "status",
        pending=_words("VALIDATING IN_PROGRESS"),
        success=_words("COMPLETED"),
        failure=_words("FAILED EXPIRED CANCELLED"),
        create="POST /batches",
        ids=("id", "job.id"),
        message=("error",),
    ),
    "evaluation": Statuses(
        "GET /evaluation/{id}",
        "status",
        pending=_words("pending queued running"),
        success=_words("completed"),
        failure=_words("error user_error"),
        create="POST /evaluation",
        ids=("workflow_id",),
        message=("results.error", "status_updates.-1.message"),
    ),
    "videos": Statuses(
        "GET /videos/{id}",
        "status",
        pending=_words("in_progress"),
        success=_words("completed"),
        failure=_words("failed"),
        create="POST /videos",
        ids=("id",),
        message=("error.message",),
    ),
    "jobs": Statuses(  # model uploads
        "GET /jobs/{jobId}",
        "status",
        pending=_words("Queued Running"),
        success=_words("Complete"),
        failure=_words("Failed"),
        create="POST /models",
        ids=("job_id", "data.job_id"),
        message=("status_updates.-1.message",),
    ),
    "clusters": Statuses(
        "GET /compute/clusters/{cluster_id}",
        "status",
        pending=_words(
            "WaitingForControlPlaneNodes WaitingForDataPlaneNodes WaitingForSubnet"
            " WaitingForSharedVolume InstallingDrivers RunningAcceptanceTests"
        ),
        success=_words("Ready"),
        # at rest until someone acts (Deleting ends in a 404: until="deleted")
        failure=_words("Degraded Paused OnDemandComputePaused Deleting"),
        create="POST /compute/clusters",
        ids=("cluster_id",),
    ),
    "deployments": Statuses(
        "GET /deployments/{id}",
        "status",
        pending=_words("Scaling Updating"),
        success=_words("Ready"),
        failure=_words("Failed"),
        create="POST /deployments",
        ids=("id", "name"),
    ),
}
