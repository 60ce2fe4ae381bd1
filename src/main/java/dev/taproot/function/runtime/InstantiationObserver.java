package dev.taproot.function.runtime;

import java.time.Duration;

/**
 * Told how long each fresh instance took to build (module instantiation and its memory, before the
 * guest's {@code _start}), so the service can publish it without the runtime depending on a metrics
 * library. Under {@link MemoryMode#LAZY} a page is copied from the module's image when the guest
 * first touches it, so that part of the cost falls in the run, not here. Called on the executing
 * thread; keep it cheap.
 */
@FunctionalInterface
public interface InstantiationObserver {
  InstantiationObserver NONE = (function, took) -> {};

  void instantiated(CompiledFunction function, Duration took);
}
