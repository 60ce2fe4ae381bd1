package dev.taproot.function;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Content addresses: {@code sha256:<64 lowercase hex>}. */
public final class Digests {
  public static final String PREFIX = "sha256:";

  private Digests() {}

  public static String sha256(byte[] bytes) {
    try {
      return PREFIX + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM provides SHA-256", e);
    }
  }

  public static boolean isDigest(String s) {
    return s != null && s.matches("sha256:[0-9a-f]{64}");
  }
}
