#!/usr/bin/env bash
# Where the cores went during a benchmark row: CPU used by the server under load (GENESIS's JVM, or perf's
# ceiling), GENESIS's embedded PostgreSQL (the postmaster and every backend) and Redis, and the load generator,
# read from /proc once a second.
#
#   scripts/cpu-split.sh watch DATA_DIR SERVER_PID PERF_PID OUT    # samples until PERF_PID exits
#   scripts/cpu-split.sh cores OUT FROM TO                         # cores each used between FROM and TO s after the first sample
#   scripts/cpu-split.sh tail OUT SECONDS                          # the same over SECONDS ending 1 s before the last sample (or fewer)
#
# A sample line: ms-since-epoch group (server, perf, postgres, redis) pid ticks (utime + stime of the process and
# its threads). PostgreSQL is found from GENESIS's DATA_DIR/postgres/postmaster.pid, Redis by the port in its
# "embedded Redis on" log line (pass the log as GENESIS_LOG), so neither is confused with the machine's own.
set -euo pipefail
hz=$(getconf CLK_TCK)

ticks() { # pid -> utime+stime, clock ticks
  [ -r "/proc/$1/stat" ] && sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 }' || true
}

sample() { # data server perf redis -> lines
  local now; now=$(date +%s%3N)
  local t; t=$(ticks "$2"); [ -n "$t" ] && echo "$now server $2 $t"
  t=$(ticks "$3"); [ -n "$t" ] && echo "$now perf $3 $t"
  [ -n "$4" ] && { t=$(ticks "$4"); [ -n "$t" ] && echo "$now redis $4 $t"; }
  local master; master=$(head -1 "$1/postgres/postmaster.pid" 2>/dev/null || true)
  if [ -n "$master" ]; then
    for pid in "$master" $(ps -o pid= --ppid "$master"); do
      t=$(ticks "$pid"); [ -n "$t" ] && echo "$now postgres $pid $t"
    done
  fi
  return 0
}

watch_row() { # data server perf out
  local redis="" port
  port=$(grep -o 'embedded Redis on 127.0.0.1:[0-9]*' "${GENESIS_LOG:-/dev/null}" 2>/dev/null | head -1 | sed 's/.*://' || true)
  [ -n "$port" ] && redis=$(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)
  : > "$4"
  while kill -0 "$3" 2>/dev/null; do
    sample "$1" "$2" "$3" "$redis" >> "$4"
    sleep 1
  done
}

cores() { # out from to
  awk -v hz="$hz" -v from="$2" -v to="$3" '
    NR == 1 { t0 = $1 }
    { s = ($1 - t0) / 1000
      if (s <= from) { first[$3] = $4; t1 = $1 }
      if (s <= to) { last[$3] = $4; grp[$3] = $2; t2 = $1 } }
    END {
      secs = (t2 - t1) / 1000
      if (secs <= 0) { print "no window"; exit 1 }
      for (p in last) { used[grp[p]] += last[p] - ((p in first) ? first[p] : 0) }
      for (g in used) printf "%s %.3f\n", g, used[g] / hz / secs
    }' "$1"
}

tail_window() { # out seconds: the run's measured phase, when perf's report follows its last second
  local last; last=$(awk 'NR == 1 { t0 = $1 } { t = $1 } END { printf "%.3f", (t - t0) / 1000 }' "$1")
  cores "$1" "$(awk -v l="$last" -v s="$2" 'BEGIN { f = l - 1 - s; printf "%.3f", (f < 0 ? 0 : f) }')" \
      "$(awk -v l="$last" 'BEGIN { printf "%.3f", l - 1 }')"
}

case "${1:-}" in
  watch) shift; watch_row "$@" ;;
  cores) shift; cores "$@" ;;
  tail) shift; tail_window "$@" ;;
  *) sed -n '2,13p' "$0"; exit 2 ;;
esac
