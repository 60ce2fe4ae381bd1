package dev.taproot.telemetry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taproot.checkpoint.CanonicalJson;
import io.smallrye.reactive.messaging.annotations.Broadcast;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Publishes {@code run.started}, {@code run.finished} and {@code execution.failed} as JSON on the
 * channel {@code taproot-events}: in-process by default (see {@link RecentEvents}), and to RabbitMQ
 * when a connector is configured for the channel.
 */
@ApplicationScoped
public class RunEvents {
  public static final String CHANNEL = "taproot-events";

  @Inject
  @Channel(CHANNEL)
  @Broadcast
  @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
  Emitter<String> emitter;

  /** Sends one event; {@code fields} are added to type, time, runId, workflow and traceId. */
  public void publish(
      String type, String runId, String workflow, String traceId, Map<String, ?> fields) {
    ObjectNode event = CanonicalJson.MAPPER.createObjectNode();
    event.put("type", type);
    event.put("time", Instant.now().toString());
    event.put("runId", runId);
    event.put("workflow", workflow);
    event.put("traceId", traceId);
    fields.forEach((k, v) -> event.set(k, CanonicalJson.MAPPER.valueToTree(v)));
    emitter.send(CanonicalJson.text(event));
  }
}
