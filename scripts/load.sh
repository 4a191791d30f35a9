#!/usr/bin/env bash
# Load measurement of the verification routes, as docs/performance.md reports it.
#
#   scripts/load.sh [seconds]        (default 30 s per run)
#
# - The server (release build, SQLite) runs pinned to core 0; wrk runs pinned to core 1.
# - Single route: GET /api/v1/verify/{code}, 32 connections, cycling over 1,000 distinct
#   valid codes of one certificate, scans counted as usual.
# - Batch route: POST /api/v1/verify with 1,000 codes per request, 4 connections.
# - Then the raw strict-verification rate of core 0 alone, measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
DUR="${1:-30}"
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
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

export TASDIQ_DATABASE_URL="sqlite://${work}/load.db?mode=rwc"
export TASDIQ_KEYS_DIR="${work}/keys"
export TASDIQ_ADDR="127.0.0.1:${PORT}"
export TASDIQ_PUBLIC_URL="${BASE}"
export TASDIQ_ADMIN_PASSWORD="load-test-password"
export TASDIQ_API_RATE=1000000 TASDIQ_API_BURST=1000000
export RUST_LOG=warn

taskset -c 0 target/release/tasdiq serve > "${work}/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -sf "${BASE}/readyz" >/dev/null && break
  sleep 0.2
done
curl -sf "${BASE}/readyz" >/dev/null || { cat "${work}/serve.log"; exit 1; }

KEY="$(target/release/tasdiq apikey create --role officer --name load | tail -n1)"
auth=(-H "Authorization: Bearer ${KEY}")

# A lot of 1,000 items for the first member of brand 1 whose right of use is active today.
producer="$(curl -sf "${auth[@]}" "${BASE}/api/v1/brands/1/members?limit=500" | python3 -c '
import json, sys, datetime
today = datetime.date.today().isoformat()
for m in json.load(sys.stdin)["items"]:
    if m["status"] == "active" and m["valid_from"] <= today <= m["valid_until"]:
        print(m["producer_id"]); break')"
number="$(curl -sf "${auth[@]}" -H 'Content-Type: application/json' -X POST "${BASE}/api/v1/certificates" \
  -d "{\"brand\":1,\"producer\":${producer},\"product\":\"Huile d'argan 250 ml\",\"lot\":\"LOAD-1\",\"quantity\":1000,\"produced_on\":\"$(date -u +%F)\",\"expires_on\":\"2030-12-31\"}" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["number"])')"
curl -sf "${auth[@]}" "${BASE}/api/v1/certificates/${number}/labels.csv" | tail -n +2 | cut -d, -f2 | sed 's#.*/v/##' > "${work}/codes.txt"
python3 -c 'import json,sys; print(json.dumps({"codes": [l.strip() for l in open(sys.argv[1]) if l.strip()]}))' "${work}/codes.txt" > "${work}/batch.json"
echo "certificate ${number}: $(wc -l < "${work}/codes.txt") codes"

# Warm the caches once, then measure.
CODES="${work}/codes.txt" taskset -c 1 wrk -t1 -c32 -d3s -s scripts/wrk/verify.lua "${BASE}" >/dev/null
CODES="${work}/codes.txt" taskset -c 1 wrk -t1 -c32 -d"${DUR}"s --latency -s scripts/wrk/verify.lua "${BASE}" | tee "${work}/single.txt"
BODY="${work}/batch.json" KEY="${KEY}" taskset -c 1 wrk -t1 -c4 -d"${DUR}"s --latency --timeout 10s -s scripts/wrk/batch.lua "${BASE}" | tee "${work}/batch.txt"

kill "$server"; wait "$server" 2>/dev/null || true; server=""
raw="$(taskset -c 0 cargo bench -q --bench raw_verify -- --seconds 5 | awk '/verify_strict/ {print $2}')"

python3 - "$work" "$raw" <<'PY'
import re, sys
work, raw = sys.argv[1], float(sys.argv[2])
def parse(path):
    text = open(path).read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    def pct(p):
        m = re.search(rf"^\s*{p}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return rps, pct(50), pct(99), int(errors.group(1)) if errors else 0
s_rps, s50, s99, s_err = parse(f"{work}/single.txt")
b_rps, b50, b99, b_err = parse(f"{work}/batch.txt")
print()
print(f"raw verify_strict, core 0:        {raw:10.0f} /s")
print(f"GET /api/v1/verify/{{code}}:       {s_rps:10.0f} req/s  = {s_rps / raw:.2f} x raw   p50 {s50:.2f} ms  p99 {s99:.2f} ms  non-2xx {s_err}")
print(f"POST /api/v1/verify (1,000 codes): {b_rps * 1000:10.0f} codes/s ({b_rps:.1f} batches/s)   p50 {b50:.1f} ms  p99 {b99:.1f} ms per batch  non-2xx {b_err}")
ok = s_rps >= 0.8 * raw and s99 <= 5 and b_rps * 1000 >= 40000 and s_err == 0 and b_err == 0
print("targets (single >= 0.8 x raw, p99 <= 5 ms; batch >= 40,000 codes/s):", "met" if ok else "NOT met")
PY
