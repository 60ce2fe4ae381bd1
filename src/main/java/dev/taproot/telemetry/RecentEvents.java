package dev.taproot.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.checkpoint.CanonicalJson;
import dev.taproot.checkpoint.EventStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The in-process subscriber of {@code taproot-events}: stores every event this instance publishes
 * in the database, so that {@code GET /api/v1/events} lists the events of every instance sharing
 * it, whichever instance answers (and alongside a broker when one is configured).
 */
@ApplicationScoped
public class RecentEvents {
  private final EventStore store;

  RecentEvents(EventStore store) {
    this.store = store;
  }

  @Incoming(RunEvents.CHANNEL)
  public void receive(String json) {
    JsonNode event = CanonicalJson.parse(json.getBytes(StandardCharsets.UTF_8));
    String runId = event.path("runId").isTextual() ? event.get("runId").asText() : null;
    store.append(runId, json);
  }

  /** The newest events of every instance, oldest first, optionally of one run. */
  public List<JsonNode> list(String runId) {
    List<JsonNode> out = new ArrayList<>();
    for (String json : store.list(runId)) {
      out.add(CanonicalJson.parse(json.getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }
}
