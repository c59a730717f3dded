#!/usr/bin/env bash
# `make demo`: migrate, seed once, index once, then run the worker, the scheduler and the API until
# Ctrl-C.
# A second run finds the catalog and the index in place and goes straight to serving.
set -euo pipefail
cd "$(dirname "$0")/.."
products="${1:-3000}"
catalog=.venv/bin/catalog

$catalog migrate
$catalog seed --products "$products" --if-empty
$catalog reindex --if-needed

$catalog worker &
worker=$!
$catalog scheduler &
scheduler=$!
trap 'kill $worker $scheduler 2>/dev/null; wait $worker $scheduler 2>/dev/null' EXIT INT TERM

port="${API_PORT:-8000}"
cat <<TXT

Catalog Search is serving on http://127.0.0.1:${port}  (OpenAPI docs: http://127.0.0.1:${port}/docs)
Try:
  curl -s 'http://127.0.0.1:${port}/search?q=55in+tv&facets=brand,category,price' | python3 -m json.tool
  curl -s 'http://127.0.0.1:${port}/health' | python3 -m json.tool
Ctrl-C stops the API, the worker and the scheduler (the servers keep running: make down stops them).

TXT
$catalog serve
