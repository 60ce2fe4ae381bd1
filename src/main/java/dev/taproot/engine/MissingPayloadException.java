package dev.taproot.engine;

/**
 * An output a run's checkpoint names is not in the payload table: the database lost or never
 * committed it. The item that needed it fails as {@code INTERNAL}, which is retried.
 */
final class MissingPayloadException extends RuntimeException {
  MissingPayloadException(String runId, String digest) {
    super("payload " + digest + " of an output of run " + runId + " is missing");
  }
}
