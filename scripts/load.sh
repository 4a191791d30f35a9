#!/usr/bin/env bash
# Load measurement of the verification routes, as docs/performance.md reports it.
#
#   scripts/load.sh [seconds] [sqlite|postgres]      (default 10 s per run, SQLite)
#
#   LOAD_REPEAT=2                  repeat the whole set of runs (default 1)
#   LOAD_CONCURRENCY="1 8 32 128"  connections of the single-route runs
#   LOAD_PG=postgres://postgres@127.0.0.1:5432   server for `postgres` (a database is made)
#
# - The server (release build) runs pinned to core 0; wrk runs pinned to core 1.
# - Single route: GET /api/v1/verify/{code}, one wrk thread, cycling over 2,000 distinct valid
#   codes of one certificate (nothing caches a signature result; scans are counted as usual),
#   at each concurrency, twice: with cross-request batching (TASDIQ_VERIFY_BATCH=64, the
#   default) and without (TASDIQ_VERIFY_BATCH=0: each request's signature checked on its own
#   with verify_strict, as before issue 19), same binary, same database, same run.
# - Batch route: POST /api/v1/verify with 1,000 codes per request, 4 connections.
# - The raw verify_strict rate of core 0 alone, measured in the same run before, between and
#   after the servers; the ratios use the mean. The load average is recorded with each run:
#   the machine is shared, so compare figures of one run with each other.
set -euo pipefail
cd "$(dirname "$0")/.."
DUR="${1:-10}"
DB="${2:-sqlite}"
REPEAT="${LOAD_REPEAT:-1}"
CONC="${LOAD_CONCURRENCY:-1 8 32 128}"
PORT="${LOAD_PORT:-18090}"
BASE="http://127.0.0.1:${PORT}"

if ! command -v wrk >/dev/null; then
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get install -y -qq wrk
fi
cargo build --release --bin tasdiq -q
cargo bench --bench raw_verify --no-run -q 2>/dev/null

work="$(mktemp -d)"
server=""
pgdb=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  [ -n "$pgdb" ] && psql -q "${LOAD_PG:-postgres://postgres@127.0.0.1:5432}/postgres" -c "DROP DATABASE IF EXISTS ${pgdb}" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

case "$DB" in
  sqlite) export TASDIQ_DATABASE_URL="sqlite://${work}/load.db?mode=rwc" ;;
  postgres)
    pgdb="tasdiq_load_$$"
    pg="${LOAD_PG:-postgres://postgres@127.0.0.1:5432}"
    psql -q "${pg}/postgres" -c "CREATE DATABASE ${pgdb}" >/dev/null
    export TASDIQ_DATABASE_URL="${pg}/${pgdb}" ;;
  *) echo "database: sqlite or postgres" >&2; exit 2 ;;
esac
export TASDIQ_KEYS_DIR="${work}/keys"
export TASDIQ_ADDR="127.0.0.1:${PORT}"
export TASDIQ_PUBLIC_URL="${BASE}"
export TASDIQ_ADMIN_PASSWORD="load-test-password"
export TASDIQ_API_RATE=1000000 TASDIQ_API_BURST=1000000
export RUST_LOG=warn

