#!/usr/bin/env bash
# What metrics cost on a hot route: GENESIS with GENESIS_METRICS=true and =false, one after the other in
# one run (on, off, on, off: drift shows as a difference between the two rounds of one setting), each
# against GET /api/v1/agents, beside the bare Vert.x ceiling's /json in the same run. Loopback only;
# every run is bounded in time and stops by itself, and so does this script (about 4 minutes).
#
#   mvn -B -DskipTests package && scripts/bench-metrics.sh     # summaries in $OUT, table on stdout
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${OUT:-target/bench-metrics}
PORT=${PORT:-18090}
CEILING_PORT=${CEILING_PORT:-18091}
RATE=${RATE:-3000}
. scripts/bench-common.sh

java -jar "$PERF_JAR" ceiling --port "$CEILING_PORT" --pg-url "" --redis-url "" > "$OUT/ceiling.log" 2>&1 &
CEILING_PID=$!
pids+=($CEILING_PID)
wait_for "$OUT/ceiling.log" "listening"

# bench NAME PORT PID: fixed-rate latency, then the highest rate held, on the agents route (or /json).
bench() {
  local name=$1 port=$2 pid=$3 against=$4
  java -jar "$PERF_JAR" baseline --target "http://127.0.0.1:$port" --against "$against" --server-pid "$pid" --mix agents \
      --rate "$RATE" --duration 20s --warmup 5s --quiet --json "$OUT/$name-latency.json" > "$OUT/$name-latency.txt" 2>&1 \
    || echo "$name latency: exit $?"
  java -jar "$PERF_JAR" stress --target "http://127.0.0.1:$port" --against "$against" --server-pid "$pid" --mix agents \
      --start-rate 1000 --step 1000 --step-duration 3s --max-rate 10000 --warmup 3s --quiet \
      --json "$OUT/$name-stress.json" > "$OUT/$name-stress.txt" 2>&1 || echo "$name stress: exit $?"
  echo "$name: done ($(date +%T))"
}

round=0
for metrics in true false true false; do
  round=$((round + 1))
  name="metrics-$metrics-$round"
  env GENESIS_DATA_DIR="$OUT/data-$metrics" GENESIS_HTTP_PORT="$PORT" GENESIS_RATE_LIMIT_PER_MINUTE=10000000 \
      GENESIS_METRICS="$metrics" GENESIS_LOG_LEVELS=genesis.access=warn GENESIS_LOG_FORMAT=text \
      java -jar "$GENESIS_JAR" > "$OUT/$name.log" 2>&1 &
  pid=$!
  pids+=($pid)
  wait_for "$OUT/$name.log" "GENESIS ready on"
  bench "$name" "$PORT" "$pid" genesis
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
bench ceiling "$CEILING_PORT" "$CEILING_PID" ceiling

echo "| run | p50 | p99 | p99.9 | highest rate held |"
echo "|---|---|---|---|---|"
for f in "$OUT"/*-latency.json; do
  name=$(basename "$f" -latency.json)
  python3 - "$f" "$OUT/$name-stress.json" "$name" <<'PY'
import json, sys
lat = json.load(open(sys.argv[1])); stress = json.load(open(sys.argv[2]))
def find(d, key):
    if isinstance(d, dict):
        if key in d: return d[key]
        for v in d.values():
            r = find(v, key)
            if r is not None: return r
    return None
l = lat["latency"]["all"]
print(f"| {sys.argv[3]} | {l['p50']} ms | {l['p99']} ms | {l['p99.9']} ms | {find(stress, 'highestRateHeld'):,.0f} req/s |")
PY
done
