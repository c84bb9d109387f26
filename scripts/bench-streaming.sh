#!/usr/bin/env bash
# Time to first token, measured with perf's `streaming` run (closed model, 1,000 measured requests
# after 200 of warm-up), all on loopback:
#   1. the offline coach through the gateway (SSE), beside the ceiling server's bare SSE route of the
#      same shape (60 deltas) in the same run;
#   2. the fake upstream alone (its own time to first token, FAKE_TTFT);
#   3. the gateway in front of that fake upstream: 3 minus 2 is what GENESIS adds.
# Needs `mvn -B -DskipTests package` first. SKIP_UPSTREAM=1 runs only step 1. Writes JSON summaries to $OUT. Stops what it starts.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${OUT:-target/bench-streaming}
REQUESTS=${REQUESTS:-1000}
WARMUP=${WARMUP:-200}
CONCURRENCY=${CONCURRENCY:-1 10}
FAKE_TTFT=${FAKE_TTFT:-200ms}
FAKE_PORT=${FAKE_PORT:-18090}
CEILING_PORT=${CEILING_PORT:-18091}
PORT=${PORT:-18080}
GENESIS_JAR=launcher/target/genesis.jar
PERF_JAR=perf/target/genesis-perf.jar
mkdir -p "$OUT"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

start_genesis() { # extra environment as arguments
  rm -rf "$OUT/data"
  env GENESIS_DATA_DIR="$OUT/data" GENESIS_HTTP_PORT="$PORT" GENESIS_RATE_LIMIT_PER_MINUTE=10000000 \
      GENESIS_LOG_FORMAT=text "$@" java -jar "$GENESIS_JAR" > "$OUT/genesis.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 240); do grep -q "GENESIS ready on" "$OUT/genesis.log" && return 0; sleep 0.5; done
  echo "GENESIS did not become ready; see $OUT/genesis.log" >&2; exit 1
}

stop_genesis() {
  kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true; unset 'pids[-1]'
}

run() { # name, then perf options
  local name=$1; shift
  java -jar "$PERF_JAR" streaming --requests "$REQUESTS" --warmup "$WARMUP" --json "$OUT/$name.json" "$@" > /dev/null 2>&1
  echo "$name: $(tr -d ' \n' < "$OUT/$name.json")"
}

java -jar "$PERF_JAR" ceiling --port "$CEILING_PORT" > "$OUT/ceiling.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do grep -q "listening" "$OUT/ceiling.log" && break; sleep 0.5; done
start_genesis
for c in $CONCURRENCY; do
  run "offline-c$c" --target "http://127.0.0.1:$PORT" --concurrency "$c"
  run "ceiling-c$c" --mode ceiling --target "http://127.0.0.1:$CEILING_PORT" --concurrency "$c"
done
stop_genesis
[ -n "${SKIP_UPSTREAM:-}" ] && exit 0

java -jar "$PERF_JAR" fake-upstream --port "$FAKE_PORT" --ttft "$FAKE_TTFT" --tokens-per-s 0 --tokens 60 > "$OUT/fake.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do grep -q "listening" "$OUT/fake.log" && break; sleep 0.5; done
for c in $CONCURRENCY; do run "upstream-direct-c$c" --mode upstream --target "http://127.0.0.1:$FAKE_PORT/v1" --concurrency "$c"; done

start_genesis GENESIS_MODEL_BASE_URL="http://127.0.0.1:$FAKE_PORT/v1" GENESIS_MODEL_NAME=fake-model
for c in $CONCURRENCY; do run "upstream-gateway-c$c" --target "http://127.0.0.1:$PORT" --concurrency "$c"; done
