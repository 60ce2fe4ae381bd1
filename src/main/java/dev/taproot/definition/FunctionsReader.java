package dev.taproot.definition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/** Reads {@code functions}: aliases, their refs resolved and pinned, env and export. */
final class FunctionsReader {

  static final List<String> FIELDS = List.of("ref", "env", "export");

  private static final Pattern ALIAS = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,62}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern EXPORT = Pattern.compile("[A-Za-z_][A-Za-z0-9_.$-]*");

  /**
   * @param aliases the aliases that are wholly valid
   * @param declared every alias name written, valid or not, so steps are not told twice
   */
  record Result(
      Map<String, FunctionAlias> aliases,
      Set<String> declared,
      List<PinnedText.Replacement> pins) {}

  private final FunctionResolver resolver;
  private final Problems problems;
  private final Map<FunctionRef, Resolution> resolved = new HashMap<>();
  private final Map<String, FunctionAlias> aliases = new LinkedHashMap<>();
  private final Set<String> declared = new LinkedHashSet<>();
  private final List<PinnedText.Replacement> pins = new ArrayList<>();

  private FunctionsReader(FunctionResolver resolver, Problems problems) {
    this.resolver = resolver;
    this.problems = problems;
  }

  static Result read(
      MappingNode functions, String path, FunctionResolver resolver, Problems problems) {
    FunctionsReader reader = new FunctionsReader(resolver, problems);
    for (YamlMaps.Entry entry : YamlMaps.entries(functions, path, problems).values()) {
      reader.alias(entry);
    }
    return new Result(reader.aliases, reader.declared, reader.pins);
  }

  private void alias(YamlMaps.Entry entry) {
    String alias = entry.key();
    declared.add(alias);
    boolean ok = true;
    if (!ALIAS.matcher(alias).matches()) {
      problems.at(
          entry.keyNode(),
          entry.path(),
          "bad function alias '"
              + alias
              + "': start with a letter or _, then letters, digits, _ or -, at most 63 in all");
      ok = false;
    }
    Optional<MappingNode> body = YamlFields.mapping(entry, problems, "{ ref: my-function@1 }");
    if (body.isEmpty()) {
      return;
    }
    Map<String, YamlMaps.Entry> fields =
        YamlMaps.fields(body.get(), entry.path(), FIELDS, problems);
    Optional<ResolvedFunction> function = ref(entry, fields.get("ref"));
    Map<String, String> env = fields.containsKey("env") ? env(fields.get("env")) : Map.of();
    String export = FunctionAlias.DEFAULT_EXPORT;
    if (fields.containsKey("export")) {
      YamlMaps.Entry exportEntry = fields.get("export");
      Optional<String> written = YamlFields.text(exportEntry, problems);
      if (written.isEmpty()) {
        ok = false;
      } else if (!EXPORT.matcher(written.get()).matches()) {
        problems.at(
            exportEntry.value(),
            exportEntry.path(),
            "bad export '" + written.get() + "': name an exported function, e.g. run");
        ok = false;
      } else if (function.isPresent() && !function.get().isPlugin()) {
        problems.at(
            exportEntry.keyNode(),
            exportEntry.path(),
            "export only applies to extism plug-ins, and "
                + function.get().pinnedRef()
                + " is a "
                + function.get().abi()
                + " module (it runs _start); remove export");
        ok = false;
      } else {
        export = written.get();
      }
    }
    if (ok && function.isPresent() && !exported(function.get(), export)) {
      YamlMaps.Entry where =
          fields.containsKey("export") ? fields.get("export") : fields.get("ref");
      problems.at(
          where.value(),
          where.path(),
          "plug-in "
              + function.get().pinnedRef()
              + " exports no function '"
              + export
              + "'"
              + (fields.containsKey("export") ? "" : " (the default export)")
              + "; it exports "
              + (function.get().exports().isEmpty()
                  ? "none"
                  : String.join(", ", function.get().exports()))
              + ": name one of them with export:");
      ok = false;
    }
    if (ok && env != null && function.isPresent()) {
      aliases.put(
          alias, new FunctionAlias(alias, function.get().pinnedRef(), function.get(), env, export));
    }
  }

  /** Whether a step can call {@code export}; wasi modules run _start and have no export to name. */
  private static boolean exported(ResolvedFunction function, String export) {
    return !function.isPlugin() || function.exports().contains(export);
  }

  private Optional<ResolvedFunction> ref(YamlMaps.Entry alias, YamlMaps.Entry refEntry) {
    if (refEntry == null) {
      problems.at(
          alias.value(),
          alias.path(),
          "missing 'ref': name the function, e.g. ref: my-function (latest), my-function@3 or"
              + " sha256:<digest>");
      return Optional.empty();
    }
    if (!(refEntry.value() instanceof ScalarNode node) || node.getTag().equals(Tag.NULL)) {
      YamlFields.text(refEntry, problems);
      return Optional.empty();
    }
    FunctionRef ref;
    try {
      ref = FunctionRef.parse(node.getValue());
    } catch (IllegalArgumentException e) {
      problems.at(node, refEntry.path(), e.getMessage());
      return Optional.empty();
    }
    Resolution resolution = resolved.computeIfAbsent(ref, resolver::resolve);
    if (resolution instanceof Resolution.Found found) {
      pins.add(new PinnedText.Replacement(node, found.function().pinnedRef()));
      return Optional.of(found.function());
    }
    problems.at(node, refEntry.path(), ((Resolution.NotFound) resolution).reason());
    return Optional.empty();
  }

  /** The env map, or null when some part is wrong (reported). */
  private Map<String, String> env(YamlMaps.Entry entry) {
    Optional<MappingNode> mapping = YamlFields.mapping(entry, problems, "{ CURRENCY: EUR }");
    if (mapping.isEmpty()) {
      return null;
    }
    Map<String, String> env = new LinkedHashMap<>();
    boolean ok = true;
    for (YamlMaps.Entry variable :
        YamlMaps.entries(mapping.get(), entry.path(), problems).values()) {
      if (!ENV_NAME.matcher(variable.key()).matches()) {
        problems.at(
            variable.keyNode(),
            variable.path(),
            "bad variable name '" + variable.key() + "': use letters, digits and _, e.g. CURRENCY");
        ok = false;
      } else if (variable.key().startsWith("TAPROOT_")) {
        problems.at(
            variable.keyNode(),
            variable.path(),
            "'" + variable.key() + "' is reserved: the engine sets the TAPROOT_ variables itself");
        ok = false;
      }
      // Any scalar is fine as a value: DEBUG: true and PORT: 8080 mean their text.
      Optional<String> value = YamlFields.text(variable, problems);
      ok &= value.isPresent();
      value.ifPresent(v -> env.put(variable.key(), v));
    }
    return ok && env.size() == mapping.get().getValue().size() ? env : null;
  }
}
