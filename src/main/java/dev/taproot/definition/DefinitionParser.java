package dev.taproot.definition;

import dev.taproot.expression.Template;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a workflow definition (SPEC §2) strictly: every unknown field, duplicate key, bad value,
 * bad expression, unknown reference and cycle is reported, all at once, each at its line and
 * column. Function refs are resolved and pinned.
 */
public final class DefinitionParser {

  static final List<String> FIELDS =
      List.of("name", "description", "functions", "input", "steps", "output");
  static final List<String> INPUT_FIELDS = List.of("schema");

  private static final Pattern STEP_ID = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

  // A step id is written after "steps." in CEL, where these do not parse as identifiers.
  private static final Set<String> CEL_RESERVED =
      Set.of(
          "true",
          "false",
          "null",
          "in",
          "as",
          "break",
          "const",
          "continue",
          "else",
          "for",
          "function",
          "if",
          "import",
          "let",
          "loop",
          "package",
          "namespace",
          "return",
          "var",
          "void",
          "while");

  private final FunctionResolver resolver;
  private final Problems problems = new Problems();
  private final List<ExpressionSite> sites = new ArrayList<>();

  private DefinitionParser(FunctionResolver resolver) {
    this.resolver = resolver;
  }

  /**
   * @return the definition and its text with refs pinned
   * @throws InvalidDefinitionException listing every problem
   */
  public static ParsedDefinition parse(String yaml, FunctionResolver resolver) {
    Objects.requireNonNull(yaml, "yaml");
    Objects.requireNonNull(resolver, "resolver");
    return new DefinitionParser(resolver).run(yaml);
  }

