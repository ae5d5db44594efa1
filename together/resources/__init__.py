"""The namespaces whose methods do more than their operation's description says: each
class defines only those methods; the rest are derived from the spec (``_namespaces``)."""

from __future__ import annotations

from typing import Any

from .batches import Batches
from .chat import ChatCompletions
from .deployments import Storage as DeploymentStorage
from .endpoints import Endpoints
from .evaluation import Evaluation
from .files import Files
from .fine_tuning import FineTuning
from .media import Models, Speech, Transcriptions, Translations

# namespace path → its hand-written class
CLASSES: dict[str, type[Any]] = {
    "audio.speech": Speech,
    "audio.transcriptions": Transcriptions,
    "audio.translations": Translations,
    "batches": Batches,
    "chat.completions": ChatCompletions,
    "deployments.storage": DeploymentStorage,
    "endpoints": Endpoints,
    "evaluation": Evaluation,
    "files": Files,
    "fine_tuning": FineTuning,
    "models": Models,
}
