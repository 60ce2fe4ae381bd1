package dev.taproot.telemetry;

import dev.taproot.function.runtime.CompiledFunction;
import dev.taproot.function.runtime.InstantiationObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The {@code taproot.instance.creation} histogram: how long a fresh Wasm instance takes to build,
 * by how its module runs (compiled or interpreted). It is the price of the per-execution isolation,
 * so users can see it stay in microseconds as modules grow.
 */
// Started eagerly so the histogram is in /q/metrics (at zero) before the first execution.
@Startup
@Singleton
public class InstanceMetrics implements InstantiationObserver {
  private final Map<CompiledFunction.Engine, Timer> timers =
      new EnumMap<>(CompiledFunction.Engine.class);

  InstanceMetrics(MeterRegistry registry) {
    for (CompiledFunction.Engine engine : CompiledFunction.Engine.values()) {
      timers.put(
          engine,
          Timer.builder("taproot.instance.creation")
              .description("Time to build a fresh Wasm instance before its _start runs")
              .tags("engine", engine.name().toLowerCase(java.util.Locale.ROOT))
              .publishPercentileHistogram()
              .minimumExpectedValue(Duration.ofNanos(10_000))
              .maximumExpectedValue(Duration.ofSeconds(1))
              .register(registry));
    }
  }

  @Override
  public void instantiated(CompiledFunction function, Duration took) {
    timers.get(function.engine()).record(took);
  }
}
