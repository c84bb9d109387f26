#!/usr/bin/env bash
# Step 9's figure (docs/PERFORMANCE.md, "Step 9: what resuming costs"), all on loopback: GENESIS
# (java -jar launcher/target/genesis.jar, embedded PostgreSQL and Redis, the offline coach pausing
# $TOKEN_DELAY_MS ms between tokens so that a reply is still streaming when it is cut, rate limit raised so
# every request is admitted, access log at warn), then `perf streaming` at one fixed open rate over SSE and
# over WebSocket, with --reconnect-rate 0, 0.2 and 1: that share of the streams is cut after a random number
# of deltas, resumed on a new connection (SSE: Last-Event-ID; WebSocket: a resume frame) and checked against
# the stored reply. Writes each run's summary to $OUT/TRANSPORT-RATE.json (console summary .txt, command .cmd,
# the cores each process used .cpu, see scripts/cpu-split.sh) and the table to $OUT/table.md. Every load is
# bounded in time; the script stops what it starts. About 3.5 min.
#
#   mvn -B -DskipTests package && scripts/bench-resume.sh
#   QUICK=1 scripts/bench-resume.sh          # tiny loads, to check the script (~1 min)
#   TABLE_ONLY=1 scripts/bench-resume.sh     # the table again from the summaries already in $OUT
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${OUT:-target/bench-resume}
PORT=${PORT:-18590}
RATE=${RATE:-50}                     # streams a second, the same in every run
USERS=${USERS:-50}
TOKEN_DELAY_MS=${TOKEN_DELAY_MS:-5}
RECONNECT_RATES=${RECONNECT_RATES:-0 0.2 1}
if [ -n "${QUICK:-}" ]; then
  WARM=2; LOAD="--duration 3s --warmup 1s"
else
  WARM=${WARM:-15}; LOAD="--duration ${DURATION:-20}s --warmup 3s"
fi

fig() { jq -r "($2) // empty" "$OUT/$1.json" 2>/dev/null || true; } # summary, jq expression
ms() { [ -n "$1" ] && echo "$1 ms" || echo "—"; }
cpu() { # run: CPU ms a stream of GENESIS, its Redis and its PostgreSQL over the run's last 15 measured seconds
  local file=$OUT/$1.cpu rate; rate=$(fig "$1" .rate.achieved)
  [ -s "$file" ] && [ -n "$rate" ] || { echo "—"; return 0; }
  scripts/cpu-split.sh tail "$file" 15 2>/dev/null | awk -v r="$rate" '{ c[$1] = $2 }
    END { printf "%.2f / %.2f / %.2f", c["server"] * 1000 / r, c["redis"] * 1000 / r, c["postgres"] * 1000 / r }'
}

table() {
  echo "| transport | reconnect rate | streams/s | first token p99 | stream p99 | resume p50 | resume p99 | resumed | verified | mismatched | errors | sent late | CPU ms a stream: GENESIS / Redis / PostgreSQL |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  for t in sse ws; do
    for r in $RECONNECT_RATES; do
      local s=$t-$r
      [ -f "$OUT/$s.json" ] || continue
      echo "| $( [ $t = sse ] && echo SSE || echo WebSocket ) | $r | $(fig $s .rate.achieved) | $(ms "$(fig $s .values.ttft.p99)") |" \
        "$(ms "$(fig $s .latency.stream.p99)") | $(ms "$(fig $s .values.resume.p50)") | $(ms "$(fig $s .values.resume.p99)") |" \
        "$(fig $s '.figures.resumed // 0') | $(fig $s '.figures.verified // 0') | $(fig $s '.figures.mismatched // 0') |" \
        "$(fig $s '.latency.stream.errors // 0') of $(fig $s .latency.stream.count)$(fig $s '.latency.stream.errorsByOutcome // {} | to_entries | map(" \(.key) × \(.value)") | join(",")') |" \
        "$(fig $s .late.count) of $(fig $s .started) | $(cpu $s) |"
    done
  done
}

if [ -n "${TABLE_ONLY:-}" ]; then table | tee "$OUT/table.md"; exit 0; fi

. scripts/bench-common.sh
began=$(date +%s)
env GENESIS_DATA_DIR="$OUT/data" GENESIS_HTTP_PORT="$PORT" GENESIS_RATE_LIMIT_PER_MINUTE=10000000 \
    GENESIS_OFFLINE_TOKEN_DELAY_MS="$TOKEN_DELAY_MS" GENESIS_LOG_FORMAT=text GENESIS_LOG_LEVELS=genesis.access=warn \
    GENESIS_SHUTDOWN_GRACE=2s java -jar "$GENESIS_JAR" > "$OUT/genesis.log" 2>&1 &
genesis_pid=$!
pids+=($genesis_pid)
wait_for "$OUT/genesis.log" "GENESIS ready on"
TARGET="http://127.0.0.1:$PORT"

# Unrecorded: both transports, with resumes, so that every path runs compiled code before the clock.
for t in sse ws; do
  java -jar "$PERF_JAR" streaming --target "$TARGET" --transport "$t" --rate "$RATE" --users "$USERS" \
      --reconnect-rate 0.5 --duration "${WARM}s" --warmup 0s --quiet >> "$OUT/warm-up.txt" 2>&1 || echo "warm-up $t: exit $?"
done
echo "warm-up: done ($(( $(date +%s) - began )) s)"

for t in sse ws; do
  for r in $RECONNECT_RATES; do
    args=(streaming --transport "$t" --rate "$RATE" --users "$USERS" --reconnect-rate "$r" $LOAD)
    echo "${args[*]}" > "$OUT/$t-$r.cmd"
    java -jar "$PERF_JAR" "${args[@]}" --target "$TARGET" --server-pid "$genesis_pid" --quiet \
        --json "$OUT/$t-$r.json" > "$OUT/$t-$r.txt" 2>&1 &
    perf=$!
    GENESIS_LOG="$OUT/genesis.log" scripts/cpu-split.sh watch "$OUT/data" "$genesis_pid" "$perf" "$OUT/$t-$r.cpu" || true
    wait "$perf" || echo "$t at reconnect rate $r: exit $? (see $OUT/$t-$r.txt)"
    echo "$t at reconnect rate $r: done ($(( $(date +%s) - began )) s)"
  done
done

echo "whole run: $(( $(date +%s) - began )) s" | tee "$OUT/duration.txt"
table | tee "$OUT/table.md"
