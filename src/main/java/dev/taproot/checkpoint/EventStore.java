package dev.taproot.checkpoint;

import io.agroal.api.AgroalDataSource;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The {@code run_event} table: the events of every instance, appended in batches by one thread (an
 * event is never worth a database round trip on the thread that publishes it) and read newest
 * first. Only the newest {@link #KEEP} are kept.
 */
@ApplicationScoped
public class EventStore {
  public static final int KEEP = 10_000;

  /** An event as stored: the run it is about (null for none) and its JSON. */
  public record StoredEvent(String runId, String json) {}

  private final AgroalDataSource dataSource;
  private final LinkedBlockingQueue<StoredEvent> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean running = true;
  private long appended;

  EventStore(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
    this.thread = new Thread(this::loop, "taproot-event-store");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  public void append(String runId, String json) {
    queue.add(new StoredEvent(runId, json));
  }

  /** The newest events, oldest first, optionally of one run. */
  public List<String> list(String runId) {
    List<String> out = new ArrayList<>();
    Jdbc.query(
        dataSource,
        "the events",
        runId == null
            ? "SELECT body FROM run_event ORDER BY id DESC LIMIT " + KEEP
            : "SELECT body FROM run_event WHERE run_id = ? ORDER BY id DESC LIMIT " + KEEP,
        runId == null ? List.of() : List.of(runId),
        rs -> out.add(StoredText.decode(rs.getString(1))));
    Collections.reverse(out);
    return out;
  }

  /** Waits until what was appended so far is written (tests; the end of a stop). */
  public void flush() throws InterruptedException {
    for (int i = 0; i < 200 && !queue.isEmpty(); i++) {
      Thread.sleep(10);
    }
  }

  void onStop(@Observes ShutdownEvent event) throws InterruptedException {
    flush();
    running = false;
    thread.interrupt();
  }

  private void loop() {
    List<StoredEvent> batch = new ArrayList<>();
    while (running) {
      try {
        StoredEvent first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, 499);
        write(batch);
        batch.clear();
      } catch (InterruptedException e) {
        if (!running) {
          return;
        }
      }
    }
  }

  /** Events are a view, not the record: a batch that cannot be written is logged and dropped. */
  private void write(List<StoredEvent> batch) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("INSERT INTO run_event (run_id, body) VALUES (?, ?)")) {
      for (StoredEvent e : batch) {
        ps.setString(1, e.runId());
        ps.setString(2, StoredText.encode(e.json()));
        ps.addBatch();
      }
      ps.executeBatch();
      appended += batch.size();
      if (appended > KEEP) {
        prune(c);
        appended = 0;
      }
    } catch (SQLException e) {
      Log.errorf(
          e, "%d event(s) could not be stored; GET /events will not list them", batch.size());
    }
  }

  private static void prune(Connection c) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "DELETE FROM run_event WHERE id < (SELECT MIN(id) FROM (SELECT id FROM run_event"
                + " ORDER BY id DESC LIMIT "
                + KEEP
                + ") newest)")) {
      ps.executeUpdate();
    }
  }
}
