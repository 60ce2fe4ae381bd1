package dev.taproot.definition;

import dev.taproot.expression.Expression;
import dev.taproot.expression.InvalidExpressionException;
import dev.taproot.expression.Reference;
import dev.taproot.expression.Template;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** Reads one step's fields and fills in the defaults. Cross-step checks come later. */
final class StepReader {

  static final List<String> FIELDS =
      List.of(
          "function",
          "input",
          "forEach",
          "when",
          "needs",
          "retry",
          "timeout",
          "limits",
          "contract");
  static final List<String> LIMIT_FIELDS = List.of("memory", "output");
  static final List<String> CONTRACT_FIELDS = List.of("input", "output");

  private static final long MIN_MEMORY = 64L << 10;
  private static final long MAX_MEMORY = 4L << 30;

  /** A step read on its own; dependsOn is added once every reference is known. */
  record Draft(
      String id,
      String function,
      Template input,
      ForEach forEach,
      Expression when,
      Set<String> needs,
      RetryPolicy retry,
      Duration timeout,
      long memoryBytes,
      long outputBytes,
      Contract inputContract,
      Contract outputContract) {

    StepDefinition withDependencies(Set<String> dependsOn) {
      return new StepDefinition(
          id,
          function,
          input,
          forEach,
          when,
          needs,
          dependsOn,
          retry,
          timeout,
          memoryBytes,
          outputBytes,
          inputContract,
          outputContract);
    }
  }

  private final List<String> stepIds;
  private final Set<String> aliases;
  private final Problems problems;
  private final List<ExpressionSite> sites;

  /**
   * @param stepIds every step id, in YAML order
   * @param aliases every declared function alias
   * @param sites where to record every expression, so that references are checked even in steps
   *     that have other errors
   */
  StepReader(
      List<String> stepIds, Set<String> aliases, Problems problems, List<ExpressionSite> sites) {
    this.stepIds = stepIds;
    this.aliases = aliases;
    this.problems = problems;
    this.sites = sites;
  }

  /** The step, or empty when something in it is wrong (reported). */
  Optional<Draft> read(YamlMaps.Entry step) {
    int before = problems.count();
    String id = step.key();
    Optional<MappingNode> body =
        YamlFields.mapping(step, problems, "{ function: my-alias, input: ${{ input }} }");
    if (body.isEmpty()) {
      return Optional.empty();
    }
    Map<String, YamlMaps.Entry> fields = YamlMaps.fields(body.get(), step.path(), FIELDS, problems);
    List<ExpressionSite> stepSites = new ArrayList<>();

    String function = function(step, fields.get("function"));
    Template input =
        fields.containsKey("input")
            ? new TemplateReader(problems, stepSites)
                .read(fields.get("input").value(), fields.get("input").path(), id, "input")
            : Template.ofString("${{ input }}");
    Expression forEachSource =
        fields.containsKey("forEach")
            ? soleExpression(
                id, fields.get("forEach"), stepSites, "${{ steps.parse.output.orders }}")
            : null;
    Optional<CompiledFilter> filter =
        Optional.ofNullable(forEachSource)
            .flatMap(e -> ForEachFilter.of(e.source()))
            .flatMap(StepReader::compiled);
    ForEach forEach =
        forEachSource == null
            ? (fields.containsKey("forEach") ? null : ForEach.NONE)
            : forEach(
                fields.get("forEach"),
                forEachSource,
                filter.map(CompiledFilter::list).orElse(forEachSource));
    Expression when = fields.containsKey("when") ? when(id, fields.get("when"), stepSites) : null;
    if (forEach != null && filter.isPresent()) {
      when = withFilter(fields.get("forEach"), filter.get(), when);
    }
    Set<String> needs = fields.containsKey("needs") ? needs(id, fields.get("needs")) : Set.of();
    RetryPolicy retry =
        fields.containsKey("retry")
            ? RetryReader.read(fields.get("retry"), problems)
            : RetryPolicy.DEFAULT;
    Duration timeout =
        fields.containsKey("timeout")
            ? YamlFields.duration(fields.get("timeout"), problems).orElse(null)
            : StepDefinition.DEFAULT_TIMEOUT;
    Limits limits = fields.containsKey("limits") ? limits(fields.get("limits")) : Limits.DEFAULT;
    Contracts contracts =
        fields.containsKey("contract") ? contracts(fields.get("contract")) : Contracts.NONE;

    // Expressions of a broken step are still checked against the other steps: the user gets
    // every error in one go.
    sites.addAll(stepSites);
    if (problems.count() > before) {
      return Optional.empty();
    }
    return Optional.of(
        new Draft(
            id,
            function,
            input,
            forEach,
            when,
            needs,
            retry,
            timeout,
            limits.memoryBytes(),
            limits.outputBytes(),
            contracts.input(),
            contracts.output()));
  }

