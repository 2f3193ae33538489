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
LAMBDA_PIP_FLAGS ?= --platform manylinux2014_aarch64 --implementation cp --python-version 3.12 --only-binary=:all:
build-SkillFunction:
	mkdir -p $(ARTIFACTS_DIR)
	$(PYTHON) -m pip install --quiet --target $(ARTIFACTS_DIR) $(LAMBDA_PIP_FLAGS) -r skill/requirements.txt
	cp -r content skill $(ARTIFACTS_DIR)/
	# the web service's parts (Flask, certificate checks) and the ASK CLI package stay behind
	rm -rf $(ARTIFACTS_DIR)/skill/skill-package $(ARTIFACTS_DIR)/skill/web.py $(ARTIFACTS_DIR)/skill/verify.py
	find $(ARTIFACTS_DIR)/content $(ARTIFACTS_DIR)/skill -name __pycache__ -prune -exec rm -rf {} +

# After changing skill/model.yaml: rewrite the interaction models in skill/skill-package/.
models: $(STAMP)
	$(BIN)/python -m skill.interaction_model

clean:
	rm -rf $(VENV) .pytest_cache
