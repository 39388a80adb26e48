#!/usr/bin/env bash
# Installs Debian's PostgreSQL server for the database tests when it is missing (the tests start their
# own server on a free port with initdb + pg_ctl, as the postgres user, and stop it afterwards).
set -euo pipefail
if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null; then
  exit 0
fi
bash "$(dirname "$0")/apt-install.sh" "the PostgreSQL tests" postgresql
