package dev.taproot.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.function.Digests;

/** A JSON value with its canonical bytes and their digest, computed once. */
public record Payload(String digest, byte[] bytes, JsonNode value) {
  public static Payload of(JsonNode value) {
    byte[] bytes = CanonicalJson.bytes(value);
    return new Payload(Digests.sha256(bytes), bytes, value);
  }
}
