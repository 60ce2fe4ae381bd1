package dev.taproot.function.runtime;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.InterpreterMachine;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.WasmModule;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Turns a validated module into JVM bytecode with Chicory's compiler.
 *
 * <p>The JVM caps a method at 64 KiB of bytecode, and some Wasm functions (large generated parsers,
 * unrolled loops) compile past it. Chicory can leave exactly those functions to its interpreter. We
 * first compile with that fallback off, so we learn when it is needed and can say so in the log
 * with the digest, then compile again with it on. Chicory's own warning goes to System.err without
 * the digest, which is why its WARN mode is not used.
 */
final class FunctionCompiler {

  private static final Logger LOG = Logger.getLogger(FunctionCompiler.class);
  private static final Pattern FUNCTION_INDEX =
      Pattern.compile("WASM function index: (\\d+(?: \\(name: [^)]*\\))?)");

  CompiledFunction compile(String digest, WasmModule module, ModuleInfo info)
      throws InvalidModuleException {
    try {
      return new CompiledFunction(
          digest,
          module,
          machines(module, InterpreterFallback.FAIL),
          CompiledFunction.Engine.COMPILED,
          info);
    } catch (ChicoryException tooLarge) {
      Function<Instance, Machine> machines;
      try {
        machines = machines(module, InterpreterFallback.SILENT);
      } catch (RuntimeException | AssertionError e) {
        e.addSuppressed(tooLarge);
        throw cannotCompile(digest, e);
      }
      LOG.warnf(
          "Function %s: %s is too large for a JVM method (64 KiB of bytecode), so Chicory's"
              + " interpreter runs it, many times slower than compiled code. If this function is"
              + " hot, split it up in the source.",
          digest, describeFunction(tooLarge));
      return new CompiledFunction(
          digest,
          module,
          machines,
          CompiledFunction.Engine.COMPILED_WITH_INTERPRETED_FUNCTIONS,
          info);
    } catch (RuntimeException | AssertionError e) {
      throw cannotCompile(digest, e);
    }
  }

  /** The same module, interpreted: a baseline for benchmarks, never used to serve executions. */
  CompiledFunction interpret(String digest, WasmModule module, ModuleInfo info) {
    return new CompiledFunction(
        digest, module, InterpreterMachine::new, CompiledFunction.Engine.INTERPRETED, info);
  }

  /** Chicory names the first function that did not fit at the end of its message. */
  private static String describeFunction(ChicoryException tooLarge) {
    Matcher index = FUNCTION_INDEX.matcher(String.valueOf(tooLarge.getMessage()));
    return index.find()
        ? "function " + index.group(1) + " (and maybe others)"
        : "a function (" + tooLarge.getMessage() + ")";
  }

  private static Function<Instance, Machine> machines(
      WasmModule module, InterpreterFallback fallback) {
    return MachineFactoryCompiler.builder(module).withInterpreterFallback(fallback).compile();
  }

  private static InvalidModuleException cannotCompile(String digest, Throwable e) {
    return new InvalidModuleException(
        "Chicory cannot compile module "
            + digest
            + " although it is valid: "
            + e.getMessage()
            + ". It may use a WebAssembly feature Chicory 1.7 does not compile; rebuild it"
            + " without that feature.",
        e);
  }
}
