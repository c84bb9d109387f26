#!/usr/bin/env bash
# Two builds of GENESIS side by side on the rows a change must not slow: the history read (`baseline --mix
# history`, open model) and the journey (`journey`: token, agents, session, 3 × streamed message + history,
# sessions). Each build runs on its own fresh data directory (embedded PostgreSQL and Redis), warmed up, then the
# rows are measured for build A, build B, B, A (ROUNDS times), so drift on the machine falls on both. Prints
# each measurement's p50 and p99 and, per row, the median of the p99s of A and of B and their ratio.
#
#   JAR_A=/path/to/before/genesis.jar scripts/bench-ab.sh          # B: this checkout's launcher/target/genesis.jar
#   ROUNDS=2 HISTORY_RATE=300 JOURNEY_RATE=5 DURATION=20 JAR_A=… JAR_B=… scripts/bench-ab.sh
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${OUT:-target/bench-ab}
ROUNDS=${ROUNDS:-2}
HISTORY_RATE=${HISTORY_RATE:-300}
JOURNEY_RATE=${JOURNEY_RATE:-5}
DURATION=${DURATION:-20}
. scripts/bench-common.sh
JAR_A=${JAR_A:?set JAR_A to the build to compare against (e.g. main before the change)}
JAR_B=${JAR_B:-$GENESIS_JAR}
ulimit -n 65536 2>/dev/null || true

start() { # label, jar, port: starts it and waits for it to be ready
  env GENESIS_DATA_DIR="$OUT/data-$1" GENESIS_HTTP_PORT="$3" GENESIS_RATE_LIMIT_PER_MINUTE=10000000 GENESIS_LOG_FORMAT=text \
      GENESIS_LOG_LEVELS=genesis.access=warn java -jar "$2" > "$OUT/genesis-$1.log" 2>&1 &
  pids+=($!)
  wait_for "$OUT/genesis-$1.log" "GENESIS ready on"
}

row() { # label, port, row name, measurement number
  local json="$OUT/$3-$1-$4.json"
  case $3 in
    history) java -jar "$PERF_JAR" baseline --mix history --rate "$HISTORY_RATE" --duration "${DURATION}s" --warmup 3s \
        --target "http://127.0.0.1:$2" --quiet --json "$json" > /dev/null 2>&1 || true ;;
    journey) java -jar "$PERF_JAR" journey --rate "$JOURNEY_RATE" --duration "${DURATION}s" --warmup 3s --messages 3 \
        --target "http://127.0.0.1:$2" --quiet --json "$json" > /dev/null 2>&1 || true ;;
  esac
  echo "$3 $1 #$4: $(jq -r '"p50 \(.latency.all.p50) ms, p99 \(.latency.all.p99) ms, errors \(.latency.all.errors)"' "$json")"
}

start A "$JAR_A" 18610
start B "$JAR_B" 18611
for label in A B; do # warm-up, unrecorded
  port=18610; [ "$label" = B ] && port=18611
  java -jar "$PERF_JAR" baseline --mix history --rate "$HISTORY_RATE" --duration 15s --warmup 0s --target "http://127.0.0.1:$port" --quiet > /dev/null 2>&1 || true
  java -jar "$PERF_JAR" journey --rate "$JOURNEY_RATE" --duration 15s --warmup 0s --target "http://127.0.0.1:$port" --quiet > /dev/null 2>&1 || true
done
n=0
for _ in $(seq 1 "$ROUNDS"); do
  for label in A B B A; do
    port=18610; [ "$label" = B ] && port=18611
    n=$((n + 1))
    for name in history journey; do row "$label" "$port" "$name" "$n"; done
  done
done
for name in history journey; do
  a=$(jq -s 'map(.latency.all.p99) | sort | .[length/2|floor]' "$OUT"/$name-A-*.json)
  b=$(jq -s 'map(.latency.all.p99) | sort | .[length/2|floor]' "$OUT"/$name-B-*.json)
  echo "$name: median p99 A $a ms, B $b ms, B/A $(jq -n "$b / $a * 100 | round / 100")"
done
