package dev.taproot.telemetry;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/** Prometheus metrics (at {@code /q/metrics}) of claims, lease losses and fencing refusals. */
@ApplicationScoped
public class ClusterMetrics {
  private final MeterRegistry registry;
  private final ClusterStats stats;

  ClusterMetrics(MeterRegistry registry, ClusterStats stats) {
    this.registry = registry;
    this.stats = stats;
  }

  void onStart(@Observes StartupEvent event) {
    registry.more().counter("taproot.cluster.claims", List.of(), stats, ClusterStats::claims);
    registry.more().counter("taproot.cluster.takeovers", List.of(), stats, ClusterStats::takeovers);
    registry
        .more()
        .counter("taproot.cluster.leases.lost", List.of(), stats, ClusterStats::leasesLost);
    registry
        .more()
        .counter("taproot.cluster.fencing.refused", List.of(), stats, ClusterStats::fencedWrites);
    registry.gauge(
        "taproot.cluster.takeover.last.millis", List.of(), stats, ClusterStats::lastTakeoverMillis);
    registry.gauge("taproot.cluster.units.held", List.of(), stats, ClusterStats::unitsHeld);
  }
}
