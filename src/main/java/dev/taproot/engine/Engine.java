package dev.taproot.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.cache.LruMap;
import dev.taproot.checkpoint.AttemptConflictException;
import dev.taproot.checkpoint.AttemptRef;
import dev.taproot.checkpoint.Checkpoint;
import dev.taproot.checkpoint.CheckpointValues;
import dev.taproot.checkpoint.CheckpointWriter;
import dev.taproot.checkpoint.ExecutionRecord;
import dev.taproot.checkpoint.ExecutionStore;
import dev.taproot.checkpoint.ItemRef;
import dev.taproot.checkpoint.Lease;
import dev.taproot.checkpoint.Outcome;
import dev.taproot.checkpoint.Payload;
import dev.taproot.checkpoint.RecordedAttempt;
import dev.taproot.checkpoint.RunFinished;
import dev.taproot.checkpoint.RunStatus;
import dev.taproot.checkpoint.RunUpdate;
import dev.taproot.checkpoint.ValueAt;
import dev.taproot.config.TaprootConfig;
import dev.taproot.error.ConflictException;
import dev.taproot.telemetry.ExecutionLog;
import dev.taproot.telemetry.ExecutionTracing;
import dev.taproot.telemetry.LiveRuns;
import dev.taproot.telemetry.LogContext;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Owns the live runs, the worker pool that executes their items and the timer that retries them.
 * Scheduling decisions are taken by each {@link RunState} when the {@link CheckpointWriter} reports
 * a committed batch; workers only run functions and hand their checkpoints to the writer.
 */
@ApplicationScoped
public class Engine implements Dispatcher, CheckpointWriter.Listener, LiveRuns {
  private static final int FINISHED_SUMMARIES_KEPT = 64;

  private final CheckpointWriter writer;
  private final ExecutionRunner runner;
  private final Event<RunFinished> finishedEvents;
  private final ExecutionTracing tracing;

  /** The units this instance schedules, by the lease it holds on each. */
  private final Map<Lease, RunState> live = new ConcurrentHashMap<>();

  /** The attempts on a worker right now, by lease, so that a cancel or a lost lease stops them. */
  private final Map<Lease, Set<Work>> running = new ConcurrentHashMap<>();

  private final ThreadPoolExecutor workers;
  private final ScheduledExecutorService timer;
  private final CheckpointValues checkpointValues;

  /** Summaries of the runs that finished here most recently, for a quick redrive. */
  private final Map<String, RecordedRun.Summary> finished =
      java.util.Collections.synchronizedMap(new LruMap<>(FINISHED_SUMMARIES_KEPT));

  private final PartitionSummaries partitionSummaries = new PartitionSummaries();
  private volatile Runnable afterUnitsDone = () -> {};

  private final AtomicInteger inFlight = new AtomicInteger();
  private final Duration shutdownGrace;

  /** Set when the service stops: queued attempts are not started any more. */
  private volatile boolean stopping;

  private final AtomicInteger maxInFlight = new AtomicInteger();

  private final ExecutionStore executions;

