package dev.taproot.expression;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelExpr.CelComprehension;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the variable references of a checked CEL AST: each longest select chain rooted at one of
 * the declared variables, honouring comprehension variables that shadow them. It also enforces the
 * shape Taproot gives {@code steps} and {@code run}, which the CEL type checker cannot (both are
 * dyn maps to it).
 */
final class ReferenceExtractor {

  /** What was found. */
  record Result(
      Map<Reference, Integer> references,
      Optional<Reference> soleReference,
      List<InvalidExpressionException.Issue> issues) {}

  private final CelAbstractSyntaxTree ast;
  private final Map<Reference, Integer> references = new LinkedHashMap<>();
  private final List<InvalidExpressionException.Issue> issues = new ArrayList<>();

  private ReferenceExtractor(CelAbstractSyntaxTree ast) {
    this.ast = ast;
  }

  static Result extract(CelAbstractSyntaxTree ast) {
    ReferenceExtractor extractor = new ReferenceExtractor(ast);
    extractor.visit(ast.getExpr(), Set.of());
    Optional<Reference> sole = Optional.empty();
    if (extractor.issues.isEmpty() && extractor.references.size() == 1) {
      // The whole expression is the chain when the chain's root ident is all there is beneath it.
      List<String> chain = chainOf(ast.getExpr());
      // has(item.fail) reads the same chain, but it is a presence test, not item.fail's value.
      boolean presenceTest =
          ast.getExpr().getKind() == CelExpr.ExprKind.Kind.SELECT
              && ast.getExpr().select().testOnly();
      if (chain != null && !presenceTest) {
        sole = Optional.of(extractor.references.keySet().iterator().next());
      }
    }
    return new Result(
        Collections.unmodifiableMap(extractor.references), sole, List.copyOf(extractor.issues));
  }

  private void visit(CelExpr expr, Set<String> locals) {
    switch (expr.getKind()) {
      case IDENT, SELECT -> {
        List<String> chain = chainOf(expr);
        if (chain != null && isVariable(chain.get(0), locals)) {
          record(chain, rootOf(expr));
        } else if (expr.getKind() == CelExpr.ExprKind.Kind.SELECT) {
          visit(expr.select().operand(), locals);
        }
      }
      case CALL -> {
        expr.call().target().ifPresent(target -> visit(target, locals));
        expr.call().args().forEach(arg -> visit(arg, locals));
      }
      case LIST -> expr.list().elements().forEach(element -> visit(element, locals));
      case MAP ->
          expr.map()
              .entries()
              .forEach(
                  entry -> {
                    visit(entry.key(), locals);
                    visit(entry.value(), locals);
                  });
      case STRUCT -> expr.struct().entries().forEach(entry -> visit(entry.value(), locals));
      case COMPREHENSION -> visitComprehension(expr.comprehension(), locals);
      default -> {
        // constants and unset nodes reference nothing
      }
    }
  }

  private void visitComprehension(CelComprehension loop, Set<String> locals) {
    visit(loop.iterRange(), locals);
    visit(loop.accuInit(), locals);
    Set<String> inner = new HashSet<>(locals);
    inner.add(loop.iterVar());
    if (!loop.iterVar2().isEmpty()) {
      inner.add(loop.iterVar2());
    }
    inner.add(loop.accuVar());
    visit(loop.loopCondition(), inner);
    visit(loop.loopStep(), inner);
    visit(loop.result(), inner);
  }

  private static boolean isVariable(String name, Set<String> locals) {
    return CelEnvironment.VARIABLES.contains(name) && !locals.contains(name);
  }

  /** The names of a pure ident/select chain, root first; null when the chain ends elsewhere. */
  private static List<String> chainOf(CelExpr expr) {
    List<String> reversed = new ArrayList<>();
    CelExpr current = expr;
    while (current.getKind() == CelExpr.ExprKind.Kind.SELECT) {
      reversed.add(current.select().field());
      current = current.select().operand();
    }
    if (current.getKind() != CelExpr.ExprKind.Kind.IDENT) {
      return null;
    }
    reversed.add(current.ident().name());
    Collections.reverse(reversed);
    return reversed;
  }

  private static CelExpr rootOf(CelExpr expr) {
    CelExpr current = expr;
    while (current.getKind() == CelExpr.ExprKind.Kind.SELECT) {
      current = current.select().operand();
    }
    return current;
  }

  private void record(List<String> chain, CelExpr root) {
    int offset = ast.getSource().getPositionsMap().getOrDefault(root.id(), -1);
    String path = String.join(".", chain);
    Reference reference =
        switch (chain.get(0)) {
          case "input" -> new Reference(Reference.Kind.INPUT, null, path);
          case "item" -> new Reference(Reference.Kind.ITEM, null, path);
          case "run" -> runReference(chain, path, offset);
          default -> stepReference(chain, path, offset);
        };
    if (reference != null) {
      references.putIfAbsent(reference, offset);
    }
  }

  private Reference runReference(List<String> chain, String path, int offset) {
    if (chain.size() > 1 && !CelEnvironment.RUN_FIELDS.contains(chain.get(1))) {
      issue(offset, "run has no field '" + chain.get(1) + "'; it has id, workflow and version");
      return null;
    }
    return new Reference(Reference.Kind.RUN, null, path);
  }

  private Reference stepReference(List<String> chain, String path, int offset) {
    if (chain.size() < 3) {
      String step = chain.size() == 2 ? chain.get(1) : "<id>";
      issue(
          offset,
          "'"
              + path
              + "' is not a step result: write steps."
              + step
              + ".output (a step without forEach) or steps."
              + step
              + ".items (a forEach step)");
      return null;
    }
    String step = chain.get(1);
    return switch (chain.get(2)) {
      case "output" -> new Reference(Reference.Kind.STEP_OUTPUT, step, path);
      case "items" -> new Reference(Reference.Kind.STEP_ITEMS, step, path);
      default -> {
        issue(
            offset,
            "a step has no '"
                + chain.get(2)
                + "': write steps."
                + step
                + ".output (a step without forEach) or steps."
                + step
                + ".items (a forEach step)");
        yield null;
      }
    };
  }

  private void issue(int offset, String message) {
    issues.add(
        new InvalidExpressionException.Issue(
            offset,
            "bad reference" + SourcePositions.describe(ast.getSource(), offset) + ": " + message));
  }
}
