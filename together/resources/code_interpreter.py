"""The code interpreter (TCI): run code, list sessions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._resource import M, Resource, api_call, operation

if TYPE_CHECKING:
    from together_generated.models import (
        FailedExecution,
        SessionListResponse,
        SuccessfulExecution,
    )

    from .._transport import Call


class Sessions(Resource[M]):
    @operation
    def list(self, /, **options: Any) -> Call[SessionListResponse]:
        """GET /tci/sessions: the caller's live interpreter sessions
        (``.data.sessions``)."""
        return api_call(
            "code_interpreter.sessionslist", options, where="code_interpreter.sessions.list"
        )


class CodeInterpreter(Resource[M]):
    def __init__(self, transport: M) -> None:
        super().__init__(transport)
        self.sessions: Sessions[M] = Sessions(transport)

    @operation
    def execute(
        self, /, *, code: str, language: str, **params: Any
    ) -> Call[SuccessfulExecution | FailedExecution]:
        """POST /tci/execute: runs ``code`` (``session_id=`` continues a session,
        ``files=`` uploads files first). Returns the outputs and the session id, or the
        errors of a failed execution."""
        return api_call(
            "code_interpreter.tciexecute",
            {"code": code, "language": language, **params},
            where="code_interpreter.execute",
        )

    run = execute  # the 1.x name
