# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test golden check clean browser

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

clean:
	rm -rf $(VENV) .pytest_cache
