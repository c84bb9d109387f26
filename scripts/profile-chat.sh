#!/usr/bin/env bash
# Where a chat message's time goes (docs/PERFORMANCE.md, step 8): GENESIS on a fresh embedded data directory
# (rate limit raised, access log at warn), driven by perf like scripts/bench-chat.sh's rows: WARM seconds of
# each row unrecorded (15), then each row under a JFR recording (settings=profile) and a /proc account of the
# cores used by GENESIS, its PostgreSQL and Redis, and perf. Prints, per row: the rate, the cores by process and
# CPU ms per request, then the event loops' top self and inclusive frames (perf profile). Loopback only; about
# 3 minutes.
#
#   mvn -B -DskipTests package && scripts/profile-chat.sh
#   ROWS="message sse" SECONDS_PER_ROW=20 scripts/profile-chat.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-target/profile-chat}
PORT=${PORT:-18582}
ROWS=${ROWS:-message sse ws agents}
SECONDS_PER_ROW=${SECONDS_PER_ROW:-20}
WARM=${WARM:-15}
. scripts/bench-common.sh

GENESIS_DATA_DIR="$OUT/data" GENESIS_HTTP_PORT="$PORT" GENESIS_RATE_LIMIT_PER_MINUTE=10000000 GENESIS_LOG_FORMAT=text \
    GENESIS_LOG_LEVELS=genesis.access=warn GENESIS_SHUTDOWN_GRACE=2s java -jar "$GENESIS_JAR" > "$OUT/genesis.log" 2>&1 &
genesis=$!
pids+=($genesis)
wait_for "$OUT/genesis.log" "GENESIS ready on"

args_of() { # a row's perf arguments
  case $1 in
    message) echo baseline --mix message --vus 64 --users 64 ;;
    sse) echo streaming --transport sse --vus 15 --users 15 ;;
    ws) echo streaming --transport ws --vus 15 --users 15 ;;
    agents) echo baseline --mix agents --vus 64 --users 64 ;;
    history) echo baseline --mix history --vus 64 --users 64 ;;
    *) echo "unknown row $1 (message sse ws agents history)" >&2; exit 2 ;;
  esac
}

# Warm-up, unrecorded: the JIT compiler settles before any profile (see docs/PERFORMANCE.md, step 8).
for r in $ROWS; do
  java -jar "$PERF_JAR" $(args_of "$r") --target "http://127.0.0.1:$PORT" --against genesis --duration "${WARM}s" \
      --warmup 0s --quiet >> "$OUT/warm-up.txt" 2>&1 || true
done

row() { # name, perf arguments…
  local name=$1; shift
  java -jar "$PERF_JAR" "$@" --target "http://127.0.0.1:$PORT" --against genesis --duration "${SECONDS_PER_ROW}s" \
      --warmup 3s --quiet --json "$OUT/$name.json" > "$OUT/$name.txt" 2>&1 &
  local perf=$!
  sleep 3 # perf's set-up and warm-up: the recording covers the measured seconds
  jcmd "$genesis" JFR.start name="$name" settings=profile duration="$((SECONDS_PER_ROW - 1))s" filename="$(pwd)/$OUT/$name.jfr" > /dev/null
  GENESIS_LOG="$OUT/genesis.log" scripts/cpu-split.sh watch "$OUT/data" "$genesis" "$perf" "$OUT/$name.cpu"
  wait "$perf" || true
  while [ ! -s "$OUT/$name.jfr" ]; do sleep 0.5; done
  local rate; rate=$(jq -r '.rate.achieved' "$OUT/$name.json")
  echo "== $name: perf $* — $rate per s"
  scripts/cpu-split.sh tail "$OUT/$name.cpu" $((SECONDS_PER_ROW - 2)) | sort | awk -v r="$rate" \
      '{ printf "   %-9s %.2f cores, %.2f ms CPU a request\n", $1, $2, (r > 0 ? $2 * 1000 / r : 0); all += $2 }
       END { printf "   %-9s %.2f cores, %.2f ms CPU a request\n", "all", all, (r > 0 ? all * 1000 / r : 0) }'
  java -jar "$PERF_JAR" profile "$OUT/$name.jfr" --top 20 | sed 's/^/   /'
}

for r in $ROWS; do
  row "$r" $(args_of "$r")
done 2>&1 | tee "$OUT/profile.txt"
