package dev.taproot.api;

import dev.taproot.definition.WorkflowCatalog;
import dev.taproot.definition.WorkflowVersionEntity;
import dev.taproot.engine.RunService;
import dev.taproot.error.InvalidParameterException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Workflow definitions and starting runs of them (SPEC §4). */
@Path("/api/v1/workflows")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "workflows")
public class WorkflowResource {
  private final WorkflowCatalog catalog;
  private final RunService runs;

  WorkflowResource(WorkflowCatalog catalog, RunService runs) {
    this.catalog = catalog;
    this.runs = runs;
  }

  public record Submitted(String name, int version) {}

  /** {@code bundled}: added at start-up from the examples shipped in the jar, not by a user. */
  public record VersionView(
      String name,
      int version,
      String description,
      Instant createdAt,
      String yaml,
      boolean bundled) {}

  public record WorkflowView(
      String name, int latestVersion, String description, List<VersionSummary> versions) {}

  public record VersionSummary(int version, Instant createdAt, boolean bundled) {}

  @POST
  @Operation(
      summary = "Validate a workflow definition and store it as its next version",
      description =
          "Every error is listed at once with its YAML line, column and path. Function refs are"
              + " pinned: the stored YAML names exact versions.")
  @RequestBody(
      required = true,
      content =
          @Content(
              mediaType = "application/yaml",
              schema = @Schema(type = SchemaType.STRING),
              examples =
                  @ExampleObject(
                      name = "minimal",
                      value =
                          "name: hello\nfunctions:\n  greet: { ref: shout }\nsteps:\n  greet:\n"
                              + "    function: greet\n")))
  @APIResponse(
      responseCode = "201",
      description = "Stored",
      content =
          @Content(
              schema = @Schema(implementation = Submitted.class),
              examples =
                  @ExampleObject(name = "stored", value = "{\"name\": \"hello\", \"version\": 1}")))
  @APIResponse(responseCode = "413", ref = "TooLarge")
  @APIResponse(responseCode = "415", ref = "UnsupportedMediaType")
  @APIResponse(
      responseCode = "422",
      description = "The definition is invalid: errors lists each problem",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(ref = "Problem"),
              examples =
                  @ExampleObject(
                      name = "invalid",
                      value =
                          "{\"type\": \"about:blank\", \"title\": \"Invalid workflow definition\","
                              + " \"status\": 422, \"detail\": \"1 error(s) in the workflow"
                              + " definition; see errors\", \"errors\": [{\"line\": 6, \"column\":"
                              + " 5, \"path\": \"steps.a.forEch\", \"message\": \"unknown field"
                              + " 'forEch'; did you mean 'forEach'?\"}]}")))
  @Consumes({
    "application/yaml",
    "application/x-yaml",
    "text/yaml",
    "text/x-yaml",
    MediaType.TEXT_PLAIN
  })
  public Response submit(String yaml) {
    WorkflowCatalog.Submitted s = catalog.submit(yaml == null ? "" : yaml);
    return Response.created(
            URI.create("/api/v1/workflows/" + s.name() + "/versions/" + s.version()))
        .entity(new Submitted(s.name(), s.version()))
        .build();
  }

  @GET
  @Operation(summary = "Every workflow with its versions")
  @APIResponse(responseCode = "200", description = "The workflows, by name")
  public List<WorkflowView> list() {
    return catalog.names().stream().map(this::view).toList();
  }

  @GET
  @Path("{name}")
  @Operation(summary = "One workflow: its latest description and every version")
  @APIResponse(responseCode = "200", description = "The workflow")
  @APIResponse(responseCode = "404", ref = "NotFound")
  public WorkflowView get(@PathParam("name") String name) {
    return view(name);
  }

  @GET
  @Path("{name}/versions/{version}")
  @Operation(
      summary = "One version of a workflow",
      description =
          "As JSON with the YAML inside, or the YAML alone with Accept: application/yaml.")
  @APIResponse(
      responseCode = "200",
      description = "The version, its refs pinned",
      content = {
        @Content(
            mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = VersionView.class)),
        @Content(mediaType = "application/yaml", schema = @Schema(type = SchemaType.STRING))
      })
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  @Produces({MediaType.APPLICATION_JSON, "application/yaml"})
  public Response version(
      @PathParam("name") String name,
      @PathParam("version") String version,
      @jakarta.ws.rs.core.Context HttpHeaders headers) {
    WorkflowVersionEntity v = catalog.version(name, parseVersion(version));
    if (headers.getAcceptableMediaTypes().stream().anyMatch(m -> m.getSubtype().contains("yaml"))) {
      return Response.ok(v.yaml, "application/yaml").build();
    }
    return Response.ok(
            new VersionView(v.name, v.version, v.description, v.createdAt, v.yaml, v.bundled))
        .build();
  }

  @POST
  @Path("{name}/runs")
  @Operation(
      summary = "Start a run of the latest version",
      description =
          "The body is the run input (JSON), or records as application/x-ndjson, which become"
              + " {\"records\": [...]} stored record by record (item key = line number - 1).")
  @RequestBody(
      required = true,
      content = {
        @Content(
            mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "input", value = "{\"orders\": [{\"id\": 1}]}")),
        @Content(
            mediaType = "application/x-ndjson",
            schema = @Schema(type = SchemaType.STRING),
            examples =
                @ExampleObject(name = "records", value = "{\"row\": \"1,ACME,2,9.5,EUR\"}\n"))
      })
  @APIResponse(
      responseCode = "202",
      description = "Started; follow it at the Location",
      content =
          @Content(
              schema = @Schema(implementation = RunService.StartedRun.class),
              examples =
                  @ExampleObject(
                      name = "started",
                      value =
                          "{\"runId\": \"0b4c7e8e-3f7a-4a8e-9d0c-2f4b8a1c5e6d\", \"status\":"
                              + " \"running\", \"traceId\": \"4bf92f3577b34da6a3ce929d0e0e4736\"}")))
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  @APIResponse(responseCode = "413", ref = "TooLarge")
  @APIResponse(responseCode = "415", ref = "UnsupportedMediaType")
  @APIResponse(responseCode = "422", ref = "Unprocessable")
  @Consumes({MediaType.APPLICATION_JSON, "application/x-ndjson"})
  public Response startRun(
      @PathParam("name") String name,
      @jakarta.ws.rs.HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      InputStream body)
      throws IOException {
    boolean ndjson =
        contentType != null && contentType.toLowerCase().startsWith("application/x-ndjson");
    // x-ndjson is read as it arrives; a JSON document is parsed in memory (BodyLimits bounds both).
    RunService.StartedRun started =
        ndjson ? runs.startNdjson(name, body) : runs.start(name, body.readAllBytes(), false);
    return Response.accepted(started)
        .location(URI.create("/api/v1/runs/" + started.runId()))
        .build();
  }

  private WorkflowView view(String name) {
    List<WorkflowVersionEntity> versions = catalog.versions(name);
    WorkflowVersionEntity latest = versions.get(versions.size() - 1);
    return new WorkflowView(
        name,
        latest.version,
        latest.description,
        versions.stream().map(v -> new VersionSummary(v.version, v.createdAt, v.bundled)).toList());
  }

  private static int parseVersion(String version) {
    try {
      int v = Integer.parseInt(version);
      if (v >= 1) {
        return v;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new InvalidParameterException(
        "version", "'" + version + "' is not a version number: use 1, 2, 3…");
  }
}
