package dev.taproot.expression;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelSource;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelKind;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelUnknownSet;
import dev.cel.runtime.CelVariableResolver;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One CEL expression (the text inside {@code ${{ }}}), parsed, type-checked and planned once.
 * Immutable and safe to evaluate from many threads at once. Equal when the source text is.
 */
public final class Expression {

  private static final Pattern UNDECLARED =
      Pattern.compile("undeclared reference to '([^']*)' \\(in container '[^']*'\\)");
  private static final Pattern EVALUATION_PREFIX =
      Pattern.compile("^evaluation error at [^:]*:(\\d+): (.*)$", Pattern.DOTALL);
  private static final Pattern LONG_EXPECTATION = Pattern.compile(" expecting \\{[^}]{40,}\\}");
  private static final Pattern CANDIDATES = Pattern.compile(" \\(candidates: .*\\)$");
  private static final Pattern MISSING_KEY =
      Pattern.compile("key '(.*)' is not present in map\\.?", Pattern.DOTALL);

  /** Most comprehension iterations (map, filter, all, exists…) one evaluation may take. */
  public static final int MAX_ITERATIONS = 10_000_000;

  private static final Pattern ITERATION_BUDGET =
      Pattern.compile(".*[Ii]teration budget exceeded.*", Pattern.DOTALL);

  private final String source;
  private final CelAbstractSyntaxTree ast;
  private final CelRuntime.Program program;
  private final Map<Reference, Integer> references;
  private final Optional<Reference> soleReference;
  private final Set<String> variables;

  private Expression(String source, CelAbstractSyntaxTree ast, ReferenceExtractor.Result found) {
    this.source = source;
    this.ast = ast;
    this.references = found.references();
    this.soleReference = found.soleReference();
    Set<String> used = new LinkedHashSet<>();
    references.keySet().forEach(reference -> used.add(reference.kind().variable()));
    this.variables = Set.copyOf(used);
    try {
      this.program = CelEnvironment.RUNTIME.createProgram(ast);
    } catch (CelEvaluationException e) {
      throw new InvalidExpressionException(
          List.of(
              new InvalidExpressionException.Issue(-1, "CEL cannot plan it: " + e.getMessage())));
    }
  }

  /**
   * Compiles {@code source}.
   *
   * @throws InvalidExpressionException listing every syntax, type and reference problem
   */
  public static Expression compile(String source) {
    Objects.requireNonNull(source, "source");
    if (source.isBlank()) {
      throw new InvalidExpressionException(
          List.of(
              new InvalidExpressionException.Issue(
                  -1, "empty expression: write a CEL expression inside ${{ }}")));
    }
    CelValidationResult parsed = CelEnvironment.COMPILER.parse(source);
    if (parsed.hasError()) {
      throw invalid("CEL syntax error", parsed);
    }
    CelValidationResult checked;
    try {
      checked = CelEnvironment.COMPILER.check(parsed.getAst());
    } catch (CelValidationException e) {
      throw new IllegalStateException("a parse without errors has an AST", e);
    }
    if (checked.hasError()) {
      throw invalid("CEL type error", checked);
    }
    CelAbstractSyntaxTree ast;
    try {
      ast = checked.getAst();
    } catch (CelValidationException e) {
      throw new IllegalStateException("a check without errors has an AST", e);
    }
    ReferenceExtractor.Result found = ReferenceExtractor.extract(ast);
    if (!found.issues().isEmpty()) {
      throw new InvalidExpressionException(found.issues());
    }
    return new Expression(source, ast, found);
  }

  private static InvalidExpressionException invalid(String kind, CelValidationResult result) {
    CelSource celSource = result.getSource();
    List<InvalidExpressionException.Issue> issues = new ArrayList<>();
    for (CelIssue issue : result.getErrors()) {
      int offset = celSource.getLocationOffset(issue.getSourceLocation()).orElse(-1);
      String message = readable(issue.getMessage());
      Matcher undeclared = UNDECLARED.matcher(message);
      if (undeclared.matches()) {
        message =
            "'"
                + undeclared.group(1)
                + "' is not defined; the variables are "
                + String.join(", ", CelEnvironment.VARIABLES);
      }
      issues.add(
          new InvalidExpressionException.Issue(
              offset, kind + SourcePositions.describe(celSource, offset) + ": " + message));
    }
    return new InvalidExpressionException(issues);
  }

  /** ANTLR's wording, made shorter: the list of every token it expected helps nobody. */
  private static String readable(String message) {
    String shorter = LONG_EXPECTATION.matcher(message).replaceAll("");
    shorter = CANDIDATES.matcher(shorter).replaceAll("");
    if (shorter.startsWith("mismatched input '<EOF>'")) {
      return "the expression ends too early";
    }
    return shorter
        .replace("mismatched input ", "unexpected ")
        .replace("extraneous input ", "unexpected ")
        .replace("'<EOF>'", "the end of the expression");
  }

