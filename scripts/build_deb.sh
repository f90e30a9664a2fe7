#!/usr/bin/env bash
# Builds the Debian package of the terminal software: dist/kiosk_<version>_<arch>.deb.
#
#   scripts/build_deb.sh                          production bundle from kiosk.spec, then the package
#   scripts/build_deb.sh --bundle DIR             package an already built bundle (DIR/kiosk, DIR/_internal)
#   scripts/build_deb.sh --version 0.2.0-1        Debian version (default: `kiosk --version` + "-1")
#   scripts/build_deb.sh --out DIR                where the .deb goes (default dist/)
#   DEB_COMPRESS=gzip scripts/build_deb.sh        faster, 20% bigger (the tests use it); default xz
#
# Layout in the package: /usr/lib/kiosk (the bundle), /usr/bin/kiosk, /usr/sbin/kiosk-upgrade,
# /lib/systemd/system (units), /lib/udev/rules.d/99-kiosk.rules (template), /etc/kiosk/config.toml
# (conffile: a technician's edits survive upgrades), the console lock-down (Xorg, sysctl, logind), and the maintainer
# scripts in packaging/debian. Built with dpkg-deb --root-owner-group: no fakeroot needed.
# Then: lintian dist/kiosk_*.deb, and publish it in the center's signed repository (docs/install.md).
# Needs: dpkg-deb, dpkg-shlibdeps (dpkg-dev), patchelf, git (for the time stamp).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=python3

BUNDLE="" VERSION="" OUT=dist
while [ $# -gt 0 ]; do
  case $1 in
    --bundle) BUNDLE=$2; shift 2 ;;
    --version) VERSION=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    *) echo "usage: build_deb.sh [--bundle DIR] [--version VERSION] [--out DIR]" >&2; exit 2 ;;
  esac
done

if [ -z "$BUNDLE" ]; then
  KIOSK_BUNDLE_DEMO=0 KIVY_LOG_MODE=MIXED "$PY" -m PyInstaller --noconfirm --log-level WARN \
    --distpath build/deb-dist --workpath build/deb-work kiosk.spec
  BUNDLE=build/deb-dist/kiosk
fi
[ -x "$BUNDLE/kiosk" ] || { echo "build_deb.sh: $BUNDLE/kiosk is not an executable bundle" >&2; exit 1; }
if [ -z "$VERSION" ]; then
  VERSION="$("$BUNDLE/kiosk" --version | awk '{print $NF}')-1"
fi
[[ "$VERSION" =~ ^[0-9][A-Za-z0-9.+~-]*$ ]] || { echo "build_deb.sh: bad version '$VERSION'" >&2; exit 1; }
ARCH=$(dpkg --print-architecture)
# Same bytes from the same commit: file times from the last commit (or now outside git).
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}

stage=$(mktemp -d)
trap 'rm -rf -- "$stage"' EXIT
pkg="$stage/kiosk"
umask 022

install -d "$pkg/DEBIAN" "$pkg/usr/lib" "$pkg/usr/bin" "$pkg/usr/sbin" "$pkg/lib/systemd/system" \
  "$pkg/etc/kiosk" "$pkg/lib/udev/rules.d" "$pkg/etc/X11/xorg.conf.d" "$pkg/usr/lib/sysctl.d" \
  "$pkg/usr/lib/systemd/logind.conf.d" "$pkg/usr/share/doc/kiosk" "$pkg/usr/share/lintian/overrides"
cp -a "$BUNDLE" "$pkg/usr/lib/kiosk"
chmod -R u+rwX,go+rX,go-w "$pkg/usr/lib/kiosk"
find "$pkg/usr/lib/kiosk" -name __pycache__ -prune -exec rm -rf {} +
# Libraries are mapped, not run; and a RUNPATH left by the build machine's Python
# (/root/.pyenv/...) would make the terminal look for libraries in a folder nobody installs.
find "$pkg/usr/lib/kiosk/_internal" -type f -name '*.so*' -exec chmod a-x {} +
while IFS= read -r -d '' lib; do
  rp=$(patchelf --print-rpath "$lib" 2>/dev/null) || continue
  case $rp in ""|"\$ORIGIN"*) ;; *) patchelf --remove-rpath "$lib" ;; esac
done < <(find "$pkg/usr/lib/kiosk" -type f \( -name '*.so*' -o -name kiosk \) -print0)
ln -s ../lib/kiosk/kiosk "$pkg/usr/bin/kiosk"
install -m 0755 deploy/kiosk-upgrade "$pkg/usr/sbin/kiosk-upgrade"
for unit in kiosk.service kiosk-xorg.service kiosk-restart.service kiosk-restart.timer; do
  install -m 0644 "deploy/$unit" "$pkg/lib/systemd/system/$unit"
