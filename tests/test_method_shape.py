"""One shape per method, and everything that needs it agrees with it: the run-time
binding, ``inspect.signature``, the stub, the command line and the realtime sessions."""

from __future__ import annotations

import argparse
import ast
import inspect
from pathlib import Path

import pytest

import together
from together import AsyncTogether, Together
from together._cli.parsing import add_operation, call_arguments, new_parser
from together._namespaces import hook_of, layout, namespace_class, shape_of
from together._shape import Shape, describe

from .support.bodies import MESSAGES, MODEL, chat_completion

STUB = Path(together.__file__).with_name("_api.pyi")
DERIVED = [
    (path, name, entry)
    for path, methods in layout().items()
    for name, entry in methods.items()
    # (hand-written methods have their own tests)
    if getattr(vars(namespace_class(path))[name], "operation_info", None) is not None
]


def _method(client: object, path: str, name: str) -> object:
    target = client
    for part in path.split("."):
        target = getattr(target, part)
    return getattr(target, name)


def _stub_methods() -> dict[tuple[str, str], ast.FunctionDef | ast.AsyncFunctionDef]:
    """(class, method) → the stub's definition (of an overloaded method, its last form:
    ``stream: bool``, which takes every argument)."""
    found = {}
    for node in ast.parse(STUB.read_text()).body:
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    found[node.name, item.name] = item
    return found


def _class(path: str, is_async: bool) -> str:
    return ("Async" if is_async else "Sync") + "".join(
        part.title().replace("_", "") for part in path.split(".")
    )


@pytest.fixture(scope="module")
def clients():
    sync, asynchronous = Together(api_key="k"), AsyncTogether(api_key="k")
    yield sync, asynchronous
    sync.close()


@pytest.mark.parametrize(("path", "name", "entry"), DERIVED, ids=lambda v: str(v)[:40])
def test_signature_stub_and_binding_take_the_shapes_arguments(clients, path, name, entry):
    shape = shape_of(entry, f"{path}.{name}")
    hook = hook_of(namespace_class(path), name)
    shown_positional, shown_keywords = shape.arguments(hook)
    positional = [a.name for a in shown_positional]
    keywords = [a.name for a in shown_keywords]
    stub = _stub_methods()
    for client in clients:
        is_async = isinstance(client, AsyncTogether)
        shown = inspect.signature(_method(client, path, name)).parameters.values()
        assert [p.name for p in shown if p.kind is p.POSITIONAL_OR_KEYWORD] == positional
        assert [p.name for p in shown if p.kind is p.KEYWORD_ONLY] == keywords
        assert [p.name for p in shown if p.kind is p.VAR_KEYWORD] == ["options"]
        written = stub[_class(path, is_async), name].args
        assert [a.arg for a in written.args[1:]] == positional
        assert sorted(a.arg for a in written.kwonlyargs) == sorted(keywords)
    # The binding takes what the signature shows: the positionals, then every keyword.
    values = {a.name: "x" for a in (*shape.positional, *shape.keywords)}
    params = {k: v for k, v in values.items() if k not in positional}
    path_values = shape.bind(tuple(values[n] for n in positional), params)
    assert set(path_values) == {p.python_name for p in shape.path}


@pytest.mark.parametrize(("path", "name", "entry"), DERIVED, ids=lambda v: str(v)[:40])
def test_a_command_gives_the_method_what_its_signature_takes(clients, path, name, entry):
    shape = shape_of(entry, f"{path}.{name}")
    parser = new_parser("together test", "", None)
    params = add_operation(parser, shape)
    positionals = [a.dest for a in parser._actions if not a.option_strings]
    assert positionals == [a.parameter.python_name for a in shape.commands]
    # Every command argument and option given: the method accepts what the command passes.
    args = argparse.Namespace(**{p.python_name: "x" for p in params})
    first, keywords = call_arguments(args, params, shape)
    inspect.signature(_method(clients[0], path, name)).bind(*first, **keywords)
    shape.bind(tuple(first), dict(keywords))


def test_more_positionals_than_the_signature_shows_are_refused(client, httpserver):
    shape = shape_of(layout()["rl.training_sessions"]["retrieve_sample"], "x")
    assert [a.name for a in shape.positional] == ["operation_id"]
    assert [a.parameter.python_name for a in shape.commands] == ["session_id", "operation_id"]
    method = client.rl.training_sessions.retrieve_sample
    with pytest.raises(TypeError, match=r"takes 1 positional argument\(s\) \(operation_id\), 2"):
        method("s-1", "o-1")
    assert httpserver.log == []


def test_not_given_is_left_out(client, httpserver):
    httpserver.expect_request("/v1/chat/completions", method="POST").respond_with_json(
        chat_completion()
    )
    create = client.chat.completions.create
    assert inspect.signature(create).parameters["max_tokens"].default is together.NOT_GIVEN
    create(model=MODEL, messages=MESSAGES, max_tokens=together.NOT_GIVEN)
    assert httpserver.log[0][0].get_json() == {"model": MODEL, "messages": MESSAGES}


def test_a_realtime_sessions_query_is_checked_by_its_shape():
    from together._realtime import _query

    op = describe("audio.realtime_transcription")
    shape = Shape(op, "audio.transcriptions.connect")
    with pytest.raises(
        TypeError, match="unexpected keyword argument 'modle'; did you mean 'model'"
    ):
        _query(op, {"modle": "m"}, "audio.transcriptions.connect")
    assert "model" in {a.name for a in shape.keywords}
    query = _query(op, {"model": "m"}, "audio.transcriptions.connect")
    assert query["params"]["model"] == "m"


@pytest.mark.parametrize("helper", ["parse", "stream", "run_tools", "run_tools_stream"])
def test_a_chat_helper_passes_on_creates_arguments_as_its_stub_types_them(helper):
    cls = namespace_class("chat.completions")
    named = set(inspect.signature(vars(cls)[helper]._function).parameters)
    create = shape_of(layout()["chat.completions"]["create"], "chat.completions.create")
    expected = {a.name for a in create.keywords} - named - {"stream"}
    title = "ChatCompletions" + helper.title().replace("_", "") + "Arguments"
    stub = ast.parse(STUB.read_text()).body
    aliases = {t.id: n.value.id for n in stub if isinstance(n, ast.Assign) for t in n.targets}  # type: ignore[attr-defined]
    classes = {node.name: node for node in stub if isinstance(node, ast.ClassDef)}

    def fields(name: str) -> set[str]:  # a TypedDict's keys, its bases' included
        if name == "CallOptions":
            return set()
        typed = classes[aliases.get(name, name)]
        own = {item.target.id for item in typed.body if isinstance(item, ast.AnnAssign)}  # type: ignore[union-attr]
        return own.union(*(fields(ast.unparse(base)) for base in typed.bases))

    assert fields(title) == expected
    assert expected >= {"max_tokens", "temperature"}
