"""Methods show and check their arguments: signatures from the operations' descriptions,
an unknown keyword refused before anything is sent, naming the nearest valid one."""

from __future__ import annotations

import ast
import inspect
import json
import textwrap
from pathlib import Path

import pytest

import together
from together import AsyncTogether, Together


def test_a_derived_method_shows_the_specs_fields_in_its_signature():
    client = Together(api_key="k")
    signature = inspect.signature(client.chat.completions.create)
    params = signature.parameters
    assert params["model"].kind is inspect.Parameter.KEYWORD_ONLY
    assert params["model"].default is inspect.Parameter.empty  # required
    assert params["max_tokens"].default is not inspect.Parameter.empty  # optional
    assert params["max_tokens"].annotation == "int | None"  # None: not given
    assert params["options"].kind is inspect.Parameter.VAR_KEYWORD
    retrieve = inspect.signature(client.batches.retrieve).parameters
    assert list(retrieve) == ["id", "options"]
    doc = client.chat.completions.create.__doc__ or ""
    assert doc.startswith("POST /chat/completions: Create chat completion")
    assert "Returns ChatCompletionResponse" in doc and "Stream of ChatCompletionChunk" in doc


@pytest.mark.parametrize(
    ("call", "wrong", "nearest"),
    [
        (
            lambda c: c.chat.completions.create(model="m", messages=[], max_token=5),
            "max_token",
            "max_tokens",
        ),
        (
            lambda c: c.chat.completions.create(model="m", messages=[], temprature=0.5),
            "temprature",
            "temperature",
        ),
        (lambda c: c.batches.retrieve("b-1", time_out=1), "time_out", "timeout"),
    ],
)
def test_an_unknown_keyword_is_refused_naming_the_nearest(client, httpserver, call, wrong, nearest):
    with pytest.raises(
        TypeError, match=f"unexpected keyword argument '{wrong}'; did you mean '{nearest}'"
    ):
        call(client)
    assert httpserver.log == []


def test_a_field_is_taken_by_its_spec_name_or_its_python_name(client, httpserver):
    httpserver.expect_request("/v1/embeddings", method="POST").respond_with_json(
        {"object": "list", "model": "m", "data": []}
    )
    client.embeddings.create(model="m", input="a")
    client.embeddings.create(model="m", input_="b")
    sent = [json.loads(request.get_data()) for request, _ in httpserver.log]
    assert sent == [{"model": "m", "input": "a"}, {"model": "m", "input": "b"}]


def test_a_field_the_spec_lacks_goes_in_extra_body(client, httpserver):
    httpserver.expect_request("/v1/embeddings", method="POST").respond_with_json(
        {"object": "list", "model": "m", "data": []}
    )
    client.embeddings.create(model="m", input="a", extra_body={"encoding_format": "base64"})
    sent = json.loads(httpserver.log[0][0].get_data())
    assert sent == {"model": "m", "input": "a", "encoding_format": "base64"}


@pytest.mark.anyio
async def test_the_async_client_streams_an_async_stream_that_a_plain_for_refuses(httpserver):
    events = b'data: {"id": "1", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": []}\n\ndata: [DONE]\n\n'
    httpserver.expect_request("/v1/chat/completions").respond_with_data(
        events, content_type="text/event-stream"
    )
    async with AsyncTogether(api_key="k", base_url=httpserver.url_for("/v1")) as client:
        stream = await client.chat.completions.create(model="m", messages=[], stream=True)
        assert isinstance(stream, together.AsyncStream)
        with pytest.raises(TypeError, match="not iterable"):
            iter(stream)  # type: ignore[call-overload]
        async with stream:
            assert [chunk.id async for chunk in stream] == ["1"]


# -- every public method: a real signature, the one the stub gives ---------------------------
OPTIONS = ("Unpack[CallOptions]", "Unpack[SessionOptions]")  # (realtime sessions: fewer)


def _public_methods(client: object) -> list[tuple[str, str, object, object]]:
    """(namespace path, name, namespace, bound method) for every public method of every
    namespace (an aliased namespace under its own path)."""
    from together._namespaces import layout
    from together._resource import Resource

    found = []
    for path in layout():
        namespace = client
        for part in path.split("."):
            namespace = getattr(namespace, part)
        for name in sorted(dir(namespace)):
            if name.startswith("_") or name in ("with_raw_response", "with_streaming_response"):
                continue
            value = getattr(namespace, name)
            if callable(value) and not isinstance(value, Resource):
                found.append((path, name, namespace, value))
    return found


