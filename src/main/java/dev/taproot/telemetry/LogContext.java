package dev.taproot.telemetry;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.MDC;

/**
 * Puts a run's ids into the logging MDC for the lines logged inside it, so every log line about an
 * execution carries its run, step, item key, attempt and trace id, in the console format and in any
 * structured log handler. Restores what was there before on close, because request threads already
 * carry the HTTP request's own {@code traceId}.
 *
 * <pre>{@code
 * try (LogContext log = LogContext.execution(runId, step, key, attempt, traceId)) {
 *   Log.warnf("...");
 * }
 * }</pre>
 */
public final class LogContext implements AutoCloseable {
  public static final String RUN = "runId";
  public static final String STEP = "step";
  public static final String ITEM = "itemKey";
  public static final String ATTEMPT = "attempt";
  public static final String TRACE = "traceId";

  /**
   * All of the above as one {@code key=value} prefix, for the console format ({@code %X{taproot}}):
   * empty outside a run, where a list of empty fields would only be noise.
   */
  public static final String PREFIX = "taproot";

  private final Map<String, Object> previous = new LinkedHashMap<>();

  private LogContext() {}

  /** The context of one run: its id and trace id. */
  public static LogContext run(String runId, String traceId) {
    return new LogContext()
        .put(RUN, runId)
        .put(TRACE, traceId)
        .put(PREFIX, "run=" + runId + " trace=" + traceId + " ");
  }

  /** The context of one attempt of one item of a step. */
  public static LogContext execution(
      String runId, String step, String itemKey, int attempt, String traceId) {
    return new LogContext()
        .put(RUN, runId)
        .put(STEP, step)
        .put(ITEM, itemKey)
        .put(ATTEMPT, attempt)
        .put(TRACE, traceId)
        .put(
            PREFIX,
            "run="
                + runId
                + " step="
                + step
                + " item="
                + itemKey
                + " attempt="
                + attempt
                + " trace="
                + traceId
                + " ");
  }

  private LogContext put(String key, Object value) {
    previous.put(key, MDC.get(key));
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value.toString());
    }
    return this;
  }

  @Override
  public void close() {
    previous.forEach(
        (key, value) -> {
          if (value == null) {
            MDC.remove(key);
          } else {
            MDC.put(key, value);
          }
        });
  }
}
