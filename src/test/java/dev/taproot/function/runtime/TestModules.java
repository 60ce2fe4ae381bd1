package dev.taproot.function.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;

/** The test modules built by functions/hostile/build.sh, and invocations to run them with. */
final class TestModules {

  static final Instant CLOCK = Instant.parse("2025-03-01T12:00:00Z");
  static final long SEED = 42;

  private TestModules() {}

  static byte[] bytes(String name) {
    try (InputStream in = TestModules.class.getResourceAsStream("/wasm/" + name + ".wasm")) {
      if (in == null) {
        throw new IllegalStateException(
            "missing test module " + name + ".wasm; run functions/hostile/build.sh");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static CompiledFunction compile(WasmRuntime runtime, String name) {
    byte[] wasm = bytes(name);
    try {
      return runtime.compile(WasmRuntime.digestOf(wasm), wasm);
    } catch (InvalidModuleException e) {
      throw new AssertionError(name + " should be a valid module: " + e.getMessage(), e);
    }
  }

  static Invocation input(String json) {
    return Invocation.of(json.getBytes(UTF_8), CLOCK, SEED);
  }

  static Invocation input(String json, Limits limits) {
    return input(json).withLimits(limits);
  }
}
