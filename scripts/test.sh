#!/usr/bin/env bash
# Sets up and runs the whole test suite headless (under Xvfb). CI calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The layers (screens above kiosk above drivers, no Kivy in the core) and lint, before any test runs.
.venv/bin/lint-imports
.venv/bin/ruff check .
mkdir -p artifacts
exec xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python -m pytest "$@"
