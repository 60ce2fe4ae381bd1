package dev.taproot.api;

import dev.taproot.config.TaprootConfig;
import dev.taproot.function.FunctionRegistry;
import dev.taproot.function.FunctionVersionEntity;
import dev.taproot.function.ModuleTooLargeException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Function registry endpoints (SPEC §4). */
@Path("/api/v1/functions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "functions")
public class FunctionResource {
  private final FunctionRegistry registry;
  private final TaprootConfig config;

  FunctionResource(FunctionRegistry registry, TaprootConfig config) {
    this.registry = registry;
    this.config = config;
  }

  public record Registered(
      String name, int version, String digest, String abi, List<String> exports, long size) {}

  /** {@code bundled}: added at start-up from the examples shipped in the jar, not by a user. */
  public record VersionView(
      int version,
      String digest,
      String abi,
      List<String> exports,
      long size,
      Instant createdAt,
      boolean bundled) {}

  public record FunctionView(String name, int latestVersion, List<VersionView> versions) {}

  @PUT
  @Path("{name}")
  @Operation(
      summary = "Register a module as the next version of a function",
      description =
          "Validates the module (it must parse and import only what Taproot provides; a wasi"
              + " module must export _start, an extism plug-in at least one plug-in function) and"
              + " stores it under its sha-256 digest. For a plug-in, exports lists the functions a"
              + " step can call (an alias's export:). A module with the digest of an existing"
              + " version of this name returns that version with 200 instead of creating one.")
  @RequestBody(
      required = true,
      content = {
        @Content(
            mediaType = "application/wasm",
            schema = @Schema(type = SchemaType.STRING, format = "binary")),
        @Content(
            mediaType = MediaType.APPLICATION_OCTET_STREAM,
            schema = @Schema(type = SchemaType.STRING, format = "binary"))
      })
  @APIResponse(
      responseCode = "201",
      description = "A new version",
      content =
          @Content(
              schema = @Schema(implementation = Registered.class),
              examples =
                  @ExampleObject(
                      name = "registered",
                      value =
                          "{\"name\": \"parse-order\", \"version\": 2, \"digest\":"
                              + " \"sha256:4bb1cccc4809ce337005b9d11d216d41b1088c5ebaf5b1df1e1e9723d3b3cf65\","
                              + " \"abi\": \"wasi\", \"exports\": [\"_start\", \"memory\"],"
                              + " \"size\": 20931}")))
  @APIResponse(
      responseCode = "200",
      description = "The same module was registered before: its existing version",
      content = @Content(schema = @Schema(implementation = Registered.class)))
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "413", ref = "TooLarge")
  @APIResponse(responseCode = "415", ref = "UnsupportedMediaType")
  @APIResponse(responseCode = "422", ref = "Unprocessable")
  @Consumes({"application/wasm", MediaType.APPLICATION_OCTET_STREAM})
  public Response register(
      @Parameter(description = "The function's name, e.g. parse-order") @PathParam("name")
          String name,
      @Parameter(
              description = "wasi (a WASI command module, the default) or extism (a plug-in)",
              schema = @Schema(enumeration = {"wasi", "extism"}))
          @QueryParam("abi")
          String abi,
      InputStream body)
      throws IOException {
    long max = config.functions().maxModuleSize().asLongValue();
    byte[] module = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
    if (module.length > max) {
      throw new ModuleTooLargeException(
          name, module.length + body.transferTo(java.io.OutputStream.nullOutputStream()), max);
    }
    FunctionRegistry.Registration r = registry.register(name, abi, module);
    FunctionVersionEntity v = r.version();
    Registered view = new Registered(v.name, v.version, v.digest, v.abi, exports(v), r.size());
    return r.created()
        ? Response.created(URI.create("/api/v1/functions/" + v.name)).entity(view).build()
        : Response.ok(view).build();
  }

  @GET
  @Operation(summary = "Every function with its versions")
  @APIResponse(responseCode = "200", description = "The functions, by name")
  public List<FunctionView> list() {
    return registry.names().stream().map(this::view).toList();
  }

  @GET
  @Path("{name}")
  @Operation(summary = "One function with every version")
  @APIResponse(responseCode = "200", description = "The function")
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  public FunctionView get(@PathParam("name") String name) {
    return view(name);
  }

  private FunctionView view(String name) {
    List<VersionView> versions =
        registry.versions(name).stream()
            .map(
                v ->
                    new VersionView(
                        v.version,
                        v.digest,
                        v.abi,
                        exports(v),
                        registry.moduleSize(v.digest),
                        v.createdAt,
                        v.bundled))
            .toList();
    return new FunctionView(name, versions.get(versions.size() - 1).version(), versions);
  }

  private static List<String> exports(FunctionVersionEntity v) {
    return v.exports.isEmpty() ? List.of() : Arrays.asList(v.exports.split(","));
  }
}
