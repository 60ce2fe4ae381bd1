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

/** Function registry endpoints (SPEC §4). */
@Path("/api/v1/functions")
@Produces(MediaType.APPLICATION_JSON)
public class FunctionResource {
  private final FunctionRegistry registry;
  private final TaprootConfig config;

  FunctionResource(FunctionRegistry registry, TaprootConfig config) {
    this.registry = registry;
    this.config = config;
  }

  public record Registered(
      String name, int version, String digest, String abi, List<String> exports, long size) {}

  public record VersionView(
      int version, String digest, String abi, List<String> exports, long size, Instant createdAt) {}

  public record FunctionView(String name, int latestVersion, List<VersionView> versions) {}

  @PUT
  @Path("{name}")
  @Consumes({"application/wasm", MediaType.APPLICATION_OCTET_STREAM})
  public Response register(
      @PathParam("name") String name, @QueryParam("abi") String abi, InputStream body)
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
  public List<FunctionView> list() {
    return registry.names().stream().map(this::view).toList();
  }

  @GET
  @Path("{name}")
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
                        v.createdAt))
            .toList();
    return new FunctionView(name, versions.get(versions.size() - 1).version(), versions);
  }

  private static List<String> exports(FunctionVersionEntity v) {
    return v.exports.isEmpty() ? List.of() : Arrays.asList(v.exports.split(","));
  }
}
