#!/usr/bin/env bash
# Sets up everything the kiosk and its tests need on Debian 12 with Python 3.11, as root.
# Idempotent: the second run checks and skips (apt only when a package is missing, pip only when the
# requirement files changed).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(python3-venv xvfb xauth xdotool x11-apps libmtdev1 libgl1 libegl1 libegl-mesa0 libgl1-mesa-dri
              libglx-mesa0 zbar-tools openssl systemd shellcheck espeak-ng sox alsa-utils lintian aptly gnupg
              patchelf libzinnia0 tegaki-zinnia-simplified-chinese nodejs
              cups cups-client cups-bsd printer-driver-cups-pdf libcups2-dev build-essential python3-dev poppler-utils)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm only where no npm is there yet: a NodeSource nodejs carries its own and conflicts with Debian's.
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=$(cat requirements.txt requirements-dev.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat .venv/.setup-stamp 2>/dev/null)" != "$stamp" ]; then
  .venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
  .venv/bin/pip install -q --disable-pip-version-check --no-deps -e .
  echo "$stamp" > .venv/.setup-stamp
fi

# Test data for the handwriting tests and bench/handwriting.py: Make Me a Hanzi's stroke medians
# (Arphic Public License, used as test data only), pinned.
HANZI_WRITER_DATA_VERSION=2.0.1
hwd=.cache/hanzi-writer-data
if [ "$(node -p "require('./$hwd/node_modules/hanzi-writer-data/package.json').version" 2>/dev/null)" \
     != "$HANZI_WRITER_DATA_VERSION" ]; then
  mkdir -p "$hwd"
  npm install --prefix "$hwd" --no-audit --no-fund --silent --save-exact "hanzi-writer-data@$HANZI_WRITER_DATA_VERSION"
fi
