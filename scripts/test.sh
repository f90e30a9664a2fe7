#!/usr/bin/env bash
# Sets up and runs the whole test suite headless (under Xvfb). CI calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The layers (screens above kiosk above drivers, no Kivy in the core) and lint, before any test runs.
.venv/bin/lint-imports
.venv/bin/ruff check .
mkdir -p artifacts
# One worker more than there are cores, at least three: much of the suite waits on serial lines, sockets,
# cupsd and subprocesses, so a spare worker fills the waits (on 2 cores: 5 min 45 s with 3, 7-8 min with 2);
# a module's tests stay on one worker (loadfile: loadgroup's marks are lost on pytest 9), the long
# modules start first (tests/conftest.py). Each worker
# draws on an Xvfb of its own; this one is for anything run outside the workers.
workers=$(( $(nproc) + 1 > 3 ? $(nproc) + 1 : 3 ))
exec xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python -m pytest -n "$workers" --dist loadfile \
  --no-loadscope-reorder "$@"
