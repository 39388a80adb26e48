#!/usr/bin/env bash
# Installs Debian's wrk (the load benchmark's HTTP load generator, written in C) when it is missing.
set -euo pipefail
if command -v wrk >/dev/null; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "Installing Debian's wrk package for the load benchmark..."
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null 2>&1 || {
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
}
command -v wrk
