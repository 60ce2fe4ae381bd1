package dev.taproot.checkpoint;

/**
 * An execution consumed the value at {@code path} of the execution ({@code fromStep}, {@code
 * fromKey}, {@code fromAttempt}). A null {@code fromStep} is the run input; its {@code fromKey} is
 * then the record key of an x-ndjson upload, or null for the whole input.
 */
public record LineageEdge(String fromStep, String fromKey, Integer fromAttempt, String path) {
  public LineageEdge {
    if (path == null || path.isEmpty()) {
      throw new IllegalArgumentException("a lineage edge needs the path it consumed");
    }
    if (path.length() > 512) {
      path = path.substring(0, 509) + "...";
    }
  }

  public static LineageEdge fromInput(String recordKey, String path) {
    return new LineageEdge(null, recordKey, null, path);
  }
}
