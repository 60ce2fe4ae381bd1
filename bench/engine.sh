#!/usr/bin/env bash
# Engine throughput against a plain loop: a 3-step item-wise pipeline over N records (default
# 20,000) through the packaged service on H2 and on PostgreSQL, and the same functions through the
# same runtime without the engine. Prints a Markdown table.
#   bench/engine.sh                       # 20,000 records, H2 and PostgreSQL
#   bench/engine.sh -Dbench.records=5000 -Dbench.dbs=h2
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -B -q -Ddev package -DskipTests
# The re-augmentation writes to <jar dir>/../quarkus-app, so the PostgreSQL copy keeps that name.
rm -rf target/bench-pg && mkdir -p target/bench-pg && cp -r target/quarkus-app target/bench-pg/quarkus-app
java -Dquarkus.launch.rebuild=true -Dquarkus.datasource.db-kind=postgresql -jar target/bench-pg/quarkus-app/quarkus-run.jar >/dev/null
psql -q -h 127.0.0.1 -U postgres -d postgres -tc "SELECT 1 FROM pg_database WHERE datname = 'taproot_bench'" | grep -q 1 \
  || psql -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE taproot_bench"
./mvnw -B -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null

exec java -Xmx2g "$@" -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" dev.taproot.bench.EngineBench
