package dev.taproot.function.runtime;

import static com.dylibso.chicory.wasm.types.ValType.I32;
import static com.dylibso.chicory.wasm.types.ValType.I64;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code extism:host/env} functions of the Extism kernel ABI, made once and shared by every
 * execution: each call finds its execution's {@link ExtismKernel} through the instance's memory, as
 * the WASI functions find their sandbox. The signatures are the published ones (every offset and
 * length an i64; bytes and the log level i32).
 */
final class ExtismHost {

  static final String MODULE = "extism:host/env";

  /** How one function is typed and what it does. */
  private record Function(FunctionType type, WasmFunctionHandle handle) {}

  private static final long[] NONE = new long[0];

  private static final Map<String, Function> FUNCTIONS = functions();

  private ExtismHost() {}

  /** The signature of a provided function, or null when the kernel ABI has no such function. */
  static FunctionType signature(String name) {
    Function function = FUNCTIONS.get(name);
    return function == null ? null : function.type();
  }

  /** Every provided name, sorted, for messages. */
  static List<String> names() {
    return List.copyOf(FUNCTIONS.keySet());
  }

  /** The host function for an import of {@code name}, which must be provided. */
  static HostFunction function(String name) {
    Function function = FUNCTIONS.get(name);
    if (function == null) {
      throw new IllegalArgumentException("the Extism kernel has no function " + name);
    }
    return new HostFunction(MODULE, name, function.type(), guarded(name, function.handle()));
  }

  /** Every function, for the link check at registration (never called there). */
  static List<HostFunction> all() {
    return FUNCTIONS.keySet().stream().map(ExtismHost::function).toList();
  }

  private static Map<String, Function> functions() {
    Map<String, Function> f = new TreeMap<>();
    f.put("alloc", of(List.of(I64), List.of(I64), (k, i, a) -> k.alloc(a[0], linear(i))));
    f.put("free", of(List.of(I64), List.of(), (k, i, a) -> none(() -> k.free(a[0]))));
    f.put("length", of(List.of(I64), List.of(I64), (k, i, a) -> k.length(a[0])));
    f.put("length_unsafe", of(List.of(I64), List.of(I64), (k, i, a) -> k.length(a[0])));
    f.put("load_u8", of(List.of(I64), List.of(I32), (k, i, a) -> k.loadU8(a[0])));
    f.put("load_u64", of(List.of(I64), List.of(I64), (k, i, a) -> k.loadU64(a[0])));
    f.put(
        "store_u8",
        of(List.of(I64, I32), List.of(), (k, i, a) -> none(() -> k.storeU8(a[0], (int) a[1]))));
    f.put(
        "store_u64",
        of(List.of(I64, I64), List.of(), (k, i, a) -> none(() -> k.storeU64(a[0], a[1]))));
    f.put("input_offset", of(List.of(), List.of(I64), (k, i, a) -> k.inputOffset()));
    f.put("input_length", of(List.of(), List.of(I64), (k, i, a) -> k.inputLength()));
    f.put("input_load_u8", of(List.of(I64), List.of(I32), (k, i, a) -> k.inputLoadU8(a[0])));
    f.put("input_load_u64", of(List.of(I64), List.of(I64), (k, i, a) -> k.inputLoadU64(a[0])));
    f.put(
        "input_set",
        of(List.of(I64, I64), List.of(), (k, i, a) -> none(() -> k.inputSet(a[0], a[1]))));
    f.put(
        "output_set",
        of(List.of(I64, I64), List.of(), (k, i, a) -> none(() -> k.outputSet(a[0], a[1]))));
    f.put("output_offset", of(List.of(), List.of(I64), (k, i, a) -> k.outputOffset()));
    f.put("output_length", of(List.of(), List.of(I64), (k, i, a) -> k.outputLength()));
    f.put("error_set", of(List.of(I64), List.of(), (k, i, a) -> none(() -> k.errorSet(a[0]))));
    f.put("error_get", of(List.of(), List.of(I64), (k, i, a) -> k.errorGet()));
    f.put("reset", of(List.of(), List.of(), (k, i, a) -> none(k::reset)));
    f.put("memory_bytes", of(List.of(), List.of(I64), (k, i, a) -> k.memoryBytes()));
    f.put("config_get", of(List.of(I64), List.of(I64), (k, i, a) -> k.configGet(a[0], linear(i))));
    f.put("var_get", of(List.of(I64), List.of(I64), (k, i, a) -> k.varGet(a[0], linear(i))));
    f.put(
        "var_set",
        of(List.of(I64, I64), List.of(), (k, i, a) -> none(() -> k.varSet(a[0], a[1], linear(i)))));
    for (ExtismKernel.Level level : ExtismKernel.Level.values()) {
      f.put(
          "log_" + level.name().toLowerCase(java.util.Locale.ROOT),
          of(List.of(I64), List.of(), (k, i, a) -> none(() -> k.log(level, a[0]))));
    }
    // Every line is kept (the checkpoint is where they are read), so the level asked for is the
    // lowest: PDKs then call log_* for every level instead of dropping debug and trace.
    f.put(
        "get_log_level",
        of(List.of(), List.of(I32), (k, i, a) -> ExtismKernel.Level.TRACE.ordinal()));
    f.put("http_request", denied("http_request", List.of(I64, I64), List.of(I64)));
    f.put("http_status_code", denied("http_status_code", List.of(), List.of(I32)));
    f.put("http_headers", denied("http_headers", List.of(), List.of(I64)));
    return Map.copyOf(f);
  }

  /** What one function computes from the kernel, the instance and the arguments. */
  @FunctionalInterface
  private interface Call {
    long apply(ExtismKernel kernel, Instance instance, long[] args);
  }

  private static Function of(List<ValType> params, List<ValType> results, Call call) {
    FunctionType type = FunctionType.of(params, results);
    if (results.isEmpty()) {
      return new Function(
          type,
          (instance, args) -> {
            call.apply(kernel(instance), instance, args);
            return NONE;
          });
    }
    return new Function(
        type, (instance, args) -> new long[] {call.apply(kernel(instance), instance, args)});
  }

  private static long none(Runnable action) {
    action.run();
    return 0;
  }

  private static Function denied(String name, List<ValType> params, List<ValType> results) {
    return new Function(
        FunctionType.of(params, results),
        (instance, args) -> {
          throw new WasmRuntimeException(
              "Extism kernel call "
                  + name
                  + " is denied: Taproot functions have no network access; pass what the"
                  + " plug-in needs in the step input instead");
        });
  }

  /** The plug-in's linear memory now, which shares the memory limit with the kernel's. */
  private static long linear(Instance instance) {
    return (long) instance.memory().pages() * Limits.PAGE_BYTES;
  }

  private static ExtismKernel kernel(Instance instance) {
    ExtismKernel kernel = ExecutionMemory.sandboxOf(instance).kernel();
    if (kernel == null) {
      throw new WasmRuntimeException(
          "this module calls the Extism kernel ("
              + MODULE
              + ") but runs as a wasi command;"
              + " register it with ?abi=extism");
    }
    return kernel;
  }

  /** A guest's bad arguments become a trap naming the call, as for WASI. */
  private static WasmFunctionHandle guarded(String name, WasmFunctionHandle handle) {
    return GuardedCalls.guarded("Extism kernel call " + name, "the plug-in", handle);
  }
}
