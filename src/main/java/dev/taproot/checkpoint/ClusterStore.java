package dev.taproot.checkpoint;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code run_unit} and {@code instance} tables: who works on what, under which lease. Times are
 * the database's, so instances with skewed clocks agree on when a lease ends.
 */
@ApplicationScoped
public class ClusterStore {
  private final AgroalDataSource dataSource;
  private volatile SqlDialect dialect;

  ClusterStore(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** An instance as it announces itself. */
  public record Member(String id, String host, long pid) {}

  /** A unit this instance just claimed; {@code range} is null for a coordinator. */
  public record Claim(Lease lease, ItemRange range, String previousOwner, Duration overdue) {}

  /** What GET /cluster shows. */
  public record View(Instant now, List<InstanceRow> instances, List<UnitRow> units) {}

  public record InstanceRow(
      String id, String host, long pid, String state, Instant startedAt, Instant heartbeatAt) {}

  public record UnitRow(
      String runId,
      String workflow,
      int unit,
      ItemRange range,
      String owner,
      long fence,
      Instant leaseUntil) {}

  private SqlDialect dialect(Connection c) throws SQLException {
    SqlDialect d = dialect;
    if (d == null) {
      d = SqlDialect.of(c);
      dialect = d;
    }
    return d;
  }

  /** Whether this database can only be opened by one process (the embedded H2 file). */
  public boolean singleProcess() {
    try (Connection c = dataSource.getConnection()) {
      return dialect(c) == SqlDialect.H2;
    } catch (SQLException e) {
      throw new StoreException("could not reach the database", e);
    }
  }

  public void join(Member me) {
    update(
        "announce instance " + me.id(),
        "INSERT INTO instance (id, host, pid, state, started_at, heartbeat_at)"
            + " VALUES (?, ?, ?, 'active', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        me.id(),
        me.host(),
        me.pid());
  }

  public void beat(String instance) {
    update(
        "heartbeat of instance " + instance,
        "UPDATE instance SET heartbeat_at = CURRENT_TIMESTAMP WHERE id = ?",
        instance);
  }

  /** Hands every lease of a stopping instance back, so others claim its work at once. */
  public void leave(String instance) {
    update(
        "release the leases of instance " + instance,
        "UPDATE run_unit SET owner = NULL, lease_until = NULL WHERE owner = ?",
        instance);
    update(
        "sign off instance " + instance,
        "UPDATE instance SET state = 'stopped', heartbeat_at = CURRENT_TIMESTAMP WHERE id = ?",
        instance);
  }

  /**
   * Frees the leases of every other instance: only for a database one process can open, whose
   * earlier owner is certainly gone.
   */
  public int takeOverAll(String instance) {
    return update(
        "take over the leases of earlier processes",
        "UPDATE run_unit SET owner = NULL, lease_until = NULL"
            + " WHERE owner IS NOT NULL AND owner <> ?",
        instance);
  }

  /**
   * Extends one lease and keeps what its holder counts of the unit's items (null when it cannot
   * tell yet); false when it is no longer this holder's (claimed, or its run changed).
   */
  public boolean renew(Lease lease, Duration length, LiveCounts counts) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE run_unit SET lease_until = "
                    + dialect(c).nowPlusMillis
                    + ", live_counts = ? WHERE run_id = ? AND unit = ? AND generation = ?"
                    + " AND fence = ? AND owner = ?")) {
      ps.setLong(1, length.toMillis());
      ps.setString(2, counts == null ? null : counts.json());
      ps.setString(3, lease.runId());
      ps.setInt(4, lease.unit());
      ps.setInt(5, lease.generation());
      ps.setLong(6, lease.fence());
      ps.setString(7, lease.owner());
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StoreException("could not renew the lease of " + lease, e);
    }
  }

  /** The leases {@code owner} holds on units that still need work: open, of a running run. */
  public Set<Lease> valid(String owner) {
    Set<Lease> out = new HashSet<>();
    Jdbc.query(
        dataSource,
        "the leases of instance " + owner,
        "SELECT u.run_id, u.unit, u.generation, u.fence FROM run_unit u JOIN run r ON r.id ="
            + " u.run_id WHERE u.owner = ? AND u.state = 'open' AND r.status = 'running'"
            + " AND r.generation = u.generation",
        List.of(owner),
        rs ->
            out.add(new Lease(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getLong(4), owner)));
    return out;
  }

  /**
   * Claims up to {@code max} units nobody holds (never claimed, given back, or whose lease ran
   * out), oldest runs first; a coordinator only once every partition of its run is done. Units
   * another instance is claiming at this moment are passed over, not waited for.
   */
  public List<Claim> claim(String owner, int max, Duration length) {
    if (max <= 0) {
      return List.of();
    }
    try (Connection c = dataSource.getConnection()) {
      SqlDialect d = dialect(c);
      c.setAutoCommit(false);
      try {
        List<Claim> claims = new ArrayList<>();
        try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT u.run_id, u.unit, u.generation, u.fence, u.first_item, u.end_item,"
                    + " u.owner, u.lease_until, CURRENT_TIMESTAMP"
                    + " FROM run_unit u JOIN run r ON r.id = u.run_id"
                    + " WHERE r.status = 'running' AND u.generation = r.generation"
                    + " AND u.state = 'open'"
                    + " AND (u.owner IS NULL OR u.lease_until < CURRENT_TIMESTAMP)"
                    + " AND (u.unit > 0 OR NOT EXISTS (SELECT 1 FROM run_unit p"
                    + " WHERE p.run_id = u.run_id AND p.unit > 0 AND p.state <> 'done'))"
                    + " ORDER BY r.created_at, u.run_id, u.unit LIMIT ? "
                    + d.lockUnitsSkipLocked)) {
          ps.setInt(1, max);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              ItemRange range = range(rs, 5);
              String previous = rs.getString(7);
              Timestamp until = rs.getTimestamp(8);
              Timestamp now = rs.getTimestamp(9);
              claims.add(
                  new Claim(
                      new Lease(
                          rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getLong(4) + 1, owner),
                      range,
                      previous,
                      previous == null || until == null
                          ? null
                          : Duration.between(until.toInstant(), now.toInstant())));
            }
          }
        }
        try (PreparedStatement ps =
            c.prepareStatement(
                // what the previous holder said of the unit is no longer anybody's word
                "UPDATE run_unit SET owner = ?, fence = ?, live_counts = NULL, lease_until = "
                    + d.nowPlusMillis
                    + " WHERE run_id = ? AND unit = ?")) {
          for (Claim claim : claims) {
            Lease l = claim.lease();
            ps.setString(1, owner);
            ps.setLong(2, l.fence());
            ps.setLong(3, length.toMillis());
            ps.setString(4, l.runId());
            ps.setInt(5, l.unit());
            ps.addBatch();
          }
          if (!claims.isEmpty()) {
            ps.executeBatch();
          }
        }
        c.commit();
        return claims;
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException("could not claim work for instance " + owner, e);
    }
  }

  /**
   * Replaces a run's units, on {@code c} inside the transaction that starts or reopens it: a
   * coordinator and the given partitions, all of {@code generation}. Without partitions the
   * coordinator is held by {@code owner} at once; with partitions every unit waits for a claim.
   *
   * @return the coordinator's lease when {@code owner} holds it, else null
   */
  Lease replaceUnits(
      Connection c,
      String runId,
      int generation,
      List<ItemRange> partitions,
      String owner,
      Duration length)
      throws SQLException {
    SqlDialect d = dialect(c);
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM run_unit WHERE run_id = ?")) {
      ps.setString(1, runId);
      ps.executeUpdate();
    }
    boolean held = partitions.isEmpty() && owner != null;
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO run_unit (run_id, unit, generation, state, owner, fence, lease_until)"
                + (held
                    ? " VALUES (?, 0, ?, 'open', ?, 1, " + d.nowPlusMillis + ")"
                    : " VALUES (?, 0, ?, 'open', NULL, 0, NULL)"))) {
      ps.setString(1, runId);
      ps.setInt(2, generation);
      if (held) {
        ps.setString(3, owner);
        ps.setLong(4, length.toMillis());
      }
      ps.executeUpdate();
    }
    if (!partitions.isEmpty()) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO run_unit (run_id, unit, generation, first_item, end_item, state,"
                  + " fence) VALUES (?, ?, ?, ?, ?, 'open', 0)")) {
        int unit = 1;
        for (ItemRange r : partitions) {
          ps.setString(1, runId);
          ps.setInt(2, unit++);
          ps.setInt(3, generation);
          ps.setLong(4, r.first());
          ps.setLong(5, r.end());
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    return held ? new Lease(runId, Lease.COORDINATOR, generation, 1, owner) : null;
  }

  /**
   * The fencing check, on {@code c} inside the transaction that commits work done under these
   * leases: the row of each lease still held is locked until the commit, so no claim, renewal
   * elsewhere or reopen can slip in between; returns those that are not held, whose work must not
   * be committed.
   *
   * <p>A lock, not an update: updating {@code lease_until} on every commit made a new row version
   * and index entries per lease per batch, and a partitioned run on PostgreSQL lost up to a third
   * of its throughput to the dead versions piling up on its few unit rows. The heartbeat renews.
   */
  Set<Lease> fence(Connection c, Collection<Lease> leases) throws SQLException {
    if (leases.isEmpty()) {
      return Set.of();
    }
    // In key order: two transactions locking overlapping units lock them in the same order and
    // cannot deadlock. One statement, so one round trip per commit however many leases.
    List<Lease> ordered = leases.stream().sorted(LEASE_ORDER).distinct().toList();
    String keys = String.join(", ", java.util.Collections.nCopies(ordered.size(), "(?, ?)"));
    List<Object> params = new ArrayList<>();
    for (Lease l : ordered) {
      params.add(l.runId());
      params.add(l.unit());
    }
    Set<Lease> held = new HashSet<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT run_id, unit, generation, fence, owner FROM run_unit WHERE (run_id, unit) IN ("
                + keys
                + ") ORDER BY run_id, unit FOR UPDATE")) {
      for (int i = 0; i < params.size(); i++) {
        ps.setObject(i + 1, params.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String owner = rs.getString(5);
          if (owner != null) {
            held.add(new Lease(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getLong(4), owner));
          }
        }
      }
    }
    Set<Lease> lost = new HashSet<>();
    for (Lease l : ordered) {
      if (!held.contains(l)) {
        lost.add(l);
      }
    }
    return lost;
  }

  private static final java.util.Comparator<Lease> LEASE_ORDER =
      java.util.Comparator.comparing(Lease::runId).thenComparingInt(Lease::unit);

  /** Partitions whose every item is final, on {@code c} after {@link #fence} let them through. */
  void done(Connection c, Collection<Lease> partitions) throws SQLException {
    if (partitions.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE run_unit SET state = 'done', owner = NULL, lease_until = NULL"
                + " WHERE run_id = ? AND unit = ? AND generation = ? AND fence = ?")) {
      for (Lease l : partitions) {
        ps.setString(1, l.runId());
        ps.setInt(2, l.unit());
        ps.setInt(3, l.generation());
        ps.setLong(4, l.fence());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /**
   * On {@code c}: whether no lease of a run still runs, its units locked in unit order, as {@link
   * #fence} locks them, so that a commit in flight finishes first (and is counted) or waits until
   * the transaction on {@code c} ends.
   */
  boolean lapsed(Connection c, String runId) throws SQLException {
    boolean held = false;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT unit, CASE WHEN owner IS NOT NULL AND lease_until > CURRENT_TIMESTAMP"
                + " THEN 1 ELSE 0 END FROM run_unit WHERE run_id = ? ORDER BY unit FOR UPDATE")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          held |= rs.getInt(2) == 1;
        }
      }
    }
    return !held;
  }

  /**
   * On {@code c}: lets go of every unit of a run whose holder stopped renewing it, so that no
   * commit's fencing check lets anything of it through any more. A lease that runs is kept, even
   * one taken since {@link #lapsed} looked (by a resume or redrive that reopened the run).
   */
  void letGoOfLapsed(Connection c, String runId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE run_unit SET owner = NULL, lease_until = NULL, live_counts = NULL"
                + " WHERE run_id = ? AND owner IS NOT NULL"
                + " AND (lease_until IS NULL OR lease_until <= CURRENT_TIMESTAMP)")) {
      ps.setString(1, runId);
      ps.executeUpdate();
    }
  }

  /** How many partitions the run has at the lease's generation (0: its coordinator does all). */
  public int partitions(Lease lease) {
    int[] n = {0};
    Jdbc.query(
        dataSource,
        "the partitions of " + lease,
        "SELECT COUNT(*) FROM run_unit WHERE run_id = ? AND generation = ? AND unit > 0",
        List.of(lease.runId(), lease.generation()),
        rs -> n[0] = rs.getInt(1));
    return n[0];
  }

  /** The units of a run, in unit order: its coordinator first, then its partitions if any. */
  public List<StoredUnit> units(String runId) {
    List<StoredUnit> out = new ArrayList<>();
    Jdbc.query(
        dataSource,
        "the units of run " + runId,
        // a holder's word counts while its lease runs: one that died or left runs nothing
        "SELECT unit, generation, first_item, end_item, state, CASE WHEN owner IS NOT NULL"
            + " AND lease_until > CURRENT_TIMESTAMP THEN live_counts END FROM run_unit"
            + " WHERE run_id = ? ORDER BY unit",
        List.of(runId),
        rs -> {
          ItemRange range = range(rs, 3);
          out.add(
              new StoredUnit(
                  rs.getInt(1),
                  rs.getInt(2),
                  range,
                  "done".equals(rs.getString(5)),
                  LiveCounts.parse(rs.getString(6)).orElse(null)));
        });
    return out;
  }

  /** The range of a partition; null for a coordinator or a unit that no longer exists. */
  public ItemRange range(Lease lease) {
    ItemRange[] out = {null};
    Jdbc.query(
        dataSource,
        "unit " + lease,
        "SELECT first_item, end_item FROM run_unit WHERE run_id = ? AND unit = ?"
            + " AND first_item IS NOT NULL",
        List.of(lease.runId(), lease.unit()),
        rs -> out[0] = new ItemRange(rs.getLong(1), rs.getLong(2)));
    return out[0];
  }

  public View view() {
    List<InstanceRow> instances = new ArrayList<>();
    Instant[] now = {null};
    Jdbc.query(
        dataSource,
        "the instances",
        "SELECT id, host, pid, state, started_at, heartbeat_at, CURRENT_TIMESTAMP FROM instance"
            + " ORDER BY started_at DESC LIMIT 100",
        List.of(),
        rs -> {
          instances.add(
              new InstanceRow(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getLong(3),
                  rs.getString(4),
                  rs.getTimestamp(5).toInstant(),
                  rs.getTimestamp(6).toInstant()));
          now[0] = rs.getTimestamp(7).toInstant();
        });
    List<UnitRow> units = new ArrayList<>();
    Jdbc.query(
        dataSource,
        "the units of running runs",
        "SELECT u.run_id, r.workflow, u.unit, u.first_item, u.end_item, u.owner, u.fence,"
            + " u.lease_until FROM run_unit u JOIN run r ON r.id = u.run_id"
            + " WHERE r.status = 'running' AND u.generation = r.generation AND u.state = 'open'"
            + " ORDER BY r.created_at, u.run_id, u.unit LIMIT 1000",
        List.of(),
        rs -> {
          ItemRange range = range(rs, 4);
          Timestamp until = rs.getTimestamp(8);
          units.add(
              new UnitRow(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getInt(3),
                  range,
                  rs.getString(6),
                  rs.getLong(7),
                  until == null ? null : until.toInstant()));
        });
    return new View(now[0] == null ? Instant.now() : now[0], instances, units);
  }

  /**
   * A unit's items from columns first_item and end_item at {@code first}; null for a coordinator.
   */
  private static ItemRange range(ResultSet rs, int first) throws SQLException {
    long from = rs.getLong(first);
    return rs.wasNull() ? null : new ItemRange(from, rs.getLong(first + 1));
  }

  private int update(String what, String sql, Object... params) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("could not " + what, e);
    }
  }
}
