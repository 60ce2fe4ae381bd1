package dev.taproot.ui;

import dev.taproot.definition.DefinitionError;
import dev.taproot.definition.WorkflowCatalog;
import dev.taproot.definition.WorkflowDefinition;
import dev.taproot.definition.WorkflowVersionEntity;
import dev.taproot.function.FunctionRegistry;
import dev.taproot.function.FunctionVersionEntity;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Functions and workflows: their versions, digests, exports and pinned YAML. */
@ApplicationScoped
class CatalogPages {
  private final FunctionRegistry functions;
  private final WorkflowCatalog workflows;

  CatalogPages(FunctionRegistry functions, WorkflowCatalog workflows) {
    this.functions = functions;
    this.workflows = workflows;
  }

  record FunctionVersionRow(
      String ref,
      int version,
      String digest,
      String abi,
      String exports,
      long size,
      String created) {}

  record FunctionRow(String name, String anchor, List<FunctionVersionRow> versions) {}

  /** {@code message} says what the last upload did; {@code error} why it was refused. */
  record FunctionsView(List<FunctionRow> functions, String message, String error) {}

  FunctionsView functions(String message, String error) {
    List<FunctionRow> rows = new ArrayList<>();
    for (String name : functions.names()) {
      List<FunctionVersionRow> versions = new ArrayList<>();
      for (FunctionVersionEntity v : functions.versions(name)) {
        versions.add(
            new FunctionVersionRow(
                v.ref(),
                v.version,
                v.digest,
                v.abi,
                v.exports == null ? "" : v.exports.replace(",", ", "),
                functions.moduleSize(v.digest),
                Text.when(v.createdAt)));
      }
      rows.add(new FunctionRow(name, "fn-" + name, versions));
    }
    return new FunctionsView(rows, message, error);
  }

  record VersionRow(int version, String href, String created, String description) {}

  record WorkflowRow(String name, List<VersionRow> versions, String runsHref) {}

  /** The YAML as lines, with the submission's errors next to the lines they are about. */
  record Line(int number, String text, List<String> errors) {
    public boolean bad() {
      return !errors.isEmpty();
    }
  }

  record ErrorRow(int line, int column, String path, String message, String anchor) {}

  record WorkflowsView(
      List<WorkflowRow> workflows, String yaml, List<Line> lines, List<ErrorRow> errors) {}

  WorkflowsView workflows(String yaml, List<DefinitionError> errors) {
    List<WorkflowRow> rows = new ArrayList<>();
    for (String name : workflows.names()) {
      List<VersionRow> versions = new ArrayList<>();
      for (WorkflowVersionEntity v : workflows.versions(name)) {
        versions.add(
            new VersionRow(
                v.version,
                Links.workflow(name, v.version),
                Text.when(v.createdAt),
                v.description == null ? "" : v.description));
      }
      rows.add(new WorkflowRow(name, versions, "/ui/runs" + Links.query("workflow", name)));
    }
    List<ErrorRow> errorRows =
        errors.stream()
            .map(e -> new ErrorRow(e.line(), e.column(), e.path(), e.message(), "line-" + e.line()))
            .toList();
    return new WorkflowsView(rows, yaml == null ? "" : yaml, lines(yaml, errors), errorRows);
  }

  record AliasRow(String alias, String ref, String digest, String functionHref, String env) {}

  record WorkflowView(
      String name,
      int version,
      String description,
      String created,
      List<Line> lines,
      List<AliasRow> aliases,
      List<String> steps,
      List<VersionRow> versions,
      String runsHref,
      String apiHref) {}

  WorkflowView workflow(String name, int version) {
    WorkflowVersionEntity v = workflows.version(name, version);
    WorkflowDefinition def = workflows.definition(name, version);
    List<AliasRow> aliases = new ArrayList<>();
    def.functions()
        .forEach(
            (alias, a) ->
                aliases.add(
                    new AliasRow(
                        alias,
                        a.ref(),
                        a.resolved().digest(),
                        Links.function(a.resolved().name()),
                        a.env().entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining(", ")))));
    List<VersionRow> versions =
        workflows.versions(name).stream()
            .map(
                x ->
                    new VersionRow(
                        x.version,
                        Links.workflow(name, x.version),
                        Text.when(x.createdAt),
                        x.description == null ? "" : x.description))
            .toList();
    return new WorkflowView(
        name,
        version,
        v.description == null ? "" : v.description,
        Text.when(v.createdAt),
        lines(v.yaml, List.of()),
        aliases,
        def.topologicalOrder(),
        versions,
        "/ui/runs" + Links.query("workflow", name),
        "/api/v1/workflows/" + name + "/versions/" + version);
  }

  private static List<Line> lines(String yaml, List<DefinitionError> errors) {
    if (yaml == null || yaml.isEmpty()) {
      return List.of();
    }
    Map<Integer, List<String>> byLine =
        errors.stream()
            .collect(
                Collectors.groupingBy(
                    DefinitionError::line,
                    Collectors.mapping(
                        e -> "column " + e.column() + ", " + e.path() + ": " + e.message(),
                        Collectors.toList())));
    String[] text = yaml.split("\n", -1);
    List<Line> out = new ArrayList<>();
    for (int i = 0; i < text.length; i++) {
      out.add(new Line(i + 1, text[i], byLine.getOrDefault(i + 1, List.of())));
    }
    // errors past the end (or without a line) are listed on the last line
    int last = text.length;
    List<String> rest =
        byLine.entrySet().stream()
            .filter(e -> e.getKey() < 1 || e.getKey() > last)
            .flatMap(e -> e.getValue().stream())
            .toList();
    if (!rest.isEmpty()) {
      List<String> merged = new ArrayList<>(out.get(last - 1).errors());
      merged.addAll(rest);
      out.set(last - 1, new Line(last, text[last - 1], merged));
    }
    return out;
  }

  static List<String> abis() {
    return Arrays.asList("wasi", "extism");
  }
}
