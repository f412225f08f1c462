# Python 3.12 or newer: under load, CPython 3.11.7 crashed gunicorn's workers (see README).
# Unless PYTHON is given, the first of python3.13, python3.12 and python3 that is new enough,
# else the newest one pyenv has installed, whether pyenv has it active or not.
PY312 := import sys; print(sys.executable) if sys.version_info >= (3, 12) else sys.exit(1)
ifndef PYTHON
PYTHON := $(shell for p in python3.13 python3.12 python3 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/*/bin/python3 2>/dev/null | sort -rV); do "$$p" -c '$(PY312)' 2>/dev/null && break; done)
NO_PYTHON := Python 3.12 or newer is needed, and none of python3.13, python3.12, python3 or pyenv's versions is one: install one, or name it with make PYTHON=/path/to/python3.12
else
NO_PYTHON := Python 3.12 or newer is needed, and PYTHON=$(PYTHON) is not one
endif
VENV := .venv
BIN := $(VENV)/bin
VERSION_OF = $(1) -c 'import platform; print(platform.python_version())' 2>/dev/null
INSTANCE := $(or $(WORKSHOP_INSTANCE_PATH),instance)
export FLASK_APP := app

.PHONY: venv venv-dev run dev test bench lint translations static extract-messages clean

# A .venv of another Python than PYTHON (an older one, say) is made anew. venv installs what the
# application needs to run (requirements.txt); venv-dev adds the tests, benchmarks and linter
# (requirements-dev.txt). Each installs again when its lock files change, and neither removes
# anything, so make run after make test keeps the test packages.
venv:
	@test -n "$(PYTHON)" && $(PYTHON) -c '$(PY312)' >/dev/null 2>&1 || { echo "$(NO_PYTHON)" >&2; exit 1; }
	@if [ "$$($(call VERSION_OF,$(BIN)/python))" != "$$($(call VERSION_OF,$(PYTHON)))" ]; then \
		echo "Making $(VENV) with $(PYTHON)"; rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); fi
	@if [ ! -e $(BIN)/.installed-runtime ] || [ requirements.txt -nt $(BIN)/.installed-runtime ]; then \
		$(BIN)/pip install --quiet --upgrade pip && $(BIN)/pip install --quiet -r requirements.txt && touch $(BIN)/.installed-runtime; fi

venv-dev: venv
	@if [ ! -e $(BIN)/.installed-dev ] || [ requirements.txt -nt $(BIN)/.installed-dev ] || [ requirements-dev.txt -nt $(BIN)/.installed-dev ]; then \
		$(BIN)/pip install --quiet -r requirements-dev.txt && touch $(BIN)/.installed-dev; fi

translations: venv
	$(BIN)/pybabel compile --statistics -d workshop/translations

# The site's secret key, made once: 64 hex characters that only the file's owner may read
$(INSTANCE)/secret_key: | venv
	mkdir -p $(INSTANCE)
	umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_hex(32), end="")' > $@.new && mv $@.new $@

# gzip copies beside the static files, which WhiteNoise sends to browsers that accept them
static: venv
	$(BIN)/python -m whitenoise.compress --quiet --no-brotli static

# gunicorn on http://127.0.0.1:5000 and the job worker (workshop/serve.py); Ctrl-C stops both
run: translations static $(INSTANCE)/secret_key
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	$(BIN)/python -m workshop.serve

# Flask's development server, which reloads the code when it changes; jobs and e-mail run in it, without a worker
dev: translations $(INSTANCE)/secret_key
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	WORKSHOP_JOBS_IMMEDIATE=true $(BIN)/flask run --debug --host 127.0.0.1 --port 5000

test: venv-dev translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: venv-dev translations
	$(BIN)/python -m bench

# Ruff's checks and its formatting, as configured in pyproject.toml; changes nothing
lint: venv-dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

# After changing UI strings: refresh the catalogue, then translate the new entries in messages.po.
extract-messages: venv
	$(BIN)/pybabel extract --ignore-dirs='.* __pycache__' --no-location --sort-output -F babel.cfg -k _l -k lazy_gettext -o workshop/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --no-wrap -i workshop/translations/messages.pot -d workshop/translations

clean:
	rm -rf $(VENV)
