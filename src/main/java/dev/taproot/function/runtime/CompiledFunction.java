package dev.taproot.function.runtime;

import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import java.util.function.Function;

/**
 * A validated module with the code that runs it, its host functions and its initial memory, made
 * once per digest and shared by every execution (each execution still gets its own {@link
 * Instance}, and its own copy of the memory). Immutable and thread-safe.
 */
public final class CompiledFunction {

  /** How the module's functions run. */
  public enum Engine {
    /** Every function compiled to JVM bytecode. */
    COMPILED,
    /** Compiled, except functions too large for a JVM method, which the interpreter runs. */
    COMPILED_WITH_INTERPRETED_FUNCTIONS,
    /** Everything interpreted: slow; for benchmarks and diagnosis only. */
    INTERPRETED
  }

  private final String digest;
  private final WasmModule module;
  private final Function<Instance, Machine> machineFactory;
  private final Engine engine;
  private final ModuleInfo info;
  private final ImportValues imports;
  private final MemoryImage memory;
  private final FreshTables tables;

  CompiledFunction(
      String digest,
      WasmModule module,
      Function<Instance, Machine> machineFactory,
      Engine engine,
      ModuleInfo info) {
    this.digest = digest;
    this.module = module;
    this.machineFactory = machineFactory;
    this.engine = engine;
    this.info = info;
    this.imports = WasiHost.importsFor(module);
    this.memory = MemoryImage.prepare(module);
    this.tables = new FreshTables(module);
  }

  /** The module's digest, {@code sha256:<hex>}. */
  public String digest() {
    return digest;
  }

  public Engine engine() {
    return engine;
  }

  public ModuleInfo info() {
    return info;
  }

  WasmModule module() {
    return module;
  }

  Function<Instance, Machine> machineFactory() {
    return machineFactory;
  }

  /** The WASI functions the module imports, shared by all its instances. */
  ImportValues imports() {
    return imports;
  }

  /** Makes each instance's tables, of the module's initial size. */
  FreshTables tables() {
    return tables;
  }

  /** The module's initial memory, or null when Chicory must build it per execution. */
  MemoryImage memory() {
    return memory;
  }

  @Override
  public String toString() {
    return "CompiledFunction[" + digest + ", " + engine + "]";
  }
}
