#!/usr/bin/env bash
# Privacy at scale, on loopback: one user with $MESSAGES messages (inserted in SQL as rows written
# before encryption existed), then `rotate-keys` encrypting them while the server runs, then
# GET /api/v1/me/export of all of them (time, size, the server's peak RSS while it streams), then
# DELETE /api/v1/me. Bounded: each step stops by itself. About a minute for 100,000 messages.
#
#   mvn -B -DskipTests package && scripts/bench-privacy.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-target/bench-privacy}
PORT=${PORT:-18200}
MESSAGES=${MESSAGES:-100000}
. scripts/bench-common.sh
command -v psql > /dev/null || { echo "psql is needed to insert the rows" >&2; exit 2; }

env GENESIS_DATA_DIR="$OUT/data" GENESIS_HTTP_PORT="$PORT" GENESIS_LOG_FORMAT=text \
    GENESIS_LOG_LEVELS=genesis.access=warn java -jar "$GENESIS_JAR" > "$OUT/genesis.log" 2>&1 &
GENESIS_PID=$!
pids+=($GENESIS_PID)
wait_for "$OUT/genesis.log" "GENESIS ready on"
PG_PORT=$(grep -o 'embedded PostgreSQL on 127.0.0.1:[0-9]*' "$OUT/genesis.log" | head -1 | sed 's/.*://')
REDIS_PORT=$(grep -o 'embedded Redis on 127.0.0.1:[0-9]*' "$OUT/genesis.log" | head -1 | sed 's/.*://')
PG="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
base="http://127.0.0.1:$PORT"
token=$(curl -sf -X POST "$base/api/v1/auth/dev-token" -H 'content-type: application/json' -d '{"userId":"big"}' \
  | python3 -c 'import sys, json; print(json.load(sys.stdin)["token"])')
session=$(curl -sf -X POST "$base/api/v1/sessions" -H "authorization: Bearer $token" -H 'content-type: application/json' \
  -d '{"agentId":"sage"}' | python3 -c 'import sys, json; print(json.load(sys.stdin)["id"])')

start=$(date +%s.%N)
psql -q "$PG" -c "INSERT INTO messages (id, session_id, user_id, role, agent_id, content, created_at, partial)
  SELECT gen_random_uuid(), '$session', 'big', CASE WHEN g % 2 = 0 THEN 'agent' ELSE 'user' END, 'sage',
         'message ' || g || ' ' || repeat('about sleep and training, ', 8), now() - ($MESSAGES - g) * interval '1 ms', false
  FROM generate_series(1, $MESSAGES) g"
echo "insert of $MESSAGES plaintext rows: $(echo "$(date +%s.%N) - $start" | bc) s"

start=$(date +%s.%N)
# The server's key (generated in its data directory): rotate-keys on a database named by URL is given it.
GENESIS_PG_URL="$PG" GENESIS_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" GENESIS_ENCRYPTION_KEY="$(cat "$OUT/data/encryption-key")" \
  GENESIS_DATA_DIR="$OUT/data" GENESIS_LOG_FORMAT=text java -jar "$GENESIS_JAR" rotate-keys --batch 500 2>&1 | grep -E '^(messages|sessions|every)' | tee "$OUT/rotate.txt"
echo "rotate-keys (server running): $(echo "$(date +%s.%N) - $start" | bc) s"
psql -qtA "$PG" -c "SELECT count(*) FROM messages WHERE content NOT LIKE 'gcm1:%'" | sed 's/^/rows still in plaintext: /'

rss_before=$(ps -o rss= -p "$GENESIS_PID")
peak=$rss_before
( while kill -0 "$GENESIS_PID" 2>/dev/null; do r=$(ps -o rss= -p "$GENESIS_PID"); echo "$r"; sleep 0.1; done ) > "$OUT/rss.txt" &
sampler=$!
curl -sf "$base/api/v1/me/export" -H "authorization: Bearer $token" -o "$OUT/export.json" \
  -w "export: %{time_total} s, %{size_download} bytes, HTTP %{http_code}\n" --max-time 300
kill "$sampler" 2>/dev/null || true
peak=$(sort -n "$OUT/rss.txt" | tail -1)
echo "server RSS before the export: $((rss_before / 1024)) MB, peak during it: $((peak / 1024)) MB"
python3 -c "
import json, sys
d = json.load(open('$OUT/export.json'))
print('export document: %d sessions, %d messages, parses' % (len(d['sessions']), sum(len(s['messages']) for s in d['sessions'])))"

curl -sf -X DELETE "$base/api/v1/me" -H "authorization: Bearer $token" -o /dev/null \
  -w "erase: %{time_total} s, HTTP %{http_code}\n" --max-time 300
psql -qtA "$PG" -c "SELECT count(*) FROM messages WHERE user_id = 'big'" | sed 's/^/rows left for the user: /'