  private String function(YamlMaps.Entry step, YamlMaps.Entry entry) {
    if (entry == null) {
      problems.at(
          step.value(),
          step.path(),
          "missing 'function': name one of the aliases under functions"
              + (aliases.isEmpty()
                  ? " (there are none yet)"
                  : " (" + String.join(", ", aliases) + ")"));
      return null;
    }
    Optional<String> alias = YamlFields.text(entry, problems);
    if (alias.isPresent() && !aliases.contains(alias.get())) {
      problems.at(
          entry.value(),
          entry.path(),
          "unknown function alias '"
              + alias.get()
              + "'"
              + (aliases.isEmpty()
                  ? ": declare it under functions first"
                  : Suggestions.hint(alias.get(), aliases, "declared")));
      return null;
    }
    return alias.orElse(null);
  }

  /** A field that must be exactly one expression; null when it is not (reported). */
  private Expression soleExpression(
      String id, YamlMaps.Entry entry, List<ExpressionSite> stepSites, String example) {
    Node node = entry.value();
    if (!(node instanceof ScalarNode scalar) || !scalar.getTag().equals(Tag.STR)) {
      problems.at(
          node,
          entry.path(),
          "'" + entry.key() + "' must be one ${{ }} expression, e.g. " + example);
      return null;
    }
    List<ExpressionSite> found = new ArrayList<>();
    Template template =
        new TemplateReader(problems, found).readString(scalar, entry.path(), id, entry.key());
    if (template == null) {
      return null;
    }
    if (!(template instanceof Template.Single single)) {
      problems.at(
          node,
          entry.path(),
          "'"
              + entry.key()
              + "' must be exactly one ${{ }} expression with nothing around it, e.g. "
              + example);
      return null;
    }
    stepSites.addAll(found);
    return single.expression();
  }

  /** The step's condition with the forEach's filter in front; null when they do not combine. */
  private Expression withFilter(YamlMaps.Entry entry, CompiledFilter filter, Expression when) {
    if (when == null) {
      return filter.condition();
    }
    String both = filter.condition().source() + " && (" + when.source() + ")";
    try {
      return Expression.compile(both);
    } catch (InvalidExpressionException e) {
      problems.at(
          entry.value(),
          entry.path(),
          "the forEach's filter and the step's when do not combine into one condition ("
              + e.getMessage()
              + "): move the filter into when");
      return null;
    }
  }

  /** Both halves of a split filter, compiled. */
  private record CompiledFilter(Expression list, Expression condition) {}

  /**
   * Both halves of a split filter, when each compiles on its own: a split that text alone got wrong
   * (a string the splitter misread) leaves the forEach as written.
   */
  private static Optional<CompiledFilter> compiled(ForEachFilter filter) {
    try {
      return Optional.of(
          new CompiledFilter(
              Expression.compile(filter.list()), Expression.compile(filter.condition())));
    } catch (InvalidExpressionException e) {
      return Optional.empty();
    }
  }

  /**
   * What the step runs over: {@code over} is the expression as {@code written}, or for a filtered
   * list ({@code <list>.filter(v, p)}) the list itself, so every element keeps its key and lineage
   * (the filter joins {@code when}).
   */
  private ForEach forEach(YamlMaps.Entry entry, Expression written, Expression over) {
    if (!written.mayYieldList()) {
      problems.at(
          entry.value(),
          entry.path(),
          "forEach must give a list, but this expression gives " + written.resultType());
      return null;
    }
    Optional<Reference> sole = over.soleReference();
    if (sole.isPresent()
        && sole.get().kind() == Reference.Kind.STEP_ITEMS
        && sole.get().path().equals("steps." + sole.get().stepId() + ".items")) {
      return new ForEach.ItemWise(sole.get().stepId());
    }
    Optional<Reference> items =
        written.references().stream()
            .filter(r -> r.kind() == Reference.Kind.STEP_ITEMS)
            .findFirst();
    if (items.isPresent()) {
      String plain = "steps." + items.get().stepId() + ".items";
      problems.at(
          entry.value(),
          entry.path(),
          "forEach over "
              + plain
              + " must be ${{ "
              + plain
              + " }} or ${{ "
              + plain
              + ".filter(i, …) }}, so that each item keeps the key (and lineage) it has in "
              + items.get().stepId()
              + "; a list built from those items (a nested forEach, keys like 17.3) is not"
              + " supported: run over "
              + plain
              + " and shape each item with input: instead");
      return null;
    }
    return new ForEach.OverList(over);
  }