done
# The shipped config is the example (placeholder token): the kiosk refuses it until it is filled in.
install -m 0640 config.example.toml "$pkg/etc/kiosk/config.toml"
# The udev template (placeholders match no device): a technician copies it to /etc/udev/rules.d and fills
# it in there; udev takes /etc over /lib for the same name, and the package never touches /etc/udev.
install -m 0644 deploy/99-kiosk.rules "$pkg/lib/udev/rules.d/99-kiosk.rules"
install -m 0644 deploy/lockdown/50-kiosk-lockdown.conf "$pkg/etc/X11/xorg.conf.d/50-kiosk-lockdown.conf"
install -m 0644 deploy/lockdown/50-kiosk-sysrq.conf "$pkg/usr/lib/sysctl.d/50-kiosk-sysrq.conf"
install -m 0644 deploy/lockdown/50-kiosk-vt.conf "$pkg/usr/lib/systemd/logind.conf.d/50-kiosk-vt.conf"

doc="$pkg/usr/share/doc/kiosk"
install -m 0644 packaging/debian/copyright "$doc/copyright"
install -m 0644 config.example.toml "$doc/config.example.toml"
gzip -9n < docs/install.md > "$doc/install.md.gz"
{
  echo "kiosk ($VERSION) stable; urgency=medium"
  echo
  echo "  * Release $VERSION of the terminal software (git $(git rev-parse --short HEAD 2>/dev/null || echo none))."
  echo
  echo " -- Daodejie Service Center Terminal Team <terminals@zwfw.example.gov.cn>  $(date -R -u -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n > "$doc/changelog.Debian.gz"
install -m 0644 packaging/debian/lintian-overrides "$pkg/usr/share/lintian/overrides/kiosk"

# The production bundle carries no copy of a library Debian 12 ships (kiosk.spec): the package depends on
# the Debian packages that hold what its programs and libraries link to, as dpkg-shlibdeps finds them
# (libssl3, libcups2, libsqlite3-0, ...). Libraries loaded at run time by name (libGL through SDL, libmtdev,
# libzinnia) are not linked: control.in names them.
shlib_depends() {
  local bundle=$1 work elfs=() dirs=() f static
  # Packages control.in names itself (libc6 with the version the bundle's Python was built for, libgl1):
  # not twice.
  static="($(sed -n 's/^Depends: //p' packaging/debian/control.in | tr ',' '\n' | sed -e 's/^ *//' -e 's/ .*//' \
    | grep -v '^@' | paste -sd'|' -))( .*)?"
  work=$(mktemp -d)
  mkdir "$work/debian"
  printf 'Source: kiosk\n\nPackage: kiosk\nArchitecture: any\n' > "$work/debian/control"
  while IFS= read -r -d '' f; do
    [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] && elfs+=("$f")
  done < <(find "$bundle" -type f \( -name '*.so*' -o -name kiosk \) -print0)
  [ ${#elfs[@]} -gt 0 ] || return 0          # a stand-in bundle of the deploy tests (a shell script)
  while IFS= read -r -d '' f; do dirs+=("-l$f"); done < <(find "$bundle/_internal" -type d -print0)
  (cd "$work" && dpkg-shlibdeps -O --ignore-missing-info --warnings=0 "${dirs[@]}" "${elfs[@]}") \
    | sed -n 's/^shlibs:Depends=//p' | tr ',' '\n' | sed 's/^ *//' | grep -v -x -E "$static" | paste -sd, - \
    | sed 's/,/, /g'
  rm -rf -- "$work"
}
shlibs=$(shlib_depends "$pkg/usr/lib/kiosk")
if [ -z "$shlibs" ] && [ -n "$(find "$pkg/usr/lib/kiosk" -type f -name '*.so*' -print -quit)" ]; then
  echo "build_deb.sh: dpkg-shlibdeps found no library dependencies" >&2; exit 1
fi

for f in postinst prerm postrm; do install -m 0755 "packaging/debian/$f" "$pkg/DEBIAN/$f"; done
install -m 0644 packaging/debian/conffiles "$pkg/DEBIAN/conffiles"
size=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$size/" -e "s/@SHLIBS@/$shlibs/" -e "s/, , /, /" \
  packaging/debian/control.in \
  > "$pkg/DEBIAN/control"
(cd "$pkg" && find . -path ./DEBIAN -prune -o -type f -print0 | sort -z | xargs -0 md5sum | sed 's| \./| |') \
  > "$pkg/DEBIAN/md5sums"
chmod 0644 "$pkg/DEBIAN/md5sums"
find "$pkg" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

mkdir -p "$OUT"
deb="$OUT/kiosk_${VERSION}_${ARCH}.deb"
dpkg-deb --root-owner-group "-Z${DEB_COMPRESS:-xz}" --build "$pkg" "$deb" >/dev/null
echo "built $deb ($(du -h "$deb" | cut -f1))"
