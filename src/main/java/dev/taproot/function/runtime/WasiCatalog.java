package dev.taproot.function.runtime;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasi.WasiPreview1_ModuleFactory;
import com.dylibso.chicory.wasm.types.FunctionType;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The WASI preview 1 functions a guest may import: exactly those Chicory's {@link WasiPreview1}
 * implements, with their signatures. Read from Chicory itself so registration never accepts an
 * import that instantiation would then refuse.
 */
final class WasiCatalog {

  static final String MODULE = "wasi_snapshot_preview1";

  /**
   * Bound to a WASI instance with no I/O at all: for linking checks, and for the stateless calls
   * (proc_raise, sched_yield) of a module without memory.
   */
  private static final List<HostFunction> UNCALLED = readFunctions();

  private static final Map<String, FunctionType> FUNCTIONS = signatures(UNCALLED);

  private static final Map<String, Integer> INDEX = indexes(UNCALLED);

  private WasiCatalog() {}

  /** Import values that satisfy every WASI import, to check that a module links. */
  static ImportValues linkCheckImports() {
    return ImportValues.builder().withFunctions(List.copyOf(UNCALLED)).build();
  }

  /** The signature of a provided function, or null when Chicory does not provide it. */
  static FunctionType signature(String name) {
    return FUNCTIONS.get(name);
  }

  /** Where Chicory lists a provided function, in the order of its {@code toHostFunctions}. */
  static int index(String name) {
    Integer index = INDEX.get(name);
    if (index == null) {
      throw new IllegalArgumentException("Chicory's WASI has no function " + name);
    }
    return index;
  }

  /** The function at {@code index}, bound to the WASI instance without I/O. */
  static HostFunction uncalled(int index) {
    return UNCALLED.get(index);
  }

  private static Map<String, Integer> indexes(List<HostFunction> functions) {
    Map<String, Integer> indexes = new TreeMap<>();
    for (int i = 0; i < functions.size(); i++) {
      indexes.put(functions.get(i).name(), i);
    }
    return Map.copyOf(indexes);
  }

  private static List<HostFunction> readFunctions() {
    try (WasiPreview1 wasi = WasiPreview1.builder().withLogger(SilentLogger.INSTANCE).build()) {
      return List.of(WasiPreview1_ModuleFactory.toHostFunctions(wasi));
    }
  }

  private static Map<String, FunctionType> signatures(List<HostFunction> functions) {
    Map<String, FunctionType> signatures = new TreeMap<>();
    for (HostFunction function : functions) {
      signatures.put(function.name(), function.functionType());
    }
    return Map.copyOf(signatures);
  }
}
