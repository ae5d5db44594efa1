"""The operation table: what each operation of the spec is called on the clients.

This is the one hand-written list of names. Everything else about a method (its path,
parameters, body, result, streaming) comes from the operation's generated description
(``together_generated.operations``), and a method is made for every operation of the spec:
one this table does not name gets the name ``_naming``'s rule gives it from its method
and path, the rule these names mostly follow (``make generate`` lists those as
"unnamed"). A name here that the spec no longer has is skipped.

Keys are the spec's own ``METHOD /path``. Values: the method's dotted name, then any
aliases (the official SDKs' other names for it). A name may list the fields its method
takes by position, ``"clusters.storage.update(volume_id)"``; without one, positional
arguments are the last path parameters, in order. Names follow the official SDK 3.x where
it covers the operation, then 1.x, then the spec (see the README's method table).
"""

from __future__ import annotations

NAMES: dict[str, tuple[str, ...]] = {
    # inference
    "POST /chat/completions": ("chat.completions.create",),
    "POST /completions": ("completions.create",),
    "POST /embeddings": ("embeddings.create",),
    "POST /images/generations": ("images.generate", "images.create"),
    "POST /rerank": ("rerank.create",),
    # audio, video, models
    "POST /audio/speech": ("audio.speech.create",),
    "POST /audio/transcriptions": ("audio.transcriptions.create",),
    "POST /audio/translations": ("audio.translations.create",),
    "GET /voices": ("audio.voices.list",),
    "POST /videos": ("videos.create",),
    "GET /videos/{id}": ("videos.retrieve",),
    "GET /models": ("models.list",),
    "POST /models": ("models.upload(model_name, model_source)",),
    "GET /jobs": ("jobs.list",),
    "GET /jobs/{jobId}": ("jobs.retrieve",),
    # files
    "POST /files/upload": ("files.upload",),
    "GET /files": ("files.list",),
    "GET /files/{id}": ("files.retrieve",),
    "DELETE /files/{id}": ("files.delete",),
    "GET /files/{id}/content": ("files.content", "files.retrieve_content"),
    # fine-tuning
    "POST /fine-tunes": ("fine_tuning.create",),
    "GET /fine-tunes": ("fine_tuning.list",),
    "GET /fine-tunes/{id}": ("fine_tuning.retrieve",),
    "POST /fine-tunes/{id}/cancel": ("fine_tuning.cancel",),
    "DELETE /fine-tunes/{id}": ("fine_tuning.delete",),
    "GET /fine-tunes/{id}/events": ("fine_tuning.list_events",),
    "GET /fine-tunes/{id}/checkpoints": ("fine_tuning.list_checkpoints",),
    "POST /fine-tunes/estimate-price": ("fine_tuning.estimate_price",),
    "GET /fine-tunes/models/limits": ("fine_tuning.model_limits", "fine_tuning.get_model_limits"),
    "GET /fine-tunes/models/supported": ("fine_tuning.supported_models",),
    "GET /finetune/download": ("fine_tuning.content", "fine_tuning.download(ft_id)"),
    # batches
    "POST /batches": ("batches.create", "batches.create_batch(input_file_id, endpoint)"),
    "GET /batches": ("batches.list", "batches.list_batches"),
    "GET /batches/{id}": ("batches.retrieve", "batches.get_batch"),
    "POST /batches/{id}/cancel": ("batches.cancel", "batches.cancel_batch"),
    # dedicated endpoints and hardware
    "POST /endpoints": ("endpoints.create",),
    "GET /endpoints": ("endpoints.list",),
    "GET /endpoints/{endpointId}": ("endpoints.retrieve", "endpoints.get"),
    "PATCH /endpoints/{endpointId}": ("endpoints.update",),
    "DELETE /endpoints/{endpointId}": ("endpoints.delete",),
    "GET /hardware": ("endpoints.list_hardware",),
    "GET /clusters/availability-zones": (
        "endpoints.list_availability_zones",
        "endpoints.list_avzones",
    ),
    # code interpreter
    "POST /tci/execute": ("code_interpreter.execute", "code_interpreter.run"),
    "GET /tci/sessions": ("code_interpreter.sessions.list",),
    # evaluation
    "POST /evaluation": ("evaluation.create",),
    "GET /evaluation": ("evaluation.list",),
    "GET /evaluation/{id}": ("evaluation.retrieve",),
    "GET /evaluation/{id}/status": ("evaluation.status",),
    "GET /evaluation/model-list": ("evaluation.list_models",),
    # queue
    "POST /queue/submit": ("queue.submit",),
    "GET /queue/status": ("queue.retrieve", "queue.status"),
    "POST /queue/cancel": ("queue.cancel",),
    "GET /queue/metrics": ("queue.metrics",),
    # GPU clusters
    "POST /compute/clusters": ("clusters.create",),
    "GET /compute/clusters": ("clusters.list",),
    "GET /compute/clusters/{cluster_id}": ("clusters.retrieve",),
    "PUT /compute/clusters/{cluster_id}": ("clusters.update",),
    "DELETE /compute/clusters/{cluster_id}": ("clusters.delete",),
    "GET /compute/regions": ("clusters.list_regions",),
    "POST /compute/clusters/storage/volumes": ("clusters.storage.create",),
    "GET /compute/clusters/storage/volumes": ("clusters.storage.list",),
    "GET /compute/clusters/storage/volumes/{volume_id}": ("clusters.storage.retrieve",),
    "PUT /compute/clusters/storage/volumes": ("clusters.storage.update(volume_id)",),
    "DELETE /compute/clusters/storage/volumes/{volume_id}": ("clusters.storage.delete",),
    # deployments
    "POST /deployments": ("deployments.create", "deployments.deploy"),
    "GET /deployments": ("deployments.list",),
    "GET /deployments/{id}": ("deployments.retrieve",),
    "PATCH /deployments/{id}": ("deployments.update",),
    "DELETE /deployments/{id}": ("deployments.delete", "deployments.destroy"),
    "GET /deployments/{id}/logs": ("deployments.logs", "deployments.retrieve_logs"),
    "POST /deployments/secrets": ("deployments.secrets.create",),
    "GET /deployments/secrets": ("deployments.secrets.list",),
    "GET /deployments/secrets/{id}": ("deployments.secrets.retrieve",),
    "PATCH /deployments/secrets/{id}": ("deployments.secrets.update",),
    "DELETE /deployments/secrets/{id}": ("deployments.secrets.delete",),
    "POST /deployments/storage/volumes": ("deployments.volumes.create",),
    "GET /deployments/storage/volumes": ("deployments.volumes.list",),
    "GET /deployments/storage/volumes/{id}": ("deployments.volumes.retrieve",),
    "PATCH /deployments/storage/volumes/{id}": ("deployments.volumes.update",),
    "DELETE /deployments/storage/volumes/{id}": ("deployments.volumes.delete",),
    "GET /deployments/storage/{filename}": (
        "deployments.storage.download",
        "deployments.storage.retrieve",
    ),
    # reinforcement learning (3.x: post_training)
    "POST /rl/training-sessions": ("rl.training_sessions.create",),
    "GET /rl/training-sessions": ("rl.training_sessions.list",),
    "GET /rl/training-sessions/{session_id}": ("rl.training_sessions.retrieve",),
    "POST /rl/training-sessions/{session_id}/stop": ("rl.training_sessions.stop",),
    "POST /rl/training-sessions/{session_id}/operations/forward-backward": (
        "rl.training_sessions.forward_backward",
    ),
    "GET /rl/training-sessions/{session_id}/operations/forward-backward/{operation_id}": (
        "rl.training_sessions.retrieve_forward_backward",
    ),
    "POST /rl/training-sessions/{session_id}/operations/optim-step": (
        "rl.training_sessions.optim_step",
    ),
    "GET /rl/training-sessions/{session_id}/operations/optim-step/{operation_id}": (
        "rl.training_sessions.retrieve_optim_step",
    ),
    "POST /rl/training-sessions/{session_id}/operations/sample": ("rl.training_sessions.sample",),
    "GET /rl/training-sessions/{session_id}/operations/sample/{operation_id}": (
        "rl.training_sessions.retrieve_sample",
    ),
    "POST /rl/training-sessions/{session_id}/operations/inference-checkpoint": (
        "rl.training_sessions.create_inference_checkpoint",
    ),
    "GET /rl/training-sessions/{session_id}/operations/inference-checkpoint/{operation_id}": (
        "rl.training_sessions.retrieve_inference_checkpoint",
    ),
    "POST /rl/training-sessions/{session_id}/operations/training-checkpoint": (
        "rl.training_sessions.create_training_checkpoint",
    ),
    "GET /rl/training-sessions/{session_id}/operations/training-checkpoint/{operation_id}": (
        "rl.training_sessions.retrieve_training_checkpoint",
    ),
    "GET /rl/checkpoints/{id}/download": ("rl.checkpoints.download",),
}

# Other names of whole namespaces: the same object, reached another way.
NAMESPACE_ALIASES: dict[str, str] = {
    "evals": "evaluation",  # 3.x
    "post_training": "rl",  # 3.x
    "rl.sessions": "rl.training_sessions",  # 3.x: post_training.sessions
    "rl.operations": "rl.training_sessions",  # 3.x: post_training.operations
    "beta.jig": "deployments",  # 3.x
    "beta.jig.queue": "queue",  # 3.x
    "beta.clusters": "clusters",  # 3.x
    # The volumes' URL is /deployments/storage/volumes; the spec's samples reach them so.
    "deployments.storage.volumes": "deployments.volumes",
}
