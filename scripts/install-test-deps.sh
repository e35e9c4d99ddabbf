#!/usr/bin/env bash
# Installs (idempotently) the Debian packages the test suite needs:
# headless Chromium + ChromeDriver for page tests, Xvfb + Mesa for the helper window test,
# ImageMagick to capture the window, PostgreSQL client tools to check the server is up.
set -euo pipefail

packages=(chromium chromium-driver xvfb xauth x11-utils imagemagick libgl1-mesa-dri libegl1 libgles2 mesa-vulkan-drivers libxkbcommon-x11-0 libxcursor1 libxi6 libxrandr2 postgresql-client fonts-dejavu-core)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  echo "Installing test packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The PostgreSQL tests need the local server (127.0.0.1:5432, trust auth); start it if it is installed but stopped.
if command -v pg_isready >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  if command -v pg_ctlcluster >/dev/null && ls /etc/postgresql >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
fi
