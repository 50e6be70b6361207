# Summit Ledger: one entry point.
#   make lab      set up .venv and open the curated notebooks in JupyterLab
#   make test     set up .venv from the lock file and run the whole suite (the route that reproduces the figures)
#   make test-fast  the edit loop: tests/ without notebooks, slow or real-browser tests (under a minute on 2 cores)
#   make lint     ruff (lint and format check) and mypy, as CI runs them
#   make test-latest  the whole suite in .venv-latest, resolved afresh from pyproject.toml (no lock)
#   make lock     refresh requirements.lock (exact versions + hashes, Python 3.11) from pyproject.toml
#   make annotate serve the annotator as a Voila page (no code shown)
#   make exercise serve the students' exercise notebook with Voila
#   make notebooks re-execute the stored notebooks in place (NB=...), with no widget state stored
#   make bench    print the performance table (synthetic data, not committed)
#   make browser  install Debian's Chromium for the real-browser tests (root)

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8888
PYTEST_ARGS ?=
# The lock file: exact versions and sha256 hashes of every dependency, test extra included.
LOCK   ?= requirements.lock
# LOCKED=no installs the newest versions pyproject.toml allows instead (make test-latest).
LOCKED ?= yes
TOOLS  ?= .venv-tools
UV_VERSION ?= 0.13.9
# Refuse a port that is taken instead of letting Voila move to the next one unannounced.
PORT_FREE = $(BIN)/python -c 'import socket; socket.socket().bind(("127.0.0.1", $(PORT)))' 2>/dev/null \
	|| { echo "Port $(PORT) is in use (JupyterLab?). Stop it, or choose another: make $@ PORT=8890"; exit 1; }
# JupyterLab refuses to run as root unless told; containers and CI machines often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
# A kernel whose start failed because another program took one of its ports is restarted on new ports
# (toolkit.commands.lab.NEW_PORTS_ON_RESTART: jupyter_client keeps the ports, and every restart fails alike).
NEW_PORTS_ON_RESTART := --KernelManager.cache_ports=False
# The project's JupyterLab setting (comms over subshells off, so a widget's messages are handled in the order sent;
# toolkit.commands.lab.LAB_OVERRIDES). A wheel installs it; an editable install does not, so make puts it in place.
LAB_OVERRIDES_SRC := deploy/jupyterlab/summit-ledger.json
INSTALL_LAB_OVERRIDES = install -D -m 644 $(LAB_OVERRIDES_SRC) $(VENV)/share/jupyter/lab/settings/overrides.d/summit-ledger.json

.PHONY: test-interop lab notebooks test test-fast test-latest lint lock annotate exercise bench browser validate figures clean-venv

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
# pip itself is brought up to date only where pip installs (uv needs none of it)
PIP_UP = $(BIN)/python -m pip install --quiet --upgrade pip

ifeq ($(LOCKED),yes)
# The lock holds the runtime and the test dependencies, so one install serves `make lab` and `make test`.
# uv (the pinned version `make lock` uses, installed from PyPI into $(TOOLS)) installs the same hashed pins
# about four times faster than pip; bytecode is compiled as pip does. USE_UV=no, or uv that cannot be
# installed or fails, means pip does it.
USE_UV ?= yes
$(VENV)/.installed: pyproject.toml $(LOCK) $(LAB_OVERRIDES_SRC) | $(BIN)/python
	@if [ "$(USE_UV)" = yes ] && { test -x $(TOOLS)/bin/uv || $(MAKE) --no-print-directory $(TOOLS)/bin/uv; } \
		&& $(TOOLS)/bin/uv pip install --quiet --python $(BIN)/python --require-hashes --no-deps --compile-bytecode -r $(LOCK) \
		&& $(TOOLS)/bin/uv pip install --quiet --python $(BIN)/python --no-deps -e .; then \
		echo "installed $(LOCK) and the project with uv"; \
	else \
		echo "installing $(LOCK) and the project with pip"; \
		$(PIP_UP) && $(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK) && $(BIN)/python -m pip install --quiet --no-deps -e .; \
	fi
	$(INSTALL_LAB_OVERRIDES)
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	touch $@
else
$(VENV)/.installed: pyproject.toml $(LAB_OVERRIDES_SRC) | $(BIN)/python
	$(PIP_UP)
	$(BIN)/python -m pip install --quiet --upgrade -e .
	$(INSTALL_LAB_OVERRIDES)
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --upgrade -e ".[test]"
	touch $@
endif

lab: $(VENV)/.installed
	@echo "JupyterLab is starting on notebooks/. Stop it with Ctrl-C (twice), or File > Shut Down in the Lab menu."
	$(BIN)/jupyter lab --notebook-dir=notebooks --port=$(PORT) $(NEW_PORTS_ON_RESTART) $(ROOT_FLAG)

# Spread over TEST_WORKERS processes (pytest-xdist): whole files per worker, started in the order
# tests/conftest.py gives (longest first), so servers, ports and temporary folders stay per file.
# Three processes on two cores: much of a browser, server or kernel test is waiting, and a third process
# fills that time (TEST_WORKERS=0: one process).
TEST_WORKERS ?= 3
# Scratch files in memory (a tmpfs at /dev/shm) when the machine allows it (tests/_scratch.py says when): no disk
# work for the run's hundreds of megabytes and fsyncs. TEST_TMPDIR= keeps the usual temporary folder.
TEST_TMPDIR ?= $(shell $(BIN)/python tests/_scratch.py 2>/dev/null)
# Compiled bytecode is kept (__pycache__, git-ignored) even where the shell asks for none (PYTHONDONTWRITEBYTECODE):
# otherwise each of the run's hundreds of interpreters compiles the toolkit again, and each pytest process
# rewrites the asserts of every test module again (about 4 CPU s a process).
TEST_SCRATCH = PYTHONDONTWRITEBYTECODE= $(if $(TEST_TMPDIR),TMPDIR=$(TEST_TMPDIR) )
# ... and only the last run's folders are kept there (about 0.6 GB of memory), not pytest's usual three
TEST_SCRATCH_OPTS = $(if $(TEST_TMPDIR),-o tmp_path_retention_count=1)
test: $(VENV)/.installed-test
	$(TEST_SCRATCH)$(BIN)/python -m pytest $(TEST_SCRATCH_OPTS) --nbval --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg \
		-p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder tests notebooks $(PYTEST_ARGS)

