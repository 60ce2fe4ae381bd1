package dev.taproot.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.taproot.support.Api;
import dev.taproot.support.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * An x-ndjson upload commits chunk by chunk under a run row nobody sees until the last record is
 * in: a refused upload leaves no row behind, and one a crash interrupted is deleted at start-up.
 */
@QuarkusTest
class UploadRowsTest {
  @Inject RunStore runs;
  @Inject AgroalDataSource dataSource;

  private static List<Payload> chunk(int from, int to) {
    return IntStream.range(from, to)
        .mapToObj(i -> Payload.of(JsonNodeFactory.instance.objectNode().put("n", i)))
        .toList();
  }

  private long rows(String sql, String runId) {
    return Sql.scalar(dataSource, sql, runId);
  }

  @Test
  void aRefusedUploadLeavesNoRowAndAnUnfinishedOneIsInvisible() throws SQLException {
    String wf = Api.incOverRecords("upload");
    String id = UUID.randomUUID().toString();
    int[] calls = {0};
    RecordSource failing =
        () -> {
          calls[0]++;
          if (calls[0] == 1) {
            // While the upload goes on, the run is stored but no reader sees it.
            return chunk(0, 10);
          }
          assertTrue(runs.find(id).isEmpty(), "a receiving run is not found");
          assertEquals(10, rows("SELECT COUNT(*) FROM run_record WHERE run_id = ?", id));
          throw new IllegalArgumentException("line 11 is bad");
        };
    assertThrows(
        IllegalArgumentException.class,
        () ->
            runs.createFromRecords(
                id, wf, 1, new SpanRef(null, null), failing, now(), hour(), UploadRowsTest::plan));
    assertEquals(0, rows("SELECT COUNT(*) FROM run WHERE id = ?", id));
    assertEquals(0, rows("SELECT COUNT(*) FROM run_record WHERE run_id = ?", id));
  }

  /** Stores an upload of {@code chunks} (the last one empty) as run {@code id}; returns it. */
  private StoredRun upload(String id, String wf, List<List<Payload>> chunks) {
    int[] next = {0};
    return runs.createFromRecords(
            id,
            wf,
            1,
            new SpanRef(null, null),
            () -> chunks.get(next[0]++),
            now(),
            hour(),
            UploadRowsTest::plan)
        .run();
  }

  @Test
  void aCompleteUploadIsOneRunningRunWithTheDigestOfItsWholeValue() throws SQLException {
    String wf = Api.incOverRecords("upload");
    String id = UUID.randomUUID().toString();
    StoredRun run = upload(id, wf, List.of(chunk(0, 3), chunk(3, 5), List.of()));
    assertEquals(
        1,
        rows("SELECT COUNT(*) FROM run_unit WHERE run_id = ?", id),
        "the run's coordinator unit appears with it");
    assertEquals(RunStatus.RUNNING, runs.find(id).orElseThrow().status());
    assertEquals(5, run.recordCount());
    var whole = JsonNodeFactory.instance.objectNode();
    var list = whole.putArray("records");
    chunk(0, 5).forEach(p -> list.add(p.value()));
    assertEquals(Payload.of(whole).digest(), runs.find(id).orElseThrow().inputDigest());
    assertEquals(5, rows("SELECT COUNT(*) FROM run_record WHERE run_id = ?", id));
  }

  @Test
  void anUploadThatFinishedIsNeverDeletedAsAbandoned() throws SQLException {
    // The clean-up of abandoned uploads picks a run while it is receiving; if its last records
    // arrive before the delete, the delete must leave the started run and its records alone.
    String wf = Api.incOverRecords("upload");
    String id = UUID.randomUUID().toString();
    upload(id, wf, List.of(chunk(0, 4), List.of()));
    runs.deleteUpload(id);
    assertEquals(RunStatus.RUNNING, runs.find(id).orElseThrow().status());
    assertEquals(4, rows("SELECT COUNT(*) FROM run_record WHERE run_id = ?", id));
  }

  @Test
  void anUploadACrashInterruptedIsDeletedOnceOlderThanTheTimeout() throws SQLException {
    // What a halted JVM leaves behind: a run row still receiving, two hours old.
    String wf = Api.incOverRecords("upload");
    String id = UUID.randomUUID().toString();
    try (Connection c = dataSource.getConnection();
        PreparedStatement run =
            c.prepareStatement(
                "INSERT INTO run (id, workflow, workflow_version, status, input_digest,"
                    + " input_format, record_count, created_at, generation)"
                    + " VALUES (?, ?, 1, 'receiving', '', 'x-ndjson', 0, ?, 1)")) {
      run.setString(1, id);
      run.setString(2, wf);
      run.setObject(3, java.sql.Timestamp.from(now().minus(2, ChronoUnit.HOURS)));
      run.executeUpdate();
    }
    assertEquals(0, runs.discardAbandonedUploads(Duration.ofDays(1)), "younger: maybe in progress");
    assertTrue(runs.discardAbandonedUploads(hour()) >= 1);
    assertEquals(0, rows("SELECT COUNT(*) FROM run WHERE id = ?", id));
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  private static Duration hour() {
    return Duration.ofHours(1);
  }

  /** Units nobody holds for long: the service claims and runs the upload like any other run. */
  private static UnitPlan plan(int records) {
    return new UnitPlan(List.of(), "upload-test", java.time.Duration.ofMillis(1));
  }
}
