"""The code interpreter (TCI): run code, list sessions."""

from __future__ import annotations

from .._resource import M, Resource


class CodeInterpreter(Resource[M]):
    pass
