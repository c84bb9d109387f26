#!/usr/bin/env bash
# The capacity model of docs/OPERATIONS.md: each service in its own JVM, clustered on loopback, as operators
# deploy them, on the embedded PostgreSQL and Redis (`genesis.jar databases`), driven by perf one request kind
# at a time. For each kind it reads, over the last MEASURE seconds of the run, the CPU of every process (from
# /proc), PostgreSQL's transactions (pg_stat_database.xact_commit, reads included) and Redis's commands (INFO stats), subtracts what each used
# while idle, and divides by the requests answered: CPU ms a request per service (so requests/s per core),
# transactions and Redis commands a request.
#
#   mvn -B -DskipTests package && scripts/capacity.sh     # about 6 minutes; target/capacity/table.md
#   QUICK=1 scripts/capacity.sh                            # tiny loads, to check the script
#
# Then, with GENESIS stopped, what the same PostgreSQL and Redis do alone: pgbench (durable commits a second, and
# read-only transactions) and redis-benchmark (commands a second).
#
# Needs jq, psql, redis-cli, pgbench and redis-benchmark (clients only; the servers are the embedded ones).
# Loopback only, bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=target/capacity
source scripts/bench-common.sh
for tool in jq psql redis-cli pgbench redis-benchmark; do command -v $tool > /dev/null || { echo "capacity.sh needs $tool" >&2; exit 2; }; done

QUICK=${QUICK:-0}
DURATION=${DURATION:-25}    # seconds of each measured run
MEASURE=${MEASURE:-15}      # its last seconds that count (1 s before perf ends)
WARM=${WARM:-15}            # unrecorded warm-up per kind
IDLE=${IDLE:-15}            # seconds of idle sampling
[ "$QUICK" = 1 ] && { DURATION=6; MEASURE=3; WARM=2; IDLE=3; }
hz=$(getconf CLK_TCK)
port_base=${PORT_BASE:-18100}
HTTP_PORT=$((port_base + 80))
TARGET="http://127.0.0.1:$HTTP_PORT"

GENESIS_DATA_DIR="$OUT/databases" java -jar "$GENESIS_JAR" databases > "$OUT/databases.log" 2>&1 &
pids+=($!); DB_PID=$!
wait_for "$OUT/databases.log" GENESIS_REDIS_URL
PG_URL=$(grep -o 'GENESIS_PG_URL=.*' "$OUT/databases.log" | cut -d= -f2-)
REDIS_URL=$(grep -o 'GENESIS_REDIS_URL=.*' "$OUT/databases.log" | cut -d= -f2-)
PG_PORT=${PG_URL##*:}; PG_PORT=${PG_PORT%%/*}
REDIS_PORT=${REDIS_URL##*:}

HZ=${HZ_PORT_BASE:-5761} # Hazelcast ports of its own, so that no other cluster on this machine is joined
export GENESIS_PG_URL=$PG_URL GENESIS_REDIS_URL=$REDIS_URL GENESIS_CLUSTER_MEMBERS=127.0.0.1:$HZ,127.0.0.1:$((HZ + 1)),127.0.0.1:$((HZ + 2))
export GENESIS_ENCRYPTION_KEY GENESIS_JWT_SECRET
GENESIS_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64)
GENESIS_JWT_SECRET=$(head -c 32 /dev/urandom | base64)
export GENESIS_DEV_TOKENS=true GENESIS_RATE_LIMIT_PER_MINUTE=1000000 GENESIS_LOG_LEVELS=genesis.access=warn

declare -A PID
i=0
for service in session-service agent-service gateway; do
  GENESIS_CLUSTER_PORT=$((HZ + i)) GENESIS_DATA_DIR="$OUT/$service" GENESIS_HTTP_PORT=$HTTP_PORT java -Xmx1g -jar "$GENESIS_JAR" serve $service --cluster \
      > "$OUT/$service.log" 2>&1 &
  pids+=($!); PID[$service]=$!; i=$((i + 1))
done
wait_for "$OUT/session-service.log" "session service .* ready"
wait_for "$OUT/agent-service.log" "agent service ready"
wait_for "$OUT/gateway.log" "GENESIS ready on"
PG_MASTER=$(head -1 "$OUT/databases/postgres/postmaster.pid")
REDIS_PID=$(ss -ltnpH "sport = :$REDIS_PORT" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)

ticks() { [ -r "/proc/$1/stat" ] && sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }' || echo 0; }
pg_ticks() { local sum=0 t; for p in $PG_MASTER $(ps -o pid= --ppid "$PG_MASTER"); do t=$(ticks "$p"); sum=$((sum + t)); done; echo $sum; }
commits() { psql -qAt -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "select sum(xact_commit) from pg_stat_database"; }
commands() { redis-cli -p "$REDIS_PORT" info stats | tr -d '\r' | awk -F: '/^total_commands_processed/ { print $2 }'; }
sample() { # one line: ms gateway agent session postgres redis commits commands
  echo "$(date +%s%3N) $(ticks "${PID[gateway]}") $(ticks "${PID[agent-service]}") $(ticks "${PID[session-service]}") $(pg_ticks) $(ticks "$REDIS_PID") $(commits) $(commands)"
}
watch() { : > "$2"; while kill -0 "$1" 2>/dev/null; do sample >> "$2"; sleep 1; done; }
# Per second over the last N s ending 1 s before the last sample: "gateway agent session postgres redis commits commands" (each net of 1 sampling call a second)
rates() {
  awk -v n="$2" -v hz="$hz" '{ line[NR] = $0 } END {
    last = NR - 1; if (last < 2) { print "0 0 0 0 0 0 0"; exit }
    first = last - n; if (first < 1) first = 1
    split(line[first], a, " "); split(line[last], b, " "); s = (b[1] - a[1]) / 1000
    printf "%.4f %.4f %.4f %.4f %.4f %.2f %.2f\n", (b[2]-a[2])/hz/s, (b[3]-a[3])/hz/s, (b[4]-a[4])/hz/s, (b[5]-a[5])/hz/s, (b[6]-a[6])/hz/s, (b[7]-a[7])/s - 1, (b[8]-a[8])/s - 1
  }' "$1"
}

