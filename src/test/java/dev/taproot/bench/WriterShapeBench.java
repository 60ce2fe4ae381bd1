package dev.taproot.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * What the checkpoint writer's rows cost the database alone, in other shapes than the service
 * writes them: the same tables and indexes as {@code V1__schema.sql}, the mix of rows the engine
 * benchmark's pipeline writes (per execution one execution row, one lineage edge, and one new
 * payload, two for the middle step), in batches of 500 executions, one commit each. Prints one line
 * per shape: the time the statements and commits took per execution (the rows are made before the
 * clock starts) and the part of it spent in commits. Started by {@code bench/writer-shapes.sh};
 * each shape runs in a JVM of its own, cold like a fresh service.
 *
 * <p>Arguments: the shape (see {@link Shape}), the database ({@code h2}: a new file under /tmp;
 * {@code postgresql}: the database {@code taproot_shapes} on 127.0.0.1, recreated tables), and the
 * number of executions (default 60,000, as a 20,000-record run of three steps).
 */
public final class WriterShapeBench {
  private static final int BATCH = 500;
  private static final int ROWS_PER_STATEMENT = 100;
  private static final String[] STEPS = {"parse", "enrich", "validate"};

  /** The ways of writing the same rows. */
  enum Shape {
    /** As the service writes them: JDBC batches, payloads by MERGE (H2) or ON CONFLICT. */
    BATCH,
    /** One statement per 100 rows, {@code INSERT ... VALUES (...), (...)}. */
    MULTI_ROW,
    /** {@link #MULTI_ROW} with payloads as plain inserts (no MERGE, no ON CONFLICT). */
    MULTI_ROW_INSERT,
    /** {@link #BATCH} with the payload digest as 32 bytes instead of 71 characters. */
    BINARY_DIGEST,
    /** {@link #BATCH} without the payload rows: what the payloads cost. */
    NO_PAYLOADS
  }

  public static void main(String[] args) throws Exception {
    Shape shape = Shape.valueOf(args[0]);
    boolean pg = args.length > 1 && args[1].equals("postgresql");
    int executions = args.length > 2 ? Integer.parseInt(args[2]) : 60_000;
    try (Connection c = connect(pg)) {
      createTables(c, pg, shape == Shape.BINARY_DIGEST);
      c.setAutoCommit(false);
      Rows rows = new Rows(shape == Shape.BINARY_DIGEST);
      insertRun(c, rows.runId);
      int batches = executions / BATCH;
      executions = batches * BATCH;
      long writing = 0;
      long committing = 0;
      for (int b = 0; b < batches; b++) {
        // the rows are made before the clock starts: only the database's part is timed
        rows.next(b * BATCH, BATCH, shape != Shape.NO_PAYLOADS);
        long t0 = System.nanoTime();
        write(c, shape, pg, rows);
        long t1 = System.nanoTime();
        c.commit();
        long t2 = System.nanoTime();
        writing += t2 - t0;
        committing += t2 - t1;
      }
      double seconds = writing / 1e9;
      System.out.printf(
          "%-16s %-10s %6.1f µs per execution (commits %5.1f), %.1f s%n",
          shape,
          pg ? "postgresql" : "h2",
          seconds * 1e6 / executions,
          committing / 1e3 / executions,
          seconds);
    }
  }

  private static Connection connect(boolean pg) throws Exception {
    if (pg) {
      return DriverManager.getConnection(
          "jdbc:postgresql://127.0.0.1:5432/taproot_shapes", "postgres", "");
    }
    Path dir = Files.createTempDirectory("writer-shapes");
    return DriverManager.getConnection(
        "jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=0", "sa", "");
  }

  private static void createTables(Connection c, boolean pg, boolean binaryDigest)
      throws SQLException {
    try (Statement s = c.createStatement()) {
      if (pg) {
        s.execute("DROP TABLE IF EXISTS payload, execution, lineage_edge, run");
      }
      String digest = binaryDigest ? (pg ? "BYTEA" : "BINARY(32)") : "VARCHAR(71)";
      s.execute(
          "CREATE TABLE payload (digest "
              + digest
              + " PRIMARY KEY, size_bytes BIGINT NOT NULL, bytes BYTEA NOT NULL)");
      s.execute("CREATE TABLE run (id VARCHAR(36) PRIMARY KEY)");
      s.execute(
          "CREATE TABLE execution (run_id VARCHAR(36) NOT NULL REFERENCES run (id), step_id VARCHAR(63) NOT NULL,"
              + " item_key VARCHAR(64) NOT NULL, attempt INTEGER NOT NULL, item_order BIGINT NOT"
              + " NULL, status VARCHAR(16) NOT NULL, function_ref VARCHAR(80), function_digest"
              + " VARCHAR(71), input_digest VARCHAR(71), output_digest VARCHAR(71), error_code"
              + " VARCHAR(32), error_message TEXT, logs TEXT, seed BIGINT NOT NULL, started_at"
              + " TIMESTAMP WITH TIME ZONE NOT NULL, finished_at TIMESTAMP WITH TIME ZONE NOT NULL,"
              + " duration_micros BIGINT NOT NULL, queued_micros BIGINT NOT NULL, trace_id"
              + " VARCHAR(32), span_id VARCHAR(16), PRIMARY KEY (run_id, step_id, item_key,"
              + " attempt))");
      s.execute(
          "CREATE INDEX ix_execution_order ON execution (run_id, step_id, item_order, attempt)");
      s.execute(
          "CREATE TABLE lineage_edge (run_id VARCHAR(36) NOT NULL, step_id VARCHAR(63) NOT NULL,"
              + " item_key VARCHAR(64) NOT NULL, attempt INTEGER NOT NULL, from_step VARCHAR(63),"
              + " from_key VARCHAR(64), from_attempt INTEGER, path VARCHAR(512) NOT NULL)");
      s.execute(
          "CREATE INDEX ix_lineage_down ON lineage_edge (run_id, step_id, item_key, attempt)");
      s.execute("CREATE INDEX ix_lineage_up ON lineage_edge (run_id, from_step, from_key)");
    }
  }

