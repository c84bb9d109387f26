#!/usr/bin/env bash
# scripts/probe-upstream-faults.sh JARDIR MODE OUT: issue 19 items 2 and 4, measured from outside.
#   JARDIR holds genesis.jar and genesis-perf.jar (copy them from launcher/target and perf/target);
#   MODE: hang (fake-upstream --hang-rate 1, 10 concurrent chats, then 3 more), fail (--fail-rate 1, 6 chats),
#   secret (a closed port behind http://probeuser:S3cretPW@…), secret500 (the same credentials, an upstream answering 500).
#   Prints each answer's status, time and Retry-After, and for secret* how many answers and log lines hold the secret.
# Loopback only; every process started here is stopped by pid at the end.
set -u
JARS=$1; MODE=$2; OUT=$3
mkdir -p "$OUT"; DATA=$(mktemp -d)
FPORT=19090; GPORT=18080; G=http://127.0.0.1:$GPORT
FAKE_PID=
case $MODE in
  hang)   java -jar $JARS/genesis-perf.jar fake-upstream --port $FPORT --hang-rate 1 >"$OUT/fake.log" 2>&1 & FAKE_PID=$!; BASE=http://127.0.0.1:$FPORT/v1 ;;
  fail)   java -jar $JARS/genesis-perf.jar fake-upstream --port $FPORT --fail-rate 1 >"$OUT/fake.log" 2>&1 & FAKE_PID=$!; BASE=http://127.0.0.1:$FPORT/v1 ;;
  secret) BASE=http://probeuser:S3cretPW@127.0.0.1:19091/v1 ;;   # nothing listens on 19091
  secret500) java -jar $JARS/genesis-perf.jar fake-upstream --port $FPORT --fail-rate 1 >"$OUT/fake.log" 2>&1 & FAKE_PID=$!; BASE=http://probeuser:S3cretPW@127.0.0.1:$FPORT/v1 ;;
esac
GENESIS_DATA_DIR=$DATA GENESIS_HTTP_PORT=$GPORT GENESIS_MODEL_BASE_URL=$BASE GENESIS_MODEL_NAME=coach-7b \
  GENESIS_RATE_LIMIT_PER_MINUTE=10000 GENESIS_LOG_FORMAT=json \
  java -jar $JARS/genesis.jar >"$OUT/genesis.log" 2>&1 & GEN_PID=$!
for i in $(seq 1 120); do grep -q "GENESIS ready" "$OUT/genesis.log" && break; sleep 0.5; done
TOKEN=$(curl -s -X POST $G/api/v1/auth/dev-token -H 'Content-Type: application/json' -d '{"userId":"probe"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
session() { curl -s -X POST $G/api/v1/sessions -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"agentId":"blaze"}' | sed 's/.*"id":"\([^"]*\)".*/\1/'; }
chat() { # n accept
  curl -s -o "$OUT/body.$1" -D "$OUT/head.$1" -w "chat $1: %{http_code} %{time_total}s\n" -X POST $G/api/v1/sessions/$S/messages \
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -H "Accept: $2" -d '{"content":"How do I squat deeper?"}'
  echo "   Retry-After: $(grep -i '^retry-after' "$OUT/head.$1" | tr -d '\r' | cut -d' ' -f2)"; }
S=$(session)
case $MODE in
  hang)
    for i in $(seq 1 10); do chat $i application/json > "$OUT/r.$i" & done; wait $(jobs -p | grep -v "^$FAKE_PID$" | grep -v "^$GEN_PID$") 2>/dev/null
    for i in $(seq 1 10); do while [ ! -s "$OUT/r.$i" ] || ! grep -q Retry "$OUT/r.$i"; do sleep 0.2; done; cat "$OUT/r.$i"; done
    echo "-- then, one after another:"; for i in 11 12 13; do chat $i application/json; done ;;
  fail)
    for i in 1 2 3 4 5 6; do chat $i application/json; done ;;
  secret|secret500)
    chat 1 application/json; chat 2 text/event-stream
    curl -s -o "$OUT/body.3" -D "$OUT/head.3" -w "chat 3 (/v1): %{http_code} %{time_total}s\n" -X POST $G/v1/chat/completions -H "Authorization: Bearer $TOKEN" \
      -H 'Content-Type: application/json' -d '{"model":"blaze","messages":[{"role":"user","content":"hi"}]}'
    curl -s -o "$OUT/body.4" -D "$OUT/head.4" -w "chat 4 (/v1 stream): %{http_code} %{time_total}s\n" -X POST $G/v1/chat/completions -H "Authorization: Bearer $TOKEN" \
      -H 'Content-Type: application/json' -d '{"model":"blaze","stream":true,"messages":[{"role":"user","content":"hi"}]}'
    for i in 1 2 3 4; do echo "answer $i: $(head -c 400 $OUT/body.$i)"; done
    echo "client answers holding S3cretPW: $(grep -l S3cretPW $OUT/body.* | wc -l) of 4; holding probeuser: $(grep -l probeuser $OUT/body.* | wc -l); holding 127.0.0.1: $(grep -l '127.0.0.1' $OUT/body.* | wc -l); holding 'fake upstream failure': $(grep -l 'fake upstream failure' $OUT/body.* | wc -l)" ;;
esac
kill $GEN_PID; wait $GEN_PID 2>/dev/null
[ -n "$FAKE_PID" ] && { kill $FAKE_PID; wait $FAKE_PID 2>/dev/null; }
[ "${MODE#secret}" != "$MODE" ] && { echo "log lines holding S3cretPW: $(grep -c S3cretPW $OUT/genesis.log)"; grep S3cretPW $OUT/genesis.log | cut -c1-300; }
rm -rf "$DATA"
