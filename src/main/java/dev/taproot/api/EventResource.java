package dev.taproot.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.telemetry.RecentEvents;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The latest events of the in-process {@code taproot-events} channel. */
@Path("/api/v1/events")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "events")
public class EventResource {
  private final RecentEvents events;

  EventResource(RecentEvents events) {
    this.events = events;
  }

  @GET
  @Operation(
      summary = "The latest events",
      description =
          "run.started, execution.failed and run.finished, as published on the"
              + " taproot-events channel, newest last.")
  @APIResponse(responseCode = "200", description = "The events")
  public List<JsonNode> list(
      @Parameter(description = "Only this run's events") @QueryParam("runId") String runId) {
    return events.list(runId == null || runId.isBlank() ? null : runId);
  }
}
