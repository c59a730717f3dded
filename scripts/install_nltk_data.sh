#!/usr/bin/env bash
# Install the NLTK data the analyzers can use, offline: WordNet 3.0 from Debian's packages,
# COPIED (NLTK 3.10 refuses symlinks that resolve outside its data folder) into
#   ${NLTK_DATA%%:*}/corpora/wordnet/   (default: <repo>/.local/nltk_data/corpora/wordnet/)
# together with analyzers/data/lexnames, which Debian does not ship.
# Idempotent: files already up to date are left alone. Never downloads from NLTK's servers.
# Only the opt-in `lemmatized` profile needs this; the default Snowball profiles need nothing.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source_dir="${WORDNET_SOURCE:-/usr/share/wordnet}"
data_dir="${NLTK_DATA:-$repo/.local/nltk_data}"
data_dir="${data_dir%%:*}"  # NLTK_DATA may be a path list: install into its first folder
target="$data_dir/corpora/wordnet"
files=(
  adj.exc adv.exc noun.exc verb.exc
  data.adj data.adv data.noun data.verb
  index.adj index.adv index.noun index.verb index.sense
  cntlist.rev
)

missing() {
  local f
  for f in "${files[@]}"; do
    [[ -f "$source_dir/$f" ]] || return 0
  done
  return 1
}

if missing; then
  if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "installing Debian's WordNet (wordnet-base, wordnet-sense-index)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends wordnet-base wordnet-sense-index \
      || { apt-get update && apt-get install -y --no-install-recommends wordnet-base wordnet-sense-index; }
  fi
  if missing; then
    echo "error: WordNet files missing in $source_dir; as root run:" >&2
    echo "  apt-get install -y wordnet-base wordnet-sense-index" >&2
    exit 1
  fi
fi

mkdir -p "$target"
copied=0
for f in "${files[@]}"; do
  if ! cmp -s "$source_dir/$f" "$target/$f"; then
    rm -f "$target/$f"  # replaces a symlink or stale copy by a real file
    cp "$source_dir/$f" "$target/$f"
    copied=$((copied + 1))
  fi
done
if ! cmp -s "$repo/analyzers/data/lexnames" "$target/lexnames"; then
  rm -f "$target/lexnames"
  cp "$repo/analyzers/data/lexnames" "$target/lexnames"
  copied=$((copied + 1))
fi
echo "WordNet ready in $target ($copied file(s) copied)"
