#!/usr/bin/env bash
# Make sure a Chrome or Chromium exists for kaleido (image export) and the browser tests.
# As root on Debian/Ubuntu we install the distribution's chromium; otherwise we say what to run.
set -euo pipefail

for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then
    exit 0
  fi
done

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Chromium not found: installing Debian's chromium package…"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  [ -x /usr/bin/chromium ] && exit 0
fi

cat >&2 <<'MSG'
Chromium is required for image export and the browser tests, and none was found.
Install it with:
    sudo apt-get install -y chromium
or point CHROMIUM_PATH at an existing Chrome/Chromium binary.
MSG
exit 1
