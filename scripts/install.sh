#!/usr/bin/env bash
# Install what a fresh Debian/Ubuntu machine lacks to build and test parity, then build parity
# into .venv/. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# C++ libraries come from Debian's -dev packages only.
packages=(g++ pkg-config libeigen3-dev libboost-dev libboost-math-dev libfccp-dev catch2
          libmuparser-dev librandom123-dev)
# The tests recalculate the business-case workbook headless to check its formulas.
packages+=(libreoffice-calc)
# The tests render `parity report`'s HTML in headless Chromium and screenshot it.
packages+=(chromium)
command -v cmake >/dev/null 2>&1 || packages+=(cmake)
command -v ninja >/dev/null 2>&1 || packages+=(ninja-build)
python=${PYTHON:-python3}
command -v "$python" >/dev/null 2>&1 || packages+=(python3 python3-dev python3-venv)
if command -v "$python" >/dev/null 2>&1 && ! "$python" -c "import venv, ensurepip" >/dev/null 2>&1; then
  packages+=(python3-venv)
fi
# The extension compiles against Python's headers.
if command -v "$python" >/dev/null 2>&1 && ! "$python" -c "import os, sysconfig; \
    assert os.path.exists(os.path.join(sysconfig.get_paths()['include'], 'Python.h'))" >/dev/null 2>&1; then
  packages+=(python3-dev)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> making the virtual environment .venv/"
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
echo "==> building and installing parity into .venv/ (C++ core and Python package)"
.venv/bin/python -m pip install -q ".[test]" 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -c "import parity" # fails loudly if the build did not install
