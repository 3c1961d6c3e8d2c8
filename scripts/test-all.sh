#!/usr/bin/env bash
# Runs the whole suite: lint, then pytest on SQLite, then pytest on PostgreSQL.
# Called by `./dev test` after set-up; extra arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=.venv
export INSATS_ENV=test
status=0

echo "== ruff"
"$VENV/bin/ruff" check insats benchmarks || status=1

echo "== migrations are complete"
DATABASE_URL=sqlite:///:memory: "$VENV/bin/insats" makemigrations --check --dry-run >/dev/null || {
  echo "Model changes without a migration"; status=1; }

if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" -eq 0 ]; then
  echo "== installing Debian's chromium for the browser tests"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

echo "== pytest on SQLite"
DATABASE_URL="sqlite:///$(pwd)/.test.sqlite3" "$VENV/bin/pytest" -q "$@" || status=1

PG_URL=${INSATS_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
pg_reachable() {
  "$VENV/bin/python" - "$PG_URL" <<'PY'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://"), connect_timeout=3).close()
except Exception as exc:
    print(exc); sys.exit(1)
PY
}
if ! pg_reachable && command -v pg_ctlcluster >/dev/null && [ "$(id -u)" -eq 0 ]; then
  # A local cluster that is installed but stopped (a rebooted machine): start it.
  echo "== starting the local PostgreSQL cluster"
  for version in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  done
  sleep 2
fi
if pg_reachable
then
  echo "== pytest on PostgreSQL ($PG_URL)"
  DATABASE_URL="$PG_URL" "$VENV/bin/pytest" -q "$@" || status=1
else
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
  echo "!! PostgreSQL is NOT reachable at $PG_URL: the PostgreSQL run is SKIPPED !!"
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
fi
exit $status
