package dev.taproot.definition;

import java.util.Objects;

/**
 * An accepted submission.
 *
 * @param definition the validated model
 * @param pinnedYaml the submitted text with every {@code ref:} replaced in place by {@code
 *     name@version}: what is stored and shown, and what parses back to the same definition
 */
public record ParsedDefinition(WorkflowDefinition definition, String pinnedYaml) {
  public ParsedDefinition {
    Objects.requireNonNull(definition, "definition");
    Objects.requireNonNull(pinnedYaml, "pinnedYaml");
  }
}
