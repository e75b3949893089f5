# Two entry points (see README): `make reports` (main job) and `make test` (test suite).
# Both create the virtual environment .venv and install the project on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
NETWORK ?= helsinki-berlin
JOBS ?=

.PHONY: reports test setup data validate browser lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m ipykernel install --sys-prefix --name compare --display-name "Python (compare)"
	touch $@

setup: $(VENV)/.installed

data: setup
	$(PY) -m compare data fetch

validate: data
	$(PY) -m compare data validate $(NETWORK)

reports: validate
	$(PY) -m compare reports run $(NETWORK) $(if $(JOBS),--jobs $(JOBS))

# Headless Chromium renders the HTML reports in the tests (Debian package; installed when missing and root).
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	      echo "installing chromium (Debian) for the report rendering tests"; \
	      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	    else echo "warning: chromium is not installed and cannot be installed here"; fi; }

test: data browser
	$(PY) -m pytest -q

lint: setup
	$(VENV)/bin/ruff check src tests benchmarks

bench: data
	$(PY) benchmarks/bench_indicators.py
	$(PY) benchmarks/bench_reports.py

clean:
	rm -rf $(VENV) data/raw reports/*/
