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
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Lineage, origin search, replay and redrive (SPEC §4): finding bad data and fixing its run. */
@Path("/api/v1/runs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "trace-back")
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
  @Operation(
      summary = "The lineage graph of a checkpoint",
      description =
          "Upstream back to the run input record, or downstream to the run output;"
              + " edges carry the path of the value consumed.")
  @APIResponse(responseCode = "200", description = "Nodes and edges")
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  // One connection for the whole walk, enlisted in this transaction: each query of a walk used to
  // take its own from the pool, so a burst of trace-back calls over deep lineage could hold the
  // pool and keep the checkpoint writer waiting.
  @Transactional
  public LineageGraph lineage(
      @PathParam("id") String id,
      @PathParam("step") String step,
      @PathParam("key") String key,
      @Parameter(schema = @Schema(enumeration = {"upstream", "downstream"}))
          @QueryParam("direction")
          String direction,
      @Parameter(
              description = "Include the values (default true)",
              schema = @Schema(type = SchemaType.BOOLEAN))
          @QueryParam("values")
          String values) {
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
  @Operation(
      summary = "Find where bad data started",
      description =
          "Walks upstream and returns the earliest value (input or output of which step"
              + " and item, or the run input record) that fails the assertion, with the chain leading"
              + " to it. No body: the step's contract.input.")
  @RequestBody(
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              examples = {
                @ExampleObject(name = "cel", value = "{\"assert\": \"value.qty >= 1\"}"),
                @ExampleObject(
                    name = "schema",
                    value = "{\"schema\": {\"type\": \"object\", \"required\": [\"qty\"]}}")
              }))
  @APIResponse(responseCode = "200", description = "The origin (found false: none fails)")
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  @APIResponse(responseCode = "413", ref = "TooLarge")
  @APIResponse(responseCode = "422", ref = "Unprocessable")
  @Transactional // one connection for the walk, as for lineage
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
  @Operation(
      summary = "Dry-run a checkpoint again; changes nothing",
      description =
          "On the recorded input (or the given one) with the recorded seed and clock,"
              + " with the recorded function (or another ref); identical says whether it matches.")
  @RequestBody(
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              examples = {
                @ExampleObject(
                    name = "fixed function",
                    value = "{\"function\": \"parse-order@2\"}"),
                @ExampleObject(name = "edited input", value = "{\"input\": {\"row\": \"1,ACME\"}}")
              }))
  @APIResponse(responseCode = "200", description = "What the replay produced, with a JSON diff")
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  @APIResponse(responseCode = "413", ref = "TooLarge")
  @APIResponse(responseCode = "422", ref = "Unprocessable")
  @APIResponse(responseCode = "429", ref = "TooManyRequests")
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
  @Operation(
      summary = "Re-execute failed or chosen items as new attempts",
      description =
          "From each item's first failed or skipped step, or from step 'from', then"
              + " downstream; optionally with other function versions. Every other checkpoint is"
              + " reused.")
  @RequestBody(
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              examples = {
                @ExampleObject(name = "failed", value = "{}"),
                @ExampleObject(
                    name = "fix upstream",
                    value =
                        "{\"items\": [\"1041\"], \"from\": \"parse\", \"functions\": {\"parse\":"
                            + " \"parse-order@2\"}}")
              }))
  @APIResponse(
      responseCode = "202",
      description = "What runs again, as step/key",
      content = @Content(schema = @Schema(implementation = RedriveService.Result.class)))
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  @APIResponse(responseCode = "409", ref = "Conflict")
  @APIResponse(responseCode = "422", ref = "Unprocessable")
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

  /** In the request's transaction when it has one (lineage, origin), else in a short one. */
  private StoredRun run(String id) {
    return loader.run(id);
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
