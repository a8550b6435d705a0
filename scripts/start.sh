#!/usr/bin/env bash
# The main job: install, ingest the sample corpus into the embedded Chroma in ./data, serve the
# API, the chat page and the widget on http://127.0.0.1:8000/.
set -euo pipefail
cd "$(dirname "$0")/.."
PARAGRAF_SKIP_BROWSER=1 bash scripts/install.sh  # Chromium is only for the browser tests
export PARAGRAF_DATA_DIR="${PARAGRAF_DATA_DIR:-$PWD/data}"
.venv/bin/paragraf ingest samples
exec .venv/bin/paragraf serve --host "${PARAGRAF_HOST:-127.0.0.1}" --port "${PARAGRAF_PORT:-8000}"
