# Sourced by the bench scripts (after OUT is set): the jars, a fresh $OUT, the processes they start
# (stopped on exit), wait_for FILE TEXT and start_ceiling GENESIS_LOG.
GENESIS_JAR=launcher/target/genesis.jar
PERF_JAR=perf/target/genesis-perf.jar
[ -f "$GENESIS_JAR" ] && [ -f "$PERF_JAR" ] || { echo "build first: mvn -B -DskipTests package" >&2; exit 2; }
rm -rf "$OUT" && mkdir -p "$OUT"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

wait_for() { # file, text
  for _ in $(seq 1 240); do grep -q "$2" "$1" && return 0; sleep 0.5; done
  echo "'$2' never appeared in $1" >&2; exit 1
}

start_ceiling() { # GENESIS's log: perf's ceiling on GENESIS's own embedded PostgreSQL and Redis; sets CEILING_PID
  local pg redis
  pg=$(grep -o 'embedded PostgreSQL on 127.0.0.1:[0-9]*' "$1" | head -1 | sed 's/.*://')
  redis=$(grep -o 'embedded Redis on 127.0.0.1:[0-9]*' "$1" | head -1 | sed 's/.*://')
  java -jar "$PERF_JAR" ceiling --port "$CEILING_PORT" --pg-url "postgresql://postgres@127.0.0.1:$pg/postgres" \
      --redis-url "redis://127.0.0.1:$redis" > "$OUT/ceiling.log" 2>&1 &
  CEILING_PID=$!
  pids+=($CEILING_PID)
  wait_for "$OUT/ceiling.log" "listening"
}
