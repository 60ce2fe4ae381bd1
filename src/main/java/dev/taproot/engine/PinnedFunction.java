package dev.taproot.engine;

import java.util.Map;

/** The exact module a step alias runs in a run (the workflow's pin, or a redrive override). */
public record PinnedFunction(String alias, String ref, String digest, Map<String, String> env) {
  public PinnedFunction {
    env = Map.copyOf(env);
  }
}
