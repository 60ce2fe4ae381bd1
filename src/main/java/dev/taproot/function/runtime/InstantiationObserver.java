package dev.taproot.function.runtime;

import java.time.Duration;

/**
 * Told how long each fresh instance took to build (module instantiation, memory and data segments,
 * before the guest's {@code _start}), so the service can publish it without the runtime depending
 * on a metrics library. Called on the executing thread; keep it cheap.
 */
@FunctionalInterface
public interface InstantiationObserver {
  InstantiationObserver NONE = (function, took) -> {};

  void instantiated(CompiledFunction function, Duration took);
}
