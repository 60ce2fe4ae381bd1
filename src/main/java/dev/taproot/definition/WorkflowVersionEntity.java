package dev.taproot.definition;

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

/** One immutable version of a workflow: the YAML as submitted, with its function refs pinned. */
@Entity
@Table(name = "workflow_version")
@IdClass(WorkflowVersionEntity.Key.class)
public class WorkflowVersionEntity extends PanacheEntityBase {
  @Id public String name;
  @Id public int version;
  public String description;
  public String yaml;

  @Column(name = "created_at")
  public Instant createdAt;

  /** Added at start-up from the examples shipped in the jar, not by a user. */
  public boolean bundled;

  public static Optional<WorkflowVersionEntity> latest(String name) {
    return find("name = ?1 order by version desc", name).firstResultOptional();
  }

  public static Optional<WorkflowVersionEntity> byVersion(String name, int version) {
    return Optional.ofNullable(findById(new Key(name, version)));
  }

  public static List<WorkflowVersionEntity> versionsOf(String name) {
    return list("name = ?1 order by version", name);
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
