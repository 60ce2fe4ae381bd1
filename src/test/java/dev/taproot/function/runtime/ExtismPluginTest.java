package dev.taproot.function.runtime;

import static dev.taproot.function.runtime.WasmRuntimeTest.failed;
import static dev.taproot.function.runtime.WasmRuntimeTest.succeeded;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.function.Abi;
import dev.taproot.function.FailureCode;
import dev.taproot.function.runtime.ExecutionResult.Failed;
import dev.taproot.function.runtime.ExecutionResult.Succeeded;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code extism:host/env} kernel, exercised through real plug-ins: {@code extism-kit} (C
 * against the kernel imports alone, one export per case), {@code extism-wasi} (C with wasi-libc)
 * and the AssemblyScript validate-order built with the published {@code @extism/as-pdk}.
 */
class ExtismPluginTest {

  private static final WasmRuntime runtime = new WasmRuntime();
  private static final CompiledFunction kit = TestModules.compile(runtime, "extism-kit");

  @AfterAll
  static void close() {
    runtime.close();
  }

  private static Invocation call(String export, String input) {
    return TestModules.input(input).withEntry(new Invocation.Entry.Plugin(export));
  }

  private static ExecutionResult run(String export, String input) {
    return runtime.execute(kit, call(export, input));
  }

  private static JsonNode output(String export, String input) {
    return succeeded(run(export, input)).output();
  }

  @Test
  void inputComesBackThroughLoadsAndStores() {
    String input = "{\"text\":\"héllo, wörld — more than eight bytes\",\"n\":[1,2,3]}";
    Succeeded echo = succeeded(run("echo", input));
    assertEquals(input, new String(echo.outputBytes(), UTF_8));
    // run: the default export hands the input's own block back (input_offset, length).
    assertEquals(input, new String(succeeded(run("run", input)).outputBytes(), UTF_8));
  }

  @Test
  void everyKernelFunctionBehavesAsTheAbiSays() {
    JsonNode k = output("kernel", "{\"x\":1}");
    assertEquals(7, k.get("inputLength").asInt());
    assertEquals(7, k.get("inputBlockLength").asInt());
    assertEquals('{', k.get("firstInputByte").asInt());
    assertEquals(0x0102030405060708L, k.get("word").asLong());
    assertEquals(0xfe, k.get("byte").asInt());
    assertEquals('z', k.get("last").asInt());
    assertEquals(16, k.get("length").asInt());
    assertEquals(3, k.get("lengthUnsafe").asInt());
    assertEquals(0, k.get("lengthInside").asInt(), "length is 0 inside a block");
    assertEquals(0, k.get("lengthFreed").asInt(), "length is 0 once freed");
    assertEquals(0, k.get("allocZero").asInt(), "alloc(0) is 0");
    assertTrue(k.get("errorGet").asBoolean());
    assertEquals(0, k.get("errorCleared").asInt());
    assertTrue(k.get("memoryBytesPositive").asBoolean());
    assertEquals(0, k.get("inputLengthAfterReset").asInt(), "reset drops the input too");
  }

  @Test
  void theHostSideCallsWorkFromAPluginToo() {
    JsonNode reinput = output("reinput", "{\"ignored\":true}");
    assertEquals("{\"re\":1}", reinput.get("input").toString(), "input_set replaced the input");
    assertTrue(reinput.get("outputCallsAgree").asBoolean(), "output_offset and output_length");
  }

  @Test
  void configIsTheAliasEnvironment() {
    Invocation invocation =
        call("config", "\"GREETING\"").withEnv(Map.of("GREETING", "hi \"there\"", "X", "y"));
    JsonNode found = succeeded(runtime.execute(kit, invocation)).output();
    assertEquals("hi \"there\"", found.get("value").asText());
    JsonNode missing = succeeded(runtime.execute(kit, call("config", "\"NOPE\""))).output();
    assertTrue(missing.get("value").isNull(), missing.toString());
  }

  @Test
  void varsLastOneExecutionAndStartEmpty() {
    for (int i = 0; i < 2; i++) {
      JsonNode vars = output("vars", "{}");
      assertTrue(vars.get("before").isNull(), "a fresh execution has no vars: " + vars);
      assertEquals(3, vars.get("count").asInt());
      assertTrue(vars.get("removed").asBoolean());
    }
  }

  @Test
  void everyLogLevelIsKeptInTheLogs() {
    Succeeded logs = succeeded(run("logs", "{}"));
    assertEquals(0, logs.output().get("level").asInt(), "get_log_level asks for everything");
    assertEquals(
        "[TRACE] a trace line\n[DEBUG] a debug line\n[INFO] an info line\n"
            + "[WARN] a warn line\n[ERROR] an error line\n",
        logs.logs());
  }

