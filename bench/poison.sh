#!/usr/bin/env bash
# Checkpoint writer throughput while a poisoned function fails every tenth execution (NUL, invalid
# UTF-8 and ESC on stderr, \u0000 in its JSON), against the same run without poison, on H2 and
# PostgreSQL through the packaged service. Prints a Markdown table.
#   bench/poison.sh                                   # 20,000 records, 3 rounds, both databases
#   bench/poison.sh -Dbench.records=5000 -Dbench.dbs=postgresql -Dbench.rounds=1 -Dbench.warm-up-rounds=1
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/prepare.sh
exec java -Xmx1g "$@" -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" dev.taproot.bench.PoisonBench
