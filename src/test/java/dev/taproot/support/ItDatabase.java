package dev.taproot.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The database a multi-process test starts the packaged service on: a fresh H2 file by default, or
 * the PostgreSQL of {@code -Dtaproot.it.jdbc-url} (the integration profile) with its schema
 * emptied, served by a copy of the jar re-augmented for it.
 *
 * @param dir a new temporary folder for the H2 file and the services' logs
 */
public record ItDatabase(Path app, String jdbcUrl, String user, Path dir) {

  public static ItDatabase fresh(String prefix) throws Exception {
    Path dir = Files.createTempDirectory(prefix);
    String pg = System.getProperty("taproot.it.jdbc-url");
    if (pg != null && !pg.isBlank()) {
      ServiceProcess.resetPostgres(pg, "postgres");
      return new ItDatabase(ServiceProcess.postgresApp(), pg, "postgres", dir);
    }
    String h2 =
        "jdbc:h2:file:"
            + dir.resolve("db").toAbsolutePath()
            + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;CACHE_SIZE=65536";
    return new ItDatabase(Path.of("target/quarkus-app"), h2, "sa", dir);
  }

  /** Starts the service on this database, its log in {@code dir/<logName>}. */
  public ServiceProcess start(String logName, List<String> settings) throws Exception {
    return ServiceProcess.start(app, jdbcUrl, user, dir.resolve(logName), settings);
  }
}