  /** The run the checkpoints belong to (the execution table's foreign key, as in V1). */
  private static void insertRun(Connection c, String runId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO run (id) VALUES (?)")) {
      ps.setString(1, runId);
      ps.executeUpdate();
    }
    c.commit();
  }

  private static void write(Connection c, Shape shape, boolean pg, Rows rows) throws SQLException {
    boolean multi = shape == Shape.MULTI_ROW || shape == Shape.MULTI_ROW_INSERT;
    String payloadInsert =
        shape == Shape.MULTI_ROW_INSERT
            ? "INSERT INTO payload (digest, size_bytes, bytes) VALUES %s"
            : pg
                ? "INSERT INTO payload (digest, size_bytes, bytes) VALUES %s ON CONFLICT (digest)"
                    + " DO NOTHING"
                : "MERGE INTO payload (digest, size_bytes, bytes) KEY (digest) VALUES %s";
    String[] statements = {
      payloadInsert, "INSERT INTO execution VALUES %s", "INSERT INTO lineage_edge VALUES %s"
    };
    List<List<Object[]>> tables = List.of(rows.payloads, rows.executions, rows.edges);
    for (int t = 0; t < statements.length; t++) {
      List<Object[]> table = tables.get(t);
      if (table.isEmpty()) {
        continue;
      }
      int per = multi ? ROWS_PER_STATEMENT : 1;
      int columns = table.get(0).length;
      for (int from = 0; from < table.size(); ) {
        int n = Math.min(per, table.size() - from);
        String one = "(" + String.join(",", Collections.nCopies(columns, "?")) + ")";
        String sql = String.format(statements[t], String.join(",", Collections.nCopies(n, one)));
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          if (multi) {
            int i = 1;
            for (Object[] row : table.subList(from, from + n)) {
              for (Object v : row) {
                ps.setObject(i++, v);
              }
            }
            ps.executeUpdate();
            from += n;
          } else {
            for (Object[] row : table) {
              for (int i = 0; i < row.length; i++) {
                ps.setObject(i + 1, row[i]);
              }
              ps.addBatch();
            }
            ps.executeBatch();
            from = table.size();
          }
        }
      }
    }
  }

  /** One batch's rows, in the shape of the engine benchmark's three-step pipeline. */
  private static final class Rows {
    private final boolean binaryDigest;
    final String runId = UUID.randomUUID().toString();
    private final Random random = new Random(1);
    private final MessageDigest sha256;
    final List<Object[]> payloads = new ArrayList<>();
    final List<Object[]> executions = new ArrayList<>();
    final List<Object[]> edges = new ArrayList<>();

    Rows(boolean binaryDigest) throws Exception {
      this.binaryDigest = binaryDigest;
      this.sha256 = MessageDigest.getInstance("SHA-256");
    }

    void next(int first, int count, boolean withPayloads) {
      payloads.clear();
      executions.clear();
      edges.clear();
      for (int n = first; n < first + count; n++) {
        int item = n / 3;
        int step = n % 3;
        byte[] body = new byte[200];
        random.nextBytes(body);
        byte[] digest = sha256.digest(body);
        String text = "sha256:" + HexFormat.of().formatHex(digest);
        // the middle step's input is a new value too ({order, rates}); the others' inputs are
        // the previous step's outputs, stored already
        for (int p = 0; withPayloads && p < (step == 1 ? 2 : 1); p++) {
          byte[] d = p == 0 ? digest : sha256.digest(digest);
          Object key = binaryDigest ? d : "sha256:" + HexFormat.of().formatHex(d);
          payloads.add(new Object[] {key, (long) body.length, body});
        }
        Timestamp now = new Timestamp(System.currentTimeMillis());
        String key = Integer.toString(item);
        executions.add(
            new Object[] {
              runId,
              STEPS[step],
              key,
              1,
              (long) item,
              "succeeded",
              STEPS[step] + "@1",
              text,
              text,
              text,
              null,
              null,
              null,
              random.nextLong(),
              now,
              now,
              100L,
              10L,
              "0123456789abcdef0123456789abcdef",
              "0123456789abcdef"
            });
        edges.add(
            new Object[] {
              runId, STEPS[step], key, 1, step == 0 ? null : STEPS[step - 1], key, 1, ""
            });
      }
    }
  }

  private WriterShapeBench() {}
}
