# Two commands do everything on a fresh machine:
#   make run   - venv, Python and npm packages, frontend build, model, then serve on http://127.0.0.1:5000
#   make test  - the same set-up, then every test suite
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

FRONTEND_SOURCES := $(shell find frontend -type f -not -path 'frontend/dist/*' 2>/dev/null) package.json vite.config.js
MODEL := storage/classifier.pkl
PAGE_STROKES := test-artifacts/page-strokes.json
PAGE_PER_DIGIT ?= 40
NUMBER_STROKES := test-artifacts/number-strokes.json
PAGE_NUMBERS ?= 150

.PHONY: help run serve setup deps frontend model train test test-python test-frontend test-e2e \
        bench bench-accuracy bench-load bench-uncertainty bench-page bench-page-number bench-number bench-poisoning bench-fuzz bench-storage clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

run: setup  ## set everything up, then serve on http://127.0.0.1:5000
	$(PY) manage.py runserver

serve: setup  ## production server: gunicorn, WORKERS x THREADS, on HOST:PORT
	$(PY) manage.py serve

setup: deps frontend model  ## venv, packages, frontend build, model

deps: $(VENV)/.installed node_modules/.package-lock.json

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund

frontend: frontend/dist/index.html  ## build the React app into frontend/dist

frontend/dist/index.html: node_modules/.package-lock.json $(FRONTEND_SOURCES)
	npm run build

model: $(VENV)/.installed node_modules/.package-lock.json  ## train the model unless a usable one is stored
	$(PY) manage.py train --if-missing

train: $(VENV)/.installed node_modules/.package-lock.json  ## retrain the model from scratch
	$(PY) manage.py train

test: setup test-python test-frontend test-e2e  ## set-up, then every test suite

test-python: $(VENV)/.installed
	bash scripts/ensure-postgres.sh
	bash scripts/ensure-redis.sh
	bash scripts/ensure-nginx.sh
	$(PY) -m pytest -q tests --ignore=tests/e2e

test-frontend: node_modules/.package-lock.json
	npm test

test-e2e: setup
	bash scripts/ensure-chromium.sh
	npm run test:e2e

bench: bench-page bench-accuracy bench-uncertainty bench-load bench-poisoning bench-number bench-page-number  ## every benchmark (the page-drawn set first: bench-accuracy reads it)

bench-accuracy: setup  ## accuracy on real validation drawings, held-out load_digits and page-drawn digits: new, previous, seed
	$(PY) -m benchmarks.accuracy

bench-uncertainty: setup  ## share of non-digits and of real digits flagged "not sure"
	$(PY) -m benchmarks.uncertainty

bench-poisoning: $(VENV)/.installed model  ## 2,000 poisoned feedback vs honest corrections: review, share, gate
	$(PY) -m benchmarks.poisoning

bench-number: setup  ## numbers of 2-6 real validation digits, apart and touching: whole-number and per-digit accuracy, time per number
	$(PY) -m benchmarks.number

bench-fuzz: $(VENV)/.installed model  ## 10,000 schemathesis requests over every endpoint (admin ones with the token), counted by status
	$(PY) -m benchmarks.fuzz --requests 10000

bench-storage: $(VENV)/.installed model  ## rows and bytes stored for one minute of drawing on the page (its request schedule replayed)
	$(PY) -m benchmarks.storage

bench-load: $(VENV)/.installed model  ## wrk load on the floor, the original server and ours; search cost as the training set grows
	bash scripts/ensure-wrk.sh
	$(PY) -m benchmarks.load

bench-page: setup  ## real validation digits drawn with the mouse on the page in Chromium (PAGE_PER_DIGIT=40 of each)
	bash scripts/ensure-chromium.sh
	$(PY) -m benchmarks.page_strokes $(PAGE_STROKES) --per-digit $(PAGE_PER_DIGIT)
	PAGE_STROKES=$(PAGE_STROKES) npm run bench:page

bench-page-number: setup  ## numbers of 2-6 real validation digits drawn with the mouse in Number mode in Chromium (PAGE_NUMBERS=150)
	bash scripts/ensure-chromium.sh
	$(PY) -m benchmarks.page_strokes $(NUMBER_STROKES) --per-digit 100
	NUMBER_STROKES=$(NUMBER_STROKES) PAGE_NUMBERS=$(PAGE_NUMBERS) npm run bench:page-number

clean:  ## remove build output and installed packages (keeps storage/)
	rm -rf $(VENV) node_modules frontend/dist test-artifacts .pytest_cache
