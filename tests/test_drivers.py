"""One way to run a method: a method returns an effect and its client's driver does it.
Only the drivers (and the clients, which pick theirs) know which client they are on."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import together
from together._drivers import AsyncDriver, Local, SyncDriver
from together._resource import OwnSignature, method
from together._transport import AsyncTransport
from together.resources import CLASSES

pytestmark = pytest.mark.anyio

PACKAGE = Path(together.__file__).parent

# Where the kind of client may be named at run time: the drivers; the transports (one
# per kind) and the http client they wrap; the clients, which build their own; the
# stub writer, which writes one class per kind at build time.
ALLOWED = {"_drivers.py", "_transport.py", "_aiohttp.py", "_client.py", "_stubgen.py"}
# Names that say which client code runs on.
KIND = {
    "AsyncTransport",
    "SyncTransport",
    "AsyncDriver",
    "SyncDriver",
    "AsyncClient",
    "is_async",
    "as_async",
    "AsyncOnly",
}


def _typing_only(tree: ast.Module) -> set[int]:
    """ids of the nodes under ``if TYPE_CHECKING:`` and in annotations (never run)."""
    skipped: set[int] = set()

    def skip(node: ast.AST | None) -> None:
        if node is not None:
            skipped.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            for child in node.body:
                skip(child)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            skip(node.returns)
            for arg in [*node.args.args, *node.args.posonlyargs, *node.args.kwonlyargs]:
                skip(arg.annotation)
            skip(node.args.vararg and node.args.vararg.annotation)
            skip(node.args.kwarg and node.args.kwarg.annotation)
        elif isinstance(node, ast.AnnAssign):
            skip(node.annotation)
    return skipped


def kind_references(source: str) -> list[str]:
    """Where ``source`` names a kind of client in code that runs."""
    tree = ast.parse(source)
    skipped = _typing_only(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        name = None
        if isinstance(node, ast.Name):
            name = node.id
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            name = node.name
        elif isinstance(node, ast.alias):
            name = node.asname or node.name.rpartition(".")[2]
        elif isinstance(node, ast.Attribute) and node.attr in KIND - {"is_async"}:
            name = node.attr  # (httpx.AsyncClient; a tool's own ``is_async`` is its kind)
        if name in KIND:
            found.append(f"line {getattr(node, 'lineno', '?')}: {name}")
    return found


def test_no_code_outside_the_drivers_asks_which_client_it_is_on():
    offenders = {
        str(path.relative_to(PACKAGE)): found
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name not in ALLOWED or path.parent != PACKAGE
        if (found := kind_references(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


@pytest.mark.parametrize(
    "code",
    [
        "from ._upload import is_async\nif is_async(self): pass",
        "if isinstance(obj._transport, AsyncTransport): pass",
        "cls = AsyncStream if x else Stream\nstream = as_async(stream)",
        "import httpx\nasync_ = isinstance(client, httpx.AsyncClient)",
    ],
)
def test_the_scan_finds_a_branch_on_the_client(code):
    assert kind_references(code) != []


def test_the_scan_ignores_types_and_a_tools_own_kind():
    code = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from ._transport import AsyncTransport\n"
        "def f(x: Resource[AsyncTransport]) -> AsyncTransport: ...\n"
        "tool.is_async = True\n"
    )
    assert kind_references(code) == []


async def test_an_async_call_is_the_transports_own_coroutine(aclient):
    # (per-call CPU: no frame of the driver's between the method and the transport)
    pending = aclient.chat.completions.create(model="m", messages=[])
    try:
        assert pending.cr_code is AsyncTransport.send.__code__
    finally:
        pending.close()


def test_a_method_that_gives_no_effect_is_a_type_error(client):
    with pytest.raises(TypeError, match="a method gave int, which is not an effect"):
        client._driver.run(42)


def test_together_refuses_an_async_function_as_local_work(client):
    async def fetch() -> str:
        return "x"

    with pytest.raises(TypeError, match="'fetch' is an async function; use AsyncTogether"):
        client._driver.run(Local(fetch))


async def test_async_together_awaits_an_async_function_and_threads_a_plain_one(aclient):
    import threading

    async def fetch() -> str:
        return "awaited"

    assert await aclient._driver.run(Local(fetch)) == "awaited"
    ran_in = await aclient._driver.run(Local(threading.get_ident))
    assert ran_in != threading.get_ident()


async def test_each_client_has_one_driver_shared_by_its_namespaces(client, aclient):
    assert type(client._driver) is SyncDriver and type(aclient._driver) is AsyncDriver
    for api in (client, aclient):
        assert api.chat.completions._driver is api.files._driver is api._driver
        assert api._driver.transport is api._transport


def _hand_written() -> list[tuple[str, str]]:
    return [
        (path, name)
        for path, cls in CLASSES.items()
        for name, value in vars(cls).items()
        # (those whose signature is made otherwise, a session's connect from its
        # operation's shape and a wait from the status table, are in test_signatures.py)
        if isinstance(value, method)
        and value.operation_info is None
        and (value.signature is None or isinstance(value.signature, OwnSignature))
    ]


@pytest.mark.parametrize(("path", "name"), _hand_written())
async def test_a_hand_written_method_shows_its_own_signature(client, aclient, path, name):
    cls = CLASSES[path]
    function = vars(cls)[name]._function
    own = list(inspect.signature(function).parameters.values())[1:]  # less self
    for api in (client, aclient):
        bound = getattr(api, path.split(".")[0])
        for part in path.split(".")[1:]:
            bound = getattr(bound, part)
        shown = inspect.signature(getattr(bound, name))
        # (names, kinds and defaults: a helper's **params is typed as what it passes on)
        assert [(p.name, p.kind, p.default) for p in shown.parameters.values()] == [
            (p.name, p.kind, p.default) for p in own
        ]
        assert not str(shown.return_annotation).startswith(("Call[", "Script["))
