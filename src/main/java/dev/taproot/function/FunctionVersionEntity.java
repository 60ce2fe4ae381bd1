package dev.taproot.function;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
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

  public static List<FunctionVersionEntity> versionsOf(String name) {
    return list("name = ?1 order by version", name);
  }

  public static Optional<FunctionVersionEntity> latest(String name) {
    return find("name = ?1 order by version desc", name).firstResultOptional();
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