  private ParsedDefinition run(String yaml) {
    Node root = YamlDocument.compose(yaml, problems);
    if (root instanceof ScalarNode scalar && scalar.getTag().equals(Tag.NULL)) {
      root = null; // "---" alone: a document start with nothing in it
    }
    if (root == null) {
      if (problems.isEmpty()) {
        problems.at(1, 1, "", "the definition is empty: it needs at least name and steps");
      }
      throw new InvalidDefinitionException(problems.all());
    }
    if (!(root instanceof MappingNode mapping)) {
      problems.at(
          root,
          "",
          "a workflow definition is a mapping with name, steps and so on, not "
              + YamlFields.article(root));
      throw new InvalidDefinitionException(problems.all());
    }
    Map<String, YamlMaps.Entry> fields = YamlMaps.fields(mapping, "", FIELDS, problems);

    String name = name(root, fields.get("name"));
    String description =
        fields.containsKey("description")
            ? YamlFields.text(fields.get("description"), problems).orElse(null)
            : null;
    FunctionsReader.Result functions = functions(fields.get("functions"));
    Contract inputSchema = inputSchema(fields.get("input"));
    Map<String, StepReader.Draft> drafts = steps(root, fields.get("steps"), functions.declared());
    Template output =
        fields.containsKey("output")
            ? new TemplateReader(problems, sites)
                .read(fields.get("output").value(), fields.get("output").path(), null, "output")
            : null;

    List<String> order = new ArrayList<>(drafts.keySet());
    Map<String, Set<String>> dependsOn = dependencies(fields.get("steps"), drafts);
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems.all());
    }
    Map<String, StepDefinition> steps = new LinkedHashMap<>();
    drafts.forEach((id, draft) -> steps.put(id, draft.withDependencies(dependsOn.get(id))));
    WorkflowDefinition definition =
        new WorkflowDefinition(
            name,
            description,
            functions.aliases(),
            inputSchema,
            steps,
            output,
            new DependencyGraph(order, dependsOn).topologicalOrder());
    return new ParsedDefinition(definition, PinnedText.pin(yaml, functions.pins()));
  }

  private String name(Node root, YamlMaps.Entry entry) {
    if (entry == null) {
      problems.at(root, "", "missing 'name': name the workflow, e.g. name: orders");
      return null;
    }
    Optional<String> name = YamlFields.text(entry, problems);
    if (name.isPresent() && !WorkflowDefinition.NAME.matcher(name.get()).matches()) {
      problems.at(
          entry.value(),
          entry.path(),
          "bad name '"
              + name.get()
              + "': use lowercase letters, digits and -, starting with a letter, at most 63"
              + " characters, e.g. daily-orders");
      return null;
    }
    return name.orElse(null);
  }

  private FunctionsReader.Result functions(YamlMaps.Entry entry) {
    if (entry == null) {
      return new FunctionsReader.Result(Map.of(), Set.of(), List.of());
    }
    return YamlFields.mapping(entry, problems, "{ parse: { ref: parse-orders } }")
        .map(mapping -> FunctionsReader.read(mapping, entry.path(), resolver, problems))
        .orElseGet(() -> new FunctionsReader.Result(Map.of(), Set.of(), List.of()));
  }

  private Contract inputSchema(YamlMaps.Entry entry) {
    if (entry == null) {
      return null;
    }
    Optional<MappingNode> mapping =
        YamlFields.mapping(entry, problems, "{ schema: { type: object } }");
    if (mapping.isEmpty()) {
      return null;
    }
    YamlMaps.Entry schema =
        YamlMaps.fields(mapping.get(), entry.path(), INPUT_FIELDS, problems).get("schema");
    return schema == null ? null : SchemaReader.read(schema.value(), schema.path(), problems);
  }

  private Map<String, StepReader.Draft> steps(
      Node root, YamlMaps.Entry entry, Set<String> aliases) {
    Map<String, StepReader.Draft> drafts = new LinkedHashMap<>();
    if (entry == null) {
      problems.at(
          root,
          "",
          "missing 'steps': a workflow needs at least one step, e.g. steps: { parse: {"
              + " function: parse } }");
      return drafts;
    }
    Optional<MappingNode> mapping =
        YamlFields.mapping(entry, problems, "{ parse: { function: parse } }");
    if (mapping.isEmpty()) {
      return drafts;
    }
    Map<String, YamlMaps.Entry> steps = YamlMaps.entries(mapping.get(), entry.path(), problems);
    if (steps.isEmpty()) {
      problems.at(
          entry.value(), entry.path(), "steps is empty: a workflow needs at least one step");
      return drafts;
    }
    List<String> ids = List.copyOf(steps.keySet());
    StepReader reader = new StepReader(ids, aliases, problems, sites);
    for (YamlMaps.Entry step : steps.values()) {
      boolean goodId = stepId(step);
      Optional<StepReader.Draft> draft = reader.read(step);
      if (goodId && draft.isPresent()) {
        drafts.put(step.key(), draft.get());
      }
    }
    return drafts;
  }

  private boolean stepId(YamlMaps.Entry step) {
    String id = step.key();
    if (!STEP_ID.matcher(id).matches()) {
      problems.at(
          step.keyNode(),
          step.path(),
          "bad step id '"
              + id
              + "': expressions write it as steps."
              + id
              + ".output, so use letters, digits and _ (no -), starting with a letter or _, at"
              + " most 63 characters");
      return false;
    }
    if (CEL_RESERVED.contains(id)) {
      problems.at(
          step.keyNode(),
          step.path(),
          "bad step id '" + id + "': it is a reserved word in CEL expressions; pick another");
      return false;
    }
    return true;
  }

  /**
   * Each step's upstream: its needs plus the steps its expressions use. Reports bad references and
   * cycles; steps that failed to read still take part, so their references are checked too.
   */
  private Map<String, Set<String>> dependencies(
      YamlMaps.Entry stepsEntry, Map<String, StepReader.Draft> drafts) {
    Map<String, Boolean> forEachByStep = new LinkedHashMap<>();
    Map<String, YamlMaps.Entry> written = new LinkedHashMap<>();
    if (stepsEntry != null && stepsEntry.value() instanceof MappingNode stepsMapping) {
      // Read again for the shape only: these problems were reported on the first reading.
      written = YamlMaps.entries(stepsMapping, stepsEntry.path(), new Problems());
      written.forEach(
          (id, step) ->
              forEachByStep.put(
                  id,
                  step.value() instanceof MappingNode body
                      && YamlMaps.entries(body, step.path(), new Problems())
                          .containsKey("forEach")));
    }
    Map<String, Set<String>> referenced =
        new ReferenceChecker(forEachByStep, problems).check(sites);
    Map<String, Set<String>> dependsOn = new LinkedHashMap<>();
    for (String id : forEachByStep.keySet()) {
      Set<String> upstream = new LinkedHashSet<>();
      StepReader.Draft draft = drafts.get(id);
      if (draft != null) {
        upstream.addAll(draft.needs());
      }
      upstream.addAll(referenced.get(id));
      dependsOn.put(id, upstream);
    }
    for (List<String> cycle :
        new DependencyGraph(List.copyOf(forEachByStep.keySet()), dependsOn).cycles()) {
      YamlMaps.Entry first = written.get(cycle.get(0));
      problems.at(
          first.keyNode(),
          first.path(),
          "cycle: "
              + String.join(" -> ", cycle)
              + " (each step uses the one before it); remove a reference or a needs entry to"
              + " break it");
    }
    return dependsOn;
  }
}
