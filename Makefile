# Home Learning: the two commands in the README are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test system-packages lint typecheck pytest install clean lock messages

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Home Learning needs Python 3.11 (found " + sys.version.split()[0] + ").")'
	@$(PYTHON) -m venv $(VENV) || { echo "Could not create a virtual environment. On Debian/Ubuntu: sudo apt-get install python3-venv"; exit 1; }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --requirement requirements.lock
	@touch $(STAMP)

install: $(STAMP)

## make demo: a seeded fictional school at http://127.0.0.1:8000, with the worker, logins printed.
demo: $(STAMP)
	bash scripts/demo.sh

## make test: system packages (installed when run as root), the virtualenv, lint, types, migrations,
## then the whole suite (SQLite; PostgreSQL when DATABASE_URL is set; as if on TEST_TODAY when set).
test: system-packages $(STAMP) lint typecheck
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

system-packages:
	@bash scripts/check-system-packages.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	DEBUG=true $(VENV)/bin/mypy homelearning

## make messages: gather every marked string into each language's catalogue, then compile them (docs/translations.md).
## Unreviewed (fuzzy) translations are compiled in: an unchecked translation serves a family better than English.
LANGS := en_GB pl ro ur pa bn ar pt so es uk
messages: $(STAMP)
	DEBUG=true $(PY) manage.py makemessages --no-obsolete --no-location $(foreach l,$(LANGS),-l $(l)) \
		--ignore='.venv/*' --ignore='var/*' --ignore='tests/*' --ignore='bench/*' --ignore='docs/*' --ignore='scripts/*'
	DEBUG=true $(PY) manage.py compilemessages --use-fuzzy --ignore='.venv'

## make lock: re-pin every dependency after changing pyproject.toml.
lock: $(STAMP)
	$(VENV)/bin/pip-compile --quiet --extra dev --strip-extras --no-emit-index-url --no-emit-find-links --output-file requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
