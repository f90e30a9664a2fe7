#!/usr/bin/env bash
# Sets up and starts the kiosk in demo mode: simulated printer and ID-card reader on pseudo-terminals
# and the built-in demo central API on 127.0.0.1. Extra arguments go to the kiosk (e.g. --windowed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -z "${DISPLAY:-}" ]; then
  echo "demo: no DISPLAY; running on a virtual screen. To watch it, run on a desktop, or:"
  echo "      xvfb-run -a -s '-screen 0 1920x1080x24' .venv/bin/kiosk --windowed"
  exec xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/kiosk "$@"
fi
exec .venv/bin/kiosk "$@"
