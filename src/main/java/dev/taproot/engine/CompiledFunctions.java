package dev.taproot.engine;

import dev.taproot.function.FunctionRegistry;
import dev.taproot.function.UnknownFunctionException;
import dev.taproot.function.runtime.CompiledFunction;
import dev.taproot.function.runtime.InvalidModuleException;
import dev.taproot.function.runtime.WasmRuntime;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;

/** Compiled modules by digest, loaded from the registry the first time a run needs them. */
@ApplicationScoped
public class CompiledFunctions {
  private final WasmRuntime runtime;
  private final FunctionRegistry registry;
  private final ConcurrentHashMap<String, CompiledFunction> byDigest = new ConcurrentHashMap<>();

  CompiledFunctions(WasmRuntime runtime, FunctionRegistry registry) {
    this.runtime = runtime;
    this.registry = registry;
  }

  public CompiledFunction get(String digest) {
    return byDigest.computeIfAbsent(digest, this::load);
  }

  /**
   * @throws ModuleUnavailableException when the module is gone or no longer compiles
   */
  private CompiledFunction load(String digest) {
    byte[] bytes;
    try {
      bytes = QuarkusTransaction.joiningExisting().call(() -> registry.moduleBytes(digest));
    } catch (UnknownFunctionException e) {
      throw new ModuleUnavailableException(digest, "is not in the registry", e);
    }
    try {
      return runtime.compile(digest, bytes);
    } catch (InvalidModuleException e) {
      throw new ModuleUnavailableException(digest, "no longer compiles", e);
    }
  }
}