  @Test
  void errorSetAndANonZeroReturnFailWithThePluginsMessage() {
    Failed fail = failed(run("fail", "{}"), FailureCode.EXIT);
    assertTrue(
        fail.message()
            .startsWith(
                "plug-in function 'fail' returned 1: the order is not valid: qty must be >= 1"),
        fail.message());
    assertEquals("[ERROR] about to fail\n", fail.logs());

    Failed errorOnly = failed(run("error_only", "{}"), FailureCode.EXIT);
    assertTrue(
        errorOnly
            .message()
            .startsWith(
                "plug-in function 'error_only' returned 0 but set an error: error set but 0"),
        errorOnly.message());

    Failed nonzero = failed(run("nonzero", "{}"), FailureCode.EXIT);
    assertTrue(
        nonzero.message().startsWith("plug-in function 'nonzero' returned 7 without setting"),
        nonzero.message());
  }

  @Test
  void aVoidFunctionSucceedsWhenItReturns() {
    assertEquals("{\"void\":true}", output("void_fn", "{}").toString());
  }

  @Test
  void httpIsDeniedNamingTheFunction() {
    for (String call : List.of("http_request", "http_status_code", "http_headers")) {
      String export = call.equals("http_request") ? "http" : call.replace("_code", "");
      Failed http = failed(run(export, "{}"), FailureCode.TRAP);
      assertTrue(
          http.message().contains("Extism kernel call " + call + " is denied"), http.message());
    }
  }

  @Test
  void anEndlessPluginTimesOut() {
    Invocation spin =
        call("spin", "{}").withLimits(Limits.DEFAULTS.withTimeout(Duration.ofMillis(300)));
    failed(runtime.execute(kit, spin), FailureCode.TIMEOUT);
  }

  @Test
  void kernelAllocationsHitTheMemoryLimit() {
    Invocation bomb =
        call("bomb", "{}").withLimits(Limits.DEFAULTS.withMemoryBytes(16L * 1024 * 1024));
    Failed failed = failed(runtime.execute(kit, bomb), FailureCode.MEMORY_LIMIT);
    assertTrue(failed.message().contains("asked the Extism kernel for 1 MiB"), failed.message());
    assertTrue(failed.message().contains("memory limit of 16 MiB"), failed.message());
  }

  @Test
  void anInputLargerThanTheMemoryLimitIsMemoryLimit() {
    String big = "\"" + "x".repeat(300_000) + "\"";
    Invocation echo = call("echo", big).withLimits(Limits.DEFAULTS.withMemoryBytes(256 * 1024));
    Failed failed = failed(runtime.execute(kit, echo), FailureCode.MEMORY_LIMIT);
    assertTrue(
        failed
            .message()
            .startsWith("the input (300002 bytes) does not fit in the plug-in's memory"),
        failed.message());
  }

  @Test
  void linearMemoryHitsTheMemoryLimit() {
    Invocation grow =
        call("grow", "{}").withLimits(Limits.DEFAULTS.withMemoryBytes(4L * 1024 * 1024));
    Failed failed = failed(runtime.execute(kit, grow), FailureCode.MEMORY_LIMIT);
    assertTrue(failed.message().contains("grow its linear memory"), failed.message());
  }

  @Test
  void aHugeOutputHitsTheOutputLimit() {
    Invocation huge = call("huge", "2000000").withLimits(Limits.DEFAULTS.withOutputBytes(1 << 20));
    Failed failed = failed(runtime.execute(kit, huge), FailureCode.OUTPUT_LIMIT);
    assertTrue(failed.message().startsWith("the plug-in's output (output_set) passed the output"));
    // Under the limit, the same plug-in succeeds with all of it.
    Succeeded fits = succeeded(runtime.execute(kit, call("huge", "100000")));
    assertEquals(100000, fits.outputBytes().length);
  }

  @Test
  void anOutputThatIsNotJsonIsBadOutput() {
    Failed bad = failed(runtime.execute(kit, call("echo", "not json")), FailureCode.BAD_OUTPUT);
    assertTrue(bad.message().startsWith("the plug-in's output (the bytes given to output_set)"));
  }

  @Test
  void anExportTheModuleLacksFailsNamingWhatItHas() {
    Failed missing = failed(run("nope", "{}"), FailureCode.TRAP);
    assertTrue(
        missing.message().contains("the plug-in exports no function 'nope'; it exports echo, run"),
        missing.message());
  }

