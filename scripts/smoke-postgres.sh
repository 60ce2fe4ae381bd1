#!/usr/bin/env bash
# Proves that the one built artifact serves PostgreSQL: copies target/quarkus-app, re-augments the
# copy for PostgreSQL, starts it on a fresh database and runs the bundled orders pipeline through
# the HTTP API. Needs a prior `./mvnw package` and PostgreSQL on 127.0.0.1:5432 (trust auth).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${SMOKE_PORT:-18080}"
DB="${SMOKE_DB:-taproot_smoke}"
WORK="$(mktemp -d)"
LOG="$WORK/service.log"
PID=""
cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "[smoke] FAILED: $*" >&2; echo "--- service log (tail) ---" >&2; tail -n 60 "$LOG" >&2 || true; exit 1; }

[ -f target/quarkus-app/quarkus-run.jar ] || { echo "[smoke] run ./mvnw package first" >&2; exit 1; }
# The re-augmentation writes to <jar dir>/../quarkus-app, so the copy keeps that name.
cp -r target/quarkus-app "$WORK/quarkus-app"
echo "[smoke] re-augmenting the jar for PostgreSQL"
t0=$(date +%s)
java -Dquarkus.launch.rebuild=true -Dquarkus.datasource.db-kind=postgresql -jar "$WORK/quarkus-app/quarkus-run.jar" >"$WORK/rebuild.log" 2>&1 \
  || { cat "$WORK/rebuild.log"; fail "re-augmentation"; }
echo "[smoke] re-augmented in $(( $(date +%s) - t0 )) s"

psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null

QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:5432/$DB" \
QUARKUS_DATASOURCE_USERNAME=postgres QUARKUS_DATASOURCE_PASSWORD= QUARKUS_HTTP_PORT="$PORT" \
  java -jar "$WORK/quarkus-app/quarkus-run.jar" >"$LOG" 2>&1 &
PID=$!
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$PORT/q/health/ready" >/dev/null 2>&1 && break
  kill -0 "$PID" 2>/dev/null || fail "the service exited during start-up"
  sleep 1
done
curl -sf "http://127.0.0.1:$PORT/q/health/ready" >/dev/null || fail "the service did not become ready"
grep -q "PostgreSQL" "$LOG" || grep -qi "postgres" "$LOG" || true

API="http://127.0.0.1:$PORT/api/v1"
curl -sf "$API/functions" | grep -q '"parse-order"' || fail "bundled functions are not registered"
RUN=$(curl -sf -X POST -H 'Content-Type: application/x-ndjson' --data-binary @src/main/resources/examples/orders.ndjson "$API/workflows/orders/runs")
RUN_ID=$(echo "$RUN" | sed -E 's/.*"runId":"([^"]+)".*/\1/')
echo "[smoke] run $RUN_ID started"
STATUS=running
for _ in $(seq 1 120); do
  STATUS=$(curl -sf "$API/runs/$RUN_ID" | sed -E 's/.*"status":"([a-z]+)".*/\1/' | head -1)
  [ "$STATUS" != "running" ] && break
  sleep 1
done
[ "$STATUS" = "failed" ] || fail "expected the orders run to end failed (one planted bad record), got $STATUS"
FAILED=$(curl -sf "$API/runs/$RUN_ID/steps/validate/items?status=failed")
echo "$FAILED" | grep -q '"key":"1041"' || fail "expected item 1041 to fail at validate: $FAILED"
echo "$FAILED" | grep -q '"total":1' || fail "expected exactly one failed validate item: $FAILED"
ROWS=$(psql -tA -h 127.0.0.1 -U postgres -d "$DB" -c "SELECT COUNT(*) FROM execution WHERE run_id = '$RUN_ID'")
[ "$ROWS" -ge 8999 ] || fail "expected at least 8999 checkpoints in PostgreSQL, found $ROWS"
# the web UI serves the same run from PostgreSQL: its page, and the failed items of validate
UI="http://127.0.0.1:$PORT/ui/runs/$RUN_ID"
PAGE=$(curl -s -w "\n[http %{http_code}]" "$UI")
echo "$PAGE" | grep -q 'id="run-status">failed<' \
  || fail "the web UI's run page does not show the run failed: $(echo "$PAGE" | grep -E 'run-status|\[http' | head -3)"
curl -sf "$UI/steps/validate/items?status=failed" | grep -q "/steps/validate/items/1041\"" \
  || fail "the web UI does not list item 1041 among validate's failed items"
echo "[smoke] PASSED: run $RUN_ID ended failed at validate item 1041 as planted; $ROWS checkpoints in PostgreSQL"