  /** The CEL source text, without the {@code ${{ }}}. */
  public String source() {
    return source;
  }

  /** The variable references, each once, in order of first appearance. */
  public List<Reference> references() {
    return List.copyOf(references.keySet());
  }

  /** Where {@code reference} first appears (code-point offset into the source), or -1. */
  public int offsetOf(Reference reference) {
    return references.getOrDefault(reference, -1);
  }

  /** The reference, when the whole expression is nothing but one select chain. */
  public Optional<Reference> soleReference() {
    return soleReference;
  }

  /** False when the type checker proved the result is never a boolean. */
  public boolean mayYieldBoolean() {
    return mayYield(CelKind.BOOL);
  }

  /** False when the type checker proved the result is never a list. */
  public boolean mayYieldList() {
    return mayYield(CelKind.LIST);
  }

  /** The result type the checker inferred, e.g. {@code dyn}, {@code bool}, {@code list}. */
  public String resultType() {
    return ast.getResultType().name();
  }

  private boolean mayYield(CelKind kind) {
    CelKind actual = ast.getResultType().kind();
    return actual == kind || actual == CelKind.DYN || actual == CelKind.ANY;
  }

  /**
   * Evaluates to a CEL-native value (see {@link CelValues}).
   *
   * @throws ExpressionException when a variable it uses is unbound or CEL fails
   */
  public Object evaluateCel(Bindings bindings) {
    Objects.requireNonNull(bindings, "bindings");
    for (String variable : variables) {
      if (bindings.celValue(variable) == null) {
        throw new ExpressionException(source, "'" + variable + "' is not available here");
      }
    }
    Object result;
    try {
      result =
          program.eval((CelVariableResolver) name -> Optional.ofNullable(bindings.celValue(name)));
    } catch (CelEvaluationException e) {
      throw new ExpressionException(source, describe(e), e);
    }
    if (result instanceof CelUnknownSet) {
      // CEL answers an unknown set, not an error, when the resolver lacks a variable.
      throw new ExpressionException(source, "it uses a variable that is not bound");
    }
    return result;
  }

  /** Evaluates to JSON. */
  public JsonNode evaluate(Bindings bindings) {
    if (soleReference.isPresent()) {
      Reference ref = soleReference.get();
      JsonNode root = ref.kind().isStep() ? null : bindings.jsonValue(ref.kind().variable());
      if (root != null) {
        return select(root, ref.path());
      }
    }
    Object result = evaluateCel(bindings);
    try {
      return CelValues.toJson(result);
    } catch (IllegalArgumentException e) {
      throw new ExpressionException(source, e.getMessage(), e);
    }
  }

  /** Walks {@code a.b.c} below the variable, failing as CEL would on a missing key. */
  private JsonNode select(JsonNode root, String path) {
    JsonNode node = root;
    int dot = path.indexOf('.');
    while (dot >= 0) {
      int next = path.indexOf('.', dot + 1);
      String field = next < 0 ? path.substring(dot + 1) : path.substring(dot + 1, next);
      JsonNode child = node.isObject() ? node.get(field) : null;
      if (child == null) {
        throw new ExpressionException(
            source,
            node.isObject()
                ? "no such key: " + field
                : "'" + path.substring(0, dot) + "' is not an object, it has no field " + field);
      }
      node = child;
      dot = next;
    }
    return node;
  }

  /** Evaluates a condition, which must give true or false. */
  public boolean test(Bindings bindings) {
    Object result = evaluateCel(bindings);
    if (result instanceof Boolean b) {
      return b;
    }
    throw new ExpressionException(
        source, "a condition must be true or false, but this gave " + CelValues.toJson(result));
  }

  private String describe(CelEvaluationException e) {
    String message = Objects.requireNonNullElse(e.getMessage(), e.toString());
    String where = "";
    Matcher prefix = EVALUATION_PREFIX.matcher(message);
    if (prefix.matches()) {
      where = SourcePositions.describe(ast.getSource(), Integer.parseInt(prefix.group(1)));
      message = prefix.group(2);
    }
    if (ITERATION_BUDGET.matcher(message).matches()) {
      message =
          "it takes more than "
              + MAX_ITERATIONS
              + " comprehension steps (the cost limit of one evaluation); a map or filter inside"
              + " another multiplies their sizes: filter the data in a step instead";
    }
    Matcher missing = MISSING_KEY.matcher(message);
    if (missing.matches()) {
      message = "no such key: " + missing.group(1);
    }
    return message + (where.isEmpty() ? "" : " (" + where.strip() + ")");
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Expression that && source.equals(that.source);
  }

  @Override
  public int hashCode() {
    return source.hashCode();
  }

  @Override
  public String toString() {
    return "${{ " + source + " }}";
  }
}
