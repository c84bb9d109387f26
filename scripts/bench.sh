#!/usr/bin/env bash
# Reproduces the results table of docs/PERFORMANCE.md in one go (under 10 minutes), all on loopback:
# GENESIS (java -jar launcher/target/genesis.jar, embedded PostgreSQL and Redis, durable commits) and
# perf's bare Vert.x `ceiling` server (using the same embedded PostgreSQL and Redis) run side by side;
# every row runs its scenario against GENESIS, then the same load against the ceiling, in the same run.
# Every run is bounded in time and stops by itself; so does this script, and it stops what it starts.
#
#   mvn -B -DskipTests package && scripts/bench.sh        # summaries, HTML reports and table.md in $OUT
#
# ROWS="baseline streaming-sse" runs only those rows. `connections` runs first, on fresh processes, so its
# memory per connection is not hidden by heap the other rows already grew. GENESIS's rate limit is raised so every request is
# admitted (the exact Redis sliding-window step still runs for each one).
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${OUT:-target/bench}
PORT=${PORT:-18080}
CEILING_PORT=${CEILING_PORT:-18081}
ROWS=${ROWS:-connections baseline stress-mix stress-reads spike streaming-sse streaming-ws journey soak}
. scripts/bench-common.sh

env GENESIS_DATA_DIR="$OUT/data" GENESIS_HTTP_PORT="$PORT" GENESIS_RATE_LIMIT_PER_MINUTE=10000000 \
    GENESIS_LOG_FORMAT=text java -jar "$GENESIS_JAR" > "$OUT/genesis.log" 2>&1 &
GENESIS_PID=$!
pids+=($GENESIS_PID)
wait_for "$OUT/genesis.log" "GENESIS ready on"
start_ceiling "$OUT/genesis.log"

# row NAME SCENARIO OPTIONS…: the scenario against GENESIS, then against the ceiling.
row() {
  local name=$1 scenario=$2; shift 2
  echo "$scenario $*" > "$OUT/$name-genesis.cmd"
  for against in genesis ceiling; do
    local port=$PORT pid=$GENESIS_PID
    [ "$against" = ceiling ] && port=$CEILING_PORT && pid=$CEILING_PID
    java -jar "$PERF_JAR" "$scenario" --target "http://127.0.0.1:$port" --against "$against" --server-pid "$pid" \
        --quiet --json "$OUT/$name-$against.json" --html "$OUT/$name-$against.html" "$@" > "$OUT/$name-$against.txt" 2>&1 \
      || echo "$name against $against: exit $? (see $OUT/$name-$against.txt)"
    echo "$name against $against: done ($(date +%T))"
  done
}

for r in $ROWS; do
  case $r in
    baseline)      row baseline baseline --rate 100 --duration 30s --warmup 5s ;;
    stress-mix)    row stress-mix stress --start-rate 250 --step 250 --step-duration 3s --max-rate 4000 --warmup 3s ;;
    stress-reads)  row stress-reads stress --mix agents --start-rate 500 --step 500 --step-duration 3s --max-rate 8000 --warmup 3s ;;
    spike)         row spike spike --base-rate 100 --spike-rate 1500 --before 10s --spike 10s --after 10s --warmup 3s ;;
    streaming-sse) row streaming-sse streaming --transport sse --vus 15 --duration 15s --warmup 3s --users 15 ;;
    streaming-ws)  row streaming-ws streaming --transport ws --vus 15 --duration 15s --warmup 3s --users 15 ;;
    journey)       row journey journey --rate 5 --duration 20s --warmup 3s ;;
    connections)   row connections connections --held 1000 --open-rate 500 --active 5 --hold 15s --warmup 0s ;;
    soak)          row soak soak --rate 100 --duration 45s --window 15s --warmup 3s ;;
    *) echo "unknown row '$r'" >&2; exit 2 ;;
  esac
done

java -jar "$PERF_JAR" table "$OUT" | tee "$OUT/table.md"
