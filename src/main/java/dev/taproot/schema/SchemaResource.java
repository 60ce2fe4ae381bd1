package dev.taproot.schema;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The JSON Schema of the workflow YAML, for editors: {@code # yaml-language-server:
 * $schema=http://localhost:8080/api/v1/schemas/workflow.json} at the top of a file gives validation
 * and completion. The file in the jar is the one committed in the repository.
 */
@Path("/api/v1/schemas")
@Tag(name = "workflows")
public class SchemaResource {
  static final String MEDIA_TYPE = "application/schema+json";
  private static final byte[] WORKFLOW = load("schema/workflow.schema.json");

  @GET
  @Path("workflow.json")
  @Produces({MEDIA_TYPE, "application/json"})
  @Operation(
      summary = "The JSON Schema (2020-12) of the workflow YAML",
      description =
          "For editors (yaml-language-server modeline or settings). The server checks more than a"
              + " schema can: CEL, references between steps, cycles, registered functions.")
  @APIResponse(
      responseCode = "200",
      description = "The schema",
      content =
          @Content(
              mediaType = MEDIA_TYPE,
              schema =
                  @Schema(
                      type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.OBJECT)))
  public Response workflow() {
    return Response.ok(WORKFLOW, MEDIA_TYPE).header("Cache-Control", "max-age=3600").build();
  }

  private static byte[] load(String resource) {
    try (InputStream in =
        Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
