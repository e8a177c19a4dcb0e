# EasySight: every target does its own set-up on a fresh Debian/Ubuntu machine.
#   make demo   simulator + worker + console, on the local RabbitMQ
#   make test   the whole suite: lint, types, import contracts, unit and real-broker tests
#   make bench  the benchmarks in bench/
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | md5sum | cut -c1-12)

export QT_QPA_PLATFORM ?= offscreen

.PHONY: setup system rabbitmq demo test lint bench clean

setup: system $(STAMP) rabbitmq

system:
	@bash scripts/ensure_system_packages.sh

rabbitmq:
	@bash scripts/ensure_rabbitmq.sh

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip
	@echo "Installing easysight with all extras into $(VENV)…"
	@$(BIN)/python -m pip install -q -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

demo: setup
	@QT_QPA_PLATFORM= $(BIN)/python -m easysight_desktop.demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy worker_node/protocol
	$(BIN)/lint-imports

test: setup lint
	@bash scripts/ensure_postgres.sh
	$(BIN)/python -m pytest -q -p no:cacheprovider

bench: setup
	$(BIN)/python bench/dispatch.py
	$(BIN)/python bench/console_throughput.py
	$(BIN)/python bench/vqd_accuracy.py
	$(BIN)/python bench/vqd_speed.py
	$(BIN)/python bench/live_view.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
