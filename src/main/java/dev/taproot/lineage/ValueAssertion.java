package dev.taproot.lineage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.taproot.definition.Contract;
import dev.taproot.expression.CelValues;
import java.util.List;
import java.util.Map;

/**
 * What origin search checks every upstream value against: a CEL predicate over {@code value}, or a
 * JSON Schema. A CEL predicate that cannot be evaluated on a value (a field it does not have) does
 * not apply to that value, so a check written for orders passes over the raw CSV record.
 */
public sealed interface ValueAssertion permits ValueAssertion.Cel, ValueAssertion.Schema {

  /** How one value fared. */
  enum Verdict {
    HOLDS,
    FAILS,
    NOT_APPLICABLE
  }

  /** A verdict with the reason for it (empty when it holds). */
  record Check(Verdict verdict, String reason) {
    static final Check HOLDS = new Check(Verdict.HOLDS, "");
  }

  Check check(JsonNode value);

  String describe();

  /** A CEL predicate over the variable {@code value}. */
  record Cel(String source, CelRuntime.Program program) implements ValueAssertion {
    private static final CelOptions OPTIONS =
        CelOptions.current().enableHeterogeneousNumericComparisons(true).build();
    private static final CelCompiler COMPILER =
        CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("value", SimpleType.DYN)
            .setResultType(SimpleType.BOOL)
            .build();
    private static final CelRuntime RUNTIME =
        CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

    /**
     * @throws InvalidAssertionException naming the position of the error in the expression
     */
    public static Cel compile(String source) {
      try {
        CelAbstractSyntaxTree ast = COMPILER.compile(source).getAst();
        return new Cel(source, RUNTIME.createProgram(ast));
      } catch (CelValidationException e) {
        throw new InvalidAssertionException(
            "assert '" + source + "' does not compile: " + e.getMessage());
      } catch (dev.cel.common.CelException e) {
        throw new InvalidAssertionException(
            "assert '" + source + "' cannot run: " + e.getMessage());
      }
    }

    @Override
    public Check check(JsonNode value) {
      Object result;
      try {
        result = program.eval(Map.of("value", CelValues.toCel(value)));
      } catch (CelEvaluationException e) {
        return new Check(Verdict.NOT_APPLICABLE, e.getMessage());
      }
      return Boolean.TRUE.equals(result)
          ? Check.HOLDS
          : new Check(Verdict.FAILS, source + " is false");
    }

    @Override
    public String describe() {
      return "assert " + source;
    }
  }

  /** A JSON Schema every value must satisfy. */
  record Schema(Contract contract, String origin) implements ValueAssertion {
    @Override
    public Check check(JsonNode value) {
      List<String> problems = contract.violations(value);
      return problems.isEmpty()
          ? Check.HOLDS
          : new Check(Verdict.FAILS, String.join("; ", problems));
    }

    @Override
    public String describe() {
      return origin;
    }
  }

  /** An assertion the user sent that cannot be used; the message names where it is wrong. */
  final class InvalidAssertionException extends RuntimeException {
    public InvalidAssertionException(String message) {
      super(message);
    }
  }
}
