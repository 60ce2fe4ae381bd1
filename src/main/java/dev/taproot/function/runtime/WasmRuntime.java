package dev.taproot.function.runtime;

import com.dylibso.chicory.wasm.WasmModule;
import dev.taproot.function.Abi;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Runs {@code wasi} functions and {@code extism} plug-ins (SPEC §3) with Chicory: validates
 * modules, compiles each digest once, and executes every invocation in a fresh instance under its
 * limits.
 *
 * <p>Thread-safe: any number of threads may compile and execute at once. Each execution runs on the
 * thread that calls {@link #execute}; a thread runs one execution at a time. Close the runtime to
 * stop its watchdog thread.
 */
public final class WasmRuntime implements AutoCloseable {

  /** Compiled functions kept by default; a compiled module costs roughly its size again in heap. */
  public static final int DEFAULT_CACHE_ENTRIES = 256;

  /** Idle memory chunks kept for the pooled memory modes ({@link MemoryMode#pooled()}). */
  private static final long POOLED_BYTES = 64L * 1024 * 1024;

  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
  private static final String SHA256_PREFIX = "sha256:";

  private final ModuleInspector inspector = new ModuleInspector();
  private final FunctionCompiler compiler = new FunctionCompiler();
  private final FunctionCache cache;
  private final Watchdog watchdog = new Watchdog();
  private final FunctionExecutor executor;
  private volatile boolean closed;

  public WasmRuntime() {
    this(DEFAULT_CACHE_ENTRIES);
  }

  /** A runtime keeping at most {@code cacheEntries} compiled functions. */
  public WasmRuntime(int cacheEntries) {
    this(cacheEntries, InstantiationObserver.NONE);
  }

  /** A runtime that also reports every instance it builds to {@code observer}. */
  public WasmRuntime(int cacheEntries, InstantiationObserver observer) {
    this(cacheEntries, observer, MemoryMode.DEFAULT);
  }

  /**
   * A runtime giving executions their memory the way {@code memoryMode} says; for benchmarks and
   * tests that compare the modes, the service keeps {@link MemoryMode#DEFAULT}.
   */
  public WasmRuntime(int cacheEntries, InstantiationObserver observer, MemoryMode memoryMode) {
    this.cache = new FunctionCache(cacheEntries);
    this.executor =
        new FunctionExecutor(
            watchdog,
            new JsonOutput(),
            Objects.requireNonNull(observer),
            Objects.requireNonNull(memoryMode),
            new ChunkPool(POOLED_BYTES));
  }

  /** Validates a module for the {@code wasi} ABI and describes it; compiles nothing. */
  public ModuleInfo inspect(byte[] wasm) throws InvalidModuleException {
    return inspect(wasm, Abi.WASI);
  }

  /**
   * Validates a module for {@code abi} and describes it; compiles nothing. For {@code extism} the
   * exports listed are the plug-in functions a step can call.
   */
  public ModuleInfo inspect(byte[] wasm, Abi abi) throws InvalidModuleException {
    Objects.requireNonNull(wasm, "wasm");
    Objects.requireNonNull(abi, "abi");
    return inspector.describe(inspector.validate(wasm, abi), wasm.length, abi);
  }

  /**
   * The compiled function for a digest, compiling {@code wasm} if this digest is not cached.
   *
   * @param digest the module's sha-256, as {@code sha256:<hex>} or bare hex; checked against the
   *     bytes when they are compiled, since a wrong digest would serve one module's executions with
   *     another's code
   */
  public CompiledFunction compile(String digest, byte[] wasm) throws InvalidModuleException {
    Objects.requireNonNull(wasm, "wasm");
    String key = normalize(digest);
    return cache.get(
        key,
        () -> {
          requireDigest(key, wasm);
          WasmModule module = inspector.validate(wasm);
          return compiler.compile(key, module, inspector.describe(module, wasm.length));
        });
  }

  /**
   * The module run by Chicory's interpreter alone, not cached: the baseline the benchmark compares
   * compiled code against. Never use it to serve executions; it is many times slower.
   */
  public CompiledFunction interpret(String digest, byte[] wasm) throws InvalidModuleException {
    Objects.requireNonNull(wasm, "wasm");
    String key = normalize(digest);
    requireDigest(key, wasm);
    WasmModule module = inspector.validate(wasm);
    return compiler.interpret(key, module, inspector.describe(module, wasm.length));
  }

  /**
   * Runs one invocation in a fresh instance on the calling thread. Never throws for anything the
   * guest does: traps, exits, timeouts and limits are {@link ExecutionResult.Failed} results. If
   * the calling thread is interrupted, the result is CANCELLED and the interrupt flag stays set.
   */
  public ExecutionResult execute(CompiledFunction function, Invocation invocation) {
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(invocation, "invocation");
    if (closed) {
      throw new IllegalStateException("this WasmRuntime is closed: its watchdog has stopped");
    }
    return executor.execute(function, invocation);
  }

  /** How many compiled functions the cache holds now. */
  public int cachedFunctions() {
    return cache.size();
  }

  /** The sha-256 digest of a module, as {@code sha256:<hex>}. */
  public static String digestOf(byte[] wasm) {
    try {
      return SHA256_PREFIX
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(wasm));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM provides SHA-256", e);
    }
  }

  @Override
  public void close() {
    closed = true;
    watchdog.close();
  }

  private static String normalize(String digest) {
    Objects.requireNonNull(digest, "digest");
    String hex = digest.toLowerCase(Locale.ROOT);
    if (hex.startsWith(SHA256_PREFIX)) {
      hex = hex.substring(SHA256_PREFIX.length());
    }
    if (!SHA256_HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException(
          "digest must be a sha-256 as 'sha256:<64 hex digits>', was '" + digest + "'");
    }
    return SHA256_PREFIX + hex;
  }

  private static void requireDigest(String digest, byte[] wasm) {
    String actual = digestOf(wasm);
    if (!actual.equals(digest)) {
      throw new IllegalArgumentException(
          "digest " + digest + " does not match the module bytes, whose digest is " + actual);
    }
  }
}
