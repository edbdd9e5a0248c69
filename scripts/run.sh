#!/usr/bin/env bash
# The main job on the embedded default: set up, ingest corpus/, serve the API
# and the page on 127.0.0.1 (PORT, default 8000).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
DATA="${POLICYKG_DATA:-.policykg}"
.venv/bin/policykg ingest --corpus corpus --data "$DATA"
exec .venv/bin/policykg serve --data "$DATA" --host 127.0.0.1 --port "${PORT:-8000}"
