# The two commands a newcomer runs: `make demo` and `make test`.
VENV   ?= .venv
PYTHON ?= python3
BIN    := $(VENV)/bin
# Domain packages that mypy checks (DESIGN.md: pure computation, typed).
TYPED  := src/bordercompact/region src/bordercompact/harmonize src/bordercompact/risk \
          src/bordercompact/equity src/bordercompact/measures src/bordercompact/negotiate \
          src/bordercompact/finance src/bordercompact/compact src/bordercompact/report \
          src/bordercompact/run.py

.PHONY: demo test lint typecheck pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installed when pyproject.toml changes; the stamp keeps repeated runs fast.
$(VENV)/.installed-runtime: pyproject.toml | $(BIN)/python $(VENV)/.system-libraries
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python $(VENV)/.system-libraries $(VENV)/.browser
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed-runtime

# WeasyPrint (the compact's PDF) needs Pango, HarfBuzz-Subset (font subsetting) and a font;
# installed with apt-get if missing.
PDF_LIBRARIES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
$(VENV)/.system-libraries: | $(BIN)/python
	@dpkg -s $(PDF_LIBRARIES) >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $(PDF_LIBRARIES); }
	touch $@

# The report's browser test drives Debian's Chromium through its chromedriver (Selenium);
# no browser is downloaded. Installed with apt-get for the tests if missing.
BROWSER_PACKAGES := chromium chromium-driver
$(VENV)/.browser: | $(BIN)/python
	@dpkg -s $(BROWSER_PACKAGES) >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $(BROWSER_PACKAGES); }
	touch $@

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