  @Test
  void theSameInvocationGivesTheSameBytes() {
    CompiledFunction wasi = TestModules.compile(runtime, "extism-wasi");
    Invocation invocation =
        TestModules.input("{}")
            .withEntry(new Invocation.Entry.Plugin("run"))
            .withEnv(Map.of("TAPROOT_STEP", "enrich"));
    Succeeded first = succeeded(runtime.execute(wasi, invocation));
    Succeeded again = succeeded(runtime.execute(wasi, invocation));
    assertArrayEquals(first.outputBytes(), again.outputBytes());
    assertEquals(first.logs(), again.logs());
    // The WASI sandbox is the wasi ABI's: the recorded clock, the seeded random bytes, only the
    // declared environment, and stderr in the logs.
    assertEquals(TestModules.CLOCK.getEpochSecond(), first.output().get("seconds").asLong());
    assertEquals("enrich", first.output().get("step").asText());
    assertTrue(first.output().get("home").isNull());
    assertEquals("hello from stderr\n", first.logs());
    Succeeded reseeded = succeeded(runtime.execute(wasi, invocation.withSeed(7)));
    assertTrue(
        first.output().get("random").asLong() != reseeded.output().get("random").asLong(),
        "the seed decides random_get");
  }

  @Test
  void theAssemblyScriptPluginValidatesOrders() throws Exception {
    byte[] wasm = resource("/functions/validate-order-v2.extism.wasm");
    CompiledFunction validate = runtime.compile(WasmRuntime.digestOf(wasm), wasm);
    String good =
        "{\"currency\":\"EUR\",\"customer\":\"Ana Łukasz\",\"id\":\"1000\",\"qty\":2,"
            + "\"rate\":1.0,\"rateKnown\":true,\"sku\":\"SKU-1\",\"totalEur\":39.80,"
            + "\"unitPrice\":19.90}";
    Succeeded ok =
        succeeded(
            runtime.execute(
                validate, TestModules.input(good).withEntry(new Invocation.Entry.Plugin("run"))));
    assertEquals(good.substring(0, good.length() - 1) + ",\"valid\":true}", text(ok));

    String bad =
        "{\"currency\":\"19.90\",\"customer\":\"\\\"Smith\",\"id\":\"2041\",\"qty\":0,"
            + "\"totalEur\":0.00}";
    Failed rejected =
        failed(
            runtime.execute(
                validate, TestModules.input(bad).withEntry(new Invocation.Entry.Plugin("run"))),
            FailureCode.EXIT);
    assertTrue(
        rejected
            .message()
            .startsWith(
                "plug-in function 'run' returned 1: order 2041: qty must be >= 1, got 0;"
                    + " order 2041: currency must be 3 uppercase letters, got \"19.90\";"
                    + " order 2041: totalEur must be > 0, got 0.00"),
        rejected.message());
    assertEquals(
        List.of(
            "[ERROR] order 2041: qty must be >= 1, got 0",
            "[ERROR] order 2041: currency must be 3 uppercase letters, got \"19.90\"",
            "[ERROR] order 2041: totalEur must be > 0, got 0.00"),
        rejected.logs().lines().toList());
  }

  @Test
  void registrationChecksImportsAndPluginFunctions() throws Exception {
    ModuleInfo info = runtime.inspect(TestModules.bytes("extism-kit"), Abi.EXTISM);
    assertTrue(info.exports().containsAll(List.of("run", "echo", "void_fn")), info.toString());
    assertTrue(!info.exports().contains("memory"), "only callable functions are listed");

    assertRefused(
        "extism-badimport", Abi.EXTISM, "imports unknown Extism kernel function 'teleport'");
    assertRefused("extism-oldpdk", Abi.EXTISM, "a PDK older than 1.0");
    assertRefused("extism-nofunc", Abi.EXTISM, "exports no plug-in function");
    assertRefused(
        "extism-kit", Abi.WASI, "imports the Extism kernel (extism:host/env), so it is an Extism");
  }

  private static void assertRefused(String module, Abi abi, String expected) {
    InvalidModuleException e =
        assertThrows(
            InvalidModuleException.class, () -> runtime.inspect(TestModules.bytes(module), abi));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  private static String text(Succeeded result) {
    return new String(result.outputBytes(), UTF_8);
  }

  private static byte[] resource(String path) throws java.io.IOException {
    try (var in = ExtismPluginTest.class.getResourceAsStream(path)) {
      return in.readAllBytes();
    }
  }
}
