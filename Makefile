# Summit Ledger: one entry point.
#   make lab      set up .venv and open the curated notebooks in JupyterLab
#   make test     set up .venv with the test extras and run the whole suite
#   make annotate serve the annotator as a Voila page (no code shown)
#   make exercise serve the students' exercise notebook with Voila
#   make bench    print the performance table (synthetic data, not committed)
#   make browser  install Debian's Chromium for the real-browser tests (root)

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8888
PYTEST_ARGS ?=
# Refuse a port that is taken instead of letting Voila move to the next one unannounced.
PORT_FREE = $(BIN)/python -c 'import socket; socket.socket().bind(("127.0.0.1", $(PORT)))' 2>/dev/null \
	|| { echo "Port $(PORT) is in use (JupyterLab?). Stop it, or choose another: make $@ PORT=8890"; exit 1; }
# JupyterLab refuses to run as root unless told; containers and CI machines often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: test-interop lab test annotate exercise bench browser validate figures clean-venv

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

lab: $(VENV)/.installed
	@echo "JupyterLab is starting on notebooks/. Stop it with Ctrl-C (twice), or File > Shut Down in the Lab menu."
	$(BIN)/jupyter lab --notebook-dir=notebooks --port=$(PORT) $(ROOT_FLAG)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest --nbval --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg \
		-p no:cacheprovider tests notebooks $(PYTEST_ARGS)

annotate: $(VENV)/.installed
	@$(PORT_FREE)
	@echo "Voila serves the annotator on http://localhost:$(PORT). Stop it with Ctrl-C."
	$(BIN)/voila notebooks/01_annotate.ipynb --port=$(PORT) --Voila.port_retries=0 --Voila.ip=127.0.0.1

exercise: $(VENV)/.installed
	@$(PORT_FREE)
	@echo "Voila serves the student exercise on http://localhost:$(PORT). Stop it with Ctrl-C."
	$(BIN)/voila notebooks/teaching/student_exercise.ipynb --port=$(PORT) --Voila.port_retries=0 --Voila.ip=127.0.0.1

bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py

browser:
	command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

validate: $(VENV)/.installed
	$(BIN)/summit-ledger validate data

figures: $(VENV)/.installed
	$(BIN)/summit-ledger figures --out figures

clean-venv:
	rm -rf $(VENV)

# Opt-in: install stock Label Studio and doccano into their own venvs and check they accept our exports.
TOOLS_VENV ?= .venv-tools
test-interop: $(VENV)/.installed-test
	test -x $(TOOLS_VENV)/ls/bin/label-studio || ($(PYTHON) -m venv $(TOOLS_VENV)/ls && $(TOOLS_VENV)/ls/bin/pip install --quiet -r tests/fixtures/interop/genuine/tools/requirements-labelstudio.txt)
	test -x $(TOOLS_VENV)/doccano/bin/doccano || ($(PYTHON) -m venv $(TOOLS_VENV)/doccano && $(TOOLS_VENV)/doccano/bin/pip install --quiet -r tests/fixtures/interop/genuine/tools/requirements-doccano.txt)
	LABEL_STUDIO_BIN=$(abspath $(TOOLS_VENV))/ls/bin/label-studio DOCCANO_BIN=$(abspath $(TOOLS_VENV))/doccano/bin/doccano \
		$(BIN)/python -m pytest -p no:cacheprovider -m interop_tools tests/test_interop_tools.py -v
