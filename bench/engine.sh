#!/usr/bin/env bash
# Engine throughput against the naive Chicory loop: a 3-step item-wise pipeline over N records
# (default 20,000) through the packaged service on H2 and on PostgreSQL, cold (first run in a fresh
# service JVM) and warm (after a warm-up run), and the same functions on the same records through
# the naive Chicory loop (new WasiPreview1 and instance per call) and through Taproot's runtime
# without the engine. Prints a Markdown table.
#   bench/engine.sh                       # 20,000 records, H2 and PostgreSQL
#   bench/engine.sh -Dbench.records=5000 -Dbench.dbs=h2 -Dbench.cold=false -Dbench.plain=false
#   bench/engine.sh -Dbench.dbs=h2 -Dbench.warm-up=20000           # warm after a full-size warm-up
#   bench/engine.sh -Dbench.dbs=h2 -Dbench.jfr=/tmp/after.jfr   # service under JFR: /tmp/after-h2.jfr
#   bench/jfr-top.py /tmp/after-h2.jfr                            # its top frames
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/prepare.sh
exec java -Xmx2g "$@" -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" dev.taproot.bench.EngineBench
