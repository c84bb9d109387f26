#!/usr/bin/env bash
# Time to first token, measured with perf's `streaming` scenario (closed model: --vus C virtual users,
# 1,000 measured streams each row after 5 s of warm-up, at most 300 s), all on loopback:
#   1. the offline coach through the gateway, over SSE and over the WebSocket, beside the ceiling
#      server's bare SSE route of the same shape (60 deltas) in the same run;
#   2. the fake upstream alone (its own time to first token, FAKE_TTFT);
#   3. the gateway in front of that fake upstream: 3 minus 2 is what GENESIS adds.
# Needs `mvn -B -DskipTests package` first. SKIP_UPSTREAM=1 runs only step 1. Writes each row's whole
# summary to $OUT/ROW.json and prints a digest of it per row (with jq; the whole JSON without). Stops what it starts.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${OUT:-target/bench-streaming}
REQUESTS=${REQUESTS:-1000}
WARMUP=${WARMUP:-5s}
MAX_DURATION=${MAX_DURATION:-300s}
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
  java -jar "$PERF_JAR" streaming --iterations "$REQUESTS" --warmup "$WARMUP" --duration "$MAX_DURATION" \
      --quiet --json "$OUT/$name.json" "$@" > /dev/null 2>&1
  if command -v jq > /dev/null; then
    echo "$name: $(jq -c '{against, transport: .result.transport, vus: .model.vus, streams: .latency.stream.count,
        errors: .latency.stream.errors, streamsPerSecond: .rate.achieved, streamsHeldMax: .result.streamsHeldMax,
        ttft: (.values.ttft // {} | {p50, p90, p99}), stream: (.latency.stream | {p50, p90, p99}),
        tokensPerSecond: (.values.tokensPerSecond // {} | {p50})}' "$OUT/$name.json")"
  else
    echo "$name: $(tr -d ' \n' < "$OUT/$name.json")"
  fi
}

java -jar "$PERF_JAR" ceiling --port "$CEILING_PORT" > "$OUT/ceiling.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do grep -q "listening" "$OUT/ceiling.log" && break; sleep 0.5; done
start_genesis
for c in $CONCURRENCY; do
  run "offline-c$c" --target "http://127.0.0.1:$PORT" --vus "$c"
  run "offline-ws-c$c" --target "http://127.0.0.1:$PORT" --transport ws --vus "$c"
  run "ceiling-c$c" --against ceiling --target "http://127.0.0.1:$CEILING_PORT" --vus "$c"
done
stop_genesis
[ -n "${SKIP_UPSTREAM:-}" ] && exit 0

java -jar "$PERF_JAR" fake-upstream --port "$FAKE_PORT" --ttft "$FAKE_TTFT" --tokens-per-s 0 --tokens 60 > "$OUT/fake.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do grep -q "listening" "$OUT/fake.log" && break; sleep 0.5; done
for c in $CONCURRENCY; do run "upstream-direct-c$c" --against upstream --target "http://127.0.0.1:$FAKE_PORT/v1" --vus "$c"; done

start_genesis GENESIS_MODEL_BASE_URL="http://127.0.0.1:$FAKE_PORT/v1" GENESIS_MODEL_NAME=fake-model
for c in $CONCURRENCY; do run "upstream-gateway-c$c" --target "http://127.0.0.1:$PORT" --vus "$c"; done
