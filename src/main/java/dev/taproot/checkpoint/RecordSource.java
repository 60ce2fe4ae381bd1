package dev.taproot.checkpoint;

import java.util.List;

/**
 * The records of an x-ndjson upload, handed over a chunk at a time while the run is stored, so that
 * the upload is never in memory as a whole.
 */
public interface RecordSource {
  /**
   * The next records, in line order, with their canonical bytes (the value may be null).
   *
   * @return empty when there are no more
   */
  List<Payload> next();
}
