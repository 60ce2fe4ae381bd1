package dev.taproot.function.runtime;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasi.WasiPreview1_ModuleFactory;
import com.dylibso.chicory.wasm.ChicoryException;
import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The world one execution sees through WASI: its input on stdin, stdout and stderr captured,
 * exactly the declared environment, no arguments beyond a program name, no directories, no sockets,
 * and time and randomness that depend only on the invocation.
 */
final class WasiSandbox implements AutoCloseable {

  /** argv[0]; fixed so it cannot differ between a run and its replay. */
  static final String PROGRAM_NAME = "function";

  private final WasiPreview1 wasi;
  private final BoundedOutput stdout;
  private final TailBuffer stderr;
  private final ImportValues imports;

  WasiSandbox(Invocation invocation) {
    this.stdout = new BoundedOutput(invocation.limits().outputBytes());
    this.stderr = new TailBuffer(TailBuffer.LOG_BYTES);
    WasiOptions.Builder options =
        WasiOptions.builder()
            .withStdin(new ByteArrayInputStream(invocation.input()), false)
            .withStdout(stdout, false)
            .withStderr(stderr, false)
            .withArguments(List.of(PROGRAM_NAME))
            // Replaced below for clock_time_get and random_get; these only keep anything else
            // in Chicory's WASI that reads them (file timestamps) away from the host.
            .withClock(Clock.fixed(invocation.clock(), ZoneOffset.UTC))
            .withRandom(new Random(invocation.seed()))
            .withThrowOnExit0(true);
    invocation.env().forEach(options::withEnvironment);
    this.wasi =
        WasiPreview1.builder()
            .withLogger(SilentLogger.INSTANCE)
            .withOptions(options.build())
            .build();
    this.imports =
        ImportValues.builder()
            .withFunctions(
                hostFunctions(
                    wasi,
                    new VirtualClock(invocation.clock()).hostFunction(),
                    new SeededRandom(invocation.seed()).hostFunction()))
            .build();
  }

  ImportValues imports() {
    return imports;
  }

  BoundedOutput stdout() {
    return stdout;
  }

  TailBuffer stderr() {
    return stderr;
  }

  @Override
  public void close() {
    wasi.close();
  }

  /** Chicory's WASI functions, guarded, with ours in place of those of the same name. */
  private static List<ImportFunction> hostFunctions(WasiPreview1 wasi, HostFunction... ours) {
    Map<String, HostFunction> replacements = new HashMap<>();
    for (HostFunction function : ours) {
      replacements.put(function.name(), function);
    }
    List<ImportFunction> functions = new ArrayList<>();
    for (HostFunction function : WasiPreview1_ModuleFactory.toHostFunctions(wasi)) {
      HostFunction replacement = replacements.get(function.name());
      functions.add(replacement != null ? replacement : guarded(function));
    }
    return functions;
  }

  /**
   * Chicory's WASI trusts some guest arguments: a bogus iovec length reaches {@code new
   * byte[negative]}. What a guest's bad arguments throw is the guest's fault, so it becomes a trap
   * naming the call instead of passing for a fault of the runtime.
   */
  private static HostFunction guarded(HostFunction function) {
    WasmFunctionHandle handle = function.handle();
    String name = function.name();
    return new HostFunction(
        function.module(),
        name,
        function.functionType(),
        (instance, args) -> {
          try {
            return handle.apply(instance, args);
          } catch (ChicoryException | BoundedOutput.LimitExceeded e) {
            throw e; // exits, interrupts, traps and our own limits mean what they say
          } catch (RuntimeException e) {
            throw new WasmRuntimeException(
                "WASI call " + name + " failed on the arguments the function passed (" + e + ")");
          }
        });
  }
}
