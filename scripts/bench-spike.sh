#!/usr/bin/env bash
# The spike of issue 17 ("Overload and slow dependencies") alone, against GENESIS and then the ceiling in the
# same run, all on loopback: GENESIS (java -jar launcher/target/genesis.jar, embedded PostgreSQL and Redis,
# durable commits, rate limit raised so every request is admitted, access log at warn) on a fresh data
# directory, perf's ceiling on GENESIS's own PostgreSQL and Redis; a warm-up of both, unrecorded; then
# `spike $SPIKE --timeout 10s` RUNS times against each. Prints each run's verdict line (admitted p99 in the
# spike, errors by status with their p99 and how many lacked Retry-After, recovery) and the load average.
#
#   mvn -B -DskipTests package && scripts/bench-spike.sh
#   RUNS=3 scripts/bench-spike.sh
#   PROFILE=1 scripts/bench-spike.sh      # also a JFR recording of GENESIS during its first spike: $OUT/spike.jfr
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${OUT:-target/bench-spike}
PORT=${PORT:-18590}
CEILING_PORT=${CEILING_PORT:-18591}
RUNS=${RUNS:-1}
WARM=${WARM:-15}
SPIKE=${SPIKE:-"--base-rate 100 --spike-rate 1500 --before 10s --spike 10s --after 10s --warmup 3s"}

. scripts/bench-common.sh
GENESIS_JAR=${JAR:-$GENESIS_JAR} # JAR=path: another build of GENESIS, e.g. main's, for a before/after
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true

env GENESIS_DATA_DIR="$OUT/data" GENESIS_HTTP_PORT="$PORT" GENESIS_RATE_LIMIT_PER_MINUTE=10000000 \
    GENESIS_LOG_FORMAT=text GENESIS_LOG_LEVELS=genesis.access=warn GENESIS_SHUTDOWN_GRACE=2s \
    java -jar "$GENESIS_JAR" > "$OUT/genesis.log" 2>&1 &
GENESIS_PID=$!
pids+=($GENESIS_PID)
wait_for "$OUT/genesis.log" "GENESIS ready on"
start_ceiling "$OUT/genesis.log"

warm() { # target, scenario options…
  local target=$1; shift
  java -jar "$PERF_JAR" "$@" --target "$target" --warmup 0s --quiet >> "$OUT/warm-up.txt" 2>&1 || echo "warm-up $*: exit $?"
}
for mix in message agents history; do warm "http://127.0.0.1:$PORT" baseline --mix $mix --vus 64 --users 64 --duration ${WARM}s; done
warm "http://127.0.0.1:$CEILING_PORT" baseline --against ceiling --vus 64 --users 64 --duration ${WARM}s
# A short spike of each, unrecorded: the JIT compiles the shedding paths (503s) once, as in a server that has
# been overloaded before, instead of in the first seconds of the measured spike.
for against in genesis ceiling; do
  port=$PORT; [ "$against" = ceiling ] && port=$CEILING_PORT
  warm "http://127.0.0.1:$port" spike --against "$against" --base-rate 100 --spike-rate 1500 --before 2s --spike 5s --after 3s --timeout 10s
done

verdict() { # summary
  jq -r '"admitted p99 \(.stages[1].latency.succeeded.p99) ms in the spike (before \(.stages[0].latency.succeeded.p99), after \(.stages[2].latency.succeeded.p99)); errors: \(.latency.all.errorsByOutcome // {} | to_entries | map("\(.key) × \(.value)") | join(", ")) (failed p99 \(.latency.all.failed.p99 // "—") ms, \(.latency.all.withoutRetryAfter // 0) without Retry-After); unfinished \(.unfinished), dropped \(.dropped), late \(.late.count); recovery \(.result.recoverySeconds // .result.recovery // "—") s"' "$1"
}

for run in $(seq 1 "$RUNS"); do
  for against in genesis ceiling; do
    port=$PORT; pid=$GENESIS_PID
    [ "$against" = ceiling ] && port=$CEILING_PORT && pid=$CEILING_PID
    if [ "$against" = genesis ] && [ "$run" = "${PROFILE_RUN:-1}" ] && [ -n "${PROFILE:-}" ]; then
      jcmd "$GENESIS_PID" JFR.start name=spike settings=profile filename="$(pwd)/$OUT/spike.jfr" > /dev/null
    fi
    java -jar "$PERF_JAR" spike $SPIKE --timeout 10s --target "http://127.0.0.1:$port" --against "$against" \
        --server-pid "$pid" --quiet --json "$OUT/spike-$against-$run.json" > "$OUT/spike-$against-$run.txt" 2>&1 \
        || echo "spike against $against: exit $? (see $OUT/spike-$against-$run.txt)"
    if [ "$against" = genesis ] && [ "$run" = "${PROFILE_RUN:-1}" ] && [ -n "${PROFILE:-}" ]; then
      jcmd "$GENESIS_PID" JFR.stop name=spike > /dev/null
    fi
    echo "run $run, $against ($(date +%T), load $(cut -d' ' -f1-3 /proc/loadavg)): $(verdict "$OUT/spike-$against-$run.json")"
  done
done
