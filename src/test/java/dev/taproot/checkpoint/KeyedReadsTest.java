package dev.taproot.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.taproot.support.Api;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Reading some items of a step (a fan-in's values after a redrive, a recovered run's attempts) asks
 * for exactly those items, however many keys are asked for, and each key costs one lookup of the
 * primary key: a plan that reads the whole step per key or per chunk of keys made a redriven fan-in
 * over 20,000 items take 15 s on PostgreSQL. On H2 and on PostgreSQL (the integration profile runs
 * this class again).
 */
@QuarkusTest
class KeyedReadsTest {
  @Inject AgroalDataSource dataSource;
  @Inject CheckpointWriter writer;
  @Inject ExecutionStore store;

  @Test
  void theAttemptsOfTheKeysAskedForAndNoOthersAcrossChunks() throws InterruptedException {
    String run = Api.finishedRun("keyed-reads");
    // a key with a comma and a quote: the keys travel as one array, not as text
    for (String key : List.of("a", "b", "c", "d,\"e")) {
      write(run, "wide", key, 1);
    }
    write(run, "wide", "b", 2);
    write(run, "wide", "b", 3);
    write(run, "other", "c", 1);
    String another = Api.finishedRun("keyed-reads");
    write(another, "wide", "c", 1);
    assertTrue(writer.awaitIdle(10_000));

    // "c" sits after the first chunk of keys, so the second array finds it
    List<String> asked = new ArrayList<>(List.of("b", "b"));
    for (int i = 0; i < Jdbc.KEY_CHUNK + 10; i++) {
      asked.add("absent-" + i);
    }
    asked.add("c");
    asked.add("d,\"e");
    List<String> found =
        store.attemptsOf(run, "wide", asked).stream()
            .map(a -> a.step() + "/" + a.key() + "#" + a.attempt())
            .sorted()
            .toList();
    assertEquals(
        List.of("wide/b#1", "wide/b#2", "wide/b#3", "wide/c#1", "wide/d,\"e#1"),
        found,
        "each attempt once, of this run and step only");
    assertEquals(List.of(), store.attemptsOf(run, "wide", List.of()), "no keys, no rows");
  }

  @Test
  void eachKeyIsOneLookupOfThePrimaryKey() throws SQLException {
    String sql = "SELECT item_key, attempt FROM execution WHERE run_id = 'x'";
    try (Connection c = dataSource.getConnection()) {
      SqlDialect dialect = SqlDialect.of(c);
      String plan = plan(c, dialect, dialect.rowsOfKeys("item_key, attempt", "TRUE"));
      String lower = plan.toLowerCase(Locale.ROOT);
      assertFalse(lower.contains("ix_execution_order"), plan);
      if (dialect == SqlDialect.POSTGRESQL) {
        assertTrue(
            plan.lines()
                    .anyMatch(
                        line ->
                            line.contains("Index Cond:")
                                && line.contains("run_id")
                                && line.contains("step_id")
                                && line.contains("item_key")
                                && line.contains("k.wanted_key"))
                && !plan.contains("Join Filter"),
            "the generic plan looks each key up in the primary key:\n" + plan);
      } else {
        assertTrue(
            Pattern.compile(
                        "PRIMARY_KEY_\\w+: RUN_ID = \\?2\\s+AND STEP_ID = \\?3"
                            + "\\s+AND ITEM_KEY = K.WANTED_KEY\\s")
                    .matcher(plan)
                    .find()
                && !lower.contains("scan"),
            "H2 looks each key up in the primary key:\n" + plan);
      }
      assertFalse(plan(c, dialect, sql).isEmpty(), "the way of reading plans works");
    }
  }

  /**
   * The plan {@code sql} runs by: on PostgreSQL the generic one, which a prepared statement keeps
   * after five runs, with nothing known of the values it is given.
   */
  private static String plan(Connection c, SqlDialect dialect, String sql) throws SQLException {
    List<String> lines = new ArrayList<>();
    if (dialect == SqlDialect.POSTGRESQL) {
      String name = "keyed_" + UUID.randomUUID().toString().replace("-", "");
      String numbered = sql;
      for (int i = 1; numbered.contains("?"); i++) {
        numbered = numbered.replaceFirst("\\?", "\\$" + i);
      }
      int params = (int) numbered.chars().filter(ch -> ch == '$').count();
      String args = params == 0 ? "" : "(ARRAY['1','2']::varchar[], 'r', 's')";
      try (Statement s = c.createStatement()) {
        s.execute("SET plan_cache_mode = force_generic_plan");
        s.execute(
            "PREPARE " + name + (params == 0 ? "" : "(varchar[], text, text)") + " AS " + numbered);
        try (ResultSet rs = s.executeQuery("EXPLAIN EXECUTE " + name + args)) {
          while (rs.next()) {
            lines.add(rs.getString(1));
          }
        } finally {
          s.execute("DEALLOCATE " + name);
          s.execute("RESET plan_cache_mode");
        }
      }
    } else {
      try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
        if (sql.contains("?")) {
          ps.setArray(1, c.createArrayOf("VARCHAR", new Object[] {"1", "2"}));
          ps.setString(2, "r");
          ps.setString(3, "s");
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            lines.add(rs.getString(1));
          }
        }
      }
    }
    return String.join("\n", lines);
  }

  private void write(String run, String step, String key, int attempt) {
    writer.submit(
        InlineValuesTest.succeeded(
            new AttemptRef(run, new ItemRef(step, key), attempt),
            Payload.of(JsonNodeFactory.instance.textNode(step + key + attempt))));
  }
}
