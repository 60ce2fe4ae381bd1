package dev.taproot.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.cache.LruMap;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@code payload} table: JSON values stored once per digest of their canonical bytes. */
@ApplicationScoped
public class PayloadStore {

  /** How many digests {@link #known} remembers (about 20 MB of strings at most). */
  private static final int REMEMBERED = 200_000;

  private final AgroalDataSource dataSource;

  /**
   * Digests known to be committed, most recently used kept: a payload is never deleted, so one
   * found here needs no write (a value over 4 KiB shared by several checkpoints, an upload record
   * over 4 KiB that is also a step's input, a run output seen before).
   */
  private final Map<String, Boolean> known = new LruMap<>(REMEMBERED);

  PayloadStore(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  public Optional<JsonNode> get(String digest) {
    if (digest == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(getAll(List.of(digest)).get(digest));
  }

  /** The values of every digest that is stored; missing ones are absent from the map. */
  public Map<String, JsonNode> getAll(Collection<String> digests) {
    List<String> all = new ArrayList<>(new java.util.LinkedHashSet<>(digests));
    all.removeIf(d -> d == null);
    Map<String, JsonNode> out = new HashMap<>();
    Jdbc.queryIn(
        dataSource,
        "payloads",
        "SELECT digest, bytes FROM payload WHERE digest IN (?)",
        List.of(),
        all,
        rs -> out.put(rs.getString(1), CanonicalJson.parse(rs.getBytes(2))));
    return out;
  }

  /** Those of {@code payloads} not known to be committed, each digest once. */
  synchronized Map<String, Payload> unknown(Collection<Payload> payloads) {
    Map<String, Payload> fresh = new java.util.LinkedHashMap<>();
    for (Payload p : payloads) {
      if (p != null && known.get(p.digest()) == null) {
        fresh.putIfAbsent(p.digest(), p);
      }
    }
    return fresh;
  }

  /** Called once the transaction that stored {@code digests} has committed. */
  synchronized void committed(Collection<String> digests) {
    for (String d : digests) {
      known.put(d, Boolean.TRUE);
    }
  }

  /**
   * Inserts the payloads that are not stored yet, on the caller's connection and transaction;
   * returns the bytes offered. A digest names its bytes, so a payload stored twice is the same.
   */
  static long insert(Connection c, SqlDialect dialect, Collection<Payload> payloads)
      throws SQLException {
    long bytes = 0;
    try (PreparedStatement ps = c.prepareStatement(dialect.insertPayload)) {
      int n = 0;
      for (Payload p : payloads) {
        ps.setString(1, p.digest());
        ps.setLong(2, p.bytes().length);
        ps.setBytes(3, p.bytes());
        ps.addBatch();
        bytes += p.bytes().length;
        if (++n % 500 == 0) {
          ps.executeBatch();
        }
      }
      if (n % 500 != 0) {
        ps.executeBatch();
      }
    }
    return bytes;
  }
}
