package dev.taproot.checkpoint;

import dev.taproot.function.Digests;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The digest of {@code {"records": [...]}} taken record by record: the canonical bytes of that
 * object are {@code {"records":[} , the records' canonical bytes joined by commas, {@code ]}}, so a
 * streamed upload has the digest its whole value would have, without ever being one value.
 */
final class RecordsDigest {
  private static final byte[] OPEN = "{\"records\":[".getBytes(StandardCharsets.UTF_8);
  private static final byte[] CLOSE = "]}".getBytes(StandardCharsets.UTF_8);
  private final MessageDigest sha256;
  private boolean first = true;

  RecordsDigest() {
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM provides SHA-256", e);
    }
    sha256.update(OPEN);
  }

  void add(byte[] canonicalRecord) {
    if (!first) {
      sha256.update((byte) ',');
    }
    first = false;
    sha256.update(canonicalRecord);
  }

  String finish() {
    sha256.update(CLOSE);
    return Digests.PREFIX + HexFormat.of().formatHex(sha256.digest());
  }
}
