"""Every HTTP operation of the pinned spec is reachable through a client method.

The map is read from the code: each ``@operation`` method names the generated endpoint
module it calls; the generated module says which METHOD and path it sends.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from generator.inventory import endpoint_modules, is_websocket, normalize, spec_operations
from generator.specfile import load_yaml
from together import AsyncTogether, Together
from together._resource import Resource, operation

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "build" / "spec" / "together-openapi.yaml"
_ENDPOINT_NAME = re.compile(r"""["']([a-z_]+\.[a-z_0-9]+)["']""")


def method_map(client: object) -> dict[str, str]:
    """``"files.upload"`` → generated module, for every operation on the client."""
    found: dict[str, str] = {}
    seen: set[int] = set()

    def walk(obj: object, prefix: str) -> None:
        if id(obj) in seen:
            return
        seen.add(id(obj))
        for name in dir(type(obj)):
            attr = inspect.getattr_static(type(obj), name)
            if isinstance(attr, operation):
                source = inspect.getsource(attr._function)
                for module in _ENDPOINT_NAME.findall(source):
                    found.setdefault(f"{prefix}{name}", f"together_generated.api.{module}")
        for name, value in vars(obj).items():
            if isinstance(value, Resource) and not name.startswith("_"):
                walk(value, f"{prefix}{name}.")

    walk(client, "")
    return found


def reached_operations(client: object) -> dict[tuple[str, str], list[str]]:
    modules = {module: key for key, module in endpoint_modules(ROOT / "together_generated").items()}
    reached: dict[tuple[str, str], list[str]] = {}
    for method, module in method_map(client).items():
        if module in modules:
            reached.setdefault(modules[module], []).append(method)
    return reached


@pytest.fixture(scope="module")
def http_operations() -> list[tuple[str, str]]:
    spec = load_yaml(SPEC)
    return sorted(
        (method, path)
        for (method, path), op in spec_operations(spec).items()
        if not is_websocket(op)
    )


@pytest.mark.parametrize("client_class", [Together, AsyncTogether])
def test_every_http_operation_has_a_client_method(client_class, http_operations):
    client = client_class(api_key="k")
    reached = reached_operations(client)
    missing = [f"{m} {p}" for m, p in http_operations if (m, normalize(p)) not in reached]
    assert len(http_operations) == 96
    assert not missing, f"{len(missing)} operations have no client method:\n" + "\n".join(missing)


def test_sync_and_async_clients_have_the_same_methods():
    assert method_map(Together(api_key="k")) == method_map(AsyncTogether(api_key="k"))


def print_table() -> None:  # pragma: no cover - `python -m tests.test_inventory` for the docs
    reached = reached_operations(Together(api_key="k"))
    spec_paths = {(m, normalize(p)): p for m, p in spec_operations(load_yaml(SPEC))}
    for (method, path), names in sorted(reached.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        shown = spec_paths.get((method, path), path)
        print(f"| `{method} {shown}` | {', '.join(f'`{n}`' for n in sorted(names))} |")


if __name__ == "__main__":
    print_table()
