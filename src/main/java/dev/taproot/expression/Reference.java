package dev.taproot.expression;

import java.util.Objects;

/**
 * One use of a variable in an expression: the longest select chain rooted at the variable, as
 * written (indexing and calls end the chain). The engine turns these into dependency edges and
 * lineage paths.
 *
 * @param kind what the chain is rooted at
 * @param stepId the step named by {@code steps.<id>}; null unless the kind is STEP_*
 * @param path the chain, e.g. {@code steps.parse.output.orders}, {@code input.rates}
 */
public record Reference(Kind kind, String stepId, String path) {

  public enum Kind {
    INPUT("input"),
    RUN("run"),
    STEP_OUTPUT("steps"),
    STEP_ITEMS("steps"),
    ITEM("item");

    private final String variable;

    Kind(String variable) {
      this.variable = variable;
    }

    /** The CEL variable this kind of reference starts at. */
    public String variable() {
      return variable;
    }

    public boolean isStep() {
      return this == STEP_OUTPUT || this == STEP_ITEMS;
    }
  }

  public Reference {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(path, "path");
    if (kind.isStep() != (stepId != null)) {
      throw new IllegalArgumentException(
          "stepId is required for STEP_OUTPUT and STEP_ITEMS, and only for them: " + kind);
    }
    String root =
        switch (kind) {
          case STEP_OUTPUT -> "steps." + stepId + ".output";
          case STEP_ITEMS -> "steps." + stepId + ".items";
          default -> kind.variable();
        };
    if (!path.equals(root) && !path.startsWith(root + ".")) {
      throw new IllegalArgumentException("path '" + path + "' does not start with " + root);
    }
  }
}