  Engine(
      CheckpointWriter writer,
      ExecutionRunner runner,
      TaprootConfig config,
      Event<RunFinished> finishedEvents,
      ExecutionTracing tracing,
      CheckpointValues checkpointValues,
      ExecutionStore executions) {
    this.executions = executions;
    this.tracing = tracing;
    this.checkpointValues = checkpointValues;
    this.writer = writer;
    this.runner = runner;
    this.finishedEvents = finishedEvents;
    this.shutdownGrace = config.engine().shutdownGrace();
    int threads = config.engine().workers().orElse(Runtime.getRuntime().availableProcessors());
    AtomicInteger n = new AtomicInteger();
    this.workers =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.SECONDS,
            new PriorityBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "taproot-worker-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "taproot-retry-timer");
              t.setDaemon(true);
              return t;
            });
    writer.addListener(this);
  }

  /**
   * A graceful stop (SIGTERM): no queued attempt starts any more, running ones get the grace period
   * to finish and be handed to the writer, which then commits them (its own shutdown observer runs
   * after this one). An attempt interrupted after the grace period is not recorded: an interruption
   * is no outcome, and the attempt runs again after a restart.
   */
  void onShutdown(@Observes @Priority(SHUTDOWN_ORDER) ShutdownEvent event)
      throws InterruptedException {
    stopping = true;
    timer.shutdownNow();
    workers.shutdown();
    if (!workers.awaitTermination(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS)) {
      Log.warnf(
          "%d execution(s) still running after the %s grace period are interrupted; they run"
              + " again after a restart",
          inFlight.get(), shutdownGrace);
      workers.shutdownNow();
      workers.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** Before the checkpoint writer's own shutdown, which flushes what the workers handed it. */
  static final int SHUTDOWN_ORDER = 100;

  /** Starts scheduling a run whose rows are committed; {@code recorded} is empty for a new run. */
  void start(RunContext ctx, Map<ItemRef, RecordedAttempt> recorded) {
    start(ctx, recorded, Set.of(), null);
  }

  /** Starts a redrive: {@code rerun} are the selected items whose recorded attempts are history. */
  void start(
      RunContext ctx,
      Map<ItemRef, RecordedAttempt> recorded,
      Set<ItemRef> rerun,
      RedriveScope scope) {
    synchronized (finished) {
      finished.keySet().removeIf(k -> k.startsWith(ctx.runId + "#"));
    }
    // A coordinator has read the partitions' summaries already; anything else starts anew.
    partitionSummaries.forget(ctx.runId);
    begin(ctx, new RunState(ctx, this, recorded, rerun, scope, null));
  }

  /** Starts scheduling one partition of a run, from what it recorded under earlier leases. */
  void startPartition(RunLoader.PartitionLoad p) {
    begin(p.context(), new RunState(p.context(), this, p.recorded(), Set.of(), null, p.scope()));
  }

  private void begin(RunContext ctx, RunState state) {
    if (live.putIfAbsent(ctx.lease, state) != null) {
      throw new ConflictException(
          "unit " + ctx.lease + " is already being scheduled by this service; wait for it to end");
    }
    state.start();
  }

  /** The leases this instance schedules work under now. */
  Set<Lease> held() {
    return Set.copyOf(live.keySet());
  }

  /**
   * What a unit scheduled here counts of its items, once started; empty when it is not live here.
   * Its heartbeat stores it, for the other instances to show (see {@link RunProgress}).
   */
  Optional<Map<String, Map<String, Integer>>> counts(Lease lease) {
    RunState state = live.get(lease);
    return state == null || !state.started() ? Optional.empty() : Optional.of(state.progress());
  }

  /** How many units this instance schedules now. */
  int unitCount() {
    return live.size();
  }

  /**
   * The heartbeat found this lease no longer valid (the run was cancelled, redriven or finished
   * elsewhere, or the lease was taken over): stop its work here. A unit that has said its last word
   * is left for the writer to let go once that word is committed.
   *
   * @return whether work was dropped
   */
  boolean noLongerHeld(Lease lease) {
    RunState state = live.get(lease);
    if (state == null || state.finishing()) {
      return false;
    }
    lost(lease);
    return true;
  }

  /** Drops a unit whose lease is lost: nothing it does any more can be committed. */
  void lost(Lease lease) {
    RunState state = live.remove(lease);
    if (state == null) {
      return;
    }
    state.stop();
    running.getOrDefault(lease, Set.of()).forEach(Work::interrupt);
    running.remove(lease);
    Log.warnf("lease %s lost: this instance stops working on it", lease);
  }

  private List<Map.Entry<Lease, RunState>> unitsOf(String runId) {
    return live.entrySet().stream().filter(e -> e.getKey().runId().equals(runId)).toList();
  }

  /** What a run that finished here recorded, if this service still remembers it. */
  Optional<RecordedRun.Summary> finishedSummary(String runId, int generation) {
    // Keyed by generation: once any instance redrives or resumes the run, this summary is old.
    return Optional.ofNullable(finished.get(runId + "#" + generation));
  }

  /**
   * Forgets what finished runs recorded, so the next redrive of any of them reads the database, as
   * it does after a restart. Tests use it to cover that path.
   */
  public void forgetFinishedRuns() {
    finished.clear();
    partitionSummaries.forgetAll();
  }

  public boolean isLive(String runId) {
    return !unitsOf(runId).isEmpty();
  }

  /**
   * Waits until this service no longer schedules the run: a run that ended (or was cancelled) is
   * let go of when its last status is committed, a few milliseconds later. False on timeout.
   */
  boolean awaitStopped(String runId, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (isLive(runId)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** Stops dispatching a run's items; returns false if the run is not live here. */
  public boolean cancel(String runId) {
    List<Map.Entry<Lease, RunState>> units = unitsOf(runId);
    for (Map.Entry<Lease, RunState> unit : units) {
      // Taken before the cancel: once the cancel is committed the unit is let go of, and its
      // executions would no longer be found.
      Set<Work> executing = running.getOrDefault(unit.getKey(), Set.of());
      unit.getValue().cancel();
      // Its running executions stop too: each ends as CANCELLED, and a resume runs it again.
      executing.forEach(Work::interrupt);
    }
    return !units.isEmpty();
  }

  /** Counts from the run's coordinator when it is scheduled here (it then knows every item). */
  public Optional<Map<String, Map<String, Integer>>> progress(String runId) {
    return unitsOf(runId).stream()
        .filter(e -> e.getKey().coordinator())
        .findFirst()
        .map(e -> e.getValue().progress());
  }

  /**
   * The counts of one partition of a run when it is scheduled here under {@code generation} and
   * started; empty otherwise (its checkpoints then tell).
   */
  Optional<Map<String, Map<String, Integer>>> partitionProgress(
      String runId, int unit, int generation) {
    for (Map.Entry<Lease, RunState> live : unitsOf(runId)) {
      Lease lease = live.getKey();
      if (lease.unit() == unit && lease.generation() == generation && live.getValue().started()) {
        return Optional.of(live.getValue().progress());
      }
    }
    return Optional.empty();
  }

  /** What a partition done here recorded, if this service still remembers it. */
  Optional<RecordedRun.Summary> partitionSummary(String runId, int generation, int unit) {
    return partitionSummaries.of(runId, generation, unit);
  }

  /** Runs being scheduled by this instance now. */
  @Override
  public int liveRuns() {
    return (int) live.keySet().stream().map(Lease::runId).distinct().count();
  }

  /** The most executions that ran at once since start (for the bounded-concurrency check). */
  public int maxConcurrentExecutions() {
    return maxInFlight.get();
  }

  public int workerCount() {
    return workers.getMaximumPoolSize();
  }

  // --- Dispatcher --------------------------------------------------------------------------------

  /** While the service stops, ready attempts are left for the restart, which runs them again. */
  @Override
  public void execute(ExecutionTask task) {
    try {
      workers.execute(new Work(task));
    } catch (RejectedExecutionException e) {
      leftForRestart(e);
    }
  }

  @Override
  public void executeLater(ExecutionTask task, Duration delay) {
    try {
      timer.schedule(() -> execute(task), delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      leftForRestart(e);
    }
  }

  /** Only a stopping service refuses work; anything else is a fault the caller must see. */
  private void leftForRestart(RejectedExecutionException e) {
    if (!stopping) {
      throw e;
    }
  }

  @Override
  public void record(ExecutionRecord record) {
    writer.submit(record);
  }

  @Override
  public String stepStarted(RunContext ctx, String step) {
    return ctx.traceId == null
        ? null
        : tracing.stepStarted(ctx.traceId, ctx.spanId, ctx.runId, ctx.workflow, step);
  }

  @Override
  public void stepFinished(RunContext ctx, String step, Map<String, Integer> counts) {
    tracing.stepFinished(ctx.runId, step, counts);
  }

  @Override
  public void finish(RunContext ctx, RunUpdate update) {
    writer.submit(ctx.lease, update);
  }

  @Override
  public void partitionDone(RunContext ctx) {
    writer.submitDone(ctx.lease);
  }

  @Override
  public Map<String, JsonNode> values(Collection<ValueAt> values) {
    return checkpointValues.read(values);
  }

  // --- CheckpointWriter.Listener ----------------------------------------------------------------

  @Override
  public void committed(List<ExecutionRecord> records, List<RunUpdate> runs) {
    for (ExecutionRecord r : records) {
      RunState state = live.get(r.lease());
      if (state != null) {
        Payload output = r.output();
        release(
            state,
            r.attempt(),
            r.outcome(),
            output == null ? null : output.value(),
            r.checkpoint().span().spanId());
      }
    }
    for (RunUpdate u : runs) {
      finished(u);
    }
  }

  /** Someone else committed these attempts first: their checkpoints are the ones that count. */
  @Override
  public void conflicted(List<AttemptConflictException> conflicts) {
    for (AttemptConflictException c : conflicts) {
      List<Map.Entry<Lease, RunState>> units = unitsOf(c.attempt().runId());
      if (units.isEmpty()) {
        continue;
      }
      for (Checkpoint stored : executions.attempts(c.attempt().runId(), c.attempt().item())) {
        if (stored.attempt().equals(c.attempt())) {
          // Only the unit that schedules the item moves; the others do not know it.
          for (Map.Entry<Lease, RunState> unit : units) {
            release(
                unit.getValue(), stored.attempt(), stored.outcome(), null, stored.span().spanId());
          }
        }
      }
    }
  }

  // Boundary: a fault of the scheduler must end its run as failed, never leave it running with
  // nothing scheduled, and must not keep the rest of the batch from its runs.
  @SuppressWarnings("checkstyle:IllegalCatch")
  private void release(
      RunState state, AttemptRef attempt, Outcome outcome, JsonNode output, String spanId) {
    try {
      state.committed(attempt, outcome, output, spanId);
    } catch (RuntimeException e) {
      Log.errorf(e, "scheduling after %s failed inside the engine; the run fails", attempt);
      state.abort("scheduling after " + attempt, e);
    }
  }

  /** A control action won meanwhile: the run's scheduler here is dropped, its word is void. */
  @Override
  public void superseded(List<RunUpdate> runs) {
    for (RunUpdate u : runs) {
      letGo(u);
    }
  }

  @Override
  public void unitsDone(List<Lease> partitions) {
    for (Lease l : partitions) {
      RunState state = live.get(l);
      if (state != null) {
        // Kept before the unit is let go of, so that progress finds it in one place or the other.
        partitionSummaries.done(l, state.summary());
      }
      live.remove(l);
      running.remove(l);
    }
    afterUnitsDone.run();
  }

  /** What to do once partitions are done and let go of (look for the work that follows them). */
  void afterUnitsDone(Runnable action) {
    afterUnitsDone = action;
  }

  /** What the partitions of a run recorded, when every one of them was done here. */
  Optional<RecordedRun.Summary> partitionsSummary(Lease coordinator, int partitions) {
    return partitionSummaries.merged(coordinator.runId(), coordinator.generation(), partitions);
  }

  @Override
  public void fenced(Set<Lease> leases) {
    leases.forEach(this::lost);
  }

  /** Lets go of every unit of the run's generation {@code u} was written for; returns one. */
  private RunState letGo(RunUpdate u) {
    RunState any = null;
    for (Map.Entry<Lease, RunState> unit : unitsOf(u.runId())) {
      Lease l = unit.getKey();
      if (l.generation() == u.generation() && live.remove(l) != null) {
        // Another unit of the run may still have work queued (a partition's fault failed the
        // run): none of it may start once the run's status is written.
        unit.getValue().stop();
        running.remove(l);
        if (any == null || l.coordinator()) {
          any = unit.getValue();
        }
      }
    }
    return any;
  }

  private void finished(RunUpdate u) {
    partitionSummaries.forget(u.runId());
    RunState state = letGo(u);
    if (state == null) {
      return;
    }
    // Only the coordinator knows every item; a partition that failed the run knows its own.
    if (u.status() != RunStatus.CANCELLED && state.ctx.lease.coordinator()) {
      RecordedRun.Summary summary = state.summary();
      if (summary != null) {
        finished.put(u.runId() + "#" + u.generation(), summary);
      }
    }
    try (LogContext log = LogContext.run(u.runId(), state.ctx.traceId)) {
      Log.infof(
          "run %s %s%s",
          u.runId(), u.status().id(), u.error() == null ? "" : ": " + u.error().message());
    }
    finishedEvents.fire(new RunFinished(u, state.ctx.workflow, state.ctx.traceId));
  }

  /** A queued attempt; ordered like its task so deeper steps and earlier items go first. */
  private final class Work implements Runnable, Comparable<Work> {
    private final ExecutionTask task;

    /** The worker running this attempt; null before and after, so no interrupt outlives it. */
    private Thread thread;

    Work(ExecutionTask task) {
      this.task = task;
    }

    synchronized void interrupt() {
      if (thread != null) {
        thread.interrupt();
      }
    }

    private synchronized void enter() {
      thread = Thread.currentThread();
    }

    private synchronized void leave() {
      thread = null;
      // A cancel that came after the guest ended must not reach the worker's next attempt.
      Thread.interrupted();
    }

    @Override
    public int compareTo(Work o) {
      return task.compareTo(o.task);
    }

    // Boundary: whatever goes wrong around one attempt fails that attempt as INTERNAL, so its item
    // is retried or ends, and the worker goes on.
    @Override
    @SuppressWarnings("checkstyle:IllegalCatch")
    public void run() {
      if (stopping || task.run().cancelled()) {
        return;
      }
      int now = inFlight.incrementAndGet();
      maxInFlight.accumulateAndGet(now, Math::max);
      task.step().executing.incrementAndGet();
      RunContext ctx = task.run().ctx;
      Set<Work> ofRun = running.computeIfAbsent(ctx.lease, k -> ConcurrentHashMap.newKeySet());
      ofRun.add(this);
      enter();
      try (LogContext log =
          LogContext.execution(
              ctx.runId, task.step().id(), task.item().key, task.attempt(), ctx.traceId)) {
        ExecutionRecord record;
        try {
          record = runner.run(task);
        } catch (RuntimeException e) {
          Log.errorf(
              e,
              "execution of %s/%s item %s failed inside the engine",
              ctx.runId,
              task.step().id(),
              task.item().key);
          record = runner.internalFailure(task, e);
        }
        if (stopping && record.outcome() instanceof Outcome.Cancelled) {
          Log.infof(
              "attempt %s interrupted by the service stopping; it runs again after a restart",
              record.attempt());
          return;
        }
        ExecutionLog.finished(record);
        writer.submitWhenRoom(record);
      } finally {
        leave();
        ofRun.remove(this);
        task.step().executing.decrementAndGet();
        inFlight.decrementAndGet();
      }
    }
  }
}