start_server() {
  TASDIQ_VERIFY_BATCH="$1" taskset -c 0 target/release/tasdiq serve >> "${work}/serve.log" 2>&1 &
  server=$!
  for _ in $(seq 1 150); do
    curl -sf "${BASE}/readyz" >/dev/null && return 0
    sleep 0.2
  done
  cat "${work}/serve.log"; exit 1
}
stop_server() { kill "$server"; wait "$server" 2>/dev/null || true; server=""; }
raw() { taskset -c 0 cargo bench -q --bench raw_verify -- --seconds 5 | awk '/verify_strict/ {print $2}' >> "${work}/raw.txt"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

start_server 64
KEY="$(target/release/tasdiq apikey create --role officer --name load | tail -n1)"
auth=(-H "Authorization: Bearer ${KEY}")
# A lot of 2,000 items for the first member of brand 1 whose right of use is active today.
producer="$(curl -sf "${auth[@]}" "${BASE}/api/v1/brands/1/members?limit=500" | python3 -c '
import json, sys, datetime
today = datetime.date.today().isoformat()
for m in json.load(sys.stdin)["items"]:
    if m["status"] == "active" and m["valid_from"] <= today <= m["valid_until"]:
        print(m["producer_id"]); break')"
number="$(curl -sf "${auth[@]}" -H 'Content-Type: application/json' -X POST "${BASE}/api/v1/certificates" \
  -d "{\"brand\":1,\"producer\":${producer},\"product\":\"Huile d'argan 250 ml\",\"lot\":\"LOAD-1\",\"quantity\":2000,\"produced_on\":\"$(date -u +%F)\",\"expires_on\":\"2030-12-31\"}" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["number"])')"
curl -sf "${auth[@]}" "${BASE}/api/v1/certificates/${number}/labels.csv" | tail -n +2 | cut -d, -f2 | sed 's#.*/v/##' > "${work}/codes.txt"
head -n 1000 "${work}/codes.txt" | python3 -c 'import json,sys; print(json.dumps({"codes": [l.strip() for l in sys.stdin if l.strip()]}))' > "${work}/batch.json"
echo "${DB}: certificate ${number}, $(wc -l < "${work}/codes.txt") distinct codes"
stop_server

single() { # mode conc rep
  local out="${work}/single-$1-$2-$3.txt"
  echo "load $(loadavg)" > "$out"
  CODES="${work}/codes.txt" taskset -c 1 wrk -t1 -c"$2" -d"${DUR}"s --latency -s scripts/wrk/verify.lua "${BASE}" >> "$out"
}

raw
for rep in $(seq 1 "$REPEAT"); do
  for mode in 64 0; do
    start_server "$mode"
    # Warm the caches once (certificate, scan totals), then measure.
    CODES="${work}/codes.txt" taskset -c 1 wrk -t1 -c32 -d3s -s scripts/wrk/verify.lua "${BASE}" >/dev/null
    for c in $CONC; do single "$mode" "$c" "$rep"; done
    if [ "$mode" = 64 ]; then
      out="${work}/batch-${rep}.txt"
      echo "load $(loadavg)" > "$out"
      BODY="${work}/batch.json" KEY="${KEY}" taskset -c 1 wrk -t1 -c4 -d"${DUR}"s --latency --timeout 10s -s scripts/wrk/batch.lua "${BASE}" >> "$out"
    fi
    stop_server
    raw
  done
done

python3 - "$work" "$DB" "$REPEAT" "$CONC" <<'PY'
import re, sys, statistics
work, db, repeat, conc = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split()
raws = [float(l) for l in open(f"{work}/raw.txt") if l.strip()]
raw = statistics.mean(raws)
def parse(path):
    text = open(path).read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    def pct(p):
        m = re.search(rf"^\s*{p}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    load = text.splitlines()[0].split()[1]
    return rps, pct(50), pct(99), int(errors.group(1)) if errors else 0, load
print()
print(f"database {db}; raw verify_strict on core 0: mean {raw:.0f}/s of {len(raws)} runs ({', '.join(f'{r:.0f}' for r in raws)})")
print(f"{'run':>3} {'batching':>8} {'c':>4} {'req/s':>8} {'x raw':>6} {'p50 ms':>7} {'p99 ms':>7} {'non-2xx':>7} {'load':>5}")
ok = True
for rep in range(1, repeat + 1):
    for mode in ("64", "0"):
        for c in conc:
            rps, p50, p99, err, load = parse(f"{work}/single-{mode}-{c}-{rep}.txt")
            print(f"{rep:>3} {'on' if mode == '64' else 'off':>8} {c:>4} {rps:8.0f} {rps / raw:6.2f} {p50:7.2f} {p99:7.2f} {err:7d} {load:>5}")
            if mode == "64" and c == "32":
                ok = ok and rps >= 1.2 * raw and p99 <= 5 and err == 0
    b_rps, b50, b99, b_err, load = parse(f"{work}/batch-{rep}.txt")
    print(f"{rep:>3} POST /api/v1/verify (1,000 codes): {b_rps * 1000:.0f} codes/s ({b_rps:.1f} batches/s), p50 {b50:.1f} ms, p99 {b99:.1f} ms per batch, non-2xx {b_err}, load {load}")
    ok = ok and b_err == 0
print("goal (batching on, c=32: >= 1.2 x raw, p99 <= 5 ms):", "met" if ok else "NOT met")
PY
