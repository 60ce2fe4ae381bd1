package dev.taproot.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taproot.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A payload is written once: the records an upload stored are not written again when the first step
 * checkpoints them as its inputs (on H2 that second write rewrote every record's row).
 */
@QuarkusTest
class PayloadOnceTest {
  @Inject CheckpointWriter writer;

  @Test
  void theFirstStepsCheckpointsDoNotWriteTheRecordsAgain() throws InterruptedException {
    String wf = Api.incOverRecords("once");
    // Records of about 1 KiB each, new to this database; inc's outputs are a few bytes each.
    String pad = UUID.randomUUID().toString().repeat(28);
    int records = 40;
    String ndjson =
        IntStream.range(0, records)
            .mapToObj(i -> "{\"n\": " + i + ", \"pad\": \"" + pad + "\"}")
            .collect(Collectors.joining("\n", "", "\n"));
    long recordBytes = ndjson.getBytes(StandardCharsets.UTF_8).length;
    assertTrue(writer.awaitIdle(10_000));
    long before = writer.payloadBytesWritten();

    String runId = Api.startNdjson(wf, ndjson);
    assertEquals("succeeded", Api.awaitFinished(runId).getString("status"));
    assertTrue(writer.awaitIdle(10_000));

    long written = writer.payloadBytesWritten() - before;
    assertEquals(records, Api.count(runId, "each", "succeeded"));
    assertTrue(
        written < recordBytes / 4,
        "the checkpoints wrote "
            + written
            + " payload bytes for a run whose records are "
            + recordBytes
            + " bytes: the records were written again");
  }
}
