package dev.taproot.checkpoint;

import dev.taproot.config.TaprootConfig;
import dev.taproot.function.FailureCode;
import io.agroal.api.AgroalDataSource;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Commits checkpoints in batches on one thread, then tells its listeners. Downstream work is only
 * ever scheduled from that notification, which is how "a checkpoint is committed before any
 * downstream execution can see its output" holds without a database round trip per execution.
 */
@ApplicationScoped
public class CheckpointWriter {
  /** Called on the writer thread after a batch is durable. */
  public interface Listener {
    void committed(List<ExecutionRecord> executions, List<RunUpdate> runs);

    /** Attempts whose checkpoint was already committed by someone else: the stored one stays. */
    default void conflicted(List<AttemptConflictException> conflicts) {}

    /**
     * Run statuses that did not apply: a control action (cancel, redrive) changed the run's
     * generation since its scheduler made them.
     */
    default void superseded(List<RunUpdate> runs) {}

    /** Partitions marked done, every item of theirs final. */
    default void unitsDone(List<Lease> partitions) {}

    /**
     * Leases found lost in the fencing check: whatever was submitted under them was not committed,
     * and their holder must drop the work (another instance owns it now, or its run changed).
     */
    default void fenced(Set<Lease> leases) {}
  }

  /** A run status submitted under the lease of the scheduler that decided it. */
  private record Status(Lease lease, RunUpdate update) {}

  /** A partition whose every item is final. */
  private record Done(Lease lease) {}

  /** What one transaction wrote; {@code lost} leases had their work left out. */
  private record Written(
      List<ExecutionRecord> executions,
      List<RunUpdate> applied,
      List<Lease> done,
      Set<Lease> lost) {}

  private final AgroalDataSource dataSource;
  private final int batchSize;
  private final long flushNanos;
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong submitted = new AtomicLong();
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong payloadBytes = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong batchNanos = new AtomicLong();
  private volatile boolean running = true;
  private volatile SqlDialect dialect;
  private final Thread thread;

  private final ExecutionStore executionStore;
  private final RunStore runStore;
  private final PayloadStore payloadStore;
  private final ClusterStore cluster;
  private final AtomicLong fencedWrites = new AtomicLong();
  private final Backlog backlog;

