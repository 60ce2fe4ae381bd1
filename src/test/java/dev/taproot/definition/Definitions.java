package dev.taproot.definition;

/** Workflow definitions from YAML, for tests outside this package that need no database. */
public final class Definitions {
  private Definitions() {}

  /**
   * Parses {@code yaml} against the fixtures' registry plus a function {@code fn}, so that {@code
   * ref: fn} resolves.
   *
   * @throws InvalidDefinitionException listing every error, as a submission would
   */
  public static WorkflowDefinition parse(String yaml) {
    return DefinitionParser.parse(yaml, FakeRegistry.standard().register("fn", 1, "wasi"))
        .definition();
  }
}
