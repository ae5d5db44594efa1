"""``client.beta``: where the official SDK 3.x puts deployments (``beta.jig``) and GPU
clusters (``beta.clusters``). The same resources as ``client.deployments`` and
``client.clusters``, under the 3.x names."""

from __future__ import annotations

from .._resource import M, Resource
from .clusters import Clusters
from .deployments import Deployments
from .queue import Queue


class Jig(Deployments[M]):
    """Deployments, with the queue of their jobs (``queue``) as 3.x has it."""

    def __init__(self, transport: M) -> None:
        super().__init__(transport)
        self.queue: Queue[M] = Queue(transport)


class Beta(Resource[M]):
    def __init__(self, transport: M) -> None:
        super().__init__(transport)
        self.jig: Jig[M] = Jig(transport)
        self.clusters: Clusters[M] = Clusters(transport)
