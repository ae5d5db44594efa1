"""Every HTTP operation of the spec in use is a method of both clients, named by the
operation table (``together/_table.py``) or, when the table doesn't name it, by the rule
in ``together/_naming.py``; the method reference (together/REFERENCE.md, written by
``make generate`` with together/_reference.py) lists them all.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.inventory import is_websocket, spec_operations
from generator.spec import fetch
from generator.specfile import load_yaml
from together import AsyncTogether, Together
from together._namespaces import layout, unnamed
from together._table import NAMES, NAMESPACE_ALIASES
from together_generated.operations import OPERATIONS

pytestmark = pytest.mark.needs_generator

ROOT = Path(__file__).resolve().parent.parent


def resolve(client: object, dotted: str) -> object:
    obj = client
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def method_names() -> dict[str, list[str]]:
    """``"POST /batches"`` → every dotted method name that sends it."""
    names: dict[str, list[str]] = {}
    for namespace, methods in layout().items():
        for method, entry in methods.items():
            names.setdefault(entry.info.key, []).append(f"{namespace}.{method}")
    return names


def test_the_index_has_every_http_operation_of_the_spec():
    spec = load_yaml(fetch())  # the pinned spec, or $TOGETHER_SPEC_FILE
    http = {f"{m} {p}" for (m, p), op in spec_operations(spec).items() if not is_websocket(op)}
    assert {i.key for i in OPERATIONS if not i.websocket} == http


@pytest.mark.parametrize("client_class", [Together, AsyncTogether])
def test_every_http_operation_has_a_client_method(client_class):
    client = client_class(api_key="k")
    names = method_names()
    missing = [i.key for i in OPERATIONS if not i.websocket and i.key not in names]
    assert not missing, f"{len(missing)} operations have no client method: {missing}"
    for dotted in (n for group in names.values() for n in group):
        assert callable(resolve(client, dotted)), dotted


@pytest.mark.skipif(
    bool(os.environ.get("TOGETHER_SPEC_FILE")), reason="a candidate spec is in use, not the pin"
)
def test_the_table_names_operations_of_the_pinned_spec():
    # A name the spec no longer has is skipped at run time; at the pin there are none.
    keys = {i.key for i in OPERATIONS}
    assert sorted(set(NAMES) - keys) == []
    assert unnamed() == []


def test_namespace_aliases_are_the_same_objects():
    client = Together(api_key="k")
    for alias, target in NAMESPACE_ALIASES.items():
        assert resolve(client, alias) is resolve(client, target), alias


def test_sync_and_async_clients_have_the_same_methods():
    def methods(client: object) -> set[str]:
        found = set()
        for namespace in layout():
            obj = resolve(client, namespace)
            found |= {f"{namespace}.{n}" for n in dir(obj) if not n.startswith("_")}
        return found

    assert methods(Together(api_key="k")) == methods(AsyncTogether(api_key="k"))


def test_an_operation_the_table_does_not_name_is_still_a_method(tmp_path):
    # In a fresh interpreter: the table loses a name before any client is built.
    import subprocess
    import sys

    code = (
        "import together._table as t\n"
        "del t.NAMES['GET /batches/{id}']\n"
        "from together import Together\n"
        "from together._namespaces import unnamed\n"
        "c = Together(api_key='k')\n"
        "print([i.key for i in unnamed()], callable(c.batches.retrieve),"
        " hasattr(c.batches, 'get_batches_id'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    # Named by the rule (together/_naming.py) as the table would: GET on an item.
    assert out.strip() == "['GET /batches/{id}'] True False"


def test_the_method_reference_lists_every_method_under_its_namespace():
    from together._reference import render

    sections = {}
    for part in render().split("\n## `")[1:]:
        namespace, _, rows = part.partition("`")
        sections[namespace] = rows
    for namespace, methods in layout().items():
        for method, entry in methods.items():
            assert f"`{method}`" in sections[namespace], f"{namespace}.{method}"
            assert f"`{entry.info.key}`" in sections[namespace], entry.info.key


@pytest.mark.skipif(
    bool(os.environ.get("TOGETHER_SPEC_FILE")), reason="a candidate spec is in use, not the pin"
)
def test_the_committed_method_reference_is_what_make_generate_writes():
    from together._reference import OUTPUT, render

    assert OUTPUT.read_text() == render(), "run `make generate` and commit together/REFERENCE.md"
