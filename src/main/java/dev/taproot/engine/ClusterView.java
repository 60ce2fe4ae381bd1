package dev.taproot.engine;

import dev.taproot.checkpoint.ClusterStore;
import dev.taproot.checkpoint.ItemRange;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What GET /cluster answers: the instances sharing the database with their heartbeats and the work
 * each holds, and the units of running runs nobody holds.
 *
 * @param self the id of the instance that answered
 * @param unclaimed units waiting for a claim (new partitions, work given back or whose lease ran
 *     out, a coordinator whose partitions are all done)
 */
public record ClusterView(
    Instant now,
    String self,
    Duration lease,
    List<Member> instances,
    List<Unit> units,
    int unclaimed) {

  /**
   * @param state active (heartbeat within the lease), lost (active, but silent for longer than the
   *     lease: its work is claimable), or stopped (it left and gave its leases back)
   */
  public record Member(
      String id,
      String host,
      long pid,
      String state,
      Instant startedAt,
      Instant heartbeatAt,
      int units) {}

  /**
   * @param unit 0 for the run's coordinator, 1..n for its partitions
   * @param items a partition's items, by their order in the run input; null for a coordinator
   * @param state held, expired (its owner stopped renewing it) or unclaimed
   */
  public record Unit(
      String runId,
      String workflow,
      int unit,
      ItemRange items,
      String owner,
      long fence,
      Instant leaseUntil,
      String state) {}

  static ClusterView of(ClusterStore.View v, String self, Duration lease) {
    List<Unit> units =
        v.units().stream()
            .map(
                u ->
                    new Unit(
                        u.runId(),
                        u.workflow(),
                        u.unit(),
                        u.range(),
                        u.owner(),
                        u.fence(),
                        u.leaseUntil(),
                        u.owner() == null
                            ? "unclaimed"
                            : u.leaseUntil() == null || u.leaseUntil().isBefore(v.now())
                                ? "expired"
                                : "held"))
            .toList();
    List<Member> members =
        v.instances().stream()
            .filter(
                i -> !i.state().equals("stopped") || i.heartbeatAt().isAfter(v.now().minus(KEPT)))
            .map(
                i ->
                    new Member(
                        i.id(),
                        i.host(),
                        i.pid(),
                        i.state().equals("active") && i.heartbeatAt().plus(lease).isBefore(v.now())
                            ? "lost"
                            : i.state(),
                        i.startedAt(),
                        i.heartbeatAt(),
                        (int)
                            units.stream()
                                .filter(u -> i.id().equals(u.owner()) && u.state().equals("held"))
                                .count()))
            .toList();
    int unclaimed = (int) units.stream().filter(u -> !u.state().equals("held")).count();
    return new ClusterView(v.now(), self, lease, members, units, unclaimed);
  }

  /** How long a stopped instance stays in the list. */
  private static final Duration KEPT = Duration.ofHours(1);
}