  CheckpointWriter(
      AgroalDataSource dataSource,
      TaprootConfig config,
      ExecutionStore executionStore,
      RunStore runStore,
      PayloadStore payloadStore,
      ClusterStore cluster) {
    this.dataSource = dataSource;
    this.payloadStore = payloadStore;
    this.executionStore = executionStore;
    this.runStore = runStore;
    this.cluster = cluster;
    this.batchSize = config.engine().checkpointBatchSize();
    this.flushNanos = config.engine().checkpointFlushInterval().toNanos();
    this.backlog = new Backlog(config.engine().checkpointBacklog());
    this.thread = new Thread(this::loop, "taproot-checkpoint-writer");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  /**
   * An execution's record from the scheduler (an item skipped or failed without running): never
   * waits, since the scheduler holds the run's lock and may be on the writer's own thread.
   */
  public void submit(ExecutionRecord record) {
    backlog.admit(false);
    submitted.incrementAndGet();
    queue.add(record);
  }

  /**
   * An execution's record from the worker that ran it, which holds no lock: waits while {@code
   * taproot.engine.checkpoint-backlog} executions are not yet through the writer.
   */
  public void submitWhenRoom(ExecutionRecord record) {
    backlog.admit(Thread.currentThread() != thread);
    submitted.incrementAndGet();
    queue.add(record);
  }

  /** Executions handed in and not yet through the writer (for metrics). */
  public int backlog() {
    return backlog.size();
  }

  /** How often a worker waited for room in the backlog since start (for metrics). */
  public long backlogWaits() {
    return backlog.waits();
  }

  /** A run's new status, decided by the scheduler holding {@code lease}. */
  public void submit(Lease lease, RunUpdate update) {
    submitted.incrementAndGet();
    queue.add(new Status(java.util.Objects.requireNonNull(lease, "lease"), update));
  }

  /** A partition is done: committed after everything submitted under its lease before. */
  public void submitDone(Lease partition) {
    submitted.incrementAndGet();
    queue.add(new Done(partition));
  }

  /** Executions and statuses left out because their lease was lost (for metrics). */
  public long fencedWrites() {
    return fencedWrites.get();
  }

  /** Batches committed since start (for metrics). */
  public long batchesCommitted() {
    return batches.get();
  }

  /**
   * Time spent writing batches since start, retries included (for metrics): against wall time it
   * says how busy the writer is, which bounds how many executions a second the engine checkpoints.
   */
  public long batchNanos() {
    return batchNanos.get();
  }

  /**
   * Bytes of new values written since start, in payload rows and in checkpoint rows (for metrics).
   */
  public long payloadBytesWritten() {
    return payloadBytes.get();
  }

  /** Waits until everything submitted so far is committed and its listeners have run. */
  public boolean awaitIdle(long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (done.get() < submitted.get()) {
      if (System.currentTimeMillis() > deadline) {
        return false;
      }
      Thread.sleep(2);
    }
    return true;
  }

  /** After the engine's shutdown (which lets running executions finish and hand in their work). */
  void onShutdown(@Observes @Priority(5_000) ShutdownEvent event) throws InterruptedException {
    awaitIdle(10_000);
    running = false;
    backlog.close();
    thread.interrupt();
  }

  private void loop() {
    List<Object> batch = new ArrayList<>(batchSize);
    while (running) {
      try {
        Object first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        long deadline = System.nanoTime() + flushNanos;
        while (batch.size() < batchSize) {
          long left = deadline - System.nanoTime();
          Object next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
          if (next == null) {
            break;
          }
          batch.add(next);
        }
        commitWithRetry(batch);
        batch.clear();
      } catch (InterruptedException e) {
        if (!running) {
          return;
        }
      }
    }
  }

  // Boundary: whatever fails while committing, the batch is written again, never dropped.
  @SuppressWarnings("checkstyle:IllegalCatch")
  private void commitWithRetry(List<Object> batch) throws InterruptedException {
    List<ExecutionRecord> executions = new ArrayList<>();
    List<Status> runs = new ArrayList<>();
    List<Lease> dones = new ArrayList<>();
    for (Object o : batch) {
      if (o instanceof ExecutionRecord r) {
        executions.add(r);
      } else if (o instanceof Status u) {
        runs.add(u);
      } else {
        dones.add(((Done) o).lease());
      }
    }
    int handedIn = executions.size();
    List<AttemptConflictException> conflicts = new ArrayList<>();
    List<ExecutionRecord> committedAlone = new ArrayList<>();
    Set<Lease> lost = new java.util.HashSet<>();
    Written written;
    long backoff = 100;
    long started = System.nanoTime();
    while (true) {
      try {
        written = commit(executions, runs, dones);
        break;
      } catch (SQLException e) {
        if (ExecutionStore.isConflict(e)) {
          List<ExecutionRecord> fresh = dropCommitted(executions, conflicts);
          if (fresh.size() < executions.size()) {
            executions = fresh;
            continue;
          }
        }
        if (ExecutionStore.isRefused(e) && !executions.isEmpty()) {
          // One bad row must not keep the rest from committing, nor stall the writer: each
          // execution is tried alone, and one the database refuses is recorded as failed.
          committedAlone.addAll(commitOneByOne(executions, conflicts, lost));
          executions = List.of();
          continue;
        }
        backoff = waitBeforeRetry(e, executions.size(), backoff);
      } catch (RuntimeException e) {
        // A fault while writing (a bug, a value no statement can take) is no reason to try the
        // same batch forever: it is isolated like a refused batch, row by row.
        Log.errorf(e, "checkpoint batch of %d executions could not be written", executions.size());
        if (executions.isEmpty()) {
          backoff = waitBeforeRetry(e, 0, backoff);
        } else {
          committedAlone.addAll(commitOneByOne(executions, conflicts, lost));
          executions = List.of();
        }
      }
    }
    batchNanos.addAndGet(System.nanoTime() - started);
    batches.incrementAndGet();
    for (AttemptConflictException c : conflicts) {
      Log.warn(c.getMessage());
    }
    lost.addAll(written.lost());
    List<RunUpdate> superseded = new ArrayList<>();
    for (Status u : runs) {
      if (!lost.contains(u.lease()) && !written.applied().contains(u.update())) {
        superseded.add(u.update());
      }
    }
    committedAlone.addAll(written.executions());
    if (!lost.isEmpty()) {
      fencedWrites.addAndGet(batch.stream().filter(o -> lost.contains(leaseOf(o))).count());
      Log.warnf(
          "lease(s) %s lost: what was submitted under them is not committed (another instance"
              + " owns the work now, or the run changed)",
          lost);
    }
    notifyListeners(
        new Notice(committedAlone, written.applied(), conflicts, superseded, written.done(), lost));
    backlog.release(handedIn);
    done.addAndGet(batch.size());
  }

  private static Lease leaseOf(Object entry) {
    if (entry instanceof ExecutionRecord r) {
      return r.lease();
    }
    return entry instanceof Status u ? u.lease() : ((Done) entry).lease();
  }

  /** What the listeners hear of one batch. */
  private record Notice(
      List<ExecutionRecord> executions,
      List<RunUpdate> runs,
      List<AttemptConflictException> conflicts,
      List<RunUpdate> superseded,
      List<Lease> done,
      Set<Lease> lost) {}

  /**
   * Commits each execution in its own transaction; one whose row the database refuses is replaced
   * by a failed attempt (INTERNAL) that says why and keeps only what identifies it. Returns what
   * was committed.
   */
  // Boundary: whatever one row makes the write throw fails that execution alone.
  @SuppressWarnings("checkstyle:IllegalCatch")
  private List<ExecutionRecord> commitOneByOne(
      List<ExecutionRecord> executions, List<AttemptConflictException> conflicts, Set<Lease> lost)
      throws InterruptedException {
    List<ExecutionRecord> committed = new ArrayList<>();
    for (ExecutionRecord r : executions) {
      ExecutionRecord stored = r;
      while (stored != null) {
        Exception refusal = null;
        try {
          Written w = commit(List.of(stored), List.of(), List.of());
          committed.addAll(w.executions());
          lost.addAll(w.lost());
          stored = null;
        } catch (SQLException e) {
          if (ExecutionStore.isConflict(e)) {
            conflicts.add(new AttemptConflictException(stored.attempt()));
            stored = null;
          } else if (ExecutionStore.isRefused(e)) {
            refusal = e;
          } else {
            waitBeforeRetry(e, 1, 1_000);
          }
        } catch (RuntimeException e) {
          refusal = e;
        }
        if (refusal != null && stored == r) {
          Log.errorf(refusal, "the checkpoint of %s could not be stored", r.attempt());
          stored = refused(r, refusal);
        } else if (refusal != null) {
          Log.errorf(refusal, "the checkpoint of %s cannot be stored; it is dropped", r.attempt());
          stored = null;
        }
      }
    }
    return committed;
  }

  /** What is kept of an execution whose checkpoint the database refused. */
  private static ExecutionRecord refused(ExecutionRecord r, Exception e) {
    Checkpoint row = r.checkpoint();
    String reason = String.valueOf(e.getMessage());
    if (reason.length() > 500) {
      reason = reason.substring(0, 500) + "…";
    }
    Checkpoint kept =
        new Checkpoint(
            row.attempt(),
            row.order(),
            null,
            null,
            new Outcome.Failed(
                FailureCode.INTERNAL,
                "the database refused this execution's checkpoint (" + reason + ")"),
            new Guest(row.guest().seed(), null),
            row.timing(),
            row.span());
    return ExecutionRecord.withoutCall(r.lease(), kept, r.workflow(), List.of());
  }

  /** A checkpoint is never dropped: the database may be restarting, so wait and write again. */
  private static long waitBeforeRetry(Exception e, int executions, long backoff)
      throws InterruptedException {
    Log.errorf(
        e,
        "checkpoint batch of %d executions failed to commit; retrying in %d ms",
        executions,
        backoff);
    Thread.sleep(backoff);
    return Math.min(backoff * 2, 5_000);
  }

  /** The records whose attempt has no row yet; the others become conflicts. */
  private List<ExecutionRecord> dropCommitted(
      List<ExecutionRecord> executions, List<AttemptConflictException> conflicts) {
    Set<AttemptRef> stored =
        executionStore.existing(executions.stream().map(ExecutionRecord::attempt).toList());
    List<ExecutionRecord> fresh = new ArrayList<>();
    for (ExecutionRecord r : executions) {
      if (stored.contains(r.attempt())) {
        conflicts.add(new AttemptConflictException(r.attempt()));
      } else {
        fresh.add(r);
      }
    }
    return fresh;
  }

  @SuppressWarnings("checkstyle:IllegalCatch")
  private void notifyListeners(Notice n) {
    for (Listener l : listeners) {
      try {
        l.committed(n.executions(), n.runs());
        if (!n.conflicts().isEmpty()) {
          l.conflicted(n.conflicts());
        }
        if (!n.superseded().isEmpty()) {
          l.superseded(n.superseded());
        }
        if (!n.done().isEmpty()) {
          l.unitsDone(n.done());
        }
        if (!n.lost().isEmpty()) {
          l.fenced(n.lost());
        }
      } catch (RuntimeException e) {
        // Boundary: a listener's bug must not stop the writer; each listener isolates its runs.
        Log.errorf(e, "checkpoint listener %s failed", l.getClass().getSimpleName());
      }
    }
  }

  /**
   * Commits one batch: first the fencing check of every lease it was made under, in the same
   * transaction, so that the work of a lease lost meanwhile is left out.
   */
  private Written commit(List<ExecutionRecord> executions, List<Status> runs, List<Lease> dones)
      throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      if (dialect == null) {
        dialect = SqlDialect.of(c);
      }
      c.setAutoCommit(false);
      try {
        Set<Lease> leases = new java.util.HashSet<>(dones);
        executions.forEach(r -> leases.add(r.lease()));
        runs.forEach(u -> leases.add(u.lease()));
        Set<Lease> lost = cluster.fence(c, leases);
        List<ExecutionRecord> held = executions;
        List<RunUpdate> statuses = new ArrayList<>();
        List<Lease> finished = dones;
        if (!lost.isEmpty()) {
          held = executions.stream().filter(r -> !lost.contains(r.lease())).toList();
          finished = dones.stream().filter(l -> !lost.contains(l)).toList();
        }
        for (Status u : runs) {
          if (!lost.contains(u.lease())) {
            statuses.add(u.update());
          }
        }
        Values values = writeValues(c, held, statuses);
        executionStore.insert(c, held, values.inline());
        executionStore.insertEdges(c, held);
        List<RunUpdate> applied = runStore.update(c, statuses);
        cluster.done(c, finished);
        FaultInjection.reach(FaultInjection.Point.BEFORE_CHECKPOINT_COMMIT);
        c.commit();
        payloadStore.committed(values.stored());
        FaultInjection.reach(FaultInjection.Point.AFTER_CHECKPOINT_COMMIT);
        return new Written(held, applied, finished, lost);
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /**
   * Where a batch's new values go: small inputs and outputs of checkpoints into their own rows
   * ({@code inline}), the rest, and every run output, into the payload table ({@code stored},
   * written here). Values the payload table holds already are written nowhere.
   */
  private record Values(Set<String> inline, List<String> stored) {}

  private Values writeValues(Connection c, List<ExecutionRecord> executions, List<RunUpdate> runs)
      throws SQLException {
    List<Payload> offered = new ArrayList<>();
    for (ExecutionRecord r : executions) {
      // an input that is an upload record is kept by that record's row
      offered.add(r.inputRecord() == null ? r.input() : null);
      offered.add(r.output());
    }
    Map<String, Payload> fresh = payloadStore.unknown(offered);
    Set<String> inline = new java.util.HashSet<>();
    for (Payload p : fresh.values()) {
      if (p.bytes().length <= ExecutionStore.INLINE_MAX_BYTES) {
        inline.add(p.digest());
      }
    }
    fresh.keySet().removeAll(inline);
    List<Payload> runOutputs = new ArrayList<>();
    for (RunUpdate u : runs) {
      runOutputs.add(u.output());
    }
    payloadStore.unknown(runOutputs).forEach(fresh::putIfAbsent);
    long bytes = 0;
    for (ExecutionRecord r : executions) {
      bytes += length(ExecutionStore.inlinedInput(r, inline));
      bytes += length(ExecutionStore.inlined(r.output(), inline));
    }
    if (!fresh.isEmpty()) {
      bytes += PayloadStore.insert(c, dialect, fresh.values());
    }
    payloadBytes.addAndGet(bytes);
    return new Values(inline, new ArrayList<>(fresh.keySet()));
  }

  private static long length(byte[] inRow) {
    return inRow == null ? 0 : inRow.length;
  }
}
