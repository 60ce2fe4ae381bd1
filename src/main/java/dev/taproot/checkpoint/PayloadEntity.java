package dev.taproot.checkpoint;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Read model of a stored JSON value. */
@Entity
@Table(name = "payload")
public class PayloadEntity extends PanacheEntityBase {
  @Id public String digest;

  @Column(name = "size_bytes")
  public long size;

  public byte[] bytes;
}
