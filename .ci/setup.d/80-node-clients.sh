#!/usr/bin/env bash
# Node SPARQL clients for tests/test_clients.py, from the npm registry into build/node-clients
# (git-ignored): Comunica (comunica-sparql) and fetch-sparql-endpoint, at fixed versions.
# Comunica 4.x: 5.x needs a newer Node than Debian's (zstd in node:zlib). Installs Debian's
# nodejs and npm when they are missing. A no-op when the versions are already there.
set -euo pipefail
cd "$(dirname "$0")/../.."
DIR=build/node-clients
PACKAGES=("@comunica/query-sparql@4.5.0" "fetch-sparql-endpoint@7.2.0")

if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
have() {  # the package.json of $1 says version $2
  local file="$DIR/node_modules/$1/package.json"
  [ -f "$file" ] && grep -q "\"version\": \"$2\"" "$file"
}
if have @comunica/query-sparql 4.5.0 && have fetch-sparql-endpoint 7.2.0; then
  echo "node clients present ($(node --version))"
  exit 0
fi
mkdir -p "$DIR"
[ -f "$DIR/package.json" ] || echo '{"private": true}' > "$DIR/package.json"
npm install --prefix "$DIR" --no-audit --no-fund --silent --save-exact "${PACKAGES[@]}"
echo "node clients installed ($(node --version))"
