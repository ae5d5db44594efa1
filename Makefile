# Every target creates the virtualenv it needs; nothing is installed globally.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
export PATH := $(CURDIR)/$(BIN):$(PATH)
# SPEC=<file>: generate and test against a candidate spec instead of the pinned one.
ifdef SPEC
export TOGETHER_SPEC_FILE := $(abspath $(SPEC))
endif

.PHONY: venv spec generate pin spec-diff test contract check-generated lint typecheck clean import-time

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

## Fetch the pinned spec (from $$SPEC_MIRROR when set) into build/spec/.
spec: $(STAMP)
	$(PY) -m generator.spec

## Regenerate together_generated/ from the pinned spec (or SPEC=path/to/other.yaml).
generate: $(STAMP)
	$(PY) -m generator $(SPEC)
	$(PY) -c 'from together._namespaces import report; print(report())'
	$(PY) -m together._stubgen
	$(PY) -m together._reference

## Move the pin to another upstream commit: make pin COMMIT=<40-hex id> (downloads the file),
## or offline from a local copy of that commit's file: make pin COMMIT=<id> SPEC_FILE=<path>
pin: $(STAMP)
	$(PY) -m generator.spec pin $(COMMIT) $(if $(SPEC_FILE),--file $(SPEC_FILE))

## What changed in the API: make spec-diff NEW=<file> [OLD=<file>] (OLD: the pinned spec).
## A Markdown report on stdout; breaking changes are flagged and counted at the top.
spec-diff: $(STAMP) $(if $(OLD),,spec)
	@test -n "$(NEW)" || (echo "usage: make spec-diff NEW=<file> [OLD=<file>]" && exit 2)
	@$(PY) -m generator.specdiff $(or $(OLD),build/spec/together-openapi.yaml) $(NEW)

## Fail when together_generated/, the stub or the method reference differ from what
## `make generate` produces.
check-generated: generate
	@git diff --exit-code --stat -- together_generated together/_api.pyi together/REFERENCE.md || \
	  (echo "together_generated/, together/_api.pyi or together/REFERENCE.md is not what 'make generate' produces: regenerate and commit" && exit 1)
	@test -z "$$(git status --porcelain -- together_generated)" || \
	  (echo "untracked files in together_generated/: regenerate and commit" && git status --short -- together_generated && exit 1)

lint: $(STAMP)
	$(BIN)/ruff check together tests generator
	$(BIN)/ruff format --check together tests generator

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP) spec
	$(BIN)/pytest -q

## Contract tests alone (part of `make test` too): every HTTP operation through the public
## client against the Prism mock server (Node.js + npm needed; Prism comes from `npm ci`
## in tests/contract). Ends with `contract: N/M operations`.
contract: $(STAMP) spec
	CONTRACT_SUMMARY_LAST=1 $(BIN)/pytest -q tests/contract

## The spec's own Python code samples (x-codeSamples, "Together AI SDK (v2)" and "(v1)"),
## each run unchanged in a fresh interpreter against the Prism mock (Node.js + npm needed,
## as for `make contract`). Ends with `samples: v2 A/67, v1 B/42`; tests/samples/README.md
## says why the others fail. SAMPLES_ARGS="--verbose" shows their tracebacks.
.PHONY: samples
samples: $(STAMP) spec
	$(PY) -m tests.samples.run $(SAMPLES_ARGS)

clean:
	rm -rf $(VENV) build

## Import time of one generated endpoint against `import httpx` (wall time, medians).
import-time: $(STAMP)
	$(PY) -m tests.bench.import_time

## Benchmarks against the official SDK (in build/bench-venv-official, made when missing) and
## raw httpx on a loopback server: a table, and build/bench/results.json. Not a test.
.PHONY: bench
bench: $(STAMP) spec
	$(PY) -m tests.bench.run $(BENCH_ARGS)

## Streaming cost per chunk and a small chat call's cost in instructions (callgrind), ours
## against raw httpx, for both clients: repeatable where make bench's wall-clock ratios are not.
.PHONY: bench-instructions
bench-instructions: $(STAMP)
	$(PY) -m tests.bench.instructions

## The package promises Python >= 3.10 while development runs on 3.11: run every test under
## python3.10 too, in a venv with the runtime package and a few test dependencies, except
## those marked as needing more (the markers are registered in pyproject.toml).
PY310 ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.10*/bin/python3.10) python3.10)
PY310_SKIP := not needs_generator and not needs_node and not typecheck
.PHONY: test-py310
test-py310:
	@$(PY310) -c "import sys; assert sys.version_info[:2] == (3, 10)" 2>/dev/null || \
	  (echo "no working Python 3.10 ($(PY310)): install one, or pass PY310=/path/to/python3.10" && exit 1)
	test -x build/venv-py310/bin/python || $(PY310) -m venv build/venv-py310
	build/venv-py310/bin/python -m pip install --quiet -e . pytest==9.2.0 pytest-httpserver==1.2.0 pyyaml==6.0.3 tqdm==4.70.1 \
	  aiohttp==3.14.5 httpx-aiohttp==0.2.0 websockets==16.1.1  # (17.x needs Python 3.11; 16.1.1 is the last for 3.10)
	build/venv-py310/bin/python -m pytest -q -p no:cacheprovider -m "$(PY310_SKIP)"
