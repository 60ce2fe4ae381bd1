package dev.taproot.bench;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.function.Function;

/**
 * A WASI module run the way Chicory's documentation shows it, the baseline the benchmarks compare
 * Taproot against: the module parsed and compiled once, then per call a new {@code WasiPreview1}
 * and a new {@code Instance.builder(...).build()} (which runs {@code _start}), stdin from a byte
 * array, stdout into one.
 */
final class NaiveChicory {
  private final WasmModule module;
  private final Function<Instance, Machine> machines;

  NaiveChicory(byte[] wasm) {
    this.module = Parser.parse(wasm);
    this.machines = MachineFactoryCompiler.compile(module);
  }

  /**
   * One call: returns what the guest wrote to stdout. A non-zero exit throws {@link
   * WasiExitException}, a trap its runtime exception.
   */
  byte[] call(byte[] stdin) {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    WasiOptions options =
        WasiOptions.builder()
            .withStdin(new ByteArrayInputStream(stdin))
            .withStdout(stdout)
            .withStderr(stderr)
            .build();
    try (WasiPreview1 wasi = WasiPreview1.builder().withOptions(options).build()) {
      Instance.builder(module)
          .withMachineFactory(machines)
          .withImportValues(ImportValues.builder().addFunction(wasi.toHostFunctions()).build())
          .build();
    } catch (WasiExitException e) {
      if (e.exitCode() != 0) {
        throw e;
      }
    }
    return stdout.toByteArray();
  }
}
