package dev.taproot.function.runtime;

import com.dylibso.chicory.runtime.ByteBufferMemory;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.InvalidException;
import com.dylibso.chicory.wasm.MalformedException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.ImportSection;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.ValType;
import dev.taproot.function.Abi;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decides whether bytes are a module Taproot can run under an ABI, before anything runs: Chicory's
 * parser and validator, then the imports and exports the ABI needs. Rejecting here turns a failure
 * of every future execution into one clear error at registration.
 *
 * <p>Compiling needs only what every ABI shares (the module is valid, links against what Taproot
 * provides); the entry point is the ABI's, checked when a module is registered under it.
 */
final class ModuleInspector {

  static final String START = "_start";

  /** What a WASI reactor (the build of most PDKs that use libc) exports to set itself up. */
  static final String INITIALIZE = "_initialize";

  private static final byte[] MAGIC = {0x00, 0x61, 0x73, 0x6d};
  private static final byte[] CORE_VERSION = {0x01, 0x00, 0x00, 0x00};
  // The component model reuses the magic number with a different version and layer.
  private static final byte[] COMPONENT_VERSION = {0x0d, 0x00, 0x01, 0x00};

  /** WASI functions that never touch linear memory, so a module importing only these needs none. */
  private static final Set<String> MEMORYLESS_WASI =
      Set.of("proc_exit", "proc_raise", "sched_yield");

  private static final int MAX_LISTED_PROBLEMS = 10;

  /** Exports with a meaning of their own, never called as a step's plug-in function. */
  private static final Set<String> RESERVED = Set.of(INITIALIZE, START);

  /** Parses and validates what every ABI needs; returns the module ready to compile. */
  WasmModule validate(byte[] wasm) throws InvalidModuleException {
    return validate(wasm, null);
  }

  /**
   * Parses, validates and checks the entry point of {@code abi} (none when null); returns the
   * module ready to compile.
   */
  WasmModule validate(byte[] wasm, Abi abi) throws InvalidModuleException {
    checkHeader(wasm);
    WasmModule module = parse(wasm);
    List<String> problems = new ArrayList<>();
    try {
      checkImports(module, problems);
      checkMemory(module, problems);
      if (abi == Abi.WASI) {
        checkStart(module, problems);
        checkNoKernel(module, problems);
      } else if (abi == Abi.EXTISM) {
        checkPluginFunctions(module, problems);
      }
      if (problems.isEmpty()) {
        checkLinks(module, problems);
      }
    } catch (RuntimeException | AssertionError e) {
      // Chicory's validator leaves some indices unchecked until link time; a bad one can
      // surface here as whatever it trips.
      problems.add("invalid WebAssembly module: " + e);
    }
    if (!problems.isEmpty()) {
      throw new InvalidModuleException(summarize(problems));
    }
    return module;
  }

  ModuleInfo describe(WasmModule module, long size) {
    return describe(module, size, Abi.WASI);
  }

  /**
   * What registration reports; for an {@code extism} plug-in the exports are the functions a step
   * can call, since those are what an alias's {@code export:} may name.
   */
  ModuleInfo describe(WasmModule module, long size, Abi abi) {
    List<String> exports = new ArrayList<>();
    for (int i = 0; i < module.exportSection().exportCount(); i++) {
      Export export = module.exportSection().getExport(i);
      if (abi != Abi.EXTISM || isPluginFunction(module, export)) {
        exports.add(export.name());
      }
    }
    List<String> imports = new ArrayList<>();
    module.importSection().stream().forEach(i -> imports.add(i.module() + "." + i.name()));
    return new ModuleInfo(exports, imports, size);
  }

