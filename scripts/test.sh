#!/usr/bin/env bash
# Sets up and runs the whole test suite headless (under Xvfb). CI calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The layers (screens above kiosk above drivers, no Kivy in the core) and lint, before any test runs.
.venv/bin/lint-imports
.venv/bin/ruff check .
mkdir -p artifacts
# On every core (at least two workers: much of the suite waits on serial lines, sockets and subprocesses);
# a module's tests stay on one worker (loadfile: loadgroup's marks are lost on pytest 9), the long
# modules start first (tests/conftest.py). Each worker
# draws on an Xvfb of its own; this one is for anything run outside the workers.
workers=$(( $(nproc) > 2 ? $(nproc) : 2 ))
exec xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python -m pytest -n "$workers" --dist loadfile \
  --no-loadscope-reorder "$@"
