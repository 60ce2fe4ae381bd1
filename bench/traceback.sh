#!/usr/bin/env bash
# Trace-back on a big batch (default 100,000 records x 4 steps on PostgreSQL): times of a lineage
# call, an origin search and a redrive of 10 failed items. Prints a Markdown table.
#   bench/traceback.sh                                  # 100,000 records on PostgreSQL
#   bench/traceback.sh -Dbench.records=20000 -Dbench.db=h2
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/prepare.sh
exec java -Xmx2g "$@" -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" dev.taproot.bench.TraceBackBench
