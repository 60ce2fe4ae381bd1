package dev.taproot.engine;

import dev.taproot.checkpoint.CheckpointWriter;
import dev.taproot.checkpoint.ClusterStore;
import dev.taproot.checkpoint.Lease;
import dev.taproot.checkpoint.LiveCounts;
import dev.taproot.checkpoint.StoreException;
import dev.taproot.checkpoint.UnitPlan;
import dev.taproot.config.TaprootConfig;
import dev.taproot.telemetry.ClusterStats;
import dev.taproot.telemetry.LogContext;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This instance as one of several sharing the database: it claims units of running runs (new
 * partitions, work given back, the work of instances that stopped heartbeating), renews the leases
 * it holds, and drops the work of a lease it lost. On H2, one process at a time can open the
 * database, so it is the only member and takes over whatever an earlier process held at once.
 */
@ApplicationScoped
public class ClusterMember implements ClusterStats, CheckpointWriter.Listener {
  private final ClusterStore store;
  private final Engine engine;
  private final RunLoader loader;
  private final TaprootConfig.Cluster config;
  private final boolean claimAtAll;
  private final String id = UUID.randomUUID().toString();
  private final ScheduledExecutorService timer;

  private final AtomicLong claims = new AtomicLong();
  private final AtomicLong takeovers = new AtomicLong();
  private final AtomicLong leasesLost = new AtomicLong();
  private final AtomicLong lastTakeoverMillis = new AtomicLong();
  private final CheckpointWriter writer;

  /** Set when the service stops: nothing is claimed any more. */
  private volatile boolean stopping;

