#!/usr/bin/env bash
# Prepares a Debian 12 machine for the kiosk: system packages, the kiosk user, directories with their
# modes, the systemd units, the udev rules template, kiosk-upgrade. Idempotent: run it again after an
# upgrade of these files; it never overwrites the config or the udev rules you filled in.
#
#   sudo deploy/install.sh [--no-apt]
#
# KIOSK_ROOT=/tmp/x deploy/install.sh   installs into a prefix (tests): no apt, no users, no chown,
#                                       no systemctl/udevadm.
# Then: kiosk-upgrade install kiosk-<version>.tar.gz, edit /etc/kiosk/config.toml, see docs/install.md.
set -euo pipefail

SRC=$(cd "$(dirname "$0")" && pwd)
ROOT=${KIOSK_ROOT:-/}
ROOT=${ROOT%/}
APT=1
for arg in "$@"; do
  case $arg in
    --no-apt) APT=0 ;;
    *) echo "usage: install.sh [--no-apt]" >&2; exit 2 ;;
  esac
done

say() { echo "install: $*"; }
REAL=0
if [ -z "$ROOT" ]; then
  REAL=1
  [ "$(id -u)" = 0 ] || { echo "install: run as root (sudo)" >&2; exit 1; }
fi

APT_PACKAGES=(xserver-xorg-core xserver-xorg-input-libinput xserver-xorg-input-evdev xauth x11-xserver-utils
              libgl1 libgl1-mesa-dri libegl1 libegl-mesa0 libmtdev1 usbutils udev)

if [ "$REAL" = 1 ] && [ "$APT" = 1 ]; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi

if [ "$REAL" = 1 ]; then
  getent group kiosk >/dev/null || { say "creating group kiosk"; groupadd --system kiosk; }
  if ! id kiosk >/dev/null 2>&1; then
    say "creating user kiosk"
    useradd --system --gid kiosk --home-dir /var/lib/kiosk --no-create-home --shell /usr/sbin/nologin \
      --comment "self-service terminal" kiosk
  fi
  for g in dialout video render; do
    if getent group "$g" >/dev/null && ! id -nG kiosk | tr ' ' '\n' | grep -qx "$g"; then
      usermod -aG "$g" kiosk
    fi
  done
fi

# dir MODE OWNER:GROUP PATH  (owner only applied on a real install)
dir() {
  local mode=$1 owner=$2 path=$ROOT$3
  if [ "$REAL" = 1 ]; then
    install -d -m "$mode" -o "${owner%:*}" -g "${owner#*:}" "$path"
  else
    install -d -m "$mode" "$path"
  fi
}
# file MODE SRC DEST
file() {
  install -D -m "$1" "$2" "$ROOT$3"
}

dir 0755 root:root /opt/kiosk
dir 0755 root:root /opt/kiosk/releases
dir 0750 root:kiosk /etc/kiosk
dir 0750 kiosk:kiosk /var/lib/kiosk
dir 0750 kiosk:kiosk /var/lib/kiosk/logs

cfg="$ROOT/etc/kiosk/config.toml"
example="$SRC/../config.example.toml"
[ -f "$example" ] || example="$SRC/config.example.toml"
if [ ! -e "$cfg" ]; then
  install -m 0640 "$example" "$cfg"
  [ "$REAL" = 1 ] && chown root:kiosk "$cfg"
  say "wrote $cfg from the example: edit it (terminal.id, api.base_url, api.token, ports)"
else
  mode=$(stat -c %a "$cfg")
  if [ $((8#$mode & 8#007)) -ne 0 ]; then
    chmod o-rwx "$cfg"
    say "$cfg was open to others (mode $mode); now $(stat -c %a "$cfg")"
  fi
fi
install -m 0644 "$example" "$ROOT/etc/kiosk/config.example.toml"

for unit in kiosk.service kiosk-xorg.service kiosk-restart.service kiosk-restart.timer; do
  file 0644 "$SRC/$unit" "/etc/systemd/system/$unit"
done
file 0755 "$SRC/kiosk-upgrade" /usr/local/sbin/kiosk-upgrade

rules="$ROOT/etc/udev/rules.d/99-kiosk.rules"
if [ ! -e "$rules" ]; then
  file 0644 "$SRC/99-kiosk.rules" /etc/udev/rules.d/99-kiosk.rules
  say "wrote $rules: fill in your adapters' idVendor/idProduct/serial (docs/install.md)"
elif ! cmp -s "$SRC/99-kiosk.rules" "$rules"; then
  file 0644 "$SRC/99-kiosk.rules" /etc/udev/rules.d/99-kiosk.rules.dist
  say "kept your $rules; the shipped template is beside it as 99-kiosk.rules.dist"
fi

if [ "$REAL" = 1 ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable kiosk-xorg.service kiosk.service kiosk-restart.timer
  udevadm control --reload && udevadm trigger --subsystem-match=tty
  say "units enabled; start with: systemctl start kiosk-xorg.service kiosk.service"
else
  say "installed into ${ROOT:-/} (no systemctl run)"
fi
