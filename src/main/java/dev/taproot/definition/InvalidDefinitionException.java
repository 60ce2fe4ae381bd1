package dev.taproot.definition;

import java.util.List;
import java.util.stream.Collectors;

/** A definition was rejected; {@link #errors()} lists every problem found, in document order. */
public class InvalidDefinitionException extends RuntimeException {

  private final List<DefinitionError> errors;

  public InvalidDefinitionException(List<DefinitionError> errors) {
    super(summary(errors));
    this.errors = errors.stream().sorted(DefinitionError.BY_POSITION).toList();
  }

  public List<DefinitionError> errors() {
    return errors;
  }

  private static String summary(List<DefinitionError> errors) {
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("an invalid definition has at least one error");
    }
    return errors.size()
        + (errors.size() == 1 ? " error" : " errors")
        + " in the workflow definition:\n"
        + errors.stream()
            .sorted(DefinitionError.BY_POSITION)
            .map(error -> "  " + error)
            .collect(Collectors.joining("\n"));
  }
}
