#!/usr/bin/env bash
# Engine throughput against a plain loop: a 3-step item-wise pipeline over N records (default
# 20,000) through the packaged service on H2 and on PostgreSQL, and the same functions through the
# same runtime without the engine. Prints a Markdown table.
#   bench/engine.sh                       # 20,000 records, H2 and PostgreSQL
#   bench/engine.sh -Dbench.records=5000 -Dbench.dbs=h2
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/prepare.sh
exec java -Xmx2g "$@" -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" dev.taproot.bench.EngineBench
