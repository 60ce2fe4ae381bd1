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
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.flywaydb.core.Flyway;

/**
 * What the checkpoint writer's rows cost the database alone, in other shapes than the service
 * writes them: the service's tables and indexes (its Flyway migrations), the mix of rows the engine
 * benchmark's pipeline writes (per execution one execution row, one lineage edge, and, in the
 * shapes of the writer before migration V6, one new payload, two for the middle step), in batches
 * of 500 executions, one commit each. Prints one line per shape: the time the statements and
 * commits took per execution (the rows are made before the clock starts) and the part of it spent
 * in commits. Started by {@code bench/writer-shapes.sh}; each shape runs in a JVM of its own, cold
 * like a fresh service.
 *
 * <p>Arguments: the shape (see {@link Shape}), the database ({@code h2}: a new file under /tmp;
 * {@code postgresql}: the database {@code taproot_shapes} on 127.0.0.1, recreated tables), and the
 * number of executions (default 60,000, as a 20,000-record run of three steps). {@code
 * -Dbench.batch=N} changes the executions per commit (default 500, the service's default); {@code
 * -Dbench.h2-options=;NAME=VALUE…} is appended to the H2 URL (e.g. {@code ;CACHE_SIZE=131072}).
 */
public final class WriterShapeBench {
  private static final int BATCH = Integer.getInteger("bench.batch", 500);
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
    NO_PAYLOADS,
    /**
     * {@link #BATCH} with payload keys that arrive in ascending order (a counter in the digest's
     * first hex digits): what the randomness of real digests costs the payload table's index.
     */
    ORDERED_KEYS,
    /**
     * As the service writes them since migrations V6 and V7: every value (200 bytes, under the 4
     * KiB line) in its execution row, none in the payload table, and the first step's input naming
     * its upload record.
     */
    INLINE,
    /** {@link #INLINE} without the lineage edges: what the edge rows and their indexes cost. */
    INLINE_NO_EDGES,
    /**
     * As the service writes them since migration V9: {@link #INLINE} with each execution's sole
     * lineage edge in its own row, none in the edge table.
     */
    SOLE_EDGE
  }

  public static void main(String[] args) throws Exception {
    Shape shape = Shape.valueOf(args[0]);
    boolean pg = args.length > 1 && args[1].equals("postgresql");
    int executions = args.length > 2 ? Integer.parseInt(args[2]) : 60_000;
    String[] db = database(pg);
    try (Connection c = DriverManager.getConnection(db[0], db[1], db[2])) {
      createTables(c, db, pg, shape);
      c.setAutoCommit(false);
      Rows rows = new Rows(shape == Shape.BINARY_DIGEST, shape == Shape.ORDERED_KEYS);
      insertRun(c, rows.runId);
      int batches = executions / BATCH;
      executions = batches * BATCH;
      long writing = 0;
      long committing = 0;
      for (int b = 0; b < batches; b++) {
        // the rows are made before the clock starts: only the database's part is timed
        rows.next(b * BATCH, BATCH, shape);
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

  /** {JDBC URL, user, password}. */
  private static String[] database(boolean pg) throws Exception {
    if (pg) {
      return new String[] {"jdbc:postgresql://127.0.0.1:5432/taproot_shapes", "postgres", ""};
    }
    Path dir = Files.createTempDirectory("writer-shapes");
    return new String[] {
      "jdbc:h2:file:"
          + dir.resolve("db")
          + ";WRITE_DELAY=0"
          + System.getProperty("bench.h2-options", ""),
      "sa",
      ""
    };
  }

  /**
   * The service's own schema, from its Flyway migrations, so the bench writes into the same tables,
   * indexes and foreign keys; for {@link Shape#BINARY_DIGEST} the payload table is made again with
   * a 32-byte digest.
   */
  private static void createTables(Connection c, String[] db, boolean pg, Shape shape)
      throws SQLException {
    if (pg) {
      try (Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA public CASCADE");
        s.execute("CREATE SCHEMA public");
      }
    }
    Flyway.configure()
        .dataSource(db[0], db[1], db[2])
        .locations("filesystem:src/main/resources/db/migration")
        .load()
        .migrate();
    if (shape != Shape.SOLE_EDGE) {
      // the shapes before V9 did not have the index that finds an edge kept in its execution row
      try (Statement s = c.createStatement()) {
        s.execute("DROP INDEX ix_execution_from");
      }
    }
    if (shape == Shape.BINARY_DIGEST) {
      try (Statement s = c.createStatement()) {
        s.execute("DROP TABLE payload");
        s.execute(
            "CREATE TABLE payload (digest "
                + (pg ? "BYTEA" : "BINARY(32)")
                + " PRIMARY KEY, size_bytes BIGINT NOT NULL, bytes BYTEA NOT NULL)");
      }
    }
  }

  /** The run the checkpoints belong to, and its workflow (the foreign keys of the schema). */
  private static void insertRun(Connection c, String runId) throws SQLException {
    Timestamp now = new Timestamp(System.currentTimeMillis());
    try (PreparedStatement w =
            c.prepareStatement(
                "INSERT INTO workflow_version (name, version, yaml, created_at) VALUES (?, 1, ?, ?)");
        PreparedStatement r =
            c.prepareStatement(
                "INSERT INTO run (id, workflow, workflow_version, status, input_digest,"
                    + " input_format, created_at) VALUES (?, ?, 1, 'running', ?, 'x-ndjson', ?)")) {
      w.setString(1, "shapes");
      w.setString(2, "name: shapes");
      w.setTimestamp(3, now);
      w.executeUpdate();
      r.setString(1, runId);
      r.setString(2, "shapes");
      r.setString(3, "sha256:" + "0".repeat(64));
      r.setTimestamp(4, now);
      r.executeUpdate();
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
      payloadInsert,
      // columns named: later migrations add nullable columns that a row of each shape may leave out
      "INSERT INTO execution (run_id, step_id, item_key, attempt, item_order, status,"
          + " function_ref, function_digest, input_digest, output_digest, error_code,"
          + " error_message, logs, seed, started_at, finished_at, duration_micros, queued_micros,"
          + " trace_id, span_id, input_bytes, output_bytes, input_record, from_step, from_key,"
          + " from_attempt, from_path) VALUES %s",
      "INSERT INTO lineage_edge (run_id, step_id, item_key, attempt, from_step, from_key,"
          + " from_attempt, path) VALUES %s"
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
    private final boolean orderedKeys;
    private long keys;
    final String runId = UUID.randomUUID().toString();
    private final Random random = new Random(1);
    private final MessageDigest sha256;
    final List<Object[]> payloads = new ArrayList<>();
    final List<Object[]> executions = new ArrayList<>();
    final List<Object[]> edges = new ArrayList<>();

    Rows(boolean binaryDigest, boolean orderedKeys) throws Exception {
      this.binaryDigest = binaryDigest;
      this.orderedKeys = orderedKeys;
      this.sha256 = MessageDigest.getInstance("SHA-256");
    }

    void next(int first, int count, Shape shape) {
      boolean inline =
          EnumSet.of(Shape.INLINE, Shape.INLINE_NO_EDGES, Shape.SOLE_EDGE).contains(shape);
      boolean soleEdge = shape == Shape.SOLE_EDGE;
      boolean withPayloads = shape != Shape.NO_PAYLOADS && !inline;
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
          Object key = binaryDigest ? d : textKey(d);
          payloads.add(new Object[] {key, (long) body.length, body});
        }
        Timestamp now = new Timestamp(System.currentTimeMillis());
        String key = Integer.toString(item);
        // the paths the engine records for the benchmark's pipeline
        String path = step == 0 ? "input.records[" + item + "]" : "item.output";
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
              "0123456789abcdef",
              inline && step > 0 ? body : null,
              inline ? body : null,
              inline && step == 0 ? item : null,
              soleEdge && step > 0 ? STEPS[step - 1] : null,
              soleEdge ? key : null,
              soleEdge && step > 0 ? 1 : null,
              soleEdge ? path : null
            });
        if (shape == Shape.INLINE_NO_EDGES || soleEdge) {
          continue;
        }
        edges.add(
            new Object[] {
              runId, STEPS[step], key, 1, step == 0 ? null : STEPS[step - 1], key, 1, path
            });
      }
    }

    private String textKey(byte[] digest) {
      String hex = HexFormat.of().formatHex(digest);
      return "sha256:" + (orderedKeys ? String.format("%012d", keys++) + hex.substring(12) : hex);
    }
  }

  private WriterShapeBench() {}
}
