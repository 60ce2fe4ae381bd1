package dev.taproot.function.runtime;

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
 */
public record Invocation(
    byte[] input, Map<String, String> env, Instant clock, long seed, Limits limits) {

  /** The latest start time whose nanoseconds since the epoch still fit a signed 64-bit value. */
  private static final Instant LATEST_CLOCK =
      Instant.ofEpochSecond(Long.MAX_VALUE / 1_000_000_000L);

  public Invocation {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(limits, "limits");
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

  /** An invocation with no environment and the default limits. */
  public static Invocation of(byte[] input, Instant clock, long seed) {
    return new Invocation(input, Map.of(), clock, seed, Limits.DEFAULTS);
  }

  public Invocation withLimits(Limits newLimits) {
    return new Invocation(input, env, clock, seed, newLimits);
  }

  public Invocation withSeed(long newSeed) {
    return new Invocation(input, env, clock, newSeed, limits);
  }

  public Invocation withEnv(Map<String, String> newEnv) {
    return new Invocation(input, newEnv, clock, seed, limits);
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
