# Two commands for a newcomer on a fresh machine (see README.md):
#   make run    set up, then decide the bundled seed cases against the bundled esi policy
#   make test   set up, then lint, type-check and run the whole test suite
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test browser clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

run: $(VENV)/.installed
	$(VENV)/bin/medpolicy decide esi examples/cases/*.yaml

# The HTML test drives Debian's Chromium headless; install it when missing (as root).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: $(VENV)/.installed browser
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(PY) -m pytest

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
