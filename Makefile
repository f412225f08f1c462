PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app
# See workshop/__init__.py: SQLAlchemy without its compiled extensions.
export DISABLE_SQLALCHEMY_CEXT_RUNTIME := 1

.PHONY: run test bench translations extract-messages clean

$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

translations: $(BIN)/.installed
	$(BIN)/pybabel compile --statistics -d workshop/translations

run: translations
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: translations
	$(BIN)/python -m bench

# After changing UI strings: refresh the catalogue, then translate the new entries in messages.po.
extract-messages: $(BIN)/.installed
	$(BIN)/pybabel extract --ignore-dirs='.* __pycache__' --no-location --sort-output -F babel.cfg -k _l -k lazy_gettext -o workshop/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i workshop/translations/messages.pot -d workshop/translations

clean:
	rm -rf $(VENV)
