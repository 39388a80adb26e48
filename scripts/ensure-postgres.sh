#!/usr/bin/env bash
# Installs Debian's PostgreSQL server for the database tests when it is missing (the tests start their
# own server on a free port with initdb + pg_ctl, as the postgres user, and stop it afterwards).
# Without apt-get or root it says so and exits 0: the PostgreSQL tests then skip, except under CI=true.
set -euo pipefail
if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "PostgreSQL is not installed and this user cannot install it: the PostgreSQL tests will skip." >&2
    [ "${CI:-}" = "true" ] && exit 1
    exit 0
  fi
fi
if ! command -v apt-get >/dev/null; then
  echo "PostgreSQL is not installed and there is no apt-get: the PostgreSQL tests will skip." >&2
  [ "${CI:-}" = "true" ] && exit 1
  exit 0
fi
echo "Installing Debian's postgresql package for the database tests..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
ls /usr/lib/postgresql/*/bin/initdb
