package dev.taproot.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Every Taproot setting, under the {@code taproot.} prefix. */
@ConfigMapping(prefix = "taproot")
public interface TaprootConfig {

  Functions functions();

  Engine engine();

  Runs runs();

  Bundled bundled();

  Workflows workflows();

  Replay replay();

  interface Replay {
    /** Threads replays run on, apart from the engine's workers; empty means half the cores. */
    Optional<Integer> workers();

    /** Replays that may wait for a thread; past that a replay is refused with 429. */
    @WithDefault("16")
    int queue();

    /** What a refused replay's Retry-After says. */
    @WithDefault("2s")
    Duration retryAfter();
  }

  interface Workflows {
    /** Workflow definitions (YAML) larger than this are refused with 413. */
    @WithDefault("1M")
    MemorySize maxYamlSize();
  }

  Fault fault();

  Telemetry telemetry();

  Cluster cluster();

  /**
   * How instances sharing one database divide the work (SPEC §5): every unit of a running run is
   * held under a lease that its instance's heartbeat renews.
   */
  interface Cluster {
    /**
     * How long a lease lasts without a heartbeat: an instance that dies loses its work to another
     * within this time plus one claim interval.
     */
    @WithDefault("20s")
    Duration lease();

    /** How often an instance renews its leases and checks that it still holds them. */
    @WithDefault("5s")
    Duration heartbeat();

    /** How often an instance looks for unclaimed work (new partitions, a dead instance's runs). */
    @WithDefault("1s")
    Duration claimInterval();

    /**
     * Items per partition: a run whose input gives more items than this to the steps that follow it
     * item by item is split into partitions, each claimable by any instance.
     */
    @WithDefault("5000")
    int partitionSize();

    /** Most units (runs or partitions) one instance works on at once. */
    @WithDefault("4")
    int maxUnits();
  }

  Ui ui();

  /** The web UI at {@code /}. */
  interface Ui {
    /**
     * Link from a run or an execution to its trace in a trace UI: {@code {traceId}} is replaced,
     * e.g. {@code http://localhost:16686/trace/{traceId}} for Jaeger. No link when unset.
     */
    Optional<String> traceUrl();

    /** How often a page of a running run asks for fresh counts. */
    @WithDefault("1500ms")
    Duration refreshInterval();
  }

  interface Telemetry {
    /**
     * Which execution spans to export: all, failed (only failed attempts) or sample. Run and step
     * spans always go out.
     */
    @WithDefault("all")
    ItemSpans itemSpans();

    /**
     * With item-spans=sample: the share of succeeded executions exported (failed ones always are).
     */
    @WithDefault("0.01")
    double sampleRatio();

    /** Which execution spans are exported. */
    enum ItemSpans {
      ALL,
      FAILED,
      SAMPLE
    }
  }

  interface Functions {
    /** Modules larger than this are refused with 413. */
    @WithDefault("64M")
    MemorySize maxModuleSize();

    /** How many compiled modules stay in memory (least recently used are dropped). */
    @WithDefault("256")
    int compiledCacheSize();
  }

  interface Engine {
    /** Threads that run Wasm executions; empty means one per core. */
    Optional<Integer> workers();

    /** Longest time a finished execution waits before its checkpoint batch is committed. */
    @WithDefault("5ms")
    Duration checkpointFlushInterval();

    /** Most executions committed in one checkpoint transaction. */
    @WithDefault("500")
    int checkpointBatchSize();

    /**
     * Most executions waiting for the checkpoint writer; a worker that finishes one more waits for
     * room (back-pressure while the database is slow or restarting) instead of the heap growing.
     */
    @WithDefault("10000")
    int checkpointBacklog();

    /** Whether unfinished runs are resumed when the service starts. */
    @WithDefault("true")
    boolean resumeOnStart();

    /**
     * How long a stopping service (SIGTERM) lets running executions finish; what is still running
     * then is interrupted and not recorded, so it runs again, as a new attempt, after a restart.
     */
    @WithDefault("10s")
    Duration shutdownGrace();
  }

  interface Runs {
    /** JSON run inputs larger than this are refused with 413 (they are parsed in memory). */
    @WithDefault("256M")
    MemorySize maxInputSize();

    /**
     * Longest time an x-ndjson upload may take to arrive and be stored; past it the upload is
     * refused (408) and nothing of the run is kept. An upload a stop interrupted is deleted at the
     * next start once it is this old.
     */
    @WithDefault("1h")
    Duration ingestTimeout();

    /**
     * x-ndjson run inputs larger than this are refused with 413. They are read as a stream, never
     * held in memory as a whole, so this can be far above max-input-size.
     */
    @WithDefault("8G")
    MemorySize maxNdjsonSize();

    /** Bodies of replay and origin requests larger than this are refused with 413. */
    @WithDefault("16M")
    MemorySize maxTraceBackSize();

    /** Default and maximum page size of item listings. */
    @WithDefault("100")
    int defaultPageSize();

    @WithDefault("1000")
    int maxPageSize();
  }

  interface Bundled {
    /** Register the functions and workflows in src/main/resources at start-up. */
    @WithDefault("true")
    boolean enabled();
  }

  /**
   * Crash-test switches, read as system properties by {@code FaultInjection} before CDI starts;
   * declared here so they are documented and validated. Never set in production.
   */
  interface Fault {
    /**
     * Halt the JVM at this point: after-function-returned, before-checkpoint-commit,
     * after-checkpoint-commit.
     */
    Optional<String> point();

    /** How many times the point is reached before the halt. */
    @WithDefault("1")
    long after();
  }
}