perf() { java -jar "$PERF_JAR" "$@" --target "$TARGET" --quiet; }

# The machine's own work while nothing is asked of GENESIS (timers, cluster heartbeats, PostgreSQL's background).
sleep 2
( sleep "$((IDLE + 2))" ) & idle_pid=$!
watch $idle_pid "$OUT/idle.samples"
read -r -a IDLE_RATES <<< "$(rates "$OUT/idle.samples" "$IDLE")"

ROWS=(
  "agents|baseline --mix agents --rate ${AGENTS_RATE:-1500} --connections 64"
  "history|baseline --mix history --rate ${HISTORY_RATE:-1200} --connections 64"
  "history-old|baseline --mix history-old --rate ${HISTORY_OLD_RATE:-600} --connections 64"
  "message|baseline --mix message --rate ${MESSAGE_RATE:-250} --connections 64"
  "sse|streaming --transport sse --rate ${STREAM_RATE:-100} --users 100"
  "ws|streaming --transport ws --rate ${STREAM_RATE:-100} --users 100"
)
[ "$QUICK" = 1 ] && ROWS=("agents|baseline --mix agents --rate 100" "message|baseline --mix message --rate 20" "sse|streaming --transport sse --rate 10 --users 10")

for row in "${ROWS[@]}"; do
  name=${row%%|*}; args=${row#*|}
  echo "== $name: $args"
  # shellcheck disable=SC2086
  perf $args --duration "${WARM}s" --warmup 0s > /dev/null 2>&1 || true
  echo "$args --duration ${DURATION}s --warmup 2s" > "$OUT/$name.cmd"
  # shellcheck disable=SC2086
  perf $args --duration "${DURATION}s" --warmup 2s --json "$OUT/$name.json" > "$OUT/$name.txt" 2>&1 &
  perf_pid=$!
  watch $perf_pid "$OUT/$name.samples"
  wait $perf_pid || true
  rates "$OUT/$name.samples" "$MEASURE" > "$OUT/$name.rates"
done

# The table: net of idle, per request answered (the run's rate of completed requests).
{
  echo "| request kind | rate held | errors | CPU ms a request: gateway / agent service / session service / PostgreSQL / Redis | requests/s per core: gateway / agent / session | PostgreSQL transactions a request | Redis commands a request |"
  echo "|---|---|---|---|---|---|---|"
  for row in "${ROWS[@]}"; do
    name=${row%%|*}
    [ -f "$OUT/$name.json" ] || continue
    rate=$(jq -r '.latency.all.rate' "$OUT/$name.json"); errors=$(jq -r '.latency.all.errors' "$OUT/$name.json")
    count=$(jq -r '.latency.all.count' "$OUT/$name.json")
    read -r -a R < "$OUT/$name.rates"
    awk -v name="$name" -v rate="$rate" -v errors="$errors" -v count="$count" \
        -v g="${R[0]}" -v a="${R[1]}" -v s="${R[2]}" -v p="${R[3]}" -v r="${R[4]}" -v c="${R[5]}" -v k="${R[6]}" \
        -v ig="${IDLE_RATES[0]}" -v ia="${IDLE_RATES[1]}" -v is="${IDLE_RATES[2]}" -v ip="${IDLE_RATES[3]}" -v ir="${IDLE_RATES[4]}" \
        -v ic="${IDLE_RATES[5]}" -v ik="${IDLE_RATES[6]}" 'function ms(x, i) { v = (x - i) * 1000 / rate; return v < 0 ? 0 : v }
      function per(x) { return x > 0 ? sprintf("%\047d", 1000 / x) : "—" }
      BEGIN { mg = ms(g, ig); ma = ms(a, ia); mss = ms(s, is); mp = ms(p, ip); mr = ms(r, ir)
        printf "| %s | %.0f/s | %d of %d | %.3f / %.3f / %.3f / %.3f / %.3f | %s / %s / %s | %.2f | %.2f |\n",
          name, rate, errors, count, mg, ma, mss, mp, mr, per(mg), (ma >= 0.01 ? per(ma) : "—"), (mss >= 0.01 ? per(mss) : "—"),
          (c - ic) / rate, (k - ik) / rate }'
  done
  echo
  echo "Idle, per second: CPU cores gateway ${IDLE_RATES[0]}, agent ${IDLE_RATES[1]}, session ${IDLE_RATES[2]}, PostgreSQL ${IDLE_RATES[3]}, Redis ${IDLE_RATES[4]}; transactions ${IDLE_RATES[5]}/s, Redis commands ${IDLE_RATES[6]}/s."
} > "$OUT/table.md"
cat "$OUT/table.md"

# The stores alone, with GENESIS stopped: how many durable commits and commands a second they do here.
for service in gateway agent-service session-service; do kill "${PID[$service]}" 2>/dev/null || true; wait "${PID[$service]}" 2>/dev/null || true; done
BENCH_SECONDS=${BENCH_SECONDS:-15}; [ "$QUICK" = 1 ] && BENCH_SECONDS=3
PGB="pgbench -h 127.0.0.1 -p $PG_PORT -U postgres"
$PGB -i -q -s 10 postgres > "$OUT/pgbench-init.txt" 2>&1
$PGB -c 16 -j 2 -T "$BENCH_SECONDS" -N postgres > "$OUT/pgbench-write.txt" 2>&1
$PGB -c 16 -j 2 -T "$BENCH_SECONDS" -S postgres > "$OUT/pgbench-read.txt" 2>&1
redis-benchmark -p "$REDIS_PORT" -q -c 50 -n $((BENCH_SECONDS * 40000)) -t get,set,zadd > "$OUT/redis-benchmark.txt" 2>&1
tps() { grep -o 'tps = [0-9.]*' "$1" | head -1 | cut -d' ' -f3; }
{
  echo
  echo "The stores alone (GENESIS stopped): PostgreSQL $(printf '%.0f' "$(tps "$OUT/pgbench-write.txt")") durable write transactions/s (pgbench -N, 16 clients: an UPDATE, a SELECT and an INSERT each, one commit), $(printf '%.0f' "$(tps "$OUT/pgbench-read.txt")") read-only transactions/s (pgbench -S); Redis: $(tr '\r' '\n' < "$OUT/redis-benchmark.txt" | grep -o '^[A-Z]*: [0-9.]* requests per second' | sed 's/ requests per second/\/s/' | paste -sd, - | sed 's/,/, /g') (redis-benchmark, 50 clients, no pipelining)."
} >> "$OUT/table.md"
tail -2 "$OUT/table.md"
