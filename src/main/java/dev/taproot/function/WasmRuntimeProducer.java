package dev.taproot.function;

import dev.taproot.config.TaprootConfig;
import dev.taproot.function.runtime.InstantiationObserver;
import dev.taproot.function.runtime.WasmRuntime;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** One runtime per service: it holds the compiled-module cache every execution shares. */
public class WasmRuntimeProducer {
  @Produces
  @Singleton
  WasmRuntime runtime(TaprootConfig config, InstantiationObserver instances) {
    return new WasmRuntime(config.functions().compiledCacheSize(), instances);
  }
}
