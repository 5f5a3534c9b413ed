# Two commands for a newcomer on a fresh machine (see README.md, "Quickstart"):
#   make run    install what running needs (medpolicy and its four runtime dependencies),
#               then decide the bundled seed cases against the bundled esi policy
#               and list the bundled policies
#   make test   install the dev extra (tests, lint, types), Debian's chromium when missing,
#               then ruff, mypy and the whole test suite under coverage, gated at COVERAGE_MIN
VENV ?= .venv
PY := $(VENV)/bin/python
# The true line coverage of the whole suite (measured from before the pytest
# plugin imports the package), rounded down: `make test` fails below it.
COVERAGE_MIN ?= 96
# apt waits up to 10 minutes for the dpkg lock another package manager holds;
# `apt-get update` is retried while the lists lock is held.
APT := DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -qq

.PHONY: run test browser clean

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(VENV)/bin/medpolicy decide esi examples/cases/*.yaml
	@echo "bundled policies (medpolicy list):"
	@$(VENV)/bin/medpolicy list

# The HTML test drives Debian's Chromium headless; install it when missing (as root).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser test"; \
	  for try in 1 2 3 4 5 6 7 8 9 10; do \
	    $(APT) update && break; \
	    echo "apt-get update: the package lists are locked; retrying in 30 s ($$try/10)"; \
	    sleep 30; \
	  done; \
	  $(APT) install -y chromium >/dev/null; }

test: $(VENV)/.installed-dev browser
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/coverage run -m pytest
	$(VENV)/bin/coverage report --fail-under=$(COVERAGE_MIN)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache .coverage
