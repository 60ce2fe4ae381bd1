#!/usr/bin/env bash
# Streaming x-ndjson ingest with a capped heap (issue 11): generates N records (default 5,000,000,
# about 1 GB), starts the packaged service with -Xmx512m on PostgreSQL (database taproot_hostile,
# dropped and recreated schema) or H2, posts the file as application/x-ndjson and records the wall
# time to the 202, the peak heap (jstat samples every 500 ms) while uploading, and then lets the run
# go on for RUN_SECONDS with the heap sampled; a class histogram at the end counts what each live
# item costs. RUN_SECONDS=finish waits for the whole run instead (histogram half way), polling
# GET /runs/{id} every POLL_SECONDS (default 5) and timing each answer. Prints a summary; figures
# go to docs/benchmarks.md by hand.
#   bench/ingest.sh                          # 5M records, PostgreSQL
#   RECORDS=1000000 DB=h2 bench/ingest.sh
#   SKIP_BUILD=1 bench/ingest.sh             # reuse target/quarkus-app and target/bench-pg
#   RESTART=1 RUN_SECONDS=40 bench/ingest.sh # then time GET /runs/{id} of the cancelled run, before
#                                            # and after its leases ran out, and after a restart
set -euo pipefail
cd "$(dirname "$0")/.."
RECORDS=${RECORDS:-5000000}
DB=${DB:-postgresql}
HEAP=${HEAP:-512m}
RUN_SECONDS=${RUN_SECONDS:-60}
PG_URL=${PG_URL:-jdbc:postgresql://127.0.0.1:5432/taproot_hostile}
OUT=${OUT:-target/ingest-bench}
mkdir -p "$OUT"

if [[ -z "${SKIP_BUILD:-}" ]]; then
  ./mvnw -B -q -Ddev package -DskipTests
  rm -rf target/bench-pg && mkdir -p target/bench-pg && cp -r target/quarkus-app target/bench-pg/quarkus-app
  java -Dquarkus.launch.rebuild=true -Dquarkus.datasource.db-kind=postgresql \
    -jar target/bench-pg/quarkus-app/quarkus-run.jar >/dev/null
fi

DATA="$OUT/records-$RECORDS.ndjson"
if [[ ! -f "$DATA" ]]; then
  # ~200 bytes a record: an order line as the bundled example has them, padded with a note.
  python3 - "$RECORDS" "$DATA" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
pad = "x" * 120
with open(path, "w", buffering=1 << 20) as f:
    for i in range(n):
        f.write('{"n": %d, "customer": "ACME-%05d", "sku": "SKU-%06d", "qty": %d, "note": "%s"}\n'
                % (i, i % 10000, i % 999983, i % 7 + 1, pad))
PY
fi
BYTES=$(stat -c %s "$DATA")

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("",0)); print(s.getsockname()[1])')
ARGS=(-Xmx$HEAP -Dquarkus.http.port=$PORT -Dtaproot.bundled.enabled=false
  -Dtaproot.runs.max-ndjson-size=4G -Dquarkus.otel.traces.enabled=false)
if [[ "$DB" == postgresql ]]; then
  psql -q -h 127.0.0.1 -U postgres -d postgres -tc "SELECT 1 FROM pg_database WHERE datname = 'taproot_hostile'" | grep -q 1 \
    || psql -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE taproot_hostile"
  psql -q -h 127.0.0.1 -U postgres -d taproot_hostile -c "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public"
  APP=target/bench-pg/quarkus-app
  ARGS+=(-Dquarkus.datasource.jdbc.url=$PG_URL -Dquarkus.datasource.username=postgres -Dquarkus.datasource.password=)
else
  APP=target/quarkus-app
  rm -rf "$OUT/h2"
  ARGS+=("-Dquarkus.datasource.jdbc.url=jdbc:h2:file:$PWD/$OUT/h2/taproot;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;CACHE_SIZE=65536")
fi
java "${ARGS[@]}" -jar $APP/quarkus-run.jar >"$OUT/service-$DB.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
BASE=http://localhost:$PORT/api/v1
for _ in $(seq 1 120); do curl -sf "$BASE/functions" >/dev/null && break; sleep 1; done

curl -sf -X PUT -H 'Content-Type: application/wasm' --data-binary @src/test/resources/wasm/inc.wasm "$BASE/functions/inc" >/dev/null
curl -sf -X POST -H 'Content-Type: application/yaml' --data-binary @- "$BASE/workflows" >/dev/null <<'YAML'
name: ingest
functions:
  inc: { ref: inc }
steps:
  parse:
    function: inc
    forEach: ${{ input.records }}
    input: ${{ item }}
  enrich:
    function: inc
    forEach: ${{ steps.parse.items }}
    input: ${{ item.output }}
  check:
    function: inc
    forEach: ${{ steps.enrich.items }}
    input: ${{ item.output }}
YAML

