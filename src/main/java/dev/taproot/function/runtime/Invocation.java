package dev.taproot.function.runtime;

import dev.taproot.function.Abi;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything one execution of a function depends on besides the module. Same module and same
 * invocation give the same output bytes: that is what makes a replay exact.
 *
 * @param input the guest's stdin, UTF-8 JSON (not copied: do not change it afterwards)
 * @param env the guest's whole environment; the host environment is never visible
 * @param clock the execution's recorded start time; the guest's clocks start there
 * @param seed seeds the generator behind {@code random_get}
 * @param limits what the execution may use
 * @param entry what the execution calls: a WASI command's {@code _start}, or an Extism plug-in's
 *     exported function (whose config is {@code env})
 */
public record Invocation(
    byte[] input, Map<String, String> env, Instant clock, long seed, Limits limits, Entry entry) {

  /** Where an execution enters the module: the ABI it was registered with decides. */
  public sealed interface Entry {
    /** The {@code wasi} ABI: {@code _start}, with the input on stdin and the output on stdout. */
    Entry COMMAND = new Command();

    /** The {@code wasi} ABI's entry. */
    record Command() implements Entry {}

    /**
     * The {@code extism} ABI: the exported function {@code export}, with the input and output in
     * the kernel's memory.
     */
    record Plugin(String export) implements Entry {
      public Plugin {
        if (export == null || export.isBlank()) {
          throw new IllegalArgumentException("a plug-in call must name the exported function");
        }
      }
    }

    /** The entry for an ABI: {@code export} is only read for {@code extism}. */
    static Entry of(Abi abi, String export) {
      return abi == Abi.EXTISM ? new Plugin(export) : COMMAND;
    }
  }

  /** The latest start time whose nanoseconds since the epoch still fit a signed 64-bit value. */
  private static final Instant LATEST_CLOCK =
      Instant.ofEpochSecond(Long.MAX_VALUE / 1_000_000_000L);

  public Invocation {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(entry, "entry");
    // Sorted, so the guest sees its environment in the same order on every replay, whatever
    // map the caller happened to build.
    TreeMap<String, String> sorted = new TreeMap<>();
    env.forEach(
        (name, value) -> {
          checkEnvironmentEntry(name, value);
          sorted.put(name, value);
        });
    env = Collections.unmodifiableSortedMap(sorted);
    if (clock.isBefore(Instant.EPOCH) || clock.isAfter(LATEST_CLOCK)) {
      throw new IllegalArgumentException(
          "clock must lie between 1970 and 2262 (WASI reads it as nanoseconds since the epoch), was "
              + clock);
    }
  }

  /** A {@code wasi} command invocation. */
  public Invocation(
      byte[] input, Map<String, String> env, Instant clock, long seed, Limits limits) {
    this(input, env, clock, seed, limits, Entry.COMMAND);
  }

  /** An invocation with no environment and the default limits. */
  public static Invocation of(byte[] input, Instant clock, long seed) {
    return new Invocation(input, Map.of(), clock, seed, Limits.DEFAULTS);
  }

  public Invocation withLimits(Limits newLimits) {
    return new Invocation(input, env, clock, seed, newLimits, entry);
  }

  public Invocation withSeed(long newSeed) {
    return new Invocation(input, env, clock, newSeed, limits, entry);
  }

  public Invocation withEnv(Map<String, String> newEnv) {
    return new Invocation(input, newEnv, clock, seed, limits, entry);
  }

  /** The same invocation entering the module at {@code newEntry}. */
  public Invocation withEntry(Entry newEntry) {
    return new Invocation(input, env, clock, seed, limits, newEntry);
  }

  private static void checkEnvironmentEntry(String name, String value) {
    if (name == null || value == null) {
      throw new IllegalArgumentException("environment names and values must not be null");
    }
    if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "environment variable name must be non-empty without '=' or NUL, was '" + name + "'");
    }
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "environment variable " + name + " has a NUL character, which C guests cannot read");
    }
  }
}
