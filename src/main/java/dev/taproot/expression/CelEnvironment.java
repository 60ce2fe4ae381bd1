package dev.taproot.expression;

import dev.cel.common.CelOptions;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.List;

/** The one CEL compiler and runtime every expression shares; both are immutable and thread-safe. */
final class CelEnvironment {

  /** The variables an expression may use, in the order error messages list them. */
  static final List<String> VARIABLES = List.of("input", "run", "steps", "item");

  /** The fields of {@code run}. */
  static final List<String> RUN_FIELDS = List.of("id", "workflow", "version");

  // JSON numbers arrive as int or double depending on how they were written ("total": 3 vs 3.0),
  // so `item.output.total > 0.0` must compare an int with a double instead of failing at runtime.
  // The cost limit: a `when` or `forEach` that loops over loops (a map inside a map over 100,000
  // records is 10^10 steps) fails as EXPRESSION instead of holding a worker or the scheduler for
  // hours. Enough for one pass over 10 million items.
  private static final CelOptions OPTIONS =
      CelOptions.current()
          .enableHeterogeneousNumericComparisons(true)
          .comprehensionMaxIterations(Expression.MAX_ITERATIONS)
          .build();

  static final CelCompiler COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setOptions(OPTIONS)
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("input", SimpleType.DYN)
          .addVar("run", SimpleType.DYN)
          .addVar("steps", MapType.create(SimpleType.STRING, SimpleType.DYN))
          .addVar("item", SimpleType.DYN)
          .build();

  static final CelRuntime RUNTIME =
      CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

  private CelEnvironment() {}
}
