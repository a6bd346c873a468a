# lexwatch — two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Elasticsearch: the pinned server version and where its zip is cached between runs (see scripts/es.sh).
export ES_VERSION ?= 9.3.2
export ES_PORT ?= 9200
export LEXWATCH_CACHE ?= $(HOME)/.cache/lexwatch

.PHONY: demo test es-up es-down bench venv clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

demo: venv
	$(BIN)/lexwatch demo

# Runs every test against a real Elasticsearch; ES is stopped afterwards whatever the outcome.
test: venv
	scripts/test.sh

es-up:
	scripts/es.sh up

es-down:
	scripts/es.sh down

bench: venv es-up
	$(BIN)/lexwatch bench $(if $(BENCH_SCALE),--scale $(BENCH_SCALE),--quick) --es http://127.0.0.1:$(ES_PORT)

clean:
	rm -rf $(VENV) data .pytest_cache
