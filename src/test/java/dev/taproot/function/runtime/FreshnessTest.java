package dev.taproot.function.runtime;

import static dev.taproot.function.runtime.TestModules.input;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.Parser;
import dev.taproot.function.FailureCode;
import dev.taproot.function.runtime.ExecutionResult.Failed;
import dev.taproot.function.runtime.ExecutionResult.Succeeded;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * "A fresh instance per execution" with memory prepared once per module: an execution that writes
 * everywhere it can (memory, globals, table, stack pointer, a data segment it drops) is followed by
 * one that reads all of it back and must find the module's initial state, in every memory mode. The
 * probe is functions/runtime/fresh.wat.
 */
class FreshnessTest {

  private static final String FRESH = "{\"fresh\":true}";
  private static final String WROTE = "{\"wrote\":true}";

  @ParameterizedTest
  @EnumSource(MemoryMode.class)
  void writesNeverReachTheNextExecution(MemoryMode mode) {
    try (WasmRuntime runtime = runtime(mode)) {
      CompiledFunction probe = TestModules.compile(runtime, "fresh");
      assertEquals(FRESH, output(runtime.execute(probe, input("r"))));
      for (int round = 0; round < 5; round++) {
        assertEquals(WROTE, output(runtime.execute(probe, input("w"))));
        assertEquals(FRESH, output(runtime.execute(probe, input("r"))), "after write " + round);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(MemoryMode.class)
  void interleavedThreadsEachSeeAFreshInstance(MemoryMode mode) throws Exception {
    try (WasmRuntime runtime = runtime(mode)) {
      CompiledFunction probe = TestModules.compile(runtime, "fresh");
      ExecutorService threads = Executors.newFixedThreadPool(2);
      try {
        List<Future<String>> reads = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          threads.submit(() -> output(runtime.execute(probe, input("w"))));
          Callable<String> read = () -> output(runtime.execute(probe, input("r")));
          reads.add(threads.submit(read));
        }
        for (Future<String> read : reads) {
          assertEquals(FRESH, read.get());
        }
      } finally {
        threads.shutdownNow();
      }
    }
  }

  /**
   * The probe itself can tell: one Chicory instance run twice (what Taproot never does) shows the
   * first run's writes to the second, region by region.
   */
  @ParameterizedTest
  @CsvSource({"b, memory-bytes", "g, globals", "t, table-entries"})
  void theProbeSeesWhatAReusedInstanceKeeps(String mode, String what) {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    WasiOptions options =
        WasiOptions.builder()
            .withStdin(new ByteArrayInputStream(mode.getBytes(UTF_8)))
            .withStdout(stdout)
            .build();
    try (WasiPreview1 wasi = WasiPreview1.builder().withOptions(options).build()) {
      Instance instance =
          Instance.builder(Parser.parse(TestModules.bytes("fresh")))
              .withImportValues(ImportValues.builder().addFunction(wasi.toHostFunctions()).build())
              .withStart(false)
              .build();
      instance.export("_start").apply();
      instance.export("_start").apply();
    }
    String[] lines = stdout.toString(UTF_8).split("\n");
    assertEquals(WROTE, lines[0].strip());
    assertEquals("{\"fresh\":false,\"what\":\"" + what + "\"}", lines[1].strip());
  }

  @ParameterizedTest
  @EnumSource(MemoryMode.class)
  void memoryLimitStillRefusesGrowth(MemoryMode mode) {
    try (WasmRuntime runtime = runtime(mode)) {
      Limits limits = Limits.DEFAULTS.withMemoryBytes(4L << 20);
      Failed failed =
          assertInstanceOf(
              Failed.class,
              runtime.execute(TestModules.compile(runtime, "membomb"), input("{}", limits)));
      assertEquals(FailureCode.MEMORY_LIMIT, failed.code(), failed.message());
      Succeeded coped =
          assertInstanceOf(
              Succeeded.class,
              runtime.execute(TestModules.compile(runtime, "growsoft"), input("{}", limits)));
      assertEquals("{\"grew\":false}", coped.output().toString());
    }
  }

  @ParameterizedTest
  @EnumSource(MemoryMode.class)
  void initialMemoryOverTheLimitIsMemoryLimit(MemoryMode mode) {
    try (WasmRuntime runtime = runtime(mode)) {
      CompiledFunction big = TestModules.compile(runtime, "pages-256");
      Failed failed =
          assertInstanceOf(
              Failed.class,
              runtime.execute(big, input("{}", Limits.DEFAULTS.withMemoryBytes(8L << 20))));
      assertEquals(FailureCode.MEMORY_LIMIT, failed.code(), failed.message());
      assertInstanceOf(Succeeded.class, runtime.execute(big, input("{}")));
    }
  }

  @Test
  void everyModuleHereGetsAPreparedImage() {
    for (String name : new String[] {"fresh", "pages-2", "pages-18", "pages-256", "echo"}) {
      byte[] wasm = TestModules.bytes(name);
      assertNotNull(MemoryImage.prepare(Parser.parse(wasm)), name);
    }
  }

  @Test
  void theImageHoldsTheDataSegmentsAndZerosElsewhere() {
    MemoryImage image = MemoryImage.prepare(Parser.parse(TestModules.bytes("fresh")));
    assertEquals(2, image.initialPages());
    byte[] first = image.chunk(0);
    for (int i = 0; i < 16; i++) {
      assertEquals(i + 1, first[1024 + i]);
    }
    assertEquals(0, first[1023]);
    assertEquals(0, first[1040]);
    int chunk = 70000 / LinearMemory.CHUNK;
    assertEquals(0x11, image.chunk(chunk)[70000 % LinearMemory.CHUNK]);
    for (int i = 1; i < image.chunks(); i++) {
      if (i != chunk) {
        assertNull(image.chunk(i), "chunk " + i + " is all zeros");
      }
    }
  }

  private static WasmRuntime runtime(MemoryMode mode) {
    return new WasmRuntime(4, InstantiationObserver.NONE, mode);
  }

  private static String output(ExecutionResult result) {
    if (result instanceof Failed failed) {
      throw new AssertionError(failed.code() + ": " + failed.message());
    }
    return ((Succeeded) result).output().toString();
  }
}
