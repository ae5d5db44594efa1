"""User code as the README writes it (sync): must pass mypy --strict and pyright."""

from __future__ import annotations

import together
from together import Together

client = Together(api_key="k")

response = client.chat.completions.create(
    model="meta-llama/Llama-3.3-70B-Instruct-Turbo",
    messages=[{"role": "user", "content": "Say hi"}],
    max_tokens=5,
)
print(response.choices)
# An optional field of a result is `X | None`: absent from the answer, it reads as None.
usage = response.usage
if usage is not None:
    print(usage.total_tokens)

history = [{"role": "user", "content": "hi"}]
again = client.chat.completions.create(model="m", messages=history)
print(again.id)

with client.chat.completions.create(model="m", messages=history, stream=True) as stream:
    for chunk in stream:
        print(chunk.choices)

embedding = client.embeddings.create(model="m", input=["a", "b"])
print(embedding.data)

for job in client.batches.list():
    print(job.id, job.status)

uploaded = client.files.upload("data.jsonl", purpose="fine-tune", check=False)
print(uploaded.id)
job = client.batches.retrieve("batch-1", timeout=10)
print(job.status)

try:
    client.models.list()
except together.APIStatusError as exc:
    print(exc.status_code, exc.request_id)

# Waiting for long-running jobs (README: Waiting for long-running jobs)
ft = client.fine_tuning.create(model="m", training_file="file-abc")
try:
    done = client.fine_tuning.wait(
        ft,
        timeout=6 * 3600,
        on_update=lambda j: print(j.status),
        on_event=lambda e: print(e.created_at, e.message),
    )
    print(done.model_output_name)
except together.JobFailedError as failed:
    print(failed, failed.job.status)
except together.WaitTimeoutError as late:
    print("still", late.status)

endpoint = client.endpoints.wait("endpoint-123")
print(endpoint.state)
stopped = client.endpoints.wait("endpoint-123", until="STOPPED")
print(stopped.name)
gone: None = client.endpoints.wait("endpoint-123", until="deleted")
batch = client.batches.wait(job, poll_interval=30)
print(batch.output_file_id)

# Results as the official SDKs' users handle them; builtin-named fields by their JSON name.
body: dict[str, object] = again.model_dump()
print(again.model_dump_json(indent=2), again.to_json(), again.dict(), again.json())
print(again["choices"], dict(again), "usage" in again)
print([m.id for m in client.models.list() if m.type == "chat"], again.object)
print(client.files.retrieve("file-1").bytes + 1)
