package dev.taproot.function;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** Module bytes, stored once per digest whatever names they are registered under. */
@Entity
@Table(name = "function_module")
public class FunctionModuleEntity extends PanacheEntityBase {
  @Id public String digest;

  @Column(name = "size_bytes")
  public long size;

  public byte[] bytes;

  @Column(name = "created_at")
  public Instant createdAt;
}
