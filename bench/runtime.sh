#!/usr/bin/env bash
# Benchmarks the Wasm function runtime (RuntimeBench): parse+compile time per module, and the
# cost of one execution in a fresh instance, compiled against interpreted. Prints a Markdown
# table. Extra arguments go to the JVM, e.g. -Dbench.calls=500. BENCH_MAIN runs another benchmark
# class on the same classpath (bench/extism.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -B -q -Ddev test-compile
./mvnw -B -q dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null

exec java -Xms2g -Xmx2g "$@" \
  -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  "${BENCH_MAIN:-dev.taproot.bench.RuntimeBench}"
