#!/usr/bin/env bash
# For the test suite only: makes sure PostgreSQL answers on 127.0.0.1:5432 with a database
# `test` that the `postgres` role reaches over TCP without a password (as on these dev machines).
# Starts it if installed, installs it with apt when running as root and it is missing, else stops
# with a message that says how. The console itself needs no PostgreSQL (SQLite by default).
set -euo pipefail
HOST=127.0.0.1
PORT=5432

answers() { timeout 2 bash -c ">/dev/tcp/$HOST/$PORT" 2>/dev/null; }
reachable() { psql -h "$HOST" -p "$PORT" -U postgres -d test -Atc 'select 1' >/dev/null 2>&1; }

if answers && reachable; then exit 0; fi

if [ "$(id -u)" -ne 0 ]; then
  echo "The tests need PostgreSQL on $HOST:$PORT with a database 'test' open to user postgres." >&2
  echo "As root: apt-get install postgresql, then run this script again (scripts/ensure_postgres.sh)." >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  echo "Installing PostgreSQL (apt-get install postgresql)…"
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /etc/postgresql | sort -V | tail -1)
if ! answers; then
  echo "Starting PostgreSQL $version…"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 30); do answers && break; sleep 1; done
fi
as_postgres() { su postgres -s /bin/sh -c "$1"; }
as_postgres "psql -Atc \"select 1 from pg_database where datname='test'\"" | grep -q 1 \
  || as_postgres "createdb test"
hba="/etc/postgresql/$version/main/pg_hba.conf"
rule="host test postgres 127.0.0.1/32 trust"
if ! grep -qF "$rule" "$hba"; then
  echo "Letting user postgres reach database test from 127.0.0.1 without a password ($hba)"
  sed -i "1i $rule  # easysight test suite" "$hba"
  as_postgres "psql -Atc 'select pg_reload_conf()'" >/dev/null
fi
reachable || { echo "PostgreSQL on $HOST:$PORT still refuses user postgres on database test" >&2; exit 1; }
