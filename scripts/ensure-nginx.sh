#!/usr/bin/env bash
# Installs Debian's nginx for the multi-instance tests when it is missing (the tests run their own nginx,
# in the foreground with its own prefix and config, on a free loopback port, and stop it afterwards).
set -euo pipefail
if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then
  exit 0
fi
bash "$(dirname "$0")/apt-install.sh" "the multi-instance tests" nginx
