#!/usr/bin/env bash
# Find or start the PostgreSQL server the test suite uses, then print its admin URL on stdout.
#
#   admin_url="$(scripts/ensure-postgres.sh)"
#
# 1. Try TONGXIN_TEST_PG_ADMIN (default postgresql+asyncpg://postgres@127.0.0.1:5432/postgres).
# 2. If nothing listens, start the local Debian cluster(s) with pg_ctlcluster and wait.
# 3. If the server refuses the password-less login and TONGXIN_TEST_PG_ADMIN was not given,
#    create (as the postgres OS user) a test role `tongxin_test` that may create databases.
# Otherwise fail loudly: the PostgreSQL pass is part of `make test` and is never skipped.
set -euo pipefail

cd "$(dirname "$0")/.."
PY="${ENSURE_PG_PYTHON:-.venv/bin/python}"  # a Python with asyncpg (the project venv)
DEFAULT_URL="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
URL="${TONGXIN_TEST_PG_ADMIN:-$DEFAULT_URL}"
FALLBACK_ROLE="tongxin_test"

log() { echo "ensure-postgres: $*" >&2; }

# Exit status: 0 connected, 2 unreachable, 3 authentication refused, 1 anything else.
probe() {
  "$PY" - "$1" <<'PYEOF'
import asyncio, sys
import asyncpg

url = sys.argv[1].replace("postgresql+asyncpg://", "postgresql://", 1)

async def main() -> int:
    try:
        conn = await asyncpg.connect(url, timeout=5)
    except (OSError, asyncio.TimeoutError, asyncpg.CannotConnectNowError) as exc:
        print(f"unreachable: {exc}", file=sys.stderr)
        return 2
    except (asyncpg.InvalidPasswordError, asyncpg.InvalidAuthorizationSpecificationError) as exc:
        print(f"login refused: {exc}", file=sys.stderr)
        return 3
    except Exception as exc:  # noqa: BLE001
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    version = await conn.fetchval("SHOW server_version")
    await conn.close()
    print(f"connected, server {version}", file=sys.stderr)
    return 0

sys.exit(asyncio.run(main()))
PYEOF
}

as_postgres() {
  if [ "$(id -u)" -eq 0 ] && command -v runuser >/dev/null; then
    runuser -u postgres -- "$@"
  elif command -v sudo >/dev/null && sudo -n -u postgres true 2>/dev/null; then
    sudo -n -u postgres "$@"
  else
    return 1
  fi
}

start_local_clusters() {
  if ! command -v pg_ctlcluster >/dev/null || [ ! -d /etc/postgresql ]; then
    log "no local PostgreSQL installation (pg_ctlcluster, /etc/postgresql) to start"
    return 1
  fi
  local started=1 version
  for version in $(ls /etc/postgresql); do
    [ -d "/etc/postgresql/$version/main" ] || continue
    log "starting cluster $version/main"
    if [ "$(id -u)" -eq 0 ]; then
      pg_ctlcluster --skip-systemctl-redirect "$version" main start && started=0
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      sudo -n pg_ctlcluster --skip-systemctl-redirect "$version" main start && started=0
    else
      as_postgres pg_ctlcluster --skip-systemctl-redirect "$version" main start && started=0
    fi
  done
  return $started
}

wait_ready() {
  local i
  for i in $(seq 1 30); do
    if probe "$1" 2>/dev/null; then return 0; fi
    sleep 1
  done
  probe "$1"
}

if [ ! -x "$PY" ]; then
  log "FATAL: $PY not found; run 'make venv' first"
  exit 1
fi

status=0
probe "$URL" || status=$?

if [ "$status" -eq 2 ]; then
  log "PostgreSQL is not answering at ${URL#*@}; trying to start it"
  if start_local_clusters && wait_ready "$URL"; then
    status=0
  else
    status=0
    probe "$URL" || status=$?
  fi
fi

if [ "$status" -eq 3 ] && [ -z "${TONGXIN_TEST_PG_ADMIN:-}" ]; then
  log "password-less login as postgres refused; creating test role $FALLBACK_ROLE"
  sql="DO \$\$BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$FALLBACK_ROLE') THEN
      CREATE ROLE $FALLBACK_ROLE LOGIN CREATEDB PASSWORD '$FALLBACK_ROLE';
    ELSE
      ALTER ROLE $FALLBACK_ROLE LOGIN CREATEDB PASSWORD '$FALLBACK_ROLE';
    END IF;
  END\$\$;"
  if as_postgres psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "$sql" >&2; then
    URL="postgresql+asyncpg://$FALLBACK_ROLE:$FALLBACK_ROLE@127.0.0.1:5432/postgres"
    status=0
    probe "$URL" || status=$?
  fi
fi

if [ "$status" -ne 0 ]; then
  cat >&2 <<MSG

ERROR: no usable PostgreSQL for the test suite (tried ${URL%%://*}://…@${URL#*@}).
The PostgreSQL pass of 'make test' is required and is never skipped. Either
  * install and start PostgreSQL 15 locally (Debian: apt-get install postgresql-15 &&
    pg_ctlcluster 15 main start) and allow 'postgres' to log in from 127.0.0.1, or
  * point the tests at a server whose user may create databases:
    export TONGXIN_TEST_PG_ADMIN=postgresql+asyncpg://USER:PASSWORD@HOST:5432/postgres
MSG
  exit 1
fi

echo "$URL"
