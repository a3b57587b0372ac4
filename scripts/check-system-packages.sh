#!/usr/bin/env bash
# The browser tests drive Debian's chromium: say clearly how to get it rather than fail obscurely.
if [ ! -x /usr/bin/chromium ]; then
  echo "The browser tests need Debian's chromium at /usr/bin/chromium." >&2
  echo "Install the test system packages with: sudo bash scripts/install-system-packages.sh" >&2
  exit 1
fi
