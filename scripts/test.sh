#!/usr/bin/env bash
# The whole test suite: unit tests with deterministic fakes plus `slow` tests with the real models.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec .venv/bin/python -m pytest "$@"
