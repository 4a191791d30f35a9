#!/usr/bin/env bash
# Backs up the database of a running tasdiq, restores the backup into a scratch database, and
# checks that a service started on the copy answers like the original.
#
#   TASDIQ_DATABASE_URL=… TASDIQ_KEYS_DIR=… scripts/backup-restore.sh BASE_URL LABEL_CODE
#
# SQLite: online backup with `tasdiq backup --to FILE` (VACUUM INTO); the backup file is the
# restored database. PostgreSQL: pg_dump -Fc of the schema, pg_restore into a new database.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE="$1"
CODE="$2"
BIN="${TASDIQ_BIN:-target/debug/tasdiq}"
work="$(mktemp -d)"
restored_db=""
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  [ -n "$restored_db" ] && dropdb -h 127.0.0.1 -U postgres --if-exists "$restored_db" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

count() { curl -sf "$1/api/v1/brands?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])'; }
verdict() { curl -sf "$1/api/v1/verify/$CODE" | python3 -c 'import json,sys; v=json.load(sys.stdin); print(v["status"], v["label"]["certificate"])'; }

before_count="$(count "$BASE")"
before_verdict="$(verdict "$BASE")"

case "$TASDIQ_DATABASE_URL" in
  sqlite:*)
    "$BIN" backup --to "$work/backup.db"
    restored_url="sqlite://$work/backup.db?mode=rw"
    ;;
  postgres*)
    base_url="${TASDIQ_DATABASE_URL%%\?*}"
    schema="$(printf '%s' "$TASDIQ_DATABASE_URL" | sed -n 's/.*search_path%3D\([A-Za-z0-9_]*\).*/\1/p')"
    schema_args=()
    [ -n "$schema" ] && schema_args=(--schema="$schema")
    pg_dump --dbname="$base_url" "${schema_args[@]}" -Fc -f "$work/backup.dump"
    restored_db="tasdiq_restore_$$"
    createdb -h 127.0.0.1 -U postgres "$restored_db"
    pg_restore -h 127.0.0.1 -U postgres -d "$restored_db" --no-owner "$work/backup.dump"
    restored_url="postgres://postgres@127.0.0.1:5432/${restored_db}"
    [ -n "$schema" ] && restored_url="${restored_url}?options=-c%20search_path%3D${schema}"
    ;;
  *) echo "unknown database URL" >&2; exit 2 ;;
esac

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# The restored copy serves on its own port: record that address first (a node told another
# address than the stored one refuses to start).
TASDIQ_DATABASE_URL="$restored_url" "$BIN" settings public-url "http://127.0.0.1:$port" > /dev/null
TASDIQ_DATABASE_URL="$restored_url" TASDIQ_ADDR="127.0.0.1:$port" TASDIQ_PUBLIC_URL="http://127.0.0.1:$port" \
  "$BIN" serve > "$work/restored.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.2
done
after_count="$(count "http://127.0.0.1:$port")"
after_verdict="$(verdict "http://127.0.0.1:$port")"
echo "original: $before_count brands, label $before_verdict"
echo "restored: $after_count brands, label $after_verdict"
[ "$before_count" = "$after_count" ] && [ "$before_verdict" = "$after_verdict" ]
