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

/** Workflow definitions and starting runs of them (SPEC §4). */
@Path("/api/v1/workflows")
@Produces(MediaType.APPLICATION_JSON)
public class WorkflowResource {
  private final WorkflowCatalog catalog;
  private final RunService runs;
  private final RequestBodies bodies;

  WorkflowResource(WorkflowCatalog catalog, RunService runs, RequestBodies bodies) {
    this.catalog = catalog;
    this.runs = runs;
    this.bodies = bodies;
  }

  public record Submitted(String name, int version) {}

  public record VersionView(
      String name, int version, String description, Instant createdAt, String yaml) {}

  public record WorkflowView(
      String name, int latestVersion, String description, List<VersionSummary> versions) {}

  public record VersionSummary(int version, Instant createdAt) {}

  @POST
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
  public List<WorkflowView> list() {
    return catalog.names().stream().map(this::view).toList();
  }

  @GET
  @Path("{name}")
  public WorkflowView get(@PathParam("name") String name) {
    return view(name);
  }

  @GET
  @Path("{name}/versions/{version}")
  @Produces({MediaType.APPLICATION_JSON, "application/yaml"})
  public Response version(
      @PathParam("name") String name,
      @PathParam("version") String version,
      @jakarta.ws.rs.core.Context HttpHeaders headers) {
    WorkflowVersionEntity v = catalog.version(name, parseVersion(version));
    if (headers.getAcceptableMediaTypes().stream().anyMatch(m -> m.getSubtype().contains("yaml"))) {
      return Response.ok(v.yaml, "application/yaml").build();
    }
    return Response.ok(new VersionView(v.name, v.version, v.description, v.createdAt, v.yaml))
        .build();
  }

  @POST
  @Path("{name}/runs")
  @Consumes({MediaType.APPLICATION_JSON, "application/x-ndjson"})
  public Response startRun(
      @PathParam("name") String name,
      @jakarta.ws.rs.HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      InputStream body)
      throws IOException {
    byte[] bytes = bodies.runInput(body);
    boolean ndjson =
        contentType != null && contentType.toLowerCase().startsWith("application/x-ndjson");
    RunService.StartedRun started = runs.start(name, bytes, ndjson);
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
        versions.stream().map(v -> new VersionSummary(v.version, v.createdAt)).toList());
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
