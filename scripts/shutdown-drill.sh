#!/usr/bin/env bash
# SIGTERM under live streams, measured from outside (issue 19, item 1), all on loopback:
#   1. a fake upstream as a slow model (FAKE_ARGS), GENESIS in front of it on a fresh data dir;
#   2. STREAMS SSE replies open (one session each), each past its first delta;
#   3. SIGTERM: right after it, /health/ready and a new request (status, Retry-After);
#   4. how long the process takes to exit, and how each stream ended (done, error with
#      retryAfterSeconds, or cut with neither);
#   5. GENESIS started again on the same data dir: how many replies are in the history, and how many
#      of them are marked partial.
# Needs `mvn -B -DskipTests package` first. GRACE sets GENESIS_SHUTDOWN_GRACE (unset: the default).
# Prints one summary line per step; logs and streams stay in $OUT. Stops what it starts.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${OUT:-target/shutdown-drill}
STREAMS=${STREAMS:-100}
FAKE_ARGS=${FAKE_ARGS:---ttft 200ms --tokens-per-s 10 --tokens 300}
GRACE=${GRACE:-}
GENESIS_JAR=launcher/target/genesis.jar
PERF_JAR=perf/target/genesis-perf.jar
[ -f "$GENESIS_JAR" ] && [ -f "$PERF_JAR" ] || { echo "build first: mvn -B -DskipTests package" >&2; exit 2; }
rm -rf "$OUT" && mkdir -p "$OUT/sse"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
now_ms() { date +%s%3N; }
count() { grep -l -- "$1" "$OUT"/sse/*.txt 2>/dev/null | wc -l || true; } # streams whose text holds $1

java -jar "$PERF_JAR" fake-upstream --port 0 $FAKE_ARGS > "$OUT/fake.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do grep -q "listening" "$OUT/fake.log" && break; sleep 0.5; done
model_url=$(grep -o 'http://[^ ]*' "$OUT/fake.log" | head -1)

start_genesis() { # log file
  env GENESIS_DATA_DIR="$OUT/data" GENESIS_HTTP_PORT=0 GENESIS_RATE_LIMIT_PER_MINUTE=10000000 GENESIS_LOG_FORMAT=text \
      GENESIS_MODEL_BASE_URL="$model_url" GENESIS_MODEL_NAME=fake-model GENESIS_MODEL_MAX_CONCURRENT=$((STREAMS * 2)) \
      ${GRACE:+GENESIS_SHUTDOWN_GRACE=$GRACE} java -jar "$GENESIS_JAR" > "$1" 2>&1 &
  genesis=$!
  pids+=($genesis)
  for _ in $(seq 1 240); do grep -q "GENESIS ready on" "$1" && break; sleep 0.5; done
  base=$(grep -o 'GENESIS ready on http://[^ "]*' "$1" | head -1 | sed 's/GENESIS ready on //')
  [ -n "$base" ] || { echo "GENESIS did not become ready; see $1" >&2; exit 1; }
  token=$(curl -sf -X POST "$base/api/v1/auth/dev-token" -H 'Content-Type: application/json' \
      -d '{"userId":"drill","roles":["user"]}' | jq -r .token)
}

start_genesis "$OUT/genesis.log"
for i in $(seq 1 "$STREAMS"); do
  curl -sf -X POST "$base/api/v1/sessions" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d '{"title":"drill"}' | jq -r .id >> "$OUT/sessions"
done
i=0
while read -r session; do
  i=$((i + 1))
  curl -sN --max-time 120 -X POST "$base/api/v1/sessions/$session/messages" -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/json' -H 'Accept: text/event-stream' \
      -d '{"content":"Plan my training week"}' > "$OUT/sse/$i.txt" 2>/dev/null &
  curls+=($!)
done < "$OUT/sessions"
for _ in $(seq 1 120); do
  [ "$(count 'event: delta')" -ge "$STREAMS" ] && break; sleep 0.25
done
echo "streams open: $(count 'event: delta') of $STREAMS past their first delta"

started=$(now_ms)
kill -TERM "$genesis"
# the signal is handled a few milliseconds after kill returns: poll readiness (at most 2 s) for its 503
for _ in $(seq 1 200); do
  ready=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base/health/ready" || true)
  [ "$ready" = 503 ] && break; sleep 0.01
done
ready="$ready after $(( $(now_ms) - started )) ms"
fresh=$(curl -s -D "$OUT/after-sigterm.head" -o "$OUT/after-sigterm.body" -w '%{http_code}' --max-time 2 \
    "$base/api/v1/sessions" -H "Authorization: Bearer $token" || true)
retry_after=$(grep -i '^retry-after:' "$OUT/after-sigterm.head" 2>/dev/null | tr -d '\r' | cut -d' ' -f2 || true)
others=$(for path in /health/live /metrics /openapi.json; do
  echo -n " $path $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base$path" || true)"; done)
echo "right after SIGTERM: /health/ready $ready, GET /api/v1/sessions $fresh, Retry-After ${retry_after:-none};$others"
while kill -0 "$genesis" 2>/dev/null; do sleep 0.05; done
wait "$genesis" 2>/dev/null || true
echo "exited after $(( $(now_ms) - started )) ms"
for pid in "${curls[@]}"; do wait "$pid" 2>/dev/null || true; done

done_count=$(count '^event: done')
error_count=$(count '^event: error')
retry_count=$(count 'retryAfterSeconds')
echo "streams: $done_count done, $error_count error ($retry_count with retryAfterSeconds), $((STREAMS - done_count - error_count)) cut with neither"
echo "log: $(grep -c 'Pool closed' "$OUT/genesis.log" || true) 'Pool closed', $(grep -c 'Discarding message' "$OUT/genesis.log" || true) 'Discarding message'"

start_genesis "$OUT/genesis-restart.log"
replies=0; partial=0
while read -r session; do
  page=$(curl -sf "$base/api/v1/sessions/$session/messages" -H "Authorization: Bearer $token")
  replies=$((replies + $(jq '[.items[] | select(.role == "agent")] | length' <<< "$page")))
  partial=$((partial + $(jq '[.items[] | select(.role == "agent" and .partial == true)] | length' <<< "$page")))
done < "$OUT/sessions"
echo "after restart: $replies of $STREAMS replies in the history, $partial marked partial"
