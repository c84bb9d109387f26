#!/usr/bin/env bash
# Rate-limit exactness, on loopback: real gateways (separate Vert.x instances) on a Redis of their
# own, as issue 19 measured it: 4 rounds of 60 concurrent requests of one user at 30/min on one
# gateway; two fresh gateways at 100/min, 300 concurrent (first burst after start, then warm,
# twice); the same with Redis asleep (DEBUG SLEEP 0.5 s and 2.5 s); Redis stopped and Redis silent.
# Bounded: about a minute. Prints the admitted counts (admitted requests answer 404: no route
# behind the limiter).
#
#   scripts/bench-ratelimit.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-target/bench-ratelimit}
mkdir -p "$OUT"
mvn -B -q -pl gateway -am test -Dtest='RateLimitBurstTest,RateLimitRedisDownTest' \
    -Dsurefire.failIfNoSpecifiedTests=false > "$OUT/test.log" 2>&1 || status=$?
grep -h 'RATE-LIMIT FIGURES' "$OUT/test.log" | sed 's/^RATE-LIMIT FIGURES //'
grep -E 'Tests run:.*Fail' "$OUT/test.log" | tail -1
exit "${status:-0}"
