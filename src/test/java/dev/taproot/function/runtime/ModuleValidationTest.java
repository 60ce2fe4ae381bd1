package dev.taproot.function.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Registration-time checks, and the compile cache. */
class ModuleValidationTest {

  private static WasmRuntime runtime;

  @BeforeAll
  static void start() {
    runtime = new WasmRuntime();
  }

  @AfterAll
  static void stop() {
    runtime.close();
  }

  @Test
  void describesAValidModule() throws Exception {
    byte[] wasm = TestModules.bytes("echo-wat");
    ModuleInfo info = runtime.inspect(wasm);
    assertEquals(List.of("memory", "_start"), info.exports());
    assertEquals(
        List.of(
            "wasi_snapshot_preview1.fd_read",
            "wasi_snapshot_preview1.fd_write",
            "wasi_snapshot_preview1.proc_exit"),
        info.imports());
    assertEquals(wasm.length, info.size());
  }

  @Test
  void acceptsAModuleBuiltWithWasiLibc() throws Exception {
    ModuleInfo info = runtime.inspect(TestModules.bytes("clockrand"));
    assertTrue(info.imports().contains("wasi_snapshot_preview1.clock_time_get"), "" + info);
    assertTrue(info.imports().contains("wasi_snapshot_preview1.random_get"), "" + info);
  }

  @Test
  void rejectsRandomBytes() {
    assertMessage(TestModules.bytes("garbage"), "not a WebAssembly module: bad magic number");
  }

  @Test
  void rejectsEmptyBytes() {
    assertMessage(new byte[0], "not a WebAssembly module: bad magic number");
  }

  @Test
  void rejectsAComponent() {
    byte[] component = {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00};
    assertMessage(component, "a WebAssembly component, not a core module");
  }

  @Test
  void rejectsATruncatedModule() {
    byte[] wasm = TestModules.bytes("counter");
    assertMessage(Arrays.copyOf(wasm, wasm.length - 10), "malformed WebAssembly module");
  }

  @Test
  void rejectsAnUnknownImportNamingIt() {
    String message =
        assertMessage(
            TestModules.bytes("badimport"), "imports unsupported module 'env' function 'foo'");
    assertTrue(message.contains("only wasi_snapshot_preview1 is provided"), message);
  }

  @Test
  void rejectsAModuleWithoutStart() {
    assertMessage(
        TestModules.bytes("nostart"),
        "no _start export: a wasi function must be a WASI command module");
  }

  @Test
  void compileIsCachedByDigest() throws Exception {
    byte[] wasm = TestModules.bytes("counter");
    String digest = WasmRuntime.digestOf(wasm);
    CompiledFunction first = runtime.compile(digest, wasm);
    assertSame(first, runtime.compile(digest, wasm));
    // The bare hex form names the same digest.
    assertSame(first, runtime.compile(digest.substring("sha256:".length()), wasm));
    assertEquals(digest, first.digest());
    assertEquals(CompiledFunction.Engine.COMPILED, first.engine());
  }

  @Test
  void leastRecentlyUsedFunctionIsEvicted() throws Exception {
    try (WasmRuntime small = new WasmRuntime(2)) {
      CompiledFunction counter = TestModules.compile(small, "counter");
      CompiledFunction echo = TestModules.compile(small, "echo-wat");
      assertSame(counter, TestModules.compile(small, "counter"));
      TestModules.compile(small, "trap"); // evicts echo-wat, the least recently used
      assertEquals(2, small.cachedFunctions());
      assertSame(counter, TestModules.compile(small, "counter"));
      assertNotSame(echo, TestModules.compile(small, "echo-wat"));
    }
  }

  @Test
  void compileRejectsInvalidModulesAndCachesNothing() {
    byte[] wasm = TestModules.bytes("badimport");
    int before = runtime.cachedFunctions();
    InvalidModuleException e =
        assertThrows(
            InvalidModuleException.class, () -> runtime.compile(WasmRuntime.digestOf(wasm), wasm));
    assertTrue(e.getMessage().contains("'env' function 'foo'"), e.getMessage());
    assertEquals(before, runtime.cachedFunctions());
  }

  @Test
  void compileRefusesADigestThatIsNotTheModules() {
    byte[] wasm = TestModules.bytes("counter");
    String other = WasmRuntime.digestOf(TestModules.bytes("trap"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> runtime.compile(other, wasm));
    assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> runtime.compile("md5:abc", wasm));
  }

  @Test
  void functionTooLargeForTheJvmFallsBackToTheInterpreter() throws Exception {
    CompiledFunction huge = TestModules.compile(runtime, "hugefunc");
    assertEquals(CompiledFunction.Engine.COMPILED_WITH_INTERPRETED_FUNCTIONS, huge.engine());
    ExecutionResult.Succeeded result =
        WasmRuntimeTest.succeeded(runtime.execute(huge, TestModules.input("{}")));
    assertEquals(
        "{\"sum\": 12000}\n",
        new String(result.outputBytes(), java.nio.charset.StandardCharsets.UTF_8));
  }

  private static String assertMessage(byte[] wasm, String expected) {
    InvalidModuleException e =
        assertThrows(InvalidModuleException.class, () -> runtime.inspect(wasm));
    assertTrue(e.getMessage().contains(expected), () -> "message was: " + e.getMessage());
    return e.getMessage();
  }
}
