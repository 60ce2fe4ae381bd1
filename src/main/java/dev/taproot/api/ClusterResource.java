package dev.taproot.api;

import dev.taproot.engine.ClusterMember;
import dev.taproot.engine.ClusterView;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The instances sharing the database and who holds which work; any instance answers the same. */
@Path("/api/v1/cluster")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "cluster")
public class ClusterResource {
  private final ClusterMember member;

  ClusterResource(ClusterMember member) {
    this.member = member;
  }

  @GET
  @Operation(
      summary = "Instances, their heartbeats and the work each holds",
      description =
          "Every instance on this database with its last heartbeat (active, lost or stopped) and"
              + " how many units it holds; every unit of a running run (its coordinator, unit 0,"
              + " and its partitions) with owner, fencing token and lease expiry; how many wait"
              + " for a claim. Read from the database, so every instance answers the same.")
  @APIResponse(responseCode = "200", description = "The cluster as the database has it now")
  public ClusterView get() {
    return member.view();
  }
}
