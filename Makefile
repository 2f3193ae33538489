# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test golden check clean browser build-SkillFunction models

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Stretch Coach needs Python 3.11 or newer" if sys.version_info < (3, 11) else 0)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: $(STAMP)
	$(BIN)/stretch-coach export hip -o audio/out/

test: $(STAMP) browser
	$(BIN)/python -m pytest

# The phone page is checked in Debian's headless Chromium; install it when we are allowed to.
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "note: install Debian's chromium package to run the phone page test"; fi; }

check: $(STAMP)
	$(BIN)/stretch-coach check

# Regenerate the golden Scripts after a deliberate content change; review the diff before committing.
golden: $(STAMP)
	for routine in hip partner; do $(BIN)/stretch-coach show $$routine > tests/golden/$$routine.txt; done

# The Lambda package (`sam build` runs this through template.yaml's makefile build method): the
# skill and the content library with their own requirements, for Lambda's python3.12 on arm64.
ARTIFACTS_DIR ?= build/lambda
LAMBDA_PYTHON_VERSION ?= 3.12
LAMBDA_PIP_FLAGS ?= --platform manylinux2014_aarch64 --implementation cp --python-version $(LAMBDA_PYTHON_VERSION) --only-binary=:all:
# Lambda's package is read-only, so Python cannot keep the bytecode it compiles at a cold start: the
# build ships it. A .pyc serves only the Python minor version that wrote it, so the compiler is the
# build's own Python when it is LAMBDA_PYTHON_VERSION, else pythonX.Y from PATH; with neither, the
# package goes without (a warning says so) and every cold start compiles every module again.
# unchecked-hash: Python uses the .pyc as it is, whatever zipping and deploying do to file times.
# (ask-sdk-model's docstrings raise SyntaxWarnings on 3.12: noise that cold starts from source log too.)
build-SkillFunction:
	mkdir -p $(ARTIFACTS_DIR)
	$(PYTHON) -m pip install --quiet --no-compile --target $(ARTIFACTS_DIR) $(LAMBDA_PIP_FLAGS) -r skill/requirements.txt
	cp -r content skill $(ARTIFACTS_DIR)/
	# the web service's parts (Flask, certificate checks) and the ASK CLI package stay behind
	rm -rf $(ARTIFACTS_DIR)/skill/skill-package $(ARTIFACTS_DIR)/skill/web.py $(ARTIFACTS_DIR)/skill/verify.py
	find $(ARTIFACTS_DIR) -name __pycache__ -prune -exec rm -rf {} +
	@for python in "$(PYTHON)" python$(LAMBDA_PYTHON_VERSION); do \
	  if $$python -c 'import sys; sys.exit("%d.%d" % sys.version_info[:2] != "$(LAMBDA_PYTHON_VERSION)")' 2>/dev/null; then \
	    echo "$$python -m compileall --invalidation-mode unchecked-hash $(ARTIFACTS_DIR)"; \
	    exec $$python -W ignore::SyntaxWarning -m compileall -q -j 0 --invalidation-mode unchecked-hash $(ARTIFACTS_DIR); fi; \
	done; \
	echo "warning: no Python $(LAMBDA_PYTHON_VERSION) found (PYTHON=$(PYTHON)): the package ships without bytecode," \
	  "so each cold start compiles every module; build with a Python $(LAMBDA_PYTHON_VERSION) (or sam build --use-container)" >&2

# After changing skill/model.yaml: rewrite the interaction models in skill/skill-package/.
models: $(STAMP)
	$(BIN)/python -m skill.interaction_model

clean:
	rm -rf $(VENV) .pytest_cache
