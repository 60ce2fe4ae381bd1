package dev.taproot.checkpoint;

import dev.taproot.config.TaprootConfig;
import io.agroal.api.AgroalDataSource;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
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
  }

  private final AgroalDataSource dataSource;
  private final int batchSize;
  private final long flushNanos;
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final Set<String> knownPayloads = Collections.newSetFromMap(new Lru(200_000));
  private final AtomicLong submitted = new AtomicLong();
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong payloadBytes = new AtomicLong();
  private volatile boolean running = true;
  private volatile SqlDialect dialect;
  private final Thread thread;

  CheckpointWriter(AgroalDataSource dataSource, TaprootConfig config) {
    this.dataSource = dataSource;
    this.batchSize = config.engine().checkpointBatchSize();
    this.flushNanos = config.engine().checkpointFlushInterval().toNanos();
    this.thread = new Thread(this::loop, "taproot-checkpoint-writer");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  public void submit(ExecutionRecord record) {
    submitted.incrementAndGet();
    queue.add(record);
  }

  public void submit(RunUpdate update) {
    submitted.incrementAndGet();
    queue.add(update);
  }

  /** Bytes of new payloads written since start (for metrics). */
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

  void onShutdown(@Observes ShutdownEvent event) throws InterruptedException {
    awaitIdle(10_000);
    running = false;
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

  private void commitWithRetry(List<Object> batch) throws InterruptedException {
    List<ExecutionRecord> executions = new ArrayList<>();
    List<RunUpdate> runs = new ArrayList<>();
    for (Object o : batch) {
      if (o instanceof ExecutionRecord r) {
        executions.add(r);
      } else {
        runs.add((RunUpdate) o);
      }
    }
    long backoff = 100;
    while (true) {
      try {
        commit(executions, runs);
        break;
      } catch (SQLException | RuntimeException e) {
        // A checkpoint is never dropped: the database may be restarting, so wait and write again.
        Log.errorf(
            e,
            "checkpoint batch of %d executions failed to commit; retrying in %d ms",
            executions.size(),
            backoff);
        Thread.sleep(backoff);
        backoff = Math.min(backoff * 2, 5_000);
      }
    }
    for (Listener l : listeners) {
      try {
        l.committed(executions, runs);
      } catch (RuntimeException e) {
        Log.errorf(e, "checkpoint listener failed");
      }
    }
    done.addAndGet(batch.size());
  }

  private void commit(List<ExecutionRecord> executions, List<RunUpdate> runs) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      if (dialect == null) {
        dialect = SqlDialect.of(c);
      }
      c.setAutoCommit(false);
      try {
        List<String> newDigests = writePayloads(c, executions, runs);
        writeExecutions(c, executions);
        writeEdges(c, executions);
        writeRuns(c, runs);
        FaultInjection.reach(FaultInjection.Point.BEFORE_CHECKPOINT_COMMIT);
        c.commit();
        knownPayloads.addAll(newDigests);
        FaultInjection.reach(FaultInjection.Point.AFTER_CHECKPOINT_COMMIT);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private List<String> writePayloads(
      Connection c, List<ExecutionRecord> executions, List<RunUpdate> runs) throws SQLException {
    Map<String, Payload> fresh = new LinkedHashMap<>();
    for (ExecutionRecord r : executions) {
      addIfNew(fresh, r.input());
      addIfNew(fresh, r.output());
    }
    for (RunUpdate u : runs) {
      addIfNew(fresh, u.output());
    }
    if (fresh.isEmpty()) {
      return List.of();
    }
    payloadBytes.addAndGet(PayloadSql.insert(c, dialect, fresh.values()));
    return new ArrayList<>(fresh.keySet());
  }

  private void addIfNew(Map<String, Payload> fresh, Payload p) {
    if (p != null && !knownPayloads.contains(p.digest())) {
      fresh.putIfAbsent(p.digest(), p);
    }
  }

  private void writeExecutions(Connection c, List<ExecutionRecord> executions) throws SQLException {
    if (executions.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(dialect.insertExecution)) {
      for (ExecutionRecord r : executions) {
        int i = 1;
        ps.setString(i++, r.runId());
        ps.setString(i++, r.stepId());
        ps.setString(i++, r.itemKey());
        ps.setInt(i++, r.attempt());
        ps.setLong(i++, r.itemOrder());
        ps.setString(i++, r.status().id());
        ps.setString(i++, r.functionRef());
        ps.setString(i++, r.functionDigest());
        ps.setString(i++, r.input() == null ? null : r.input().digest());
        ps.setString(i++, r.output() == null ? null : r.output().digest());
        ps.setString(i++, r.errorCode());
        ps.setString(i++, r.errorMessage());
        ps.setString(i++, r.logs());
        ps.setLong(i++, r.seed());
        ps.setTimestamp(i++, Timestamp.from(r.startedAt()));
        ps.setTimestamp(i++, Timestamp.from(r.finishedAt()));
        ps.setLong(i++, r.durationMicros());
        ps.setLong(i++, r.queuedMicros());
        ps.setString(i++, r.traceId());
        ps.setString(i, r.spanId());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private void writeEdges(Connection c, List<ExecutionRecord> executions) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO lineage_edge (run_id, step_id, item_key, attempt, from_step, from_key, from_attempt, path)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      int n = 0;
      for (ExecutionRecord r : executions) {
        for (LineageEdge e : r.edges()) {
          ps.setString(1, r.runId());
          ps.setString(2, r.stepId());
          ps.setString(3, r.itemKey());
          ps.setInt(4, r.attempt());
          ps.setString(5, e.fromStep());
          ps.setString(6, e.fromKey());
          if (e.fromAttempt() == null) {
            ps.setNull(7, Types.INTEGER);
          } else {
            ps.setInt(7, e.fromAttempt());
          }
          ps.setString(8, e.path());
          ps.addBatch();
          if (++n % 1000 == 0) {
            ps.executeBatch();
          }
        }
      }
      if (n % 1000 != 0) {
        ps.executeBatch();
      }
    }
  }

  private void writeRuns(Connection c, List<RunUpdate> runs) throws SQLException {
    if (runs.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE run SET status = ?, output_digest = ?, error_code = ?, error_message = ?, finished_at = ? WHERE id = ?")) {
      for (RunUpdate u : runs) {
        ps.setString(1, u.status());
        ps.setString(2, u.output() == null ? null : u.output().digest());
        ps.setString(3, u.errorCode());
        ps.setString(4, u.errorMessage());
        ps.setTimestamp(5, u.finishedAt() == null ? null : Timestamp.from(u.finishedAt()));
        ps.setString(6, u.runId());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** A bounded set of digests known to be stored, so hot payloads are not written again. */
  private static final class Lru extends LinkedHashMap<String, Boolean> {
    private final int max;

    Lru(int max) {
      super(1024, 0.75f, true);
      this.max = max;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > max;
    }
  }
}
