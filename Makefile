# Two entry points (see README): `make reports` (main job) and `make test` (test suite).
# Both create the virtual environment .venv and install the project on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
NETWORK ?= helsinki-berlin
JOBS ?=
# LOCK=1 (default): the exact versions of requirements.lock, then the project itself with --no-deps.
# LOCK=0: the version ranges of pyproject.toml (newest allowed), e.g. before `make lock`.
LOCK ?= 1

.PHONY: reports test setup data validate browser lint bench clean lock

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
ifeq ($(LOCK),0)
	$(PY) -m pip install --quiet -e '.[test]'
else
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
endif
	$(PY) -m ipykernel install --sys-prefix --name compare --display-name "Python (compare)"
	echo "$(if $(filter 0,$(LOCK)),ranges,lock)" > $@

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

# Re-write requirements.lock from the versions installed in .venv (the ones the suite just passed with),
# for every platform (uv's universal resolution); uv is installed into a scratch venv .venv-uv.
lock:
	test -x $(PY) || { echo "make setup first: the lock is written from the versions installed in $(VENV)"; exit 1; }
	$(PY) -m pip freeze --exclude-editable > $(VENV)/tested-versions.txt
	test -x $(VENV)-uv/bin/uv || { $(PYTHON) -m venv $(VENV)-uv && $(VENV)-uv/bin/pip install --quiet uv; }
	$(VENV)-uv/bin/uv pip compile pyproject.toml --extra test --universal --python-version 3.11.5 \
	  --constraint $(VENV)/tested-versions.txt --annotation-style line --no-header --quiet -o $(VENV)/lock.txt
	{ echo "# Exact versions installed by \`make setup\` (pyproject.toml + its test extra), for Python 3.11.5+."; \
	  echo "# Made by \`make lock\` (uv pip compile --universal, constrained to the versions the suite passed with)."; \
	  sed -E 's/,? -c [^ ,]+//; s/# via, /# via /' $(VENV)/lock.txt; } > requirements.lock

clean:
	rm -rf $(VENV) data/raw reports/*/
