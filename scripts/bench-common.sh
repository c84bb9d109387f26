# Sourced by the bench scripts (after OUT is set): the jars, a fresh $OUT, the processes they start
# (stopped on exit) and wait_for FILE TEXT.
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