# Used heap (S0U+S1U+EU+OU, KiB) every 500 ms into a file; the peak is its maximum.
jstat -gc $PID 500 >"$OUT/jstat-$DB.txt" &
JSTAT=$!
START=$(date +%s.%N)
curl -sf -X POST -H 'Content-Type: application/x-ndjson' -T "$DATA" "$BASE/workflows/ingest/runs" >"$OUT/started.json"
END=$(date +%s.%N)
UPLOAD_LINES=$(wc -l <"$OUT/jstat-$DB.txt")
RUN=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["runId"])' "$OUT/started.json")
if [[ "$RUN_SECONDS" == finish ]]; then
  # The whole run: poll until it is no longer running; a class histogram half way through (by
  # executions) shows what a live run holds.
  HALF=$((RECORDS * 3 / 2))
  : >"$OUT/polls-$DB.txt"
  while true; do
    # Each answer timed, with the executions it counts: how long a user waits, how fresh it is.
    T=$(curl -sf -o "$OUT/run.json" -w '%{time_total}' "$BASE/runs/$RUN" || echo fail)
    python3 -c 'import json,sys,time; v=json.load(open(sys.argv[1])); print(time.time(), sys.argv[2], v.get("status"), sum(p.get("succeeded",0) for p in v.get("progress",{}).values()))' "$OUT/run.json" "$T" >>"$OUT/polls-$DB.txt" || true
    python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); sys.exit(0 if v.get("status")=="running" else 1)' "$OUT/run.json" || break
    if [[ ! -f "$OUT/histogram-$DB.txt" ]] && python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); sys.exit(0 if sum(p.get("succeeded",0) for p in v.get("progress",{}).values()) >= int(sys.argv[2]) else 1)' "$OUT/run.json" "$HALF"; then
      jcmd $PID GC.class_histogram >"$OUT/histogram-$DB.txt"
    fi
    sleep "${POLL_SECONDS:-5}"
  done
  RUN_END=$(date +%s.%N)
  echo "run ended after $(python3 -c "print(round($RUN_END - $START))") s from the start of the upload"
else
  sleep "$RUN_SECONDS"
  curl -sf "$BASE/runs/$RUN" >"$OUT/run.json"
fi
[[ -f "$OUT/histogram-$DB.txt" ]] || jcmd $PID GC.class_histogram >"$OUT/histogram-$DB.txt"
kill $JSTAT
curl -sf -X POST "$BASE/runs/$RUN/cancel" >/dev/null || true

python3 - "$OUT/jstat-$DB.txt" "$UPLOAD_LINES" "$OUT/run.json" "$OUT/histogram-$DB.txt" "$BYTES" "$RECORDS" "$START" "$END" "$DB" "$HEAP" <<'PY'
import json, sys
jstat, upload_lines, run, hist, size, records, start, end, db, heap = sys.argv[1:]
rows = [l.split() for l in open(jstat) if l.strip() and not l.lstrip().startswith("S0C")]
def used(r):  # S0C S1C S0U S1U EC EU OC OU ...
    return (float(r[2]) + float(r[3]) + float(r[5]) + float(r[7])) / 1024
upload = rows[: int(upload_lines)]
after = rows[int(upload_lines):]
view = json.load(open(run))
done = sum(p.get("succeeded", 0) for p in view.get("progress", {}).values())
items = {}
for l in open(hist):
    p = l.split()
    if len(p) == 4 and p[0].endswith(":"):
        items[p[3]] = (int(p[1]), int(p[2]))
item = items.get("dev.taproot.engine.ItemState", (0, 0))
print(f"db={db} heap cap={heap} records={int(records):,} file={int(size)/1e6:,.0f} MB")
print(f"upload to 202: {float(end)-float(start):.1f} s, {int(records)/(float(end)-float(start)):,.0f} records/s")
print(f"peak used heap while uploading: {max(map(used, upload)):.0f} MiB (samples: {len(upload)})")
if after:
    print(f"peak used heap in the next run seconds: {max(map(used, after)):.0f} MiB")
print(f"run after the wait: status={view.get('status')} succeeded executions={done:,}")
print(f"ItemState instances live: {item[0]:,} ({item[1]/max(1,item[0]):.0f} bytes each, shallow)")
PY
if [[ -s "$OUT/polls-$DB.txt" ]]; then
  python3 - "$OUT/polls-$DB.txt" <<'PY'
import statistics, sys
polls = [l.split() for l in open(sys.argv[1]) if len(l.split()) == 4 and l.split()[1] != "fail"]
running = [p for p in polls if p[2] == "running"]
if running:
    took = sorted(float(p[1]) for p in running)
    # Longest stretch, between answers, during which the succeeded count stood still.
    still, since, last = 0.0, float(running[0][0]), running[0][3]
    for p in running[1:]:
        if p[3] != last:
            since, last = float(p[0]), p[3]
        still = max(still, float(p[0]) - since)
    print(f"GET /runs/{{id}} while running: {len(took)} answers, median {statistics.median(took)*1000:.0f} ms,"
          f" max {took[-1]*1000:.0f} ms; succeeded count stood still for at most {still:.1f} s")
PY
fi
if [[ -n "${RESTART:-}" ]]; then
  # The cancelled (or finished) run's GET /runs/{id}: right after the cancel, once its leases ran
  # out (SETTLE_SECONDS, default 25: the 20 s lease and a heartbeat), and after a restart on the
  # same database, three answers each, timed.
  gets() {
    local times=()
    for _ in 1 2 3; do times+=("$(curl -sf -o "$OUT/run-after.json" -w '%{time_total}' "$BASE/runs/$RUN")"); done
    echo "$1: GET /runs/{id} took ${times[*]} s; $(python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); print(v["status"], "succeeded", sum(p["succeeded"] for p in v["progress"].values()), "failed", sum(p["failed"] for p in v["progress"].values()))' "$OUT/run-after.json")"
  }
  gets "right after the cancel"
  sleep "${SETTLE_SECONDS:-25}"
  gets "after ${SETTLE_SECONDS:-25} s"
  kill "$PID"
  wait "$PID" 2>/dev/null || true
  java "${ARGS[@]}" -jar $APP/quarkus-run.jar >>"$OUT/service-$DB.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 120); do curl -sf "$BASE/functions" >/dev/null && break; sleep 1; done
  gets "after a restart"
fi
