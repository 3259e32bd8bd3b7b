# Two commands: `make run` (install, migrate, demo data, serve) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install static migrate demo messages lint typecheck clean

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "KHCN cần Python 3.11 trở lên")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

messages: install  # needs GNU gettext; the compiled .mo files are committed so a fresh clone does not
	$(PY) manage.py compilemessages --ignore=.venv -v 0

static: install
	DEBUG=0 SECRET_KEY=collectstatic-only-key-not-used-for-anything-else-0123456789 ALLOWED_HOSTS=localhost \
		$(PY) manage.py collectstatic --noinput -v 0

migrate: install
	$(PY) manage.py migrate --noinput -v 0

demo: migrate
	$(PY) manage.py load_demo

run: static demo
	scripts/serve.sh

test: install
	scripts/test.sh

lint: install
	$(PY) -m ruff check .
	$(PY) manage.py makemigrations --check --dry-run -v 0

typecheck: install
	$(PY) -m mypy khcn

clean:
	rm -rf staticfiles .pytest_cache
