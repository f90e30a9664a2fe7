#!/usr/bin/env bash
# Sets up everything the kiosk and its tests need on Debian 12 with Python 3.11, as root.
# Idempotent: the second run checks and skips (apt only when a package is missing, pip only when the
# requirement files changed).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(python3-venv xvfb xauth xdotool x11-apps libmtdev1 libgl1 libegl1 libegl-mesa0 libgl1-mesa-dri
              libglx-mesa0 zbar-tools openssl systemd shellcheck espeak-ng sox alsa-utils lintian aptly gnupg
              patchelf)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
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
