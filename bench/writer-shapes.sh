#!/usr/bin/env bash
# What the checkpoint writer's rows cost the database alone, written in other shapes (multi-row
# statements, plain inserts instead of MERGE, a binary payload digest, no payloads): each shape in
# a fresh JVM, rounds alternating, on H2 and PostgreSQL; ORDERED_KEYS gives the payloads keys that
# arrive in order, to show what the digests' randomness costs. Prints one line per shape and round.
#   bench/writer-shapes.sh                  # 3 rounds, both databases, 60,000 executions each
#   ROUNDS=1 DBS=h2 bench/writer-shapes.sh
#   SHAPES="BATCH ORDERED_KEYS" JAVA_OPTS=-Dbench.batch=2000 bench/writer-shapes.sh
# INLINE is what the service wrote after V6/V7 (small values in the execution row); SOLE_EDGE what it
# writes since V9 (an execution's only lineage edge in its own row); INLINE_NO_EDGES no edges at all.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/prepare.sh
psql -q -h 127.0.0.1 -U postgres -d postgres -tc "SELECT 1 FROM pg_database WHERE datname = 'taproot_shapes'" | grep -q 1 \
  || psql -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE taproot_shapes"
for round in $(seq 1 "${ROUNDS:-3}"); do
  for db in ${DBS:-h2 postgresql}; do
    for shape in ${SHAPES:-SOLE_EDGE INLINE INLINE_NO_EDGES BATCH MULTI_ROW MULTI_ROW_INSERT BINARY_DIGEST NO_PAYLOADS ORDERED_KEYS}; do
      java -Xmx1g ${JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
        dev.taproot.bench.WriterShapeBench "$shape" "$db" "${EXECUTIONS:-60000}"
    done
  done
done
