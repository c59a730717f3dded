# Catalog Search: `make demo` runs the service with a catalog in it, `make test` runs the whole suite.
# Both bring up the project's own PostgreSQL, Redis and Elasticsearch under .local/ (see README).
.DEFAULT_GOAL := help
SHELL := /bin/bash
CATALOG := .venv/bin/catalog
PYTEST := .venv/bin/pytest
DEMO_PRODUCTS ?= 3000

.PHONY: help bootstrap services down demo test test-system test-faults test-cluster test-drill lint format bench

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

bootstrap: ## Install system packages, the locked virtualenv and NLTK data (idempotent)
	@bash scripts/bootstrap.sh

services: bootstrap ## Start local PostgreSQL, Redis and Elasticsearch
	@$(CATALOG) services up

down: ## Stop the local servers
	@$(CATALOG) services down

demo: services ## Load a sample catalog and serve the API on 127.0.0.1:8000 with a worker
	@bash scripts/demo.sh $(DEMO_PRODUCTS)

test: services ## Run the whole test suite against real servers
	@$(PYTEST) -p no:cacheprovider

test-system: services ## The shipped processes started as a user starts them, driven over HTTP
	@$(PYTEST) -p no:cacheprovider -m system

test-faults: services ## Run the fault-injection suite
	@$(PYTEST) -p no:cacheprovider -m faults

test-cluster: services ## Kill a node of a three-node Elasticsearch cluster under load
	@$(PYTEST) -p no:cacheprovider -m cluster

test-drill: services ## The recovery drill: backup, restore, reindex, verify
	@$(PYTEST) -p no:cacheprovider -m recovery

bench: services ## The whole benchmark suite at 100k products, appended to docs/benchmarks.md
	@$(CATALOG) bench all --size 100k

lint: bootstrap ## ruff (lint and format) and mypy
	@.venv/bin/ruff check .
	@.venv/bin/ruff format --check .
	@.venv/bin/mypy .
	@.venv/bin/lint-imports --no-cache

format: bootstrap ## Apply ruff's fixes and formatting
	@.venv/bin/ruff check --fix .
	@.venv/bin/ruff format .
