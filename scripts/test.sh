#!/usr/bin/env bash
# Quick start, step 2: run every test — the C++ core's Catch2 suite (built without Python) and
# the Python suite (pytest) against the package installed in .venv/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh

echo "==> C++ tests (Catch2 via ctest)"
cmake -S . -B build/cpp -G Ninja -DCMAKE_BUILD_TYPE=Release -DPARITY_BUILD_PYTHON=OFF >/dev/null
cmake --build build/cpp -j "$(nproc)"
(cd build/cpp && ctest --output-on-failure -j "$(nproc)")

echo "==> Python tests (pytest)"
.venv/bin/python -m pytest tests/python
