#!/usr/bin/env bash
# Quick start, step 1: install what is missing, build parity, run every shipped model and
# print the published figures beside the models' values.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
echo "==> running every model in params/"
.venv/bin/parity run params/ --out parity-results
echo "==> published figures beside the models' values (docs/replication.md)"
.venv/bin/parity replicate