def _written(namespace: object, path: str, name: str, is_async: bool) -> ast.arguments:
    """The arguments the stub gives ``name``: its own class in ``_api.pyi``, else (a
    hand-written method, inherited there) the class that defines it; of an overloaded
    method, the last form."""
    stub = ast.parse(STUB.read_text())
    title = ("Async" if is_async else "Sync") + "".join(
        part.title().replace("_", "") for part in path.split(".")
    )
    classes = [node for node in stub.body if isinstance(node, ast.ClassDef)]
    for node in classes:
        if node.name == title:
            defs = [d for d in node.body if isinstance(d, DEFS) and d.name == name]
            if defs:
                return _last_form(defs).args
    owner = next(c for c in type(namespace).__mro__ if name in vars(c))
    source = ast.parse(Path(inspect.getfile(owner)).read_text())
    cls = next(
        n for n in ast.walk(source) if isinstance(n, ast.ClassDef) and n.name == owner.__name__
    )
    defs = [d for d in ast.walk(cls) if isinstance(d, DEFS) and d.name == name]
    if not defs:  # ``run_tools = method(_run_tools)``: the function's own definition
        function = vars(owner)[name]._function
        defs = [ast.parse(textwrap.dedent(inspect.getsource(function))).body[0]]
    return _last_form(defs).args


def _last_form(
    defs: list[ast.FunctionDef | ast.AsyncFunctionDef],
) -> ast.FunctionDef | ast.AsyncFunctionDef:
    """Of an overloaded method, its last overload (the implementation takes anything)."""
    overloads = [d for d in defs if any(ast.unparse(x) == "overload" for x in d.decorator_list)]
    return (overloads or defs)[-1]


DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
STUB = Path(together.__file__).with_name("_api.pyi")


def _kinds(args: ast.arguments) -> list[tuple[str, str]]:
    P = inspect.Parameter
    shown = [(a.arg, P.POSITIONAL_ONLY.name) for a in args.posonlyargs]
    shown += [(a.arg, P.POSITIONAL_OR_KEYWORD.name) for a in args.args]
    shown = shown[1:]  # self
    if args.vararg:
        shown.append((args.vararg.arg, P.VAR_POSITIONAL.name))
    shown += [(a.arg, P.KEYWORD_ONLY.name) for a in args.kwonlyargs]
    if args.kwarg:
        shown.append((args.kwarg.arg, P.VAR_KEYWORD.name))
    return shown


@pytest.mark.parametrize("make", [Together, AsyncTogether], ids=["sync", "async"])
def test_every_public_method_shows_named_parameters_as_the_stub_does(make):
    client = make(api_key="k")
    # The chat helpers take create()'s arguments through ``**params``, typed by a
    # TypedDict of the stub (made from create's shape: tests/test_method_shape.py).
    stub = ast.parse(STUB.read_text())
    defined = [n.name for n in stub.body if isinstance(n, ast.ClassDef)]
    defined += [t.id for n in stub.body if isinstance(n, ast.Assign) for t in n.targets]  # type: ignore[attr-defined]
    passed = {f"Unpack[{name}]" for name in defined if name.endswith("Arguments")}
    wrong = []
    for path, name, namespace, method in _public_methods(client):
        signature = inspect.signature(method)
        kinds = [(p.name, p.kind.name) for p in signature.parameters.values()]
        written = _kinds(_written(namespace, path, name, make is AsyncTogether))
        if kinds != written:
            wrong.append(f"{path}.{name}: {kinds} at run time, {written} in the stub")
        for p in signature.parameters.values():
            if p.kind is p.VAR_POSITIONAL:
                wrong.append(f"{path}.{name}: *{p.name}")
            typed = p.annotation in OPTIONS or p.annotation in passed
            if p.kind is p.VAR_KEYWORD and not typed:
                wrong.append(f"{path}.{name}: **{p.name}: {p.annotation}")
    assert wrong == []
