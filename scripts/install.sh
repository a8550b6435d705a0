#!/usr/bin/env bash
# Create .venv (if missing) and install Paragraf with its test extras. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
bash scripts/system-deps.sh
if [ ! -x .venv/bin/python ]; then
  echo "==> Skapar virtuell miljö i .venv"
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
# torch is pinned in pyproject (CPU build); installing it first keeps pip from resolving a CUDA build.
.venv/bin/python -m pip install --quiet "torch==2.13.0"
.venv/bin/python -m pip install --quiet -e ".[dev]"
echo "==> Installerat: $(.venv/bin/paragraf --help | head -1)"
