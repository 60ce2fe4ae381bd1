package dev.taproot.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.checkpoint.CanonicalJson;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The in-process subscriber of {@code taproot-events}: keeps the latest events so they can be read
 * with {@code GET /api/v1/events} when no broker is configured (and alongside one when it is).
 */
@ApplicationScoped
public class RecentEvents {
  static final int KEEP = 10_000;
  private final Deque<JsonNode> events = new ArrayDeque<>();

  @Incoming(RunEvents.CHANNEL)
  public void receive(String json) {
    JsonNode event = CanonicalJson.parse(json.getBytes(StandardCharsets.UTF_8));
    synchronized (events) {
      events.addLast(event);
      if (events.size() > KEEP) {
        events.removeFirst();
      }
    }
  }

  /** The kept events, oldest first, optionally of one run. */
  public List<JsonNode> list(String runId) {
    synchronized (events) {
      List<JsonNode> out = new ArrayList<>();
      for (JsonNode e : events) {
        if (runId == null || runId.equals(e.path("runId").asText())) {
          out.add(e);
        }
      }
      return out;
    }
  }
}
