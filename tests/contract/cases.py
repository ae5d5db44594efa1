"""One case per HTTP operation of the spec: the public client method that sends it, called
with realistic arguments (every required field, a good share of the optional ones).

``call(client, data, **options)`` makes the call; ``options`` are per-call options
(``extra_headers``, ``max_retries``) and go straight to the method. ``data`` holds the
local files some methods upload (see ``DataFiles``). With an ``AsyncTogether`` the same
call returns an awaitable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class DataFiles:
    """Small local files for the upload methods."""

    jsonl: Path  # a chat fine-tuning data set
    wav: Path  # a short silent WAV


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    call: Callable[..., Any]

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


def op(operation: str, call: Callable[..., Any]) -> Case:
    method, path = operation.split(" ", 1)
    return Case(method, path, call)


CHAT_MODEL = "meta-llama/Llama-3.3-70B-Instruct-Turbo"
BASE_MODEL = "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference"
FILE_ID = "file-bf72b951-fa1a-41af-a152-fe385dca0201"
FT_ID = "ft-a1b2c3d4-5678-90ab-cdef-1234567890ab"
BATCH_ID = "batch-7f3a9c2e-41d5-4b8e-9a0f-2c6e8d1b5a73"
EVAL_ID = "eval-1234-abcd"
ENDPOINT_ID = "endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7"
SESSION_ID = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
OPERATION_ID = "op-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
JUDGE = {
    "model": "Qwen/Qwen3.5-9B",
    "model_source": "serverless",
    "system_template": "You are a strict grader. Judge whether the answer is correct.",
}
TOKENS = ["128000", "9906", "1917", "0"]  # int64 values travel as strings (proto JSON)


def _weather_tool() -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather in a city",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        },
    }


CHAT_MESSAGES: list[dict[str, Any]] = [
    {"role": "system", "content": "You are a concise assistant."},
    {
        "role": "user",
        "content": [
            {"type": "text", "text": "What is in this picture, and what's the weather in Paris?"},
            {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
        ],
        "name": "ada",
    },
    {
        "role": "assistant",
        "tool_calls": [
            {
                "index": 0,
                "id": "call_1",
                "type": "function",
                "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
            }
        ],
    },
    {"role": "tool", "tool_call_id": "call_1", "name": "get_weather", "content": "18°C, cloudy"},
]


def chat_arguments() -> dict[str, Any]:
    """A full chat request (without ``stream``), shared with the streaming checks."""
    return {
        "model": CHAT_MODEL,
        "messages": CHAT_MESSAGES,
        "max_tokens": 256,
        "stop": ["</s>"],
        "temperature": 0.7,
        "top_p": 0.9,
        "top_k": 50,
        "repetition_penalty": 1.05,
        "min_p": 0.05,
        "presence_penalty": 0.1,
        "frequency_penalty": 0.1,
        "logprobs": 1,
        "n": 1,
        "seed": 42,
        "logit_bias": {"1024": -10.5},
        "context_length_exceeded_behavior": "truncate",
        "tools": [_weather_tool()],
        "tool_choice": "auto",
        "response_format": {
            "type": "json_schema",
            "json_schema": {
                "name": "answer",
                "schema": {"type": "object", "properties": {"text": {"type": "string"}}},
                "strict": True,
            },
        },
        "reasoning_effort": "low",
        "chat_template_kwargs": {"enable_thinking": False},
    }


def completion_arguments() -> dict[str, Any]:
    return {
        "model": "mistralai/Mixtral-8x7B-v0.1",
        "prompt": "<s>[INST] Name three primary colours [/INST]",
        "max_tokens": 64,
        "stop": ["</s>"],
        "temperature": 0.5,
        "top_p": 0.9,
        "top_k": 40,
        "repetition_penalty": 1.1,
        "logprobs": 1,
        "echo": False,
        "n": 1,
        "min_p": 0.05,
        "presence_penalty": 0.0,
        "frequency_penalty": 0.0,
        "seed": 7,
    }


def speech_arguments() -> dict[str, Any]:
    return {
        "model": "cartesia/sonic",
        "input": "Today is a wonderful day to build something people love!",
        "voice": "helpful woman",
        "response_format": "wav",
        "language": "en",
        "response_encoding": "pcm_s16le",
        "sample_rate": 44100,
    }


def _deployment() -> dict[str, Any]:
    return {
        "name": "sentiment-api",
        "image": "registry.together.ai/acme/sentiment:1.4.2",
        "gpu_type": "h100-80gb",
        "gpu_count": 1,
        "cpu": 4,
        "memory": 32,
        "storage": 100,
        "port": 8000,
        "command": ["python", "-m", "server"],
        "args": ["--workers", "2"],
        "description": "Sentiment analysis service",
        "environment_variables": [
            {"name": "LOG_LEVEL", "value": "info"},
            {"name": "HF_TOKEN", "value_from_secret": "hf-token"},
        ],
        "health_check_path": "/health",
        "min_replicas": 1,
        "max_replicas": 4,
        "autoscaling": {"metric": "HTTPTotalRequests", "target": 100, "time_interval_minutes": 10},
        "termination_grace_period_seconds": 30,
        "volumes": [{"name": "weights", "mount_path": "/models", "version": 1}],
    }


def _fine_tune() -> dict[str, Any]:
    return {
        "training_file": FILE_ID,
        "validation_file": "file-629e58b4-ff73-438c-b2cc-f69542b27980",
        "model": BASE_MODEL,
        "n_epochs": 3,
        "n_checkpoints": 1,
        "n_evals": 2,
        "batch_size": 16,
        "learning_rate": 1e-5,
        "lr_scheduler": {
            "lr_scheduler_type": "cosine",
            "lr_scheduler_args": {"min_lr_ratio": 0.1, "num_cycles": 0.5},
        },
        "warmup_ratio": 0.05,
        "max_grad_norm": 1.0,
        "weight_decay": 0.01,
        "random_seed": 42,
        "suffix": "support-bot",
        "wandb_api_key": "wandb-key",
        "wandb_project_name": "support-bot",
        "wandb_name": "run-1",
        "training_method": {"method": "sft", "train_on_inputs": "auto"},
        "training_type": {"type": "Lora", "lora_r": 8, "lora_alpha": 16, "lora_dropout": 0.05},
    }


def _eval_model() -> dict[str, Any]:
    return {
        "model": "meta-llama/Llama-3.3-70B-Instruct-Turbo",
        "model_source": "serverless",
        "max_tokens": 512,
        "temperature": 0.7,
        "system_template": "You are a helpful assistant.",
        "input_template": "Answer the question: {{prompt}}",
    }


def _training_sample() -> dict[str, Any]:
    return {
        "model_input": {"chunks": [{"encoded_text": {"tokens": TOKENS}}]},
        "loss_inputs": {
            "target_tokens": {"data": [*TOKENS[1:], "128001"], "dtype": "D_TYPE_INT64"},
            "loss_mask": {"data": ["0", "1", "1", "1"], "dtype": "D_TYPE_INT64"},
            "grpo_inputs": {
                "advantages": {"data": [0.5, 0.5, 0.5, 0.5], "dtype": "D_TYPE_FLOAT32"},
                "generator_logprobs": {"data": [-1.2, -0.8, -0.3, -0.1], "dtype": "D_TYPE_FLOAT32"},
            },
        },
    }


CASES: list[Case] = [
    # -- inference -------------------------------------------------------------------
    op(
        "POST /chat/completions",
        lambda c, d, **o: c.chat.completions.create(**chat_arguments(), **o),
    ),
    op("POST /completions", lambda c, d, **o: c.completions.create(**completion_arguments(), **o)),
    op(
        "POST /embeddings",
        lambda c, d, **o: c.embeddings.create(
            model="BAAI/bge-base-en-v1.5",
            input=["Our solar system orbits the Milky Way.", "Hi"],
            **o,
        ),
    ),
    op(
        "POST /images/generations",
        lambda c, d, **o: c.images.generate(
            model="black-forest-labs/FLUX.1-schnell",
            prompt="A lighthouse on a cliff at dusk, oil painting",
            steps=4,
            seed=1234,
            n=1,
            height=768,
            width=1024,
            negative_prompt="blurry",
            response_format="url",
            output_format="png",
            guidance_scale=3.5,
            **o,
        ),
    ),
    op(
        "POST /rerank",
        lambda c, d, **o: c.rerank.create(
            model="Salesforce/Llama-Rank-v1",
            query="What animals can I find near Peru?",
            documents=[
                {"title": "Llama", "text": "The llama is a domesticated South American camelid."},
                {"title": "Panda", "text": "The giant panda is a bear native to China."},
            ],
            top_n=1,
            return_documents=True,
            rank_fields=["title", "text"],
            **o,
        ),
    ),
    op("GET /models", lambda c, d, **o: c.models.list(dedicated=False, **o)),
    op(
        "POST /models",
        lambda c, d, **o: c.models.upload(
            model_name="acme/llama-support",
            model_source="https://huggingface.co/acme/llama-support",
            model_type="adapter",
            hf_token="hf_example_token",
            description="Support-bot LoRA adapter",
            base_model="meta-llama/Llama-3.2-3B-Instruct",
            **o,
        ),
    ),
    op("GET /jobs", lambda c, d, **o: c.jobs.list(**o)),
    op("GET /jobs/{jobId}", lambda c, d, **o: c.jobs.retrieve("job-a15dad11-8d8e-4007-97c5", **o)),
    # -- audio and video ---------------------------------------------------------------
    op("POST /audio/speech", lambda c, d, **o: c.audio.speech.create(**speech_arguments(), **o)),
    op(
        "POST /audio/transcriptions",
        lambda c, d, **o: c.audio.transcriptions.create(
            file=d.wav,
            model="openai/whisper-large-v3",
            language="en",
            prompt="A short greeting.",
            response_format="verbose_json",
            temperature=0.0,
            timestamp_granularities=["word", "segment"],
            diarize=True,
            min_speakers=1,
            max_speakers=2,
            **o,
        ),
    ),
    op(
        "POST /audio/translations",
        lambda c, d, **o: c.audio.translations.create(
            file=d.wav,
            model="openai/whisper-large-v3",
            language="en",
            prompt="A short greeting.",
            response_format="json",
            temperature=0.2,
            **o,
        ),
    ),
    op("GET /voices", lambda c, d, **o: c.audio.voices.list(**o)),
    op(
        "POST /videos",
        lambda c, d, **o: c.videos.create(
            model="minimax/video-01-director",
            prompt="A hummingbird hovering over a red flower, slow motion",
            height=720,
            width=1280,
            seconds="6",
            fps=24,
            steps=30,
            seed=7,
            guidance_scale=8,
            output_format="MP4",
            output_quality=20,
            negative_prompt="low quality",
            frame_images=[{"input_image": "https://example.com/first.png", "frame": "first"}],
            **o,
        ),
    ),
    op("GET /videos/{id}", lambda c, d, **o: c.videos.retrieve("019a0068-794a-7213-90f6", **o)),
    # -- files -------------------------------------------------------------------------
    op(
        "POST /files/upload",
        lambda c, d, **o: c.files.upload(file=d.jsonl, purpose="fine-tune", **o),
    ),
    op("GET /files", lambda c, d, **o: c.files.list(**o)),
    op("GET /files/{id}", lambda c, d, **o: c.files.retrieve(FILE_ID, **o)),
    op("DELETE /files/{id}", lambda c, d, **o: c.files.delete(FILE_ID, **o)),
    op("GET /files/{id}/content", lambda c, d, **o: c.files.content(FILE_ID, **o)),
    # -- fine-tuning -------------------------------------------------------------------
    op("POST /fine-tunes", lambda c, d, **o: c.fine_tuning.create(**_fine_tune(), **o)),
    op("GET /fine-tunes", lambda c, d, **o: c.fine_tuning.list(**o)),
    op(
        "POST /fine-tunes/estimate-price",
        lambda c, d, **o: c.fine_tuning.estimate_price(
            training_file=FILE_ID,
            validation_file="file-629e58b4-ff73-438c-b2cc-f69542b27980",
            model=BASE_MODEL,
            n_epochs=3,
            n_evals=1,
            training_method={"method": "dpo", "dpo_beta": 0.1, "rpo_alpha": 0.5},
            training_type={"type": "Full"},
            **o,
        ),
    ),
    op("GET /fine-tunes/{id}", lambda c, d, **o: c.fine_tuning.retrieve(FT_ID, **o)),
    op("DELETE /fine-tunes/{id}", lambda c, d, **o: c.fine_tuning.delete(FT_ID, force=True, **o)),
    op("GET /fine-tunes/{id}/events", lambda c, d, **o: c.fine_tuning.list_events(FT_ID, **o)),
    op(
        "GET /fine-tunes/{id}/checkpoints",
        lambda c, d, **o: c.fine_tuning.list_checkpoints(FT_ID, **o),
    ),
    op("POST /fine-tunes/{id}/cancel", lambda c, d, **o: c.fine_tuning.cancel(FT_ID, **o)),
    op(
        "GET /finetune/download",
        lambda c, d, **o: c.fine_tuning.content(
            ft_id=FT_ID, checkpoint_step=100, checkpoint="merged", **o
        ),
    ),
    op("GET /fine-tunes/models/supported", lambda c, d, **o: c.fine_tuning.supported_models(**o)),
    op(
        "GET /fine-tunes/models/limits",
        lambda c, d, **o: c.fine_tuning.model_limits(model_name=BASE_MODEL, **o),
    ),
    # -- batches -----------------------------------------------------------------------
    op(
        "POST /batches",
        lambda c, d, **o: c.batches.create(
            endpoint="/v1/chat/completions",
            input_file_id=FILE_ID,
            completion_window="24h",
            priority=1,
            model_id=CHAT_MODEL,
            **o,
        ),
    ),
    op("GET /batches", lambda c, d, **o: c.batches.list(**o)),
    op("GET /batches/{id}", lambda c, d, **o: c.batches.retrieve(BATCH_ID, **o)),
    op("POST /batches/{id}/cancel", lambda c, d, **o: c.batches.cancel(BATCH_ID, **o)),
    # -- dedicated endpoints and hardware ---------------------------------------------
    op(
        "POST /endpoints",
        lambda c, d, **o: c.endpoints.create(
            model="deepseek-ai/DeepSeek-R1",
            hardware="1x_nvidia_a100_80gb_sxm",
            autoscaling={"min_replicas": 1, "max_replicas": 2},
            display_name="My R1 endpoint",
            disable_speculative_decoding=False,
            state="STARTED",
            inactive_timeout=60,
            availability_zone="us-central-4b",
            **o,
        ),
    ),
    op(
        "GET /endpoints",
        lambda c, d, **o: c.endpoints.list(
            type="dedicated", usage_type="on-demand", mine=True, **o
        ),
    ),
    op("GET /endpoints/{endpointId}", lambda c, d, **o: c.endpoints.retrieve(ENDPOINT_ID, **o)),
    op(
        "PATCH /endpoints/{endpointId}",
        lambda c, d, **o: c.endpoints.update(
            ENDPOINT_ID,
            display_name="Renamed endpoint",
            state="STOPPED",
            autoscaling={"min_replicas": 0, "max_replicas": 1},
            inactive_timeout=30,
            **o,
        ),
    ),
    op("DELETE /endpoints/{endpointId}", lambda c, d, **o: c.endpoints.delete(ENDPOINT_ID, **o)),
    op("GET /hardware", lambda c, d, **o: c.endpoints.list_hardware(model=CHAT_MODEL, **o)),
    op(
        "GET /clusters/availability-zones",
        lambda c, d, **o: c.endpoints.list_availability_zones(**o),
    ),
    # -- code interpreter --------------------------------------------------------------
    op(
        "POST /tci/execute",
        lambda c, d, **o: c.code_interpreter.execute(
            code="import data\nprint(data.total())",
            language="python",
            files=[
                {
                    "name": "data.py",
                    "encoding": "string",
                    "content": "def total():\n    return 3\n",
                },
                {"name": "pixel.png", "encoding": "base64", "content": "iVBORw0KGgo="},
            ],
            session_id="ses_abcDEF123",
            **o,
        ),
    ),
    op("GET /tci/sessions", lambda c, d, **o: c.code_interpreter.sessions.list(**o)),
    # -- evaluation --------------------------------------------------------------------
    op(
        "POST /evaluation",
        lambda c, d, **o: c.evaluation.create(
            type="classify",
            parameters={
                "judge": JUDGE,
                "labels": ["correct", "incorrect"],
                "pass_labels": ["correct"],
                "model_to_evaluate": _eval_model(),
                "input_data_file_path": FILE_ID,
            },
            **o,
        ),
    ),
    op("GET /evaluation", lambda c, d, **o: c.evaluation.list(status="completed", limit=10, **o)),
    op(
        "GET /evaluation/model-list",
        lambda c, d, **o: c.evaluation.list_models(model_source="serverless", **o),
    ),
    op("GET /evaluation/{id}", lambda c, d, **o: c.evaluation.retrieve(EVAL_ID, **o)),
    op("GET /evaluation/{id}/status", lambda c, d, **o: c.evaluation.status(EVAL_ID, **o)),
    # -- queue -------------------------------------------------------------------------
    op(
        "POST /queue/submit",
        lambda c, d, **o: c.queue.submit(
            model="acme/flux-worker",
            payload={"prompt": "a red bicycle", "steps": 20},
            info={"customer": "acme", "trace": "abc123"},
            priority=5,
            **o,
        ),
    ),
    op(
        "GET /queue/status",
        lambda c, d, **o: c.queue.retrieve(request_id="req-123", model="acme/flux-worker", **o),
    ),
    op(
        "POST /queue/cancel",
        lambda c, d, **o: c.queue.cancel(model="acme/flux-worker", request_id="req-123", **o),
    ),
    op("GET /queue/metrics", lambda c, d, **o: c.queue.metrics(model="acme/flux-worker", **o)),
    # -- GPU clusters ------------------------------------------------------------------
    op(
        "POST /compute/clusters",
        lambda c, d, **o: c.clusters.create(
            cluster_name="training-cluster",
            region="us-central-8",
            gpu_type="H100_SXM",
            num_gpus=16,
            driver_version="CUDA_12_6_560",
            billing_type="RESERVED",
            cluster_type="KUBERNETES",
            duration_days=7,
            shared_volume={"volume_name": "datasets", "size_tib": 2, "region": "us-central-8"},
            **o,
        ),
    ),
    op("GET /compute/clusters", lambda c, d, **o: c.clusters.list(**o)),
    op("GET /compute/clusters/{cluster_id}", lambda c, d, **o: c.clusters.retrieve("cl-123", **o)),
    op(
        "PUT /compute/clusters/{cluster_id}",
        lambda c, d, **o: c.clusters.update("cl-123", cluster_type="SLURM", num_gpus=24, **o),
    ),
    op("DELETE /compute/clusters/{cluster_id}", lambda c, d, **o: c.clusters.delete("cl-123", **o)),
    op("GET /compute/regions", lambda c, d, **o: c.clusters.list_regions(**o)),
    op(
        "POST /compute/clusters/storage/volumes",
        lambda c, d, **o: c.clusters.storage.create(
            volume_name="datasets", size_tib=2, region="us-central-8", **o
        ),
    ),
    op("GET /compute/clusters/storage/volumes", lambda c, d, **o: c.clusters.storage.list(**o)),
    op(
        "PUT /compute/clusters/storage/volumes",
        lambda c, d, **o: c.clusters.storage.update(volume_id="vol-123", size_tib=4, **o),
    ),
    op(
        "GET /compute/clusters/storage/volumes/{volume_id}",
        lambda c, d, **o: c.clusters.storage.retrieve("vol-123", **o),
    ),
    op(
        "DELETE /compute/clusters/storage/volumes/{volume_id}",
        lambda c, d, **o: c.clusters.storage.delete("vol-123", **o),
    ),
    # -- deployments (containers), their secrets, volumes and storage ------------------
    op("POST /deployments", lambda c, d, **o: c.deployments.create(**_deployment(), **o)),
    op("GET /deployments", lambda c, d, **o: c.deployments.list(**o)),
    op("GET /deployments/{id}", lambda c, d, **o: c.deployments.retrieve("sentiment-api", **o)),
    op(
        "PATCH /deployments/{id}",
        lambda c, d, **o: c.deployments.update(
            "sentiment-api",
            image="registry.together.ai/acme/sentiment:1.5.0",
            description="Sentiment analysis service, v1.5",
            cpu=8,
            memory=64,
            port=8080,
            health_check_path="/healthz",
            min_replicas=2,
            max_replicas=6,
            gpu_type="h100-80gb",
            environment_variables=[{"name": "LOG_LEVEL", "value": "debug"}],
            autoscaling={"metric": "QueueBacklogPerWorker", "target": 5, "model": "acme/sentiment"},
            **o,
        ),
    ),
    op("DELETE /deployments/{id}", lambda c, d, **o: c.deployments.delete("sentiment-api", **o)),
    op(
        "GET /deployments/{id}/logs",
        lambda c, d, **o: c.deployments.logs("sentiment-api", replica_id="replica-0", **o),
    ),
    op(
        "POST /deployments/secrets",
        lambda c, d, **o: c.deployments.secrets.create(
            name="hf-token",
            value="hf_example_token",
            description="Hugging Face read token",
            project_id="proj-123",
            **o,
        ),
    ),
    op("GET /deployments/secrets", lambda c, d, **o: c.deployments.secrets.list(**o)),
    op(
        "GET /deployments/secrets/{id}",
        lambda c, d, **o: c.deployments.secrets.retrieve("sec-123", **o),
    ),
    op(
        "PATCH /deployments/secrets/{id}",
        lambda c, d, **o: c.deployments.secrets.update(
            "sec-123", value="hf_rotated_token", description="rotated", **o
        ),
    ),
    op(
        "DELETE /deployments/secrets/{id}",
        lambda c, d, **o: c.deployments.secrets.delete("sec-123", **o),
    ),
    op(
        "POST /deployments/storage/volumes",
        lambda c, d, **o: c.deployments.volumes.create(
            name="weights",
            type="readOnly",
            content={"type": "files", "source_prefix": "models/"},
            **o,
        ),
    ),
    op("GET /deployments/storage/volumes", lambda c, d, **o: c.deployments.volumes.list(**o)),
    op(
        "GET /deployments/storage/volumes/{id}",
        lambda c, d, **o: c.deployments.volumes.retrieve("weights", **o),
    ),
    op(
        "PATCH /deployments/storage/volumes/{id}",
        lambda c, d, **o: c.deployments.volumes.update(
            "weights",
            name="weights-v2",
            type="readOnly",
            content={"type": "files", "source_prefix": "models/v2/"},
            **o,
        ),
    ),
    op(
        "DELETE /deployments/storage/volumes/{id}",
        lambda c, d, **o: c.deployments.volumes.delete("weights", **o),
    ),
    op(
        "GET /deployments/storage/{filename}",
        lambda c, d, **o: c.deployments.storage.download("model.safetensors", **o),
    ),
    # -- reinforcement learning --------------------------------------------------------
    op(
        "POST /rl/training-sessions",
        lambda c, d, **o: c.rl.sessions.create(
            base_model="meta-llama/Meta-Llama-3-8B-Instruct",
            lora_config={"rank": 8, "alpha": 16, "dropout": 0.05},
            resume_from_checkpoint_id="123e4567-e89b-12d3-a456-426614174000",
            **o,
        ),
    ),
    op(
        "GET /rl/training-sessions",
        lambda c, d, **o: c.rl.sessions.list(
            status="TRAINING_SESSION_STATUS_RUNNING", limit=20, after="cursor-1", **o
        ),
    ),
    op(
        "GET /rl/training-sessions/{session_id}",
        lambda c, d, **o: c.rl.sessions.retrieve(SESSION_ID, **o),
    ),
    op(
        "POST /rl/training-sessions/{session_id}/stop",
        lambda c, d, **o: c.rl.sessions.stop(SESSION_ID, **o),
    ),
    op(
        "POST /rl/training-sessions/{session_id}/operations/forward-backward",
        lambda c, d, **o: c.rl.operations.forward_backward(
            SESSION_ID,
            samples=[_training_sample()],
            loss={
                "type": "LOSS_TYPE_GRPO",
                "grpo_params": {
                    "clip_low": 0.2,
                    "clip_high": 0.28,
                    "beta": 0.0,
                    "agg_type": "GRPO_LOSS_AGGREGATION_TYPE_TOKEN_MEAN",
                },
            },
            **o,
        ),
    ),
    op(
        "GET /rl/training-sessions/{session_id}/operations/forward-backward/{operation_id}",
        lambda c, d, **o: c.rl.operations.retrieve_forward_backward(
            OPERATION_ID, session_id=SESSION_ID, **o
        ),
    ),
    op(
        "POST /rl/training-sessions/{session_id}/operations/optim-step",
        lambda c, d, **o: c.rl.operations.optim_step(
            SESSION_ID,
            learning_rate=1e-5,
            adamw_params={"beta1": 0.9, "beta2": 0.95, "eps": 1e-8, "weight_decay": 0.01},
            **o,
        ),
    ),
    op(
        "GET /rl/training-sessions/{session_id}/operations/optim-step/{operation_id}",
        lambda c, d, **o: c.rl.operations.retrieve_optim_step(
            OPERATION_ID, session_id=SESSION_ID, **o
        ),
    ),
    op(
        "POST /rl/training-sessions/{session_id}/operations/sample",
        lambda c, d, **o: c.rl.operations.sample(
            SESSION_ID,
            prompt={"chunks": [{"encoded_text": {"tokens": TOKENS}}]},
            sampling_params={
                "max_tokens": 100,
                "temperature": 1.0,
                "top_p": 1.0,
                "top_k": -1,
                "stop": ["\n"],
                "seed": "42",
            },
            num_samples=4,
            **o,
        ),
    ),
    op(
        "GET /rl/training-sessions/{session_id}/operations/sample/{operation_id}",
        lambda c, d, **o: c.rl.operations.retrieve_sample(OPERATION_ID, session_id=SESSION_ID, **o),
    ),
    op(
        "POST /rl/training-sessions/{session_id}/operations/inference-checkpoint",
        lambda c, d, **o: c.rl.operations.create_inference_checkpoint(SESSION_ID, **o),
    ),
    op(
        "GET /rl/training-sessions/{session_id}/operations/inference-checkpoint/{operation_id}",
        lambda c, d, **o: c.rl.operations.retrieve_inference_checkpoint(
            OPERATION_ID, session_id=SESSION_ID, **o
        ),
    ),
    op(
        "POST /rl/training-sessions/{session_id}/operations/training-checkpoint",
        lambda c, d, **o: c.rl.operations.create_training_checkpoint(SESSION_ID, **o),
    ),
    op(
        "GET /rl/training-sessions/{session_id}/operations/training-checkpoint/{operation_id}",
        lambda c, d, **o: c.rl.operations.retrieve_training_checkpoint(
            OPERATION_ID, session_id=SESSION_ID, **o
        ),
    ),
    op(
        "GET /rl/checkpoints/{id}/download",
        lambda c, d, **o: c.rl.checkpoints.download(
            "ckpt-123", variant="CHECKPOINT_VARIANT_ADAPTER", **o
        ),
    ),
]
