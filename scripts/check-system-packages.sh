#!/usr/bin/env bash
# First step of `make test`: the Debian packages in scripts/system-packages.txt (chromium for the
# browser tests, the fonts and Pango libraries WeasyPrint needs for paper packs).
# As root it installs what is missing itself; otherwise it prints the one sudo line and fails, so
# that nothing else (lint, types, the suite) runs on a machine that cannot pass.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=$(bash scripts/install-system-packages.sh --missing)
if [ -z "$missing" ] && [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  echo "Installing the system packages the tests need: ${missing:-chromium}"
  exec bash scripts/install-system-packages.sh
fi
echo "The tests need these Debian packages: ${missing:-chromium}. Install them once with:" >&2
echo "  sudo bash scripts/install-system-packages.sh" >&2
exit 1
