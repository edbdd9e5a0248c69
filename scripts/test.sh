#!/usr/bin/env bash
# Set up everything the tests need, then run the whole suite:
# the Python packages and the embedding model (install.sh --test), Debian's
# chromium for the browser tests, and a real Neo4j server (neo4j-dev).
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --test
DATA="$(realpath -m "${POLICYKG_DATA:-.policykg}")"
export POLICYKG_DATA="$DATA"

if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi wenquanyi; then
  echo "==> installing Debian's chromium and a Chinese font for the browser tests"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
fi

# A real Neo4j Community server for the Neo4j tests, started by the project's
# own command (first start resolves the Maven Central artifacts into ~/.m2).
export POLICYKG_NEO4J_TEST_DATA="${POLICYKG_NEO4J_TEST_DATA:-$PWD/test-artifacts/neo4j-data}"
echo "==> starting neo4j-dev for the tests"
.venv/bin/policykg neo4j-dev start --data "$POLICYKG_NEO4J_TEST_DATA"
trap '.venv/bin/policykg neo4j-dev stop --data "$POLICYKG_NEO4J_TEST_DATA" >/dev/null 2>&1 || true' EXIT

echo "==> running tests"
set +e
.venv/bin/python -m pytest tests "$@"
status=$?
set -e
# pytest exits 5 when it collected no tests: that is a failure here.
[ "$status" = 5 ] && echo "no tests were collected" >&2
exit "$status"
