package dev.taproot.engine;

import dev.taproot.function.Abi;
import dev.taproot.function.runtime.Invocation;
import java.util.Map;
import java.util.Objects;

/**
 * The exact module a step alias runs in a run (the workflow's pin, or a redrive override).
 *
 * @param env the environment of a wasi command, the config of an extism plug-in
 * @param entry where an execution enters it: {@code _start}, or the plug-in function the alias
 *     names
 */
public record PinnedFunction(
    String alias, String ref, String digest, Map<String, String> env, Invocation.Entry entry) {
  public PinnedFunction {
    env = Map.copyOf(env);
    Objects.requireNonNull(entry, "entry");
  }

  /** A function registered with {@code abi} ({@code wasi} or {@code extism}). */
  public static PinnedFunction of(
      String alias, String ref, String digest, Map<String, String> env, String abi, String export) {
    return new PinnedFunction(alias, ref, digest, env, Invocation.Entry.of(Abi.parse(abi), export));
  }
}
