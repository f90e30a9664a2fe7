#!/usr/bin/env bash
# Builds the PyInstaller bundle and a tarball of it (demo/training; terminals get the .deb of scripts/build_deb.sh).
#
#   scripts/build_bundle.sh            demo build (simulators + demo central API included)
#   KIOSK_BUNDLE_DEMO=0 scripts/build_bundle.sh    production build
#
# Output: dist/kiosk/kiosk (the bundle) and dist/kiosk-<version>[-demo].tar.gz, whose single top folder
# holds the bundle plus deploy/ (units, udev rules, kiosk-upgrade), config.example.toml and
# docs/install.md. Needs a display or headless Mesa EGL (Kivy's hooks open a window); no display here
# means SDL's offscreen driver, or run it under xvfb-run.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=python3
DIST=${DIST:-dist}
WORK=${WORK:-build}

KIVY_LOG_MODE=MIXED "$PY" -m PyInstaller --noconfirm --log-level WARN --distpath "$DIST" --workpath "$WORK" kiosk.spec
version=$("$DIST/kiosk/kiosk" --version | awk '{print $NF}')
suffix=""
[ "${KIOSK_BUNDLE_DEMO:-1}" = 0 ] || suffix="-demo"
name="kiosk-$version$suffix"

stage=$(mktemp -d)
trap 'rm -rf -- "$stage"' EXIT
cp -a "$DIST/kiosk" "$stage/$name"
mkdir -p "$stage/$name/deploy" "$stage/$name/docs"
cp -a deploy/kiosk.service deploy/kiosk-xorg.service deploy/kiosk-restart.service deploy/kiosk-restart.timer \
      deploy/99-kiosk.rules deploy/kiosk-upgrade "$stage/$name/deploy/"
cp -a config.example.toml "$stage/$name/"
[ -f docs/install.md ] && cp -a docs/install.md "$stage/$name/docs/"
tar -C "$stage" -czf "$DIST/$name.tar.gz" "$name"
echo "built $DIST/kiosk/kiosk and $DIST/$name.tar.gz ($(du -sh "$DIST/$name.tar.gz" | cut -f1))"
