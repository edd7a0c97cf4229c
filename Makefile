# Set-up and everyday commands. Every target creates .venv and installs what it needs on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install run test lint bench check build clean

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: $(INSTALLED)
	$(BIN)/kb serve --host 127.0.0.1 --port 8000

# The browser tests read Chinese pages: without a CJK font every Chinese character renders as a box.
CJK_FONT := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

test: $(INSTALLED) lint
	scripts/ensure-debian-package chromium /usr/bin/chromium
	scripts/ensure-debian-package fonts-noto-cjk $(CJK_FONT)
	scripts/ensure-debian-package postgresql /usr/lib/postgresql/15/bin/initdb
	$(BIN)/python -m pytest

lint: $(INSTALLED)
	$(BIN)/ruff check kb plugins feedback_widget tests benchmarks scripts
	$(BIN)/ruff format --check kb plugins feedback_widget tests benchmarks scripts

check: $(INSTALLED)
	$(BIN)/kb check

build: $(INSTALLED)
	$(BIN)/kb build

# make bench BENCH="preview_latency_10k": the named benchmarks only (see benchmarks/__main__.py)
bench: $(INSTALLED)
	scripts/ensure-debian-package chromium /usr/bin/chromium
	scripts/ensure-debian-package wrk wrk
	scripts/ensure-debian-package postgresql /usr/lib/postgresql/15/bin/initdb
	$(BIN)/python -m benchmarks $(BENCH)

clean:
	rm -rf site .pytest_cache