  private static void checkHeader(byte[] wasm) throws InvalidModuleException {
    if (!startsWith(wasm, 0, MAGIC)) {
      int shown = Math.min(wasm.length, 4);
      throw new InvalidModuleException(
          "not a WebAssembly module: bad magic number (a module starts with 00 61 73 6d,"
              + " \"\\0asm\"; "
              + (shown == 0
                  ? "these bytes are empty"
                  : "these bytes start with "
                      + HexFormat.ofDelimiter(" ").formatHex(wasm, 0, shown))
              + ")");
    }
    if (wasm.length < 8) {
      throw new InvalidModuleException(
          "truncated WebAssembly module: "
              + wasm.length
              + " bytes, too short even for the 8-byte header; is the upload complete?");
    }
    if (startsWith(wasm, 4, COMPONENT_VERSION)) {
      throw new InvalidModuleException(
          "a WebAssembly component, not a core module: a wasi function must be a WASI preview 1"
              + " command module (build for wasm32-wasip1 / wasm32-wasi, not wasm32-wasip2)");
    }
    if (!startsWith(wasm, 4, CORE_VERSION)) {
      throw new InvalidModuleException(
          "unsupported WebAssembly binary version "
              + HexFormat.ofDelimiter(" ").formatHex(wasm, 4, 8)
              + "; only version 1 modules (01 00 00 00) can run");
    }
  }

