#!/usr/bin/env bash
# 1, 2 and 3 instances of the packaged service on one PostgreSQL (database taproot_bench, reset):
# throughput on one 20,000-record run of a 3-step pipeline, CPU time per execution over all
# instances, claim latency, and the time from an instance's SIGKILL to its work being held again.
#   bench/cluster.sh
#   bench/cluster.sh -Dbench.records=5000 -Dbench.partition-size=500 -Dbench.lease=5s
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/prepare.sh
exec java -Xmx1g "$@" -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" dev.taproot.bench.ClusterBench
