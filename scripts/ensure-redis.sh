#!/usr/bin/env bash
# Installs Debian's Redis server for the job-queue tests when it is missing (the tests start their own
# redis-server on a free loopback port, without persistence, and stop it afterwards).
set -euo pipefail
if command -v redis-server >/dev/null; then
  exit 0
fi
bash "$(dirname "$0")/apt-install.sh" "the job-queue tests" redis-server