  private static WasmModule parse(byte[] wasm) throws InvalidModuleException {
    try {
      return Parser.parse(wasm);
    } catch (MalformedException e) {
      throw new InvalidModuleException("malformed WebAssembly module: " + e.getMessage(), e);
    } catch (InvalidException e) {
      throw new InvalidModuleException("invalid WebAssembly module: " + e.getMessage(), e);
    } catch (RuntimeException | AssertionError | StackOverflowError e) {
      // The bytes are untrusted: truncated or corrupt sections surface as whatever the decoder
      // tripped on (an index out of bounds, a negative size, one of its own assertions...).
      throw new InvalidModuleException(
          "malformed WebAssembly module (is the file complete?): "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static void checkImports(WasmModule module, List<String> problems) {
    ImportSection imports = module.importSection();
    for (int i = 0; i < imports.importCount(); i++) {
      Import imp = imports.getImport(i);
      if (!(imp instanceof FunctionImport)) {
        String named = kind(imp.importType()) + " '" + imp.module() + "' '" + imp.name() + "'";
        problems.add(
            imp.importType() == ExternalType.MEMORY
                ? "imports "
                    + named
                    + "; a function must define its own memory (do not link with"
                    + " --import-memory)"
                : "imports "
                    + named
                    + "; only wasi_snapshot_preview1 and extism:host/env functions are provided");
        continue;
      }
      String where = "'" + imp.module() + "' function '" + imp.name() + "'";
      if (ExtismHost.MODULE.equals(imp.module())) {
        checkKernelImport(module, (FunctionImport) imp, problems);
        continue;
      }
      if (!WasiCatalog.MODULE.equals(imp.module())) {
        problems.add("imports unsupported module " + where + unsupportedHint(imp));
        continue;
      }
      FunctionType expected = WasiCatalog.signature(imp.name());
      FunctionType actual = module.typeSection().getType(((FunctionImport) imp).typeIndex());
      if (expected == null) {
        problems.add(
            "imports unknown WASI function '"
                + imp.name()
                + "'; it is not part of "
                + WasiCatalog.MODULE
                + " as Chicory provides it");
      } else if (!expected.typesMatch(actual)) {
        problems.add(
            "imports WASI function '"
                + imp.name()
                + "' with type "
                + actual
                + ", but "
                + WasiCatalog.MODULE
                + " defines it as "
                + expected);
      }
    }
  }

  private static String unsupportedHint(Import imp) {
    if ("env".equals(imp.module()) && imp.name().startsWith("extism_")) {
      return "; it is an Extism plug-in built with a PDK older than 1.0 (kernel functions in"
          + " module env); rebuild it with a current PDK, which imports "
          + ExtismHost.MODULE;
    }
    if ("extism:host/user".equals(imp.module())) {
      return "; it expects a host function of the application that embeds Extism, and Taproot"
          + " provides none: only "
          + WasiCatalog.MODULE
          + " and "
          + ExtismHost.MODULE
          + " are provided";
    }
    return "; only "
        + WasiCatalog.MODULE
        + " is provided (and "
        + ExtismHost.MODULE
        + " for Extism plug-ins)";
  }

  private static void checkKernelImport(
      WasmModule module, FunctionImport imp, List<String> problems) {
    FunctionType expected = ExtismHost.signature(imp.name());
    FunctionType actual = module.typeSection().getType(imp.typeIndex());
    if (expected == null) {
      problems.add(
          "imports unknown Extism kernel function '"
              + imp.name()
              + "' from "
              + ExtismHost.MODULE
              + "; Taproot provides "
              + String.join(", ", ExtismHost.names()));
    } else if (!expected.typesMatch(actual)) {
      problems.add(
          "imports Extism kernel function '"
              + imp.name()
              + "' with type "
              + actual
              + ", but "
              + ExtismHost.MODULE
              + " defines it as "
              + expected);
    }
  }

  /** A wasi command cannot reach the kernel: its calls would trap in every execution. */
  private static void checkNoKernel(WasmModule module, List<String> problems) {
    if (module.importSection().stream().anyMatch(i -> ExtismHost.MODULE.equals(i.module()))) {
      problems.add(
          "imports the Extism kernel ("
              + ExtismHost.MODULE
              + "), so it is an Extism plug-in: register it with ?abi=extism");
    }
  }

  /** A plug-in must export at least one function a step can call. */
  private static void checkPluginFunctions(WasmModule module, List<String> problems) {
    for (int i = 0; i < module.exportSection().exportCount(); i++) {
      if (isPluginFunction(module, module.exportSection().getExport(i))) {
        return;
      }
    }
    problems.add(
        "exports no plug-in function: an Extism plug-in exports functions that take no parameters"
            + " and return an i32 (0 for success) or nothing, e.g. run");
  }

  /** An export a step can call as a plug-in function: {@code () -> i32} or {@code () -> ()}. */
  static boolean isPluginFunction(WasmModule module, Export export) {
    if (export.exportType() != ExternalType.FUNCTION || RESERVED.contains(export.name())) {
      return false;
    }
    int functions =
        module.importSection().count(ExternalType.FUNCTION)
            + module.functionSection().functionCount();
    if (export.index() < 0 || export.index() >= functions) {
      return false;
    }
    FunctionType type = functionType(module, export.index());
    return type.params().isEmpty()
        && (type.returns().isEmpty()
            || type.returns().size() == 1 && type.returns().get(0).equals(ValType.I32));
  }

  /** Whether the module exports {@code _initialize} as a function of no parameters and results. */
  static boolean hasInitialize(WasmModule module) {
    Export export = export(module, INITIALIZE);
    if (export == null || export.exportType() != ExternalType.FUNCTION) {
      return false;
    }
    FunctionType type = functionType(module, export.index());
    return type.params().isEmpty() && type.returns().isEmpty();
  }

  /**
   * Whether {@code name} is a function a step can call in the module; null when it is, else why
   * not.
   */
  static String pluginFunctionProblem(WasmModule module, String name) {
    Export export = export(module, name);
    if (export != null && isPluginFunction(module, export)) {
      return null;
    }
    List<String> callable = new ArrayList<>();
    for (int i = 0; i < module.exportSection().exportCount(); i++) {
      Export e = module.exportSection().getExport(i);
      if (isPluginFunction(module, e)) {
        callable.add(e.name());
      }
    }
    return (export == null
            ? "the plug-in exports no function '" + name + "'"
            : "the plug-in's export '"
                + name
                + "' is not a plug-in function (no parameters, an i32 result or none)")
        + "; it exports "
        + (callable.isEmpty() ? "none" : String.join(", ", callable));
  }

  private static void checkMemory(WasmModule module, List<String> problems) {
    int memories = module.memorySection().map(s -> s.memoryCount()).orElse(0);
    if (memories > 1) {
      problems.add(
          "defines "
              + memories
              + " memories; a wasi function has exactly one linear memory (multi-memory is not"
              + " supported)");
    }
    boolean needsMemory =
        module.importSection().stream()
            .anyMatch(
                i -> WasiCatalog.MODULE.equals(i.module()) && !MEMORYLESS_WASI.contains(i.name()));
    if (memories == 0 && needsMemory) {
      problems.add(
          "imports WASI functions but defines no linear memory; WASI passes every buffer through"
              + " memory 0");
    }
    boolean kernel =
        module.importSection().stream().anyMatch(i -> ExtismHost.MODULE.equals(i.module()));
    if (memories == 0 && kernel) {
      // The kernel's state is found through the instance's memory, as the WASI sandbox is.
      problems.add(
          "imports Extism kernel functions but defines no linear memory; Taproot runs plug-ins"
              + " that define one (every PDK's do)");
    }
  }

  private static void checkStart(WasmModule module, List<String> problems) {
    Export start = export(module, START);
    if (start == null) {
      String hint =
          export(module, "_initialize") != null
              ? " It exports _initialize instead, so it was built as a WASI reactor."
              : "";
      problems.add(
          "no _start export: a wasi function must be a WASI command module (compile with"
              + " -mexec-model=command / a main function)."
              + hint);
      return;
    }
    if (start.exportType() != ExternalType.FUNCTION) {
      problems.add("_start is exported as a " + kind(start.exportType()) + ", not a function");
      return;
    }
    int functions =
        module.importSection().count(ExternalType.FUNCTION)
            + module.functionSection().functionCount();
    if (start.index() < 0 || start.index() >= functions) {
      problems.add("_start refers to function " + start.index() + ", which does not exist");
      return;
    }
    FunctionType type = functionType(module, start.index());
    if (!type.params().isEmpty() || !type.returns().isEmpty()) {
      problems.add(
          "_start has type "
              + type
              + "; a WASI command's _start takes no parameters and returns nothing");
    }
  }

  /**
   * Builds an instance without initializing it, so no guest code runs: Chicory checks some things
   * (exports of missing memories, for one) only when it links a module, not when it validates it,
   * and those must fail here rather than in every execution.
   */
  private static void checkLinks(WasmModule module, List<String> problems) {
    try {
      Instance.builder(module)
          .withImportValues(linkCheckImports())
          // Memory that is never used: the declared initial size need not be allocated here.
          .withMemoryFactory(declared -> new ByteBufferMemory(new MemoryLimits(0, 0)))
          .withInitialize(false)
          .withStart(false)
          .build();
    } catch (RuntimeException | AssertionError e) {
      problems.add("invalid WebAssembly module: it does not link (" + e.getMessage() + ")");
    }
  }

  private static ImportValues linkCheckImports() {
    return ImportValues.builder()
        .addFunction(WasiCatalog.linkCheckImports().functions())
        .addFunction(ExtismHost.all().toArray(new HostFunction[0]))
        .build();
  }

  private static Export export(WasmModule module, String name) {
    for (int i = 0; i < module.exportSection().exportCount(); i++) {
      Export export = module.exportSection().getExport(i);
      if (export.name().equals(name)) {
        return export;
      }
    }
    return null;
  }

  /** The type of a function in the module's index space, where imported functions come first. */
  private static FunctionType functionType(WasmModule module, int index) {
    int imported = 0;
    ImportSection imports = module.importSection();
    for (int i = 0; i < imports.importCount(); i++) {
      if (imports.getImport(i) instanceof FunctionImport) {
        if (imported == index) {
          return module.typeSection().getType(((FunctionImport) imports.getImport(i)).typeIndex());
        }
        imported++;
      }
    }
    return module.functionSection().getFunctionType(index - imported, module.typeSection());
  }

  private static String kind(ExternalType type) {
    switch (type) {
      case FUNCTION:
        return "function";
      case MEMORY:
        return "memory";
      case TABLE:
        return "table";
      case GLOBAL:
        return "global";
      default:
        return type.name().toLowerCase(Locale.ROOT);
    }
  }

  private static String summarize(List<String> problems) {
    if (problems.size() == 1) {
      return problems.get(0);
    }
    List<String> shown = problems.subList(0, Math.min(problems.size(), MAX_LISTED_PROBLEMS));
    String more =
        problems.size() > shown.size() ? "; and " + (problems.size() - shown.size()) + " more" : "";
    return problems.size() + " problems: " + String.join("; ", shown) + more;
  }

  private static boolean startsWith(byte[] bytes, int offset, byte[] prefix) {
    if (bytes.length < offset + prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (bytes[offset + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