  ClusterMember(
      ClusterStore store,
      Engine engine,
      RunLoader loader,
      TaprootConfig config,
      CheckpointWriter writer) {
    this.store = store;
    this.engine = engine;
    this.loader = loader;
    this.writer = writer;
    this.config = config.cluster();
    this.claimAtAll = config.engine().resumeOnStart();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "taproot-cluster");
              t.setDaemon(true);
              return t;
            });
  }

  /** This instance's id: the owner of its leases. */
  public String id() {
    return id;
  }

  /** How a run started or reopened here is divided; without partitions this instance holds it. */
  UnitPlan plan(List<dev.taproot.checkpoint.ItemRange> partitions) {
    return new UnitPlan(partitions, id, config.lease());
  }

  /** The instances and the work of running runs, as the database has them now. */
  public ClusterView view() {
    return ClusterView.of(store.view(), id, config.lease());
  }

  int partitionSize() {
    return config.partitionSize();
  }

  void onStart(@Observes StartupEvent event) {
    store.join(new ClusterStore.Member(id, host(), ProcessHandle.current().pid()));
    writer.addListener(this);
    // After the engine has let go of partitions that are done (and kept what they recorded for
    // their coordinator): the coordinator may be claimable now.
    engine.afterUnitsDone(this::claimSoon);
    if (store.singleProcess()) {
      int freed = store.takeOverAll(id);
      if (freed > 0) {
        Log.infof("took over %d unit(s) an earlier process of this database held", freed);
      }
    }
    Log.infof(
        "instance %s joined: lease %s, heartbeat %s, claims every %s, up to %d units",
        id, config.lease(), config.heartbeat(), config.claimInterval(), config.maxUnits());
    long beat = config.heartbeat().toMillis();
    timer.scheduleWithFixedDelay(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
    if (claimAtAll) {
      long every = config.claimInterval().toMillis();
      timer.scheduleWithFixedDelay(this::claim, 0, every, TimeUnit.MILLISECONDS);
    }
  }

  /** Stops claiming before the engine lets its running executions finish. */
  void onStopping(@Observes @Priority(Engine.SHUTDOWN_ORDER - 50) ShutdownEvent event) {
    stopping = true;
  }

  /**
   * After the writer committed what the engine handed it: every lease goes back, so the other
   * instances take the work over at once instead of after the lease time.
   */
  void onStopped(@Observes @Priority(6_000) ShutdownEvent event) {
    timer.shutdownNow();
    try {
      store.leave(id);
      Log.infof("instance %s left; its leases are given back", id);
    } catch (StoreException e) {
      Log.warnf(e, "instance %s could not give its leases back; they run out instead", id);
    }
  }

  /** Looks for work now (a partition was done, a run was started with partitions). */
  void claimSoon() {
    if (stopping || !claimAtAll) {
      return;
    }
    try {
      timer.execute(this::claim);
    } catch (RejectedExecutionException e) {
      // Stopping: nothing more is claimed.
    }
  }

  @Override
  public void committed(
      List<dev.taproot.checkpoint.ExecutionRecord> executions,
      List<dev.taproot.checkpoint.RunUpdate> runs) {
    // Only the units let go of concern the member.
  }

  @Override
  public void fenced(Set<Lease> leases) {
    leasesLost.addAndGet(leases.size());
  }

  // Boundary: the claim loop must outlive any failure of one round (the database restarting).
  @SuppressWarnings("checkstyle:IllegalCatch")
  private void claim() {
    if (stopping) {
      return;
    }
    try {
      int free = config.maxUnits() - engine.unitCount();
      for (ClusterStore.Claim claim : store.claim(id, free, config.lease())) {
        claims.incrementAndGet();
        if (claim.overdue() != null) {
          takeovers.incrementAndGet();
          lastTakeoverMillis.set(claim.overdue().plus(config.lease()).toMillis());
        }
        start(claim);
      }
    } catch (RuntimeException e) {
      Log.errorf(e, "claiming work failed; trying again in %s", config.claimInterval());
    }
  }

  // Boundary: a unit that cannot be started (its function gone, a fault) must not keep the others
  // from starting; its lease runs out and it is tried again then.
  @SuppressWarnings("checkstyle:IllegalCatch")
  private void start(ClusterStore.Claim claim) {
    Lease lease = claim.lease();
    try {
      int partitions = claim.range() == null ? store.partitions(lease) : 0;
      if (claim.range() == null && partitions > 0) {
        Optional<RecordedRun.Summary> known = engine.partitionsSummary(lease, partitions);
        RunLoader.Coordinator c = loader.loadCoordinator(lease, known);
        try (LogContext log = LogContext.run(lease.runId(), c.context().traceId)) {
          Log.infof(
              "run %s: every partition is done (counted from %s); scheduling the rest%s",
              lease.runId(),
              known.isPresent() ? "what this instance recorded" : "the checkpoints",
              from(claim));
        }
        engine.start(c.context(), c.recorded(), Set.of(), c.scope());
      } else if (claim.range() == null) {
        RunLoader.Loaded loaded = loader.load(lease);
        try (LogContext log = LogContext.run(lease.runId(), loaded.context().traceId)) {
          Log.infof(
              "%s run %s from %d checkpoints%s",
              claim.previousOwner() == null ? "scheduling" : "taking over",
              lease.runId(),
              loaded.recorded().size(),
              from(claim));
        }
        engine.start(loaded.context(), loaded.recorded(), loaded.rerun(), null);
      } else {
        RunLoader.PartitionLoad p = loader.loadPartition(lease, claim.range());
        try (LogContext log = LogContext.run(lease.runId(), p.context().traceId)) {
          Log.infof(
              "partition %d of run %s (items %d to %d) from %d checkpoints%s",
              lease.unit(),
              lease.runId(),
              claim.range().first(),
              claim.range().end() - 1,
              p.recorded().size(),
              from(claim));
        }
        engine.startPartition(p);
      }
    } catch (RuntimeException e) {
      Log.errorf(
          e, "could not start %s; its lease runs out and it is tried again after that", lease);
    }
  }

  private static String from(ClusterStore.Claim claim) {
    return claim.previousOwner() == null
        ? ""
        : " (instance "
            + claim.previousOwner()
            + (claim.overdue() == null ? " gave it back)" : " stopped renewing it)");
  }

  // Boundary: one failed heartbeat (the database restarting) must not end the heartbeats.
  @SuppressWarnings("checkstyle:IllegalCatch")
  private void heartbeat() {
    try {
      store.beat(id);
      Set<Lease> held = engine.held();
      for (Lease lease : held) {
        LiveCounts counts = engine.counts(lease).map(LiveCounts::new).orElse(null);
        if (!store.renew(lease, config.lease(), counts) && engine.noLongerHeld(lease)) {
          leasesLost.incrementAndGet();
        }
      }
      Set<Lease> valid = store.valid(id);
      for (Lease lease : engine.held()) {
        if (!valid.contains(lease)) {
          // Cancelled, redriven or finished elsewhere: no lease was lost, the run changed.
          engine.noLongerHeld(lease);
        }
      }
    } catch (RuntimeException e) {
      Log.errorf(e, "heartbeat of instance %s failed; trying again in %s", id, config.heartbeat());
    }
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }

  @Override
  public long claims() {
    return claims.get();
  }

  @Override
  public long takeovers() {
    return takeovers.get();
  }

  @Override
  public long leasesLost() {
    return leasesLost.get();
  }

  @Override
  public long fencedWrites() {
    return writer.fencedWrites();
  }

  @Override
  public long lastTakeoverMillis() {
    return lastTakeoverMillis.get();
  }

  @Override
  public int unitsHeld() {
    return engine.unitCount();
  }
}