# The edit loop: no notebooks (nbval runs them in `make test`), no browser, nothing marked slow
# (tests/conftest.py marks single slow tests and all but a sample of each large parametrized family),
# spread over FAST_WORKERS processes (pytest-xdist, whole files per worker; FAST_WORKERS=0: one process).
FAST_WORKERS ?= 2
test-fast: $(VENV)/.installed-test
	$(TEST_SCRATCH)$(BIN)/python -m pytest $(TEST_SCRATCH_OPTS) -p no:cacheprovider -m "not slow and not browser" -n $(FAST_WORKERS) --dist loadfile \
		tests $(PYTEST_ARGS)

# ruff checks the whole tree (pyproject.toml [tool.ruff]); mypy checks the package ([tool.mypy] files).
# All three run even when one fails, so one CI run shows every finding; the target fails if any did.
lint: $(VENV)/.installed-test
	@rc=0; \
	echo "== ruff check"; $(BIN)/ruff check . || rc=1; \
	echo "== ruff format --check"; $(BIN)/ruff format --check . || rc=1; \
	echo "== mypy"; $(BIN)/mypy || rc=1; \
	exit $$rc

test-latest:
	$(MAKE) test VENV=.venv-latest LOCKED=no

# uv is one binary: pip puts it in $(TOOLS)/bin without a venv of its own (a venv costs about 4 s)
$(TOOLS)/bin/uv: | $(BIN)/python
	$(BIN)/python -m pip install --quiet --target $(TOOLS) "uv==$(UV_VERSION)"

# Deterministic: uv keeps every pin already in $(LOCK) that still fits pyproject.toml, and only
# resolves what changed. Delete $(LOCK) first to move every package to its newest allowed version.
# Left out of the lock: rfc3987-syntax (and lark, which only it needs). jsonschema uses it for the "iri"
# string format alone, which no schema of this stack has, and importing it builds about 35 parsers: 1.5-2 s
# of CPU in every Python process that imports jsonschema (each kernel that draws a chart, each Jupyter
# server, each command that writes figures). The lock is complete without it, so it is installed --no-deps.
LOCK_EXCLUDES ?= rfc3987-syntax
lock: $(TOOLS)/bin/uv
	printf '%s\n' $(LOCK_EXCLUDES) > $(TOOLS)/lock-excludes.txt
	$(TOOLS)/bin/uv pip compile pyproject.toml --all-extras --universal --python-version 3.11 \
		--excludes $(TOOLS)/lock-excludes.txt \
		--generate-hashes --custom-compile-command "make lock" --quiet --output-file $(LOCK)

annotate: $(VENV)/.installed
	@$(PORT_FREE)
	@echo "Voila serves the annotator on http://localhost:$(PORT). Stop it with Ctrl-C."
	$(BIN)/voila notebooks/01_annotate.ipynb --port=$(PORT) --Voila.port_retries=0 --Voila.ip=127.0.0.1 $(NEW_PORTS_ON_RESTART)

exercise: $(VENV)/.installed
	@$(PORT_FREE)
	@echo "Voila serves the student exercise on http://localhost:$(PORT). Stop it with Ctrl-C."
	$(BIN)/voila notebooks/teaching/student_exercise.ipynb --port=$(PORT) --Voila.port_retries=0 --Voila.ip=127.0.0.1 $(NEW_PORTS_ON_RESTART)

# Re-execute stored notebooks in place, never storing widget state: make notebooks NB="notebooks/01_annotate.ipynb ..."
NB ?= $(wildcard notebooks/*.ipynb notebooks/teaching/*.ipynb)
notebooks: $(VENV)/.installed
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.store_widget_state=False $(NB)
	$(BIN)/python .ci/check_notebooks.py --strip-widget-state $(NB)

bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py

browser:
	command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

validate: $(VENV)/.installed
	$(BIN)/summit-ledger validate --project data

figures: $(VENV)/.installed
	$(BIN)/summit-ledger figures --project data --out figures

clean-venv:
	rm -rf $(VENV)

# Opt-in: install stock Label Studio and doccano into their own venvs and check they accept our exports.
TOOLS_VENV ?= .venv-tools
test-interop: $(VENV)/.installed-test
	test -x $(TOOLS_VENV)/ls/bin/label-studio || ($(PYTHON) -m venv $(TOOLS_VENV)/ls && $(TOOLS_VENV)/ls/bin/pip install --quiet -r tests/fixtures/interop/genuine/tools/requirements-labelstudio.txt)
	test -x $(TOOLS_VENV)/doccano/bin/doccano || ($(PYTHON) -m venv $(TOOLS_VENV)/doccano && $(TOOLS_VENV)/doccano/bin/pip install --quiet -r tests/fixtures/interop/genuine/tools/requirements-doccano.txt)
	LABEL_STUDIO_BIN=$(abspath $(TOOLS_VENV))/ls/bin/label-studio DOCCANO_BIN=$(abspath $(TOOLS_VENV))/doccano/bin/doccano \
		$(BIN)/python -m pytest -p no:cacheprovider -m interop_tools tests/test_interop_tools.py -v
