# qingshan — the two commands a newcomer needs:
#   make demo   create .venv, install qingshan, run the main job on the embedded default (DuckDB)
#   make test   install test dependencies (Python and system packages), lint, run the whole suite
# Every install is pinned by constraints.txt (upgrading a dependency is a deliberate commit).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/pip install -q -c constraints.txt
PYTEST := $(BIN)/pytest -q -n 2 --dist loadgroup --durations=15 --durations-min=1

.PHONY: demo test check lint install install-test system-deps clean bench lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -c constraints.txt pip setuptools wheel

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) --no-build-isolation -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) --no-build-isolation -e '.[test,spark]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

system-deps:
	bash scripts/install-system-deps.sh

demo: install
	$(BIN)/qingshan demo

lint: install-test
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/lint-imports

# fast tier: lint and every test not marked slow (browser, Spark) or benchmark
check: lint
	$(PYTEST) -m "not slow and not benchmark"

# everything (what .ci/run calls): lint, then the whole suite; prints the slowest tests
test: install-test system-deps lint
	$(PYTEST) -m "not benchmark"

bench: install-test
	$(BIN)/python benchmarks/bench.py

# rewrite constraints.txt from the current venv (after a deliberate upgrade)
lock:
	{ sed -n '1,4p' constraints.txt; \
	  $(BIN)/pip freeze --all --exclude-editable | grep -Ev '^(qingshan)([=@ ]|$$)' | sort -f; \
	} > constraints.txt.new && mv constraints.txt.new constraints.txt

clean:
	rm -rf $(VENV) qingshan.duckdb demo-output test-artifacts
