# The two commands a newcomer runs: `make demo` and `make test`.
VENV   ?= .venv
PYTHON ?= python3
BIN    := $(VENV)/bin
# Domain packages that mypy checks (DESIGN.md: pure computation, typed).
TYPED  := src/bordercompact/region src/bordercompact/harmonize src/bordercompact/risk \
          src/bordercompact/equity src/bordercompact/measures src/bordercompact/negotiate \
          src/bordercompact/finance

.PHONY: demo test lint typecheck pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installed when pyproject.toml changes; the stamp keeps repeated runs fast.
$(VENV)/.installed-runtime: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed-runtime

demo: $(VENV)/.installed-runtime
	$(BIN)/bordercompact demo

test: $(VENV)/.installed-test lint typecheck pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/ruff format --check src tests benchmarks examples

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy $(TYPED)

pytest: $(VENV)/.installed-test
	$(BIN)/pytest -q

bench: $(VENV)/.installed-runtime
	$(BIN)/python benchmarks/harmonize.py

clean:
	rm -rf $(VENV) demo-output .pytest_cache .mypy_cache .ruff_cache
