package dev.taproot.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.checkpoint.StoredRun;
import dev.taproot.definition.Contract;
import dev.taproot.engine.RedriveService;
import dev.taproot.engine.RunLoader;
import dev.taproot.error.InvalidParameterException;
import dev.taproot.lineage.LineageGraph;
import dev.taproot.lineage.LineageService;
import dev.taproot.lineage.OriginSearch;
import dev.taproot.lineage.ValueAssertion;
import dev.taproot.replay.ReplayService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Lineage, origin search, replay and redrive (SPEC §4): finding bad data and fixing its run. */
@Path("/api/v1/runs")
@Produces(MediaType.APPLICATION_JSON)
public class TraceBackResource {
  private final RunLoader loader;
  private final LineageService lineage;
  private final OriginSearch origins;
  private final ReplayService replays;
  private final RedriveService redrives;

  TraceBackResource(
      RunLoader loader,
      LineageService lineage,
      OriginSearch origins,
      ReplayService replays,
      RedriveService redrives) {
    this.loader = loader;
    this.lineage = lineage;
    this.origins = origins;
    this.replays = replays;
    this.redrives = redrives;
  }

  @GET
  @Path("{id}/steps/{step}/items/{key}/lineage")
  public LineageGraph lineage(
      @PathParam("id") String id,
      @PathParam("step") String step,
      @PathParam("key") String key,
      @QueryParam("direction") String direction,
      @QueryParam("values") String values) {
    return lineage.graph(
        run(id),
        step,
        key,
        LineageService.Direction.parse(direction),
        flag("values", values, true));
  }

  @POST
  @Path("{id}/steps/{step}/items/{key}/origin")
  @Consumes(MediaType.APPLICATION_JSON)
  public OriginSearch.Answer origin(
      @PathParam("id") String id,
      @PathParam("step") String step,
      @PathParam("key") String key,
      JsonNode body) {
    StoredRun run = run(id);
    return origins.search(run, step, key, assertion(run, step, body));
  }

  @POST
  @Path("{id}/steps/{step}/items/{key}/replay")
  @Consumes(MediaType.APPLICATION_JSON)
  public ReplayService.Result replay(
      @PathParam("id") String id,
      @PathParam("step") String step,
      @PathParam("key") String key,
      JsonNode body) {
    String function =
        body != null && body.hasNonNull("function") ? body.get("function").asText() : null;
    JsonNode input = body != null && body.has("input") ? body.get("input") : null;
    return replays.replay(run(id), step, key, function, input);
  }

  @POST
  @Path("{id}/redrive")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response redrive(@PathParam("id") String id, JsonNode body) {
    return Response.accepted(redrives.redrive(id, RedriveService.parse(body))).build();
  }

  private ValueAssertion assertion(StoredRun run, String step, JsonNode body) {
    if (body == null || body.isNull() || body.isEmpty()) {
      return origins.defaultAssertion(run, step);
    }
    if (body.hasNonNull("assert")) {
      return ValueAssertion.Cel.compile(body.get("assert").asText());
    }
    if (body.hasNonNull("schema")) {
      try {
        return new ValueAssertion.Schema(Contract.compile(body.get("schema")), "the schema sent");
      } catch (IllegalArgumentException e) {
        throw new ValueAssertion.InvalidAssertionException(
            "schema is not a usable JSON Schema: " + e.getMessage());
      }
    }
    throw new ValueAssertion.InvalidAssertionException(
        "send {\"assert\": \"<CEL over value>\"} or {\"schema\": {…}}, or no body to use the step's contract.input");
  }

  private StoredRun run(String id) {
    return QuarkusTransaction.requiringNew().call(() -> loader.run(id));
  }

  private static boolean flag(String name, String value, boolean dflt) {
    if (value == null || value.isBlank()) {
      return dflt;
    }
    if (value.equals("true") || value.equals("false")) {
      return Boolean.parseBoolean(value);
    }
    throw new InvalidParameterException(name, "'" + value + "' is not true or false");
  }
}
