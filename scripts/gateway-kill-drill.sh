#!/usr/bin/env bash
# A gateway killed mid-reply, measured from outside: the embedded PostgreSQL and Redis (`genesis.jar databases`),
# a session service, an agent service (offline coach, TOKEN_DELAY_MS a token) and two gateways, clustered on
# loopback ports of their own. An SSE message goes to gateway 1; after 3 s gateway 1 gets kill -9 and the client
# resumes on gateway 2 with Last-Event-ID. Prints what the resume got and when, and what is stored. About a minute.
#
#   mvn -B -DskipTests package && scripts/gateway-kill-drill.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=target/gateway-kill-drill
source scripts/bench-common.sh
for tool in jq curl; do command -v $tool > /dev/null || { echo "gateway-kill-drill.sh needs $tool" >&2; exit 2; }; done
HZ=${HZ_PORT_BASE:-5781}; P1=${PORT_BASE:-18281}; P2=$((P1 + 1))

GENESIS_DATA_DIR="$OUT/databases" java -jar "$GENESIS_JAR" databases > "$OUT/databases.log" 2>&1 &
pids+=($!)
wait_for "$OUT/databases.log" GENESIS_REDIS_URL
export GENESIS_PG_URL GENESIS_REDIS_URL GENESIS_ENCRYPTION_KEY GENESIS_JWT_SECRET
GENESIS_PG_URL=$(grep -o 'GENESIS_PG_URL=.*' "$OUT/databases.log" | cut -d= -f2-)
GENESIS_REDIS_URL=$(grep -o 'GENESIS_REDIS_URL=.*' "$OUT/databases.log" | cut -d= -f2-)
GENESIS_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64)
GENESIS_JWT_SECRET=$(head -c 32 /dev/urandom | base64)
export GENESIS_CLUSTER_MEMBERS=127.0.0.1:$HZ,127.0.0.1:$((HZ + 1)),127.0.0.1:$((HZ + 2)),127.0.0.1:$((HZ + 3))
export GENESIS_OFFLINE_TOKEN_DELAY_MS=${TOKEN_DELAY_MS:-150}
start() { # name port-offset [env…] -- service
  local name=$1 offset=$2; shift 2
  env GENESIS_CLUSTER_PORT=$((HZ + offset)) GENESIS_DATA_DIR="$OUT/$name" "$@" > "$OUT/$name.log" 2>&1 &
  pids+=($!); eval "PID_${name//-/_}=$!"
}
start session 0 java -Xmx256m -jar "$GENESIS_JAR" serve session-service --cluster
start agent 1 java -Xmx256m -jar "$GENESIS_JAR" serve agent-service --cluster
start gateway1 2 GENESIS_HTTP_PORT=$P1 java -Xmx256m -jar "$GENESIS_JAR" serve gateway --cluster
start gateway2 3 GENESIS_HTTP_PORT=$P2 java -Xmx256m -jar "$GENESIS_JAR" serve gateway --cluster
for _ in $(seq 1 120); do
  curl -sf "127.0.0.1:$P1/health/ready" > /dev/null && curl -sf "127.0.0.1:$P2/health/ready" > /dev/null && break; sleep 1
done
TOKEN=$(java -jar "$GENESIS_JAR" token --user drill)
AUTH="Authorization: Bearer $TOKEN"
SESSION=$(curl -s -X POST "127.0.0.1:$P1/api/v1/sessions" -H "$AUTH" -H 'Content-Type: application/json' -d '{"agentId":"sage"}' | jq -r .id)
curl -sN -X POST "127.0.0.1:$P1/api/v1/sessions/$SESSION/messages" -H "$AUTH" -H 'Accept: text/event-stream' \
  -H 'Content-Type: application/json' -d '{"content":"how much protein per day for a 80 kg lifter?"}' > "$OUT/first.sse" 2>&1 &
sleep 3
LAST=$(grep '^id:' "$OUT/first.sse" | tail -1 | cut -d' ' -f2)
REPLY=$(grep -o '"replyId":"[^"]*"' "$OUT/first.sse" | head -1 | cut -d'"' -f4)
echo "gateway 1 had sent events 1 to $LAST of reply $REPLY ($(grep -c '^event: delta' "$OUT/first.sse") deltas)"
kill -9 "$PID_gateway1"; killed=$(date +%s%3N)
code=$(curl -sN -o "$OUT/resumed.sse" -w '%{http_code}' --max-time 60 \
  "127.0.0.1:$P2/api/v1/sessions/$SESSION/messages/$REPLY/stream" -H "$AUTH" -H "Last-Event-ID: $LAST" || true)
ended=$(date +%s%3N)
echo "resumed on gateway 2: HTTP $code, events $(grep '^id:' "$OUT/resumed.sse" | cut -d' ' -f2 | paste -sd, -), then $(grep '^event: \(done\|error\)' "$OUT/resumed.sse" | cut -d' ' -f2) $((ended - killed)) ms after the kill"
grep -A1 '^event: error' "$OUT/resumed.sse" | grep -o '"detail":"[^"]*"' || true
echo "stored: $(curl -s "127.0.0.1:$P2/api/v1/sessions/$SESSION/messages" -H "$AUTH" | jq -c '[.items[] | {role, partial}]')"
