# qingshan — the two commands a newcomer needs:
#   make demo   create .venv, install qingshan, run the main job on the embedded default (DuckDB)
#   make test   install test dependencies (Python and system packages), run the whole suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test install install-test system-deps clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test,spark]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

system-deps:
	bash scripts/install-system-deps.sh

demo: install
	$(BIN)/qingshan demo

test: install-test system-deps
	$(BIN)/pytest -q -n 2 --dist loadgroup -m "not benchmark"

bench: install-test
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) qingshan.duckdb demo-output test-artifacts
