package dev.taproot.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.telemetry.RecentEvents;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** The latest events of the in-process {@code taproot-events} channel. */
@Path("/api/v1/events")
@Produces(MediaType.APPLICATION_JSON)
public class EventResource {
  private final RecentEvents events;

  EventResource(RecentEvents events) {
    this.events = events;
  }

  @GET
  public List<JsonNode> list(@QueryParam("runId") String runId) {
    return events.list(runId == null || runId.isBlank() ? null : runId);
  }
}
