# Sourced by the benchmarks: builds the jar, makes its PostgreSQL copy and the test classpath.
./mvnw -B -q -Ddev package -DskipTests
# The re-augmentation writes to <jar dir>/../quarkus-app, so the PostgreSQL copy keeps that name.
rm -rf target/bench-pg && mkdir -p target/bench-pg && cp -r target/quarkus-app target/bench-pg/quarkus-app
java -Dquarkus.launch.rebuild=true -Dquarkus.datasource.db-kind=postgresql -jar target/bench-pg/quarkus-app/quarkus-run.jar >/dev/null
psql -q -h 127.0.0.1 -U postgres -d postgres -tc "SELECT 1 FROM pg_database WHERE datname = 'taproot_bench'" | grep -q 1 \
  || psql -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE taproot_bench"
./mvnw -B -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
