package dev.taproot.function;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One registered version of a named function. Versions are immutable once written. */
@Entity
@Table(name = "function_version")
@IdClass(FunctionVersionEntity.Key.class)
public class FunctionVersionEntity extends PanacheEntityBase {
  @Id public String name;
  @Id public int version;
  public String digest;
  public String abi;

  /** Export names, comma separated. */
  public String exports;

  @Column(name = "created_at")
  public Instant createdAt;

  /** Added at start-up from the examples shipped in the jar, not by a user. */
  public boolean bundled;

  public static List<FunctionVersionEntity> versionsOf(String name) {
    return list("name = ?1 order by version", name);
  }

  public static Optional<FunctionVersionEntity> latest(String name) {
    return find("name = ?1 order by version desc", name).firstResultOptional();
  }

  /** Whether a user registered a version of {@code name}. */
  public static boolean hasUserVersion(String name) {
    return count("name = ?1 and bundled = false", name) > 0;
  }

  /**
   * Marks the versions of {@code name} that carry one of the {@code shipped} modules as bundled.
   */
  public static void markBundled(String name, Collection<String> shipped) {
    update("bundled = true where name = ?1 and digest in ?2 and bundled = false", name, shipped);
  }

  public static boolean isBundled(String name, int version) {
    FunctionVersionEntity v = findById(new Key(name, version));
    return v != null && v.bundled;
  }

  public static Optional<FunctionVersionEntity> byDigest(String digest) {
    return find("digest = ?1 order by name, version", digest).firstResultOptional();
  }

  public String ref() {
    return name + "@" + version;
  }

  /** Composite primary key (name, version). */
  public static class Key implements Serializable {
    public String name;
    public int version;

    public Key() {}

    public Key(String name, int version) {
      this.name = name;
      this.version = version;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.version == version && Objects.equals(k.name, name);
    }

    @Override
    public int hashCode() {
      return Objects.hash(name, version);
    }
  }
}
