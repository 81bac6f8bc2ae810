#!/usr/bin/env bash
# Quick start, step 1: install what is missing, build parity, and run every shipped model.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
echo "==> running every model in params/"
.venv/bin/parity run params/ --out parity-results
