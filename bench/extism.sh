#!/usr/bin/env bash
# Benchmarks Extism plug-ins against wasi functions (ExtismBench): executions per second of the
# same logic under both ABIs on one thread, and the cost of one kernel call. Prints Markdown.
# Extra arguments go to the JVM, e.g. -Dbench.calls=5000 -Dbench.kernelLoop=1000000.
BENCH_MAIN=dev.taproot.bench.ExtismBench exec "$(dirname "$0")/runtime.sh" "$@"
