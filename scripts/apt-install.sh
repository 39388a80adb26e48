#!/usr/bin/env bash
# Installs Debian packages for the tests that need a real service: apt-install.sh "WHAT" PACKAGE...
# Without apt-get or root it says so and exits 0: the tests that need them then skip, except under CI=true.
set -euo pipefail
what="$1"; shift
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "$* not installed and this user cannot install it: $what will skip." >&2
    [ "${CI:-}" = "true" ] && exit 1
    exit 0
  fi
fi
if ! command -v apt-get >/dev/null; then
  echo "$* not installed and there is no apt-get: $what will skip." >&2
  [ "${CI:-}" = "true" ] && exit 1
  exit 0
fi
echo "Installing Debian's $* for $what..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
