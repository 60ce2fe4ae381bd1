package dev.taproot.api;

import dev.taproot.config.TaprootConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Reads request bodies with the configured size limits, so an oversized one is a 413, not an OOM.
 */
@ApplicationScoped
public class RequestBodies {
  private final TaprootConfig config;

  RequestBodies(TaprootConfig config) {
    this.config = config;
  }

  public byte[] runInput(InputStream body) throws IOException {
    long max = config.runs().maxInputSize().asLongValue();
    byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
    if (bytes.length > max) {
      long total = bytes.length + body.transferTo(OutputStream.nullOutputStream());
      throw new WebApplicationException(
          "the run input is "
              + total
              + " bytes, over the limit of "
              + max
              + " bytes (taproot.runs.max-input-size); split the batch into several runs",
          Response.Status.REQUEST_ENTITY_TOO_LARGE);
    }
    return bytes;
  }
}
