#!/usr/bin/env bash
# The engine benchmark (bench/engine.sh) several times, each round with a fresh naive-loop JVM and
# fresh service JVMs, then the median, lowest and highest ratio to the naive loop for each row.
# One round's ratio moves by ±0.2 on a 2-core machine (the naive loop alone runs 3,700-6,000
# executions/s cold from one JVM to the next); the median of several says more than any one.
#   bench/engine-rounds.sh                 # 5 rounds, 20,000 records, H2 and PostgreSQL
#   ROUNDS=3 bench/engine-rounds.sh -Dbench.dbs=h2 -Dbench.app=/tmp/base/target/quarkus-app
# Extra arguments go to every round's EngineBench; each round's full output is kept under
# target/engine-rounds/.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/prepare.sh
rounds=${ROUNDS:-5}
out=target/engine-rounds
rm -rf "$out" && mkdir -p "$out"
for i in $(seq 1 "$rounds"); do
  echo "round $i of $rounds ($(date -u +%H:%M:%S) UTC)"
  if java -Xmx2g -Dbench.plain=false "$@" \
    -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
    dev.taproot.bench.EngineBench >"$out/round-$i.txt" 2>&1; then
    grep -E '^\| (naive|engine)' "$out/round-$i.txt" | cut -d'|' -f2,3,7
  else
    # A failed round counts for nothing; the others still get their median.
    mv "$out/round-$i.txt" "$out/failed-$i.txt"
    echo "round $i failed (its output: $out/failed-$i.txt):"
    tail -5 "$out/failed-$i.txt"
  fi
done
python3 - "$out" <<'PY'
import glob, re, statistics, sys
rows = {}
for path in sorted(glob.glob(sys.argv[1] + "/round-*.txt")):
    for line in open(path):
        cells = [c.strip() for c in line.split("|")[1:-1]]
        if len(cells) == 6 and cells[0].startswith("engine on"):
            rows.setdefault(cells[0], []).append(float(cells[5].split()[0]))
print("\n| what | rounds | median ratio to the naive loop | lowest | highest | rounds at or above 0.5 |")
print("|---|---:|---:|---:|---:|---:|")
for what, r in rows.items():
    print(f"| {what} | {len(r)} | {statistics.median(r):.2f} x | {min(r):.2f} x | {max(r):.2f} x"
          f" | {sum(x >= 0.5 for x in r)} of {len(r)} |")
PY
