package dev.taproot.api;

import dev.taproot.config.TaprootConfig;
import dev.taproot.error.BodyTooLargeException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A body-size limit per endpoint, each a setting: a body whose declared length is over is refused
 * before it is read, and one that turns out to be over (chunked, or a length that lies) as soon as
 * the limit is passed, so no endpoint ever holds more than its limit. Vert.x's global {@code
 * quarkus.http.limits.max-body-size} stays above all of them, as a backstop only: what it refuses
 * gets a bare 413, these get problem+json naming the setting.
 */
@ApplicationScoped
public class BodyLimits {
  private static final Pattern RUNS = Pattern.compile("/api/v1/workflows/[^/]+/runs/?");
  private static final Pattern WORKFLOWS = Pattern.compile("/api/v1/workflows/?");
  private static final Pattern FUNCTION = Pattern.compile("/api/v1/functions/[^/]+/?");
  private static final Pattern TRACE_BACK =
      Pattern.compile("/api/v1/runs/[^/]+/steps/[^/]+/items/[^/]+/(replay|origin)/?");

  private final TaprootConfig config;

  BodyLimits(TaprootConfig config) {
    this.config = config;
  }

  /** One endpoint's limit and how to tell a user about it. */
  record Limit(String what, long max, String setting, String hint) {
    BodyTooLargeException refuse(Long size) {
      return new BodyTooLargeException(what, size, max, setting, hint);
    }
  }

  @ServerRequestFilter
  public void limit(ContainerRequestContext request) {
    Limit limit = limitOf(request);
    if (limit == null) {
      return;
    }
    String declared = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
    if (declared != null) {
      try {
        long size = Long.parseLong(declared.trim());
        if (size > limit.max()) {
          throw limit.refuse(size);
        }
      } catch (NumberFormatException e) {
        // Vert.x refuses a malformed Content-Length itself; the counting below still holds.
      }
    }
    request.setEntityStream(new Counted(request.getEntityStream(), limit));
  }

  private Limit limitOf(ContainerRequestContext request) {
    String method = request.getMethod();
    String path = request.getUriInfo().getPath();
    if (method.equals("POST") && RUNS.matcher(path).matches()) {
      var type = request.getMediaType();
      boolean ndjson = type != null && type.getSubtype().equalsIgnoreCase("x-ndjson");
      return ndjson
          ? new Limit(
              "the x-ndjson run input",
              config.runs().maxNdjsonSize().asLongValue(),
              "taproot.runs.max-ndjson-size",
              "split the records into several runs")
          : new Limit(
              "the run input",
              config.runs().maxInputSize().asLongValue(),
              "taproot.runs.max-input-size",
              "send large batches as application/x-ndjson, one record per line, which is read as"
                  + " a stream");
    }
    if (method.equals("POST") && WORKFLOWS.matcher(path).matches()) {
      return new Limit(
          "the workflow definition",
          config.workflows().maxYamlSize().asLongValue(),
          "taproot.workflows.max-yaml-size",
          "move large constants out of the YAML into the run input");
    }
    if (method.equals("PUT") && FUNCTION.matcher(path).matches()) {
      return new Limit(
          "the module",
          config.functions().maxModuleSize().asLongValue(),
          "taproot.functions.max-module-size",
          "strip debug sections (wasm-opt --strip-debug)");
    }
    if (method.equals("POST") && TRACE_BACK.matcher(path).matches()) {
      return new Limit(
          "the " + path.substring(path.lastIndexOf('/') + 1) + " request",
          config.runs().maxTraceBackSize().asLongValue(),
          "taproot.runs.max-trace-back-size",
          "replay on the recorded input (send no input) or assert on a smaller value");
    }
    return null;
  }

  /** Counts what is read and refuses the byte past the limit. */
  private static final class Counted extends FilterInputStream {
    private final Limit limit;
    private long read;

    Counted(InputStream in, Limit limit) {
      super(in);
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      count(skipped);
      return skipped;
    }

    private void count(long n) {
      read += n;
      if (read > limit.max()) {
        throw limit.refuse(null);
      }
    }
  }
}
