#!/usr/bin/env bash
# Installs Debian's wrk (the load benchmark's HTTP load generator, written in C) when it is missing.
set -euo pipefail
if command -v wrk >/dev/null; then
  exit 0
fi
bash "$(dirname "$0")/apt-install.sh" "the load benchmark" wrk
command -v wrk
