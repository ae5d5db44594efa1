"""Reinforcement-learning training sessions and checkpoints."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._resource import M, Resource, api_call, operation

if TYPE_CHECKING:
    from together_generated.models import (
        RLCheckpointDownloadResponse,
        RLForwardBackwardOperation,
        RLInferenceCheckpointOperation,
        RLOptimStepOperation,
        RLSampleOperation,
        RLTrainingCheckpointOperation,
        RLTrainingSession,
        RLTrainingSessionsListResponse,
    )

    from .._transport import Call


def _operation(
    endpoint: str, session_id: str, operation_id: str, options: dict[str, Any], where: str
) -> Call[Any]:
    """GET of one operation of a session, by its id."""
    return api_call(
        endpoint,
        options,
        path={"session_id": session_id, "operation_id": operation_id},
        where=where,
    )


class TrainingSessions(Resource[M]):
    """Sessions and the operations run in them. Each operation starts asynchronously:
    the POST returns it pending, and its ``retrieve_*`` twin polls it by id."""

    @operation
    def create(self, /, *, base_model: str, **params: Any) -> Call[RLTrainingSession]:
        """POST /rl/training-sessions: starts a session on ``base_model``
        (``lora_config=``, ``resume_from_checkpoint_id=``)."""
        return api_call(
            "rl.start_training_session",
            {"base_model": base_model, **params},
            where="rl.training_sessions.create",
        )

    @operation
    def list(self, /, **params: Any) -> Call[RLTrainingSessionsListResponse]:
        """GET /rl/training-sessions, by ``status``, a page of ``limit`` ``after`` a
        cursor (iterable, also in ``.data``; ``.meta.has_more``)."""
        return api_call("rl.list_training_sessions", params, where="rl.training_sessions.list")

    @operation
    def retrieve(self, /, session_id: str, **options: Any) -> Call[RLTrainingSession]:
        """GET /rl/training-sessions/{session_id}."""
        return api_call(
            "rl.get_training_session",
            options,
            path={"session_id": session_id},
            where="rl.training_sessions.retrieve",
        )

    @operation
    def stop(self, /, session_id: str, **options: Any) -> Call[RLTrainingSession]:
        """POST /rl/training-sessions/{session_id}/stop: returns the stopping session."""
        return api_call(
            "rl.stop_training_session",
            options,
            path={"session_id": session_id},
            where="rl.training_sessions.stop",
        )

    @operation
    def forward_backward(
        self, /, session_id: str, *, samples: Any, loss: Any, **params: Any
    ) -> Call[RLForwardBackwardOperation]:
        """POST .../{session_id}/operations/forward-backward: computes the ``loss`` over
        ``samples`` and accumulates gradients."""
        return api_call(
            "rl.forward_backward",
            {"samples": samples, "loss": loss, **params},
            path={"session_id": session_id},
            where="rl.training_sessions.forward_backward",
        )

    @operation
    def retrieve_forward_backward(
        self, /, operation_id: str, *, session_id: str, **options: Any
    ) -> Call[RLForwardBackwardOperation]:
        """GET .../{session_id}/operations/forward-backward/{operation_id}."""
        return _operation(
            "rl.get_forward_backward_operation",
            session_id,
            operation_id,
            options,
            "rl.training_sessions.retrieve_forward_backward",
        )

    @operation
    def optim_step(self, /, session_id: str, **params: Any) -> Call[RLOptimStepOperation]:
        """POST .../{session_id}/operations/optim-step: applies the accumulated gradients
        (``learning_rate=``, ``adamw_params=``)."""
        return api_call(
            "rl.optim_step",
            params,
            path={"session_id": session_id},
            where="rl.training_sessions.optim_step",
        )

    @operation
    def retrieve_optim_step(
        self, /, operation_id: str, *, session_id: str, **options: Any
    ) -> Call[RLOptimStepOperation]:
        """GET .../{session_id}/operations/optim-step/{operation_id}."""
        return _operation(
            "rl.get_optim_step_operation",
            session_id,
            operation_id,
            options,
            "rl.training_sessions.retrieve_optim_step",
        )

    @operation
    def sample(self, /, session_id: str, *, prompt: Any, **params: Any) -> Call[RLSampleOperation]:
        """POST .../{session_id}/operations/sample: generates from the current weights
        (``sampling_params=``, ``num_samples=``)."""
        return api_call(
            "rl.sample",
            {"prompt": prompt, **params},
            path={"session_id": session_id},
            where="rl.training_sessions.sample",
        )

    @operation
    def retrieve_sample(
        self, /, operation_id: str, *, session_id: str, **options: Any
    ) -> Call[RLSampleOperation]:
        """GET .../{session_id}/operations/sample/{operation_id}: the sequences, once done."""
        return _operation(
            "rl.get_sample",
            session_id,
            operation_id,
            options,
            "rl.training_sessions.retrieve_sample",
        )

    @operation
    def create_inference_checkpoint(
        self, /, session_id: str, **options: Any
    ) -> Call[RLInferenceCheckpointOperation]:
        """POST .../{session_id}/operations/inference-checkpoint: saves the weights as a
        model that can be served."""
        return api_call(
            "rl.create_inference_checkpoint",
            options,
            path={"session_id": session_id},
            where="rl.training_sessions.create_inference_checkpoint",
        )

    @operation
    def retrieve_inference_checkpoint(
        self, /, operation_id: str, *, session_id: str, **options: Any
    ) -> Call[RLInferenceCheckpointOperation]:
        """GET .../{session_id}/operations/inference-checkpoint/{operation_id}."""
        return _operation(
            "rl.get_inference_checkpoint_operation",
            session_id,
            operation_id,
            options,
            "rl.training_sessions.retrieve_inference_checkpoint",
        )

    @operation
    def create_training_checkpoint(
        self, /, session_id: str, **options: Any
    ) -> Call[RLTrainingCheckpointOperation]:
        """POST .../{session_id}/operations/training-checkpoint: saves weights and
        optimizer state to resume from."""
        return api_call(
            "rl.create_training_checkpoint",
            options,
            path={"session_id": session_id},
            where="rl.training_sessions.create_training_checkpoint",
        )

    @operation
    def retrieve_training_checkpoint(
        self, /, operation_id: str, *, session_id: str, **options: Any
    ) -> Call[RLTrainingCheckpointOperation]:
        """GET .../{session_id}/operations/training-checkpoint/{operation_id}."""
        return _operation(
            "rl.get_training_checkpoint_operation",
            session_id,
            operation_id,
            options,
            "rl.training_sessions.retrieve_training_checkpoint",
        )


class Checkpoints(Resource[M]):
    @operation
    def download(
        self, /, id: str, *, variant: str, **options: Any
    ) -> Call[RLCheckpointDownloadResponse]:
        """GET /rl/checkpoints/{id}/download: presigned URLs of the checkpoint's files
        (``.data[i].url``); ``variant`` is ``CHECKPOINT_VARIANT_MERGED`` or ``_ADAPTER``."""
        return api_call(
            "rl.download_checkpoint",
            {"variant": variant, **options},
            path={"id": id},
            where="rl.checkpoints.download",
        )


class RL(Resource[M]):
    def __init__(self, transport: M) -> None:
        super().__init__(transport)
        self.training_sessions: TrainingSessions[M] = TrainingSessions(transport)
        self.checkpoints: Checkpoints[M] = Checkpoints(transport)
        # 3.x splits these over post_training.sessions and post_training.operations.
        self.sessions = self.operations = self.training_sessions
