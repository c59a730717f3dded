#!/usr/bin/env bash
# Installs what the project needs on a fresh machine of this kind, idempotently:
# Debian packages (Redis, WordNet; PostgreSQL and Maven are checked), uv, the locked virtualenv, and
# the NLTK data folder. Nothing here runs at request time; nothing is fetched at run time.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v redis-server >/dev/null || need_apt+=(redis-server)
[ -f /usr/share/wordnet/data.noun ] || need_apt+=(wordnet-base wordnet-sense-index)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need_apt+=(postgresql)
command -v mvn >/dev/null || need_apt+=(maven)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing system packages: ${need_apt[*]} (run as root, or install them)" >&2
    exit 1
  fi
  echo "installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if ! command -v uv >/dev/null; then
  python3 -m pip install --quiet uv
fi
uv sync --frozen --quiet

bash scripts/install_nltk_data.sh
