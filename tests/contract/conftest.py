"""Fixtures of the contract suite (Prism, clients over it, data files) and its tally:
``contract: N/M operations``, where M counts the spec's HTTP operations and N those whose
happy-path tests all passed (a spec-valid request, a response parsed into its model).

``make contract`` sets CONTRACT_SUMMARY_LAST=1 so that the tally is the run's last line;
otherwise it closes the terminal summary, above pytest's own counts.
"""

from __future__ import annotations

import json
import os
import wave
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from together import AsyncTogether, Together

from . import prism, spec
from .cases import DataFiles

# The happy-path tests: an operation counts as exercised when all of these passed for it.
HAPPY_PATH_TESTS = ("test_operation_accepts_the_request_and_parses_the_response",)
HAPPY_PATH_TESTS += ("test_async_operation_accepts_the_request_and_parses_the_response",)


# -- Prism and the clients --------------------------------------------------------------


@pytest.fixture(scope="session")
def prism_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Prism serving the overlaid spec on a free loopback port for the whole session
    (its log is in the session's temporary folder, named in any failure to start)."""
    log = tmp_path_factory.mktemp("prism") / "prism.log"
    try:
        prism.install()
        server = prism.start(spec.path(), log)
    except prism.PrismError as exc:
        problem = str(exc)
    else:
        problem = ""
    if problem:  # failed here rather than in the except block: no chained traceback
        pytest.fail(f"contract tests: {problem}", pytrace=False)
    try:
        yield server.url
    finally:
        server.stop()


class Traffic:
    """What a client sent and got back (event hooks; a response's body is read at once,
    as the client reads it anyway: the happy paths stream nothing)."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.responses: list[httpx.Response] = []

    def on_request(self, request: httpx.Request) -> None:
        self.requests.append(request)

    def on_response(self, response: httpx.Response) -> None:
        response.read()
        self.responses.append(response)

    def clear(self) -> None:
        self.requests.clear()
        self.responses.clear()


@pytest.fixture(scope="session")
def _traffic() -> Traffic:
    return Traffic()


SIGNED_CONTENT = b"contents of the file behind the signed URL"


def _signed_url_host(request: httpx.Request) -> httpx.Response:
    """Stands in for the storage a 307 redirects to: the suite sends nothing off this
    machine, and Prism's redirects point at the spec's example URLs."""
    return httpx.Response(
        200, content=SIGNED_CONTENT, headers={"Content-Type": "application/octet-stream"}
    )


OFF_MACHINE = {"https://": httpx.MockTransport(_signed_url_host)}
# Happy paths ride out a dropped loopback connection (the client retries connection
# errors); Prism answers them 2xx, which is never retried. Error-path calls pass
# max_retries=0 themselves.
RETRIES: dict[str, Any] = {"max_retries": 2}


@pytest.fixture(scope="session")
def client(prism_url: str, _traffic: Traffic) -> Iterator[Together]:
    """A client over Prism that keeps what it sends and gets (see ``traffic``). It reads
    responses strictly, so a model that drifts from the spec fails here."""
    http = httpx.Client(
        timeout=10,
        follow_redirects=True,
        mounts=OFF_MACHINE,
        event_hooks={"request": [_traffic.on_request], "response": [_traffic.on_response]},
    )
    with (
        http,
        Together(
            api_key="test", base_url=prism_url, http_client=http, **RETRIES, strict_responses=True
        ) as c,
    ):
        yield c


@pytest.fixture
def traffic(_traffic: Traffic) -> Traffic:
    """What ``client`` sends and gets during this test."""
    _traffic.clear()
    return _traffic


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def aclient(prism_url: str) -> AsyncIterator[AsyncTogether]:
    http = httpx.AsyncClient(timeout=10, follow_redirects=True, mounts=OFF_MACHINE)
    async with (
        http,
        AsyncTogether(
            api_key="test", base_url=prism_url, http_client=http, **RETRIES, strict_responses=True
        ) as c,
    ):
        yield c


@pytest.fixture(scope="session")
def data(tmp_path_factory: pytest.TempPathFactory) -> DataFiles:
    folder = tmp_path_factory.mktemp("contract-data")
    jsonl = folder / "support_chats.jsonl"
    rows = [
        {"messages": [{"role": "user", "content": q}, {"role": "assistant", "content": a}]}
        for q, a in [("Where is my order?", "Let me check."), ("Reset my password", "Sure.")]
    ]
    jsonl.write_text("".join(json.dumps(row) + "\n" for row in rows))
    wav = folder / "hello.wav"
    with wave.open(str(wav), "wb") as out:  # 0.1 s of silence, 16 kHz mono
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(b"\x00\x00" * 1_600)
    return DataFiles(jsonl=jsonl, wav=wav)


# -- the tally ------------------------------------------------------------------------


class Tally:
    def __init__(self) -> None:
        self.operation_of: dict[str, str] = {}  # nodeid of a happy-path test -> operation
        self.seen: set[str] = set()  # operations with a happy-path test that ran
        self.failed: dict[str, str] = {}  # operation -> first failure reason

    def line(self) -> str:
        operations = spec.http_operations()
        total = {f"{m} {p}" for m, p in operations}
        exercised = (self.seen - set(self.failed)) & total
        return f"contract: {len(exercised)}/{len(total)} operations"

    def failures(self) -> list[tuple[str, str]]:
        total = [f"{m} {p}" for m, p in spec.http_operations()]
        return [(op, self.failed[op]) for op in total if op in self.failed]

    def not_run(self) -> list[str]:
        return [f"{m} {p}" for m, p in spec.http_operations() if f"{m} {p}" not in self.seen]


TALLY: Tally | None = None  # set when the session collects happy-path tests


def pytest_collection_finish(session: pytest.Session) -> None:
    global TALLY
    tally = Tally()
    for item in session.items:
        callspec = getattr(item, "callspec", None)
        if getattr(item, "originalname", None) in HAPPY_PATH_TESTS and callspec is not None:
            tally.operation_of[item.nodeid] = callspec.params["case"].id
    TALLY = tally if tally.operation_of else None


def _reason(report: pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(report.longrepr)
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    first = lines[0] if lines else report.outcome
    first = first.removeprefix("Failed: ")
    return (first[:300] + " ...") if len(first) > 300 else first


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    tally = TALLY
    if tally is None or report.nodeid not in tally.operation_of:
        return
    operation = tally.operation_of[report.nodeid]
    if report.when == "call" and report.passed:
        tally.seen.add(operation)
    if report.failed or report.skipped:
        tally.seen.add(operation)
        what = "skipped" if report.skipped else f"{report.when} failed"
        tally.failed.setdefault(operation, f"{what}: {_reason(report)}")


def _summary_last() -> bool:
    return os.environ.get("CONTRACT_SUMMARY_LAST", "") not in ("", "0")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    tally = TALLY
    if tally is None:
        return
    failures, not_run = tally.failures(), tally.not_run()
    if failures or not_run:
        terminalreporter.section("contract: operations not exercised")
        for operation, reason in failures:
            terminalreporter.write_line(f"{operation}: {reason}")
        if not_run:
            shown = ", ".join(not_run[:5]) + (", ..." if len(not_run) > 5 else "")
            terminalreporter.write_line(f"{len(not_run)} with no happy-path test run: {shown}")
    if not _summary_last():
        terminalreporter.write_line(tally.line())


def pytest_unconfigure(config: pytest.Config) -> None:
    if not _summary_last():
        return
    try:  # no happy-path test collected (a collection error, say) counts as none exercised
        line = (TALLY or Tally()).line()
    except Exception as exc:  # the spec itself could not be read
        line = f"contract: 0/? operations ({type(exc).__name__}: {exc})"
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(line)
    else:  # pragma: no cover - only with -p no:terminal
        print(line)