  private Expression when(String id, YamlMaps.Entry entry, List<ExpressionSite> stepSites) {
    Expression expression = soleExpression(id, entry, stepSites, "${{ item.output.total > 0.0 }}");
    if (expression != null && !expression.mayYieldBoolean()) {
      problems.at(
          entry.value(),
          entry.path(),
          "when must give true or false, but this expression gives " + expression.resultType());
      return null;
    }
    return expression;
  }

  private Set<String> needs(String id, YamlMaps.Entry entry) {
    Optional<SequenceNode> list = YamlFields.list(entry, problems, "needs: [parse]");
    Set<String> needs = new LinkedHashSet<>();
    if (list.isEmpty()) {
      return needs;
    }
    List<Node> elements = list.get().getValue();
    for (int i = 0; i < elements.size(); i++) {
      Node element = elements.get(i);
      String path = Paths.index(entry.path(), i);
      if (!(element instanceof ScalarNode scalar) || scalar.getTag().equals(Tag.NULL)) {
        problems.at(
            element, path, "each entry of needs is a step id, not " + YamlFields.article(element));
        continue;
      }
      String need = scalar.getValue();
      if (need.equals(id)) {
        problems.at(element, path, "step '" + id + "' cannot need itself");
      } else if (!stepIds.contains(need)) {
        problems.at(
            element,
            path,
            "unknown step '"
                + need
                + "' in needs"
                + Suggestions.hint(need, stepIds, "known steps"));
      } else if (!needs.add(need)) {
        problems.at(element, path, "'" + need + "' is already in needs: list it once");
      }
    }
    return needs;
  }

  private Limits limits(YamlMaps.Entry entry) {
    Optional<MappingNode> mapping =
        YamlFields.mapping(entry, problems, "{ memory: 32MiB, output: 1MiB }");
    if (mapping.isEmpty()) {
      return Limits.DEFAULT;
    }
    long memoryBytes = Limits.DEFAULT.memoryBytes();
    long outputBytes = Limits.DEFAULT.outputBytes();
    Map<String, YamlMaps.Entry> fields =
        YamlMaps.fields(mapping.get(), entry.path(), LIMIT_FIELDS, problems);
    if (fields.containsKey("memory")) {
      YamlMaps.Entry memory = fields.get("memory");
      OptionalLong bytes = YamlFields.size(memory, problems);
      if (bytes.isPresent() && (bytes.getAsLong() < MIN_MEMORY || bytes.getAsLong() > MAX_MEMORY)) {
        problems.at(
            memory.value(),
            memory.path(),
            "memory must be between 64KiB (one WebAssembly page) and 4GiB (what a 32-bit module"
                + " can address)");
      } else if (bytes.isPresent()) {
        memoryBytes = bytes.getAsLong();
      }
    }
    if (fields.containsKey("output")) {
      outputBytes = YamlFields.size(fields.get("output"), problems).orElse(outputBytes);
    }
    return new Limits(memoryBytes, outputBytes);
  }

  private Contracts contracts(YamlMaps.Entry entry) {
    Optional<MappingNode> mapping =
        YamlFields.mapping(entry, problems, "{ output: { type: object } }");
    if (mapping.isEmpty()) {
      return Contracts.NONE;
    }
    Map<String, YamlMaps.Entry> fields =
        YamlMaps.fields(mapping.get(), entry.path(), CONTRACT_FIELDS, problems);
    return new Contracts(schema(fields.get("input")), schema(fields.get("output")));
  }

  private Contract schema(YamlMaps.Entry entry) {
    return entry == null ? null : SchemaReader.read(entry.value(), entry.path(), problems);
  }

  private record Limits(long memoryBytes, long outputBytes) {
    static final Limits DEFAULT =
        new Limits(StepDefinition.DEFAULT_MEMORY_BYTES, StepDefinition.DEFAULT_OUTPUT_BYTES);
  }

  private record Contracts(Contract input, Contract output) {
    static final Contracts NONE = new Contracts(null, null);
  }
}
